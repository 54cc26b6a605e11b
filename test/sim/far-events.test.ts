import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketMs } from '../../src/sim/far-events.ts';
import { createScheduler, type Scheduler } from '../../src/sim/scheduler.ts';

/** How far ahead an event goes: within the heap's bucket, a few buckets on, across the ring, past the ring (2.3 h) into the overflow, past counted buckets, to infinity. */
const delay = fc.oneof(
  fc.integer({ min: 0, max: 2 * bucketMs }).map((ms) => ms / 2),
  fc.integer({ min: 0, max: 50_000 }),
  fc.integer({ min: 0, max: 9_000_000 }),
  fc.integer({ min: 8_000_000, max: 60_000_000 }),
  fc.constantFrom(2 ** 51, Number.POSITIVE_INFINITY),
);
type Op = { readonly op: 'add'; readonly delayMs: number } | { readonly op: 'cancel'; readonly pick: number } | { readonly op: 'step' } | { readonly op: 'advance'; readonly byMs: number } | { readonly op: 'save' };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: delay.map((delayMs) => ({ op: 'add' as const, delayMs })) },
  { weight: 1, arbitrary: fc.nat().map((pick) => ({ op: 'cancel' as const, pick })) },
  { weight: 4, arbitrary: fc.constant({ op: 'step' as const }) },
  { weight: 1, arbitrary: delay.map((byMs) => ({ op: 'advance' as const, byMs })) },
  { weight: 1, arbitrary: fc.constant({ op: 'save' as const }) },
);

/** A scheduler whose one event kind records (time, arg) and, for every third arg, schedules a follow-up from inside the handler. */
function recording(seen: [number, number][], follow: (s: Scheduler, arg: number) => void): { s: Scheduler; kind: number } {
  const s = createScheduler();
  const kind = s.kind((arg) => {
    seen.push([s.nowMs, arg]);
    follow(s, arg);
  });
  return { s, kind };
}

describe('the scheduler with far events (far-events.ts)', () => {
  it('runs events in (time, seq) order under 300 random runs mixing near, far, overflow and infinite times, cancellations, nested events, runs over spans and checkpoint restores', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        // The reference: every event scheduled, with its time, its seq (scheduling order) and whether it was cancelled.
        const reference: { timeMs: number; seq: number; arg: number; cancelled: boolean }[] = [];
        const ids = new Map<number, number>();
        const seen: [number, number][] = [];
        let nextArg = 0;
        const follow = (s: Scheduler, arg: number): void => {
          if (arg % 3 !== 0) return;
          const child = nextArg++;
          const timeMs = s.nowMs + ((arg * 7919) % 20_000);
          ids.set(child, s.atKind(timeMs, current.kind, child));
          reference.push({ timeMs, seq: reference.length, arg: child, cancelled: false });
        };
        let current = recording(seen, follow);
        for (const step of ops) {
          const { s, kind } = current;
          if (step.op === 'add') {
            const arg = nextArg++;
            const timeMs = s.nowMs + step.delayMs;
            ids.set(arg, s.atKind(timeMs, kind, arg));
            reference.push({ timeMs, seq: reference.length, arg, cancelled: false });
          } else if (step.op === 'cancel' && reference.length > 0) {
            const event = reference[step.pick % reference.length]!;
            s.cancel(ids.get(event.arg)!);
            // Cancelling an event that ran does nothing.
            if (!seen.some(([, arg]) => arg === event.arg)) event.cancelled = true;
          } else if (step.op === 'step') {
            s.step();
          } else if (step.op === 'advance') {
            s.runUntil(s.nowMs + step.byMs);
          } else if (step.op === 'save') {
            // A fresh scheduler takes up from the checkpoint, and its own checkpoint is the same.
            const saved = s.checkpoint();
            const next = recording(seen, follow);
            next.s.restore(saved);
            expect(next.s.checkpoint()).toEqual(saved);
            current = next;
          }
        }
        current.s.runUntil(Number.POSITIVE_INFINITY);
        expect(current.s.pendingEvents).toBe(0);
        // Every event ran once, not cancelled before it ran, in (time, seq) order.
        const ran = new Set(seen.map(([, arg]) => arg));
        const expected = reference.filter((event) => ran.has(event.arg));
        expected.sort((a, b) => a.timeMs - b.timeMs || a.seq - b.seq);
        expect(seen).toEqual(expected.map((event) => [event.timeMs, event.arg]));
        expect(seen).toHaveLength(ran.size);
        expect(reference.filter((event) => !event.cancelled).map((event) => event.arg)).toEqual(expected.map((event) => event.arg).sort((a, b) => a - b));
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it('runs an event held past the ring (2.3 h ahead) before a later one that came into the ring once the horizon moved on', () => {
    const seen: [number, number][] = [];
    const { s, kind } = recording(seen, () => undefined);
    s.atKind(9e6, kind, 1); // past the ring's reach from time 0 (8,192 × 1,024 ms = 8,388,608 ms)
    s.atKind(1e6, kind, 2);
    s.atKind(5e6, kind, 5); // the horizon moves to it once the event at 1e6 ms ran
    s.runUntil(1e6);
    s.atKind(9.1e6, kind, 3); // within the ring's reach from 1e6 ms
    s.atKind(8.9e6, kind, 4);
    s.runUntil(1e7);
    expect(seen).toEqual([[1e6, 2], [5e6, 5], [8.9e6, 4], [9e6, 1], [9.1e6, 3]]);
  });

  it('runs events tens of thousands of years ahead and at infinity last, in (time, seq) order, and peeks at them without hanging', () => {
    const seen: [number, number][] = [];
    const { s, kind } = recording(seen, () => undefined);
    s.atKind(Number.POSITIVE_INFINITY, kind, 1);
    s.atKind(2 ** 51, kind, 2);
    s.atKind(5, kind, 3);
    s.atKind(Number.POSITIVE_INFINITY, kind, 4);
    s.atKind(1e300, kind, 5);
    expect(s.runUntil(10)).toBe('time');
    expect(s.peekTimeMs()).toBe(2 ** 51);
    expect(s.pendingEvents).toBe(4);
    expect(s.step()).toBe(true);
    s.atKind(2 ** 51 + 1e6, kind, 6);
    while (s.step()) if (s.nowMs === Number.POSITIVE_INFINITY && seen.length === 6) s.atKind(Number.POSITIVE_INFINITY, kind, 7);
    expect(seen).toEqual([[5, 3], [2 ** 51, 2], [2 ** 51 + 1e6, 6], [1e300, 5], [Number.POSITIVE_INFINITY, 1], [Number.POSITIVE_INFINITY, 4], [Number.POSITIVE_INFINITY, 7]]);
    expect(s.peekTimeMs()).toBeUndefined();
  });

  it('takes up from a clock where buckets are not counted (2^63 ms, −1e20 ms, −infinity): a restore and a start run their events instead of hanging', () => {
    const seen: [number, number][] = [];
    const first = recording(seen, () => undefined);
    first.s.runUntil(2 ** 63);
    first.s.atKind(2 ** 63 + 2048, first.kind, 1);
    const restored = recording(seen, () => undefined);
    restored.s.restore(first.s.checkpoint());
    expect(restored.s.step()).toBe(true);
    for (const startMs of [-1e20, Number.NEGATIVE_INFINITY]) {
      const s = createScheduler(startMs);
      const kind = s.kind((arg) => seen.push([s.nowMs, arg]));
      s.atKind(startMs + 16384, kind, 2);
      expect(s.peekTimeMs()).toBe(startMs + 16384);
      expect(s.step()).toBe(true);
    }
    expect(seen).toEqual([[2 ** 63 + 2048, 1], [-1e20 + 16384, 2], [Number.NEGATIVE_INFINITY, 2]]);
  });

  it('refuses a kind past the 2^21 that a far event can carry', () => {
    const s = createScheduler();
    for (let k = 1; k < 2 ** 21; k++) s.kind(() => undefined);
    expect(() => s.kind(() => undefined)).toThrow('at most 2097152 event kinds, asked for one more');
  });

  it('saves its events in (time, seq) order, near and far alike', () => {
    const s = createScheduler();
    const kind = s.kind(() => undefined);
    for (const timeMs of [9e7, 5, 3000, 5, 1e6, 0.5, 4e4]) s.atKind(timeMs, kind, timeMs);
    const saved = s.checkpoint();
    expect(Array.from(saved.keys)).toEqual([0.5, 5, 5, 1, 5, 3, 3000, 2, 4e4, 6, 1e6, 4, 9e7, 0]);
    expect(Array.from(saved.data)).toEqual([kind, 0, kind, 5, kind, 5, kind, 3000, kind, 4e4, kind, 1e6, kind, 9e7].map((v) => v | 0));
  });
});
