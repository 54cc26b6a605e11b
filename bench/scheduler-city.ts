/**
 * The scheduler with a city's queue (src/sim/far-events.ts says why): every node has its next
 * message pending, on average 1,000 s ahead, and each message an end event 0–1.5 s after it;
 * each event touches a cache line of its node's state, as a simulation's would. Nanoseconds per
 * event of `createScheduler` (the calendar of far events in front of its heap), and of the
 * queue alone on the same event sequence: the calendar in front of the 4-ary heap, against one
 * heap of every pending event (what the scheduler's queue was before 2026-12-07); at 200,
 * 10,000 and 100,000 nodes, best of 3.
 */
import { pushEvent, removeTop, type EventHeap } from '../src/sim/event-heap.ts';
import { addFar, bringNearest, createFarEvents, horizonMs } from '../src/sim/far-events.ts';
import { createScheduler } from '../src/sim/scheduler.ts';

const meanGapMs = 1_000_000;
/** Events per case: about the 10,000-node day's. */
const eventsPerCase = 1_700_000;

/** A seeded uniform draw in [0, 1) (an LCG: the same sequence for both queues). */
function draws(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

const gapMs = (next: () => number): number => -meanGapMs * Math.log(1 - next());

/** ns per event through the scheduler. */
function throughScheduler(nodes: number): number {
  const next = draws(12345);
  const state = new Float64Array(nodes * 8);
  const s = createScheduler();
  const end = s.kind((i) => state[i * 8 + 1]!++);
  const message = s.kind((i) => {
    state[i * 8]!++;
    s.atKind(s.nowMs + 1500 * next(), end, i);
    s.atKind(s.nowMs + gapMs(next), message, i);
  });
  for (let i = 0; i < nodes; i++) s.atKind(gapMs(next), message, i);
  const started = performance.now();
  while (s.eventsProcessed < eventsPerCase) s.step();
  return ((performance.now() - started) * 1e6) / s.eventsProcessed;
}

/**
 * ns per event of the queue alone, dispatching the same two kinds: one heap of every pending
 * event, or (`calendar`) the far events' calendar in front of the heap.
 */
function queueAlone(nodes: number, calendar: boolean): number {
  const next = draws(12345);
  const state = new Float64Array(nodes * 8);
  const heap: EventHeap = { keys: new Float64Array(2048), data: new Int32Array(2048), size: 0 };
  const far = createFarEvents(0);
  const push = (timeMs: number, seq: number, kind: number, arg: number): void => {
    if (!calendar || timeMs < horizonMs(far)) pushEvent(heap, timeMs, seq, kind, arg);
    else addFar(far, timeMs, seq, kind, arg);
  };
  let seq = 0;
  for (let i = 0; i < nodes; i++) push(gapMs(next), seq++, 1, i);
  const started = performance.now();
  for (let events = 0; events < eventsPerCase; events++) {
    if (heap.size === 0) bringNearest(far, heap);
    const nowMs = heap.keys[0]!;
    const kind = heap.data[0]!;
    const i = heap.data[1]!;
    removeTop(heap);
    if (kind === 2) state[i * 8 + 1]!++;
    else {
      state[i * 8]!++;
      push(nowMs + 1500 * next(), seq++, 2, i);
      push(nowMs + gapMs(next), seq++, 1, i);
    }
  }
  return ((performance.now() - started) * 1e6) / eventsPerCase;
}

const best = (measure: () => number): number => Math.min(measure(), measure(), measure());
for (const nodes of [200, 10_000, 100_000]) {
  const scheduler = best(() => throughScheduler(nodes));
  const withCalendar = best(() => queueAlone(nodes, true));
  const oneHeap = best(() => queueAlone(nodes, false));
  console.log(
    `scheduler with a city's queue, ${nodes.toLocaleString('en')} nodes: createScheduler ${scheduler.toFixed(0)} ns/event; the queue alone ${withCalendar.toFixed(0)} ns/event with the calendar of far events, ` +
      `${oneHeap.toFixed(0)} through one heap of every pending event (best of 3, ${eventsPerCase.toLocaleString('en')} events)`,
  );
}
