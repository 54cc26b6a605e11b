/** What a scheduler saves in a checkpoint, and continuations: what runs after a piece of work, as data. */
import type { TimerHeapState } from './timer-heap.ts';

/** A registered event kind (see Scheduler.kind). */
type EventKind = number;

/**
 * What runs after a piece of work, as data (a checkpoint can hold it, a closure it cannot):
 * the handler of `kind` is called with `arg` (see {@link Scheduler.invoke}).
 */
export interface Continuation {
  readonly kind: EventKind;
  readonly arg: number;
}

export interface SchedulerState {
  readonly nowMs: number;
  readonly nextSeq: number;
  readonly eventsProcessed: number;
  readonly lastEventMs: number;
  readonly size: number;
  readonly keys: Float64Array;
  readonly data: Int32Array;
  readonly finished: Uint32Array;
  readonly cancelledPending: number;
  readonly kinds: number;
  readonly timerSlots: number;
  readonly timers: TimerHeapState;
}
