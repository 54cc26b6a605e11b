import { describe, expect, it, vi } from 'vitest';
import { createActor, createMachine } from 'xstate';
import { createScheduler } from '../../src/sim/scheduler.ts';

describe('createScheduler', () => {
  it('starts at virtual time 0 with nothing pending, or at the given start time', () => {
    const s = createScheduler();
    expect(s.nowMs).toBe(0);
    expect(s.pendingEvents).toBe(0);
    expect(s.eventsProcessed).toBe(0);
    expect(s.peekTimeMs()).toBeUndefined();
    expect(createScheduler(250).nowMs).toBe(250);
  });

  it('executes events in time order, whatever order they were scheduled in', () => {
    const s = createScheduler();
    const seen: string[] = [];
    s.at(30, () => seen.push('c@30'));
    s.at(10, () => seen.push('a@10'));
    s.at(20, () => seen.push('b@20'));
    s.at(5, () => seen.push('z@5'));
    s.runUntil(100);
    expect(seen).toEqual(['z@5', 'a@10', 'b@20', 'c@30']);
  });

  it('breaks ties between equal times by insertion order', () => {
    const s = createScheduler();
    const seen: number[] = [];
    // Interleave two times so that the heap has to reorder; within each time, order must hold.
    for (let i = 0; i < 50; i++) s.at(i % 2 === 0 ? 7 : 3, () => seen.push(i));
    s.runUntil(10);
    const odd = Array.from({ length: 25 }, (_, k) => 2 * k + 1);
    const even = Array.from({ length: 25 }, (_, k) => 2 * k);
    expect(seen).toEqual([...odd, ...even]);
  });

  it('keeps (time, seq) order across 3,000 events, beyond the initial heap capacity of 1,024', () => {
    const s = createScheduler();
    const seen: [number, number][] = [];
    for (let i = 0; i < 3000; i++) {
      const t = (i * 7919) % 101; // 101 distinct times, each repeated ~30 times, scattered
      s.at(t, () => seen.push([t, i]));
    }
    expect(s.pendingEvents).toBe(3000);
    s.runUntil(200);
    expect(seen).toHaveLength(3000);
    const sorted = [...seen].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(seen).toEqual(sorted);
  });

  it('runs an event scheduled with after(0) from inside a callback in the same run, after the events already queued for that time', () => {
    const s = createScheduler();
    const seen: string[] = [];
    s.at(10, () => {
      seen.push('first');
      s.after(0, () => seen.push('nested@' + s.nowMs));
    });
    s.at(10, () => seen.push('second'));
    s.runUntil(10);
    expect(seen).toEqual(['first', 'second', 'nested@10']);
  });

  it('sets nowMs to the time of the event being executed', () => {
    const s = createScheduler();
    const times: number[] = [];
    s.at(12.5, () => times.push(s.nowMs));
    s.after(40, () => times.push(s.nowMs));
    s.runUntil(100);
    expect(times).toEqual([12.5, 40]);
  });

  describe('runUntil', () => {
    it('executes events with time ≤ endMs, leaves later ones pending, and advances the clock to endMs', () => {
      const s = createScheduler();
      const seen: number[] = [];
      s.at(10, () => seen.push(10));
      s.at(20, () => seen.push(20));
      s.at(20.000001, () => seen.push(20.000001));
      expect(s.runUntil(20)).toBe('time');
      expect(seen).toEqual([10, 20]);
      expect(s.nowMs).toBe(20);
      expect(s.pendingEvents).toBe(1);
      expect(s.peekTimeMs()).toBe(20.000001);
    });

    it("advances the clock to endMs and answers 'empty' when no event is pending", () => {
      const s = createScheduler();
      expect(s.runUntil(1234.5)).toBe('empty');
      expect(s.nowMs).toBe(1234.5);
      expect(s.eventsProcessed).toBe(0);
    });

    it("answers 'empty' after executing the last event, and still advances to endMs", () => {
      const s = createScheduler();
      s.at(3, () => undefined);
      expect(s.runUntil(50)).toBe('empty');
      expect(s.nowMs).toBe(50);
    });

    it("stops right after the event that makes stopWhen true, answers 'condition' and leaves the clock at that event", () => {
      const s = createScheduler();
      let count = 0;
      for (let t = 1; t <= 10; t++) s.at(t, () => count++);
      expect(s.runUntil(100, () => count === 4)).toBe('condition');
      expect(count).toBe(4);
      expect(s.nowMs).toBe(4);
      expect(s.pendingEvents).toBe(6);
      expect(s.eventsProcessed).toBe(4);
    });

    it('does not consult stopWhen when no event runs', () => {
      const s = createScheduler();
      const stopWhen = vi.fn(() => true);
      expect(s.runUntil(10, stopWhen)).toBe('empty');
      expect(stopWhen).not.toHaveBeenCalled();
      expect(s.nowMs).toBe(10);
    });

    it('throws RangeError for an end time before now', () => {
      const s = createScheduler();
      s.runUntil(100);
      expect(() => s.runUntil(99)).toThrow(RangeError);
      expect(() => s.runUntil(Number.NaN)).toThrow(RangeError);
      expect(s.nowMs).toBe(100);
    });
  });

  describe('step', () => {
    it('executes exactly the earliest pending event and answers false once none is left', () => {
      const s = createScheduler();
      const seen: number[] = [];
      s.at(5, () => seen.push(5));
      s.at(2, () => seen.push(2));
      expect(s.step()).toBe(true);
      expect(seen).toEqual([2]);
      expect(s.nowMs).toBe(2);
      expect(s.step()).toBe(true);
      expect(s.step()).toBe(false);
      expect(seen).toEqual([2, 5]);
      expect(s.nowMs).toBe(5);
    });
  });

  describe('scheduling in the past', () => {
    it('throws RangeError naming the offending time, and schedules nothing', () => {
      const s = createScheduler();
      s.runUntil(50);
      expect(() => s.at(49.9, () => undefined)).toThrow(RangeError);
      expect(() => s.at(49.9, () => undefined)).toThrow(/49\.9/);
      expect(() => s.after(-1, () => undefined)).toThrow(RangeError);
      expect(() => s.at(Number.NaN, () => undefined)).toThrow(RangeError);
      expect(s.pendingEvents).toBe(0);
    });

    it('accepts an event at exactly now', () => {
      const s = createScheduler(50);
      const fn = vi.fn();
      s.at(50, fn);
      s.runUntil(50);
      expect(fn).toHaveBeenCalledTimes(1);
    });

    it('clamps a negative setTimeout delay to 0, as timers do', () => {
      const s = createScheduler(10);
      s.setTimeout(() => undefined, -5);
      expect(s.peekTimeMs()).toBe(10);
    });
  });

  describe('cancel and clearTimeout', () => {
    it('cancel prevents a pending event from running and removes it from pendingEvents', () => {
      const s = createScheduler();
      const kept = vi.fn();
      const dropped = vi.fn();
      s.at(1, kept);
      const id = s.at(2, dropped);
      s.at(3, kept);
      expect(s.pendingEvents).toBe(3);
      s.cancel(id);
      expect(s.pendingEvents).toBe(2);
      s.runUntil(10);
      expect(dropped).not.toHaveBeenCalled();
      expect(kept).toHaveBeenCalledTimes(2);
      expect(s.pendingEvents).toBe(0);
    });

    it('cancelling the earliest event makes peekTimeMs report the next one', () => {
      const s = createScheduler();
      const id = s.at(1, () => undefined);
      s.at(4, () => undefined);
      s.cancel(id);
      expect(s.peekTimeMs()).toBe(4);
      expect(s.pendingEvents).toBe(1);
    });

    it('cancelling the same id twice counts it once', () => {
      const s = createScheduler();
      const id = s.at(5, () => undefined);
      s.at(6, () => undefined);
      s.cancel(id);
      s.cancel(id);
      expect(s.pendingEvents).toBe(1);
      s.runUntil(10);
      expect(s.pendingEvents).toBe(0);
      expect(s.eventsProcessed).toBe(1);
    });

    it('cancelling an executed id does nothing, even when later events are pending', () => {
      const s = createScheduler();
      const executed = s.at(1, () => undefined);
      const later = vi.fn();
      s.at(5, later);
      s.runUntil(2);
      s.cancel(executed);
      expect(s.pendingEvents).toBe(1);
      s.runUntil(10);
      expect(later).toHaveBeenCalledTimes(1);
      expect(s.pendingEvents).toBe(0);
    });

    it('cancelling an unknown id (never issued, negative) does nothing', () => {
      const s = createScheduler();
      s.at(1, () => undefined);
      s.cancel(999);
      s.cancel(-1);
      expect(s.pendingEvents).toBe(1);
    });

    it('an event may cancel another event due at the same time', () => {
      const s = createScheduler();
      const victim = vi.fn();
      let victimId = -1;
      s.at(5, () => s.cancel(victimId));
      victimId = s.at(5, victim);
      s.runUntil(5);
      expect(victim).not.toHaveBeenCalled();
      expect(s.eventsProcessed).toBe(1);
    });

    it('clearTimeout cancels what setTimeout scheduled', () => {
      const s = createScheduler();
      const fn = vi.fn();
      const id = s.setTimeout(fn, 100);
      expect(s.peekTimeMs()).toBe(100);
      s.clearTimeout(id);
      expect(s.pendingEvents).toBe(0);
      expect(s.runUntil(200)).toBe('empty');
      expect(fn).not.toHaveBeenCalled();
    });

    it("runUntil answers 'empty' when every remaining event was cancelled", () => {
      const s = createScheduler();
      s.at(1, () => undefined);
      const a = s.at(50, () => undefined);
      const b = s.at(60, () => undefined);
      s.cancel(b);
      s.cancel(a);
      expect(s.runUntil(10)).toBe('empty');
    });
  });

  it('eventsProcessed counts executed events only, not cancelled or still-pending ones', () => {
    const s = createScheduler();
    for (let t = 1; t <= 5; t++) s.at(t, () => undefined);
    const cancelled = s.at(2.5, () => undefined);
    s.at(100, () => undefined);
    s.cancel(cancelled);
    s.runUntil(10);
    expect(s.eventsProcessed).toBe(5);
    expect(s.pendingEvents).toBe(1);
  });

  describe('as the xstate clock', () => {
    const machine = createMachine({
      id: 'delayed',
      initial: 'waiting',
      states: {
        waiting: {
          after: { 1000: 'done' },
          on: { LEAVE: 'elsewhere' },
        },
        done: {},
        elsewhere: {},
      },
    });

    it('runs an after: { 1000 } transition in virtual time, at exactly 1,000 ms', () => {
      const s = createScheduler();
      const actor = createActor(machine, { clock: s });
      const transitions: [string, number][] = [];
      actor.subscribe((snapshot) => transitions.push([String(snapshot.value), s.nowMs]));
      actor.start();
      try {
        expect(s.pendingEvents).toBe(1);
        expect(s.peekTimeMs()).toBe(1000);
        s.runUntil(999.9);
        expect(actor.getSnapshot().value).toBe('waiting');
        s.runUntil(1000);
        expect(actor.getSnapshot().value).toBe('done');
        expect(transitions.at(-1)).toEqual(['done', 1000]);
        expect(s.eventsProcessed).toBe(1);
      } finally {
        actor.stop();
      }
    });

    it('clears the delayed transition through clearTimeout when the state is left first', () => {
      const s = createScheduler();
      const clearTimeout = vi.spyOn(s, 'clearTimeout');
      const actor = createActor(machine, { clock: s });
      actor.start();
      try {
        s.runUntil(500);
        actor.send({ type: 'LEAVE' });
        expect(actor.getSnapshot().value).toBe('elsewhere');
        expect(clearTimeout).toHaveBeenCalledTimes(1);
        expect(s.pendingEvents).toBe(0);
        s.runUntil(5000);
        expect(actor.getSnapshot().value).toBe('elsewhere');
        expect(s.eventsProcessed).toBe(0);
      } finally {
        actor.stop();
      }
    });
  });
});

describe('event kinds and timers', () => {
  it('dispatches integer events to the handler of their kind, in (time, seq) order with callbacks', () => {
    const s = createScheduler();
    const seen: string[] = [];
    const ping = s.kind((arg) => seen.push(`ping ${arg}@${s.nowMs}`));
    s.atKind(5, ping, 7);
    s.at(5, () => seen.push(`cb@${s.nowMs}`));
    s.atKind(2, ping, -3);
    s.runUntil(10);
    expect(seen).toEqual(['ping -3@2', 'ping 7@5', 'cb@5']);
    expect(s.eventsProcessed).toBe(3);
    expect(() => s.atKind(20, 99, 0)).toThrow(/unknown event kind 99/);
  });

  it('re-arms a timer in place: only its last setting fires, ordered with events by the seq it took when set', () => {
    const s = createScheduler();
    const seen: string[] = [];
    const timers = s.timers(3, (index) => seen.push(`timer ${index}@${s.nowMs}`));
    for (let k = 0; k < 1000; k++) timers.set(1, 100 + k);
    timers.set(1, 50);
    s.at(50, () => seen.push('cb@50')); // scheduled after the timer's last setting: runs after it
    timers.set(0, 50); // set after the callback: runs after it
    timers.set(2, 70);
    timers.clear(2);
    expect(s.pendingEvents).toBe(3);
    s.runUntil(1000);
    expect(seen).toEqual(['timer 1@50', 'cb@50', 'timer 0@50']);
    expect(timers.pending(1)).toBe(false);
    expect(s.eventsProcessed).toBe(3);
  });

  it('gives the same order as one heap with cancellations, over 20,000 random operations', () => {
    let state = 99;
    const rand = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 2 ** 32;
    };
    const withTimers = createScheduler();
    const withCancel = createScheduler();
    const a: string[] = [];
    const b: string[] = [];
    const timers = withTimers.timers(8, (i) => a.push(`t${i}@${withTimers.nowMs}`));
    const ids = new Array<number | undefined>(8);
    for (let op = 0; op < 20_000; op++) {
      const r = rand();
      const i = Math.floor(rand() * 8);
      const t = withTimers.nowMs + Math.floor(rand() * 50);
      if (r < 0.5) {
        timers.set(i, t);
        if (ids[i] !== undefined) withCancel.cancel(ids[i]!);
        ids[i] = withCancel.at(t, () => {
          ids[i] = undefined;
          b.push(`t${i}@${withCancel.nowMs}`);
        });
      } else if (r < 0.6) {
        timers.clear(i);
        if (ids[i] !== undefined) withCancel.cancel(ids[i]!);
        ids[i] = undefined;
      } else if (r < 0.8) {
        withTimers.at(t, () => a.push(`e${op}@${withTimers.nowMs}`));
        withCancel.at(t, () => b.push(`e${op}@${withCancel.nowMs}`));
      } else {
        const until = withTimers.nowMs + Math.floor(rand() * 20);
        withTimers.runUntil(until);
        withCancel.runUntil(until);
      }
    }
    withTimers.runUntil(1e9);
    withCancel.runUntil(1e9);
    expect(a.length).toBeGreaterThan(5000);
    expect(a).toEqual(b);
    expect(withTimers.eventsProcessed).toBe(withCancel.eventsProcessed);
  });

  it('keeps the slot of a cancelled callback that a checkpoint still queues, so that a callback scheduled after the restore runs', () => {
    const first = createScheduler();
    first.cancel(first.at(10, () => undefined));
    const restored = createScheduler();
    restored.restore(first.checkpoint());
    const ran: number[] = [];
    restored.at(20, () => ran.push(restored.nowMs));
    expect(restored.runUntil(100)).toBe('empty');
    expect(ran).toEqual([20]);
  });
});
