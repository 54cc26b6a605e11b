/**
 * The timer heap's far timers (timer-heap.ts): a timer armed 2^50 ms ahead or later while out of
 * the heap waits in its record only. Against a reference built from cancellable callbacks (one
 * heap holding everything), random runs mixing near, far and infinite timers with re-arming,
 * clearing, events, steps, peeks, runs over spans, runs to the far times and checkpoint restores
 * give the same firings in the same order, the same peeks and the same counts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScheduler, type Scheduler } from '../../src/sim/scheduler.ts';
import { farTimerMs } from '../../src/sim/timer-heap.ts';

const slots = 6;
/** How far ahead a timer or an event goes: soon, later, past the far bound (just, well, at infinity). */
const delay = fc.oneof(
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: 0, max: 5_000 }),
  fc.constantFrom(farTimerMs, farTimerMs + 1, 2 ** 51, 1e20, Number.POSITIVE_INFINITY),
);
type Op =
  | { readonly op: 'set'; readonly slot: number; readonly delayMs: number }
  | { readonly op: 'clear'; readonly slot: number }
  | { readonly op: 'event'; readonly delayMs: number }
  | { readonly op: 'step' }
  | { readonly op: 'peek' }
  | { readonly op: 'run'; readonly byMs: number }
  | { readonly op: 'save' };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), slot: fc.nat({ max: slots - 1 }), delayMs: delay }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('clear' as const), slot: fc.nat({ max: slots - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('event' as const), delayMs: delay }) },
  { weight: 2, arbitrary: fc.constant({ op: 'step' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'peek' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('run' as const), byMs: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constant(2 ** 52)) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'save' as const }) },
);

/** The scheduler under test: `slots` timers and an event kind, each firing into `seen`. */
function withTimers(seen: string[]) {
  const s = createScheduler();
  const timers = s.timers(slots, (i) => seen.push(`t${i}@${s.nowMs}`));
  const kind = s.kind((arg) => seen.push(`e${arg}@${s.nowMs}`));
  return { s, timers, kind };
}

/** The reference: each timer a callback, cancelled and scheduled again when re-armed. */
function reference(seen: string[]) {
  const s: Scheduler = createScheduler();
  const ids = new Array<number | undefined>(slots);
  return {
    s,
    set(slot: number, timeMs: number) {
      if (ids[slot] !== undefined) s.cancel(ids[slot]!);
      ids[slot] = s.at(timeMs, () => {
        ids[slot] = undefined;
        seen.push(`t${slot}@${s.nowMs}`);
      });
    },
    clear(slot: number) {
      if (ids[slot] !== undefined) s.cancel(ids[slot]!);
      ids[slot] = undefined;
    },
  };
}

describe('far timers (timer-heap.ts)', () => {
  it('fire, peek and count as one heap of every timer does, over 400 random runs with checkpoint restores', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const a: string[] = [];
        const b: string[] = [];
        let tested = withTimers(a);
        const ref = reference(b);
        let events = 0;
        for (const step of ops) {
          const { s, timers, kind } = tested;
          if (step.op === 'set') {
            const timeMs = s.nowMs + step.delayMs;
            timers.set(step.slot, timeMs);
            ref.set(step.slot, timeMs);
          } else if (step.op === 'clear') {
            timers.clear(step.slot);
            ref.clear(step.slot);
          } else if (step.op === 'event') {
            const arg = events++;
            s.atKind(s.nowMs + step.delayMs, kind, arg);
            ref.s.at(s.nowMs + step.delayMs, () => b.push(`e${arg}@${ref.s.nowMs}`));
          } else if (step.op === 'step') {
            expect(s.step()).toBe(ref.s.step());
          } else if (step.op === 'peek') {
            expect(s.peekTimeMs()).toBe(ref.s.peekTimeMs());
          } else if (step.op === 'run') {
            const until = s.nowMs + step.byMs;
            expect(s.runUntil(until)).toBe(ref.s.runUntil(until));
          } else {
            // A fresh scheduler takes up from the checkpoint (its timers and kind made in the same order first).
            const saved = s.checkpoint();
            const next = withTimers(a);
            next.s.restore(saved);
            expect(next.s.checkpoint()).toEqual(saved);
            tested = next;
          }
          expect(tested.s.pendingEvents).toBe(ref.s.pendingEvents);
          expect(a).toEqual(b);
        }
        while (tested.s.step()) expect(ref.s.step()).toBe(true);
        expect(ref.s.step()).toBe(false);
        expect(a).toEqual(b);
        expect(tested.s.eventsProcessed).toBe(ref.s.eventsProcessed);
      }),
      { numRuns: 400, seed: 50 },
    );
  });

  it('keeps a mains node’s death out of the heap until a question reaches it: the near timers fire in order around it', () => {
    const seen: string[] = [];
    const { s, timers } = withTimers(seen);
    timers.set(0, 1e20); // far
    timers.set(1, 30);
    timers.set(0, 5e19); // earlier, still far
    timers.set(2, 20);
    expect(s.runUntil(1000)).toBe('time');
    expect(seen).toEqual(['t2@20', 't1@30']);
    expect(s.pendingEvents).toBe(1);
    expect(s.peekTimeMs()).toBe(5e19);
    timers.set(1, 2000);
    expect(s.step()).toBe(true);
    expect(s.step()).toBe(true);
    expect(seen).toEqual(['t2@20', 't1@30', 't1@2000', 't0@50000000000000000000']);
    expect(s.step()).toBe(false);
  });
});
