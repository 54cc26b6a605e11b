/**
 * Families of re-armable timers (Scheduler.timers): each family takes `count` consecutive slots
 * of the scheduler's timer heap (timer-heap.ts); a timer takes the next seq when armed, from the
 * same counter as the events, so timers and events interleave as one queue would order them.
 */
import { NOW, type SchedulerCore } from './scheduler-core.ts';

/** A family of re-armable timers, one per index (see {@link Scheduler.timers}). */
export interface TimerFamily {
  /** Arms (or re-arms) timer `index` at `timeMs` (never before now); it takes the next seq. */
  set(index: number, timeMs: number): void;
  clear(index: number): void;
  pending(index: number): boolean;
}

/** `count` timers that call `handler(index)` when they fire. */
export function addTimerFamily(core: SchedulerCore, count: number, handler: (index: number) => void): TimerFamily {
  const base = core.timerSlots;
  core.timerSlots += count;
  const { timerHeap, clock } = core;
  timerHeap.reserve(core.timerSlots);
  if (core.timerIndex.length < core.timerSlots) {
    const grown = new Int32Array(Math.max(core.timerSlots, 2 * core.timerIndex.length));
    grown.set(core.timerIndex);
    core.timerIndex = grown;
  }
  for (let i = 0; i < count; i++) {
    core.timerHandlers[base + i] = handler;
    core.timerIndex[base + i] = i;
  }
  return {
    set(index, timeMs) {
      if (!(timeMs >= clock[NOW]!)) throw new RangeError(`timer time must be a number ≥ now (${clock[NOW]} ms), got ${timeMs}`);
      timerHeap.set(base + index, timeMs, core.nextSeq++);
    },
    clear(index) {
      timerHeap.clear(base + index);
    },
    pending(index) {
      return timerHeap.pending(base + index);
    },
  };
}
