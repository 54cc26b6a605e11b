/**
 * The virtual-time kernel: one queue of events ordered by (timeMs, seq), where seq is a
 * monotonically increasing insertion counter, so ties break deterministically in the order the
 * events were scheduled (as in SimPy's (time, priority, counter) queue).
 *
 * Events are integer records (time, seq, kind, arg) in typed arrays, dispatched by kind to a
 * handler registered once (`kind`): the hot path allocates nothing per event. A callback
 * (`at`, `after`) is the kind 0 with its function in a side table, for rare events.
 * Timers that are re-armed far more often than they fire (a node's predicted death) live in a
 * second, indexed heap (`timers`, timer-heap.ts) with the same (timeMs, seq) keys from the same
 * counter, so the order of execution is exactly what one heap with cancellations would give.
 *
 * The scheduler is also xstate's clock (`setTimeout`/`clearTimeout`), so every `after` delay of
 * a firmware machine runs in virtual time.
 *
 * Its parts: the state record and the steps that run it (scheduler-core.ts), the heap of
 * integer records (event-heap.ts) and the calendar of far events in front of it
 * (far-events.ts), timer families (timer-families.ts) and its checkpoint
 * (scheduler-checkpoint.ts).
 */
import { checkpointScheduler, restoreScheduler } from './scheduler-checkpoint.ts';
import { cancel, createSchedulerCore, dueBy, heldEvents, LAST_EVENT, NOW, peekTimeMs, schedule, scheduleCallback, setNow, step } from './scheduler-core.ts';
import type { Continuation, SchedulerState } from './scheduler-state.ts';
import { addTimerFamily, type TimerFamily } from './timer-families.ts';

export type { Continuation, SchedulerState } from './scheduler-state.ts';
export type { TimerFamily } from './timer-families.ts';

/** Identifies a scheduled event, for {@link Scheduler.cancel}. */
export type EventId = number;

export type EventCallback = () => void;

/** A registered event kind (see {@link Scheduler.kind}). */
export type EventKind = number;

/** What stopped a run. */
export type RunStop = 'time' | 'condition' | 'empty';

export interface Scheduler {
  /** Current virtual time in milliseconds. */
  readonly nowMs: number;
  /** Events executed so far (cancelled events are not counted). */
  readonly eventsProcessed: number;
  /** Time of the most recently executed event (the start time before any). */
  readonly lastEventMs: number;
  /** Events scheduled and not yet executed or cancelled (armed timers included). */
  readonly pendingEvents: number;
  /** Schedules `fn` at absolute virtual time `timeMs` (never before now). */
  at(timeMs: number, fn: EventCallback): EventId;
  /** Schedules `fn` `delayMs` after now. */
  after(delayMs: number, fn: EventCallback): EventId;
  /** Registers the handler of an event kind; `atKind` schedules events of it with an integer argument. */
  kind(handler: (arg: number) => void): EventKind;
  /** Schedules an event of `kind` with `arg` at absolute virtual time `timeMs`. */
  atKind(timeMs: number, kind: EventKind, arg: number): EventId;
  /** Runs a continuation's handler now (not an event: nothing is counted). */
  invoke(continuation: Continuation): void;
  /** `count` re-armable timers that call `handler(index)` when they fire. */
  timers(count: number, handler: (index: number) => void): TimerFamily;
  /** Cancels a pending event; cancelling an executed or unknown event does nothing. */
  cancel(id: EventId): void;
  /** xstate clock interface: same as {@link Scheduler.after}. */
  setTimeout(fn: EventCallback, delayMs: number): EventId;
  /** xstate clock interface: same as {@link Scheduler.cancel}. */
  clearTimeout(id: EventId): void;
  /** Time of the earliest pending event, or undefined when none is pending. */
  peekTimeMs(): number | undefined;
  /** Executes the earliest pending event; false when there was none. */
  step(): boolean;
  /**
   * Executes every event with time ≤ `endMs`, then advances the clock to `endMs`.
   * Stops early, right after an event, when `stopWhen` returns true.
   */
  runUntil(endMs: number, stopWhen?: () => boolean): RunStop;
  /**
   * The queue and the clock, for a simulation checkpoint (checkpoint-state.ts). Events are
   * integer records; a pending callback (kind 0: a closure) cannot be saved, and throws
   * CheckpointUnsupportedError.
   */
  checkpoint(): SchedulerState;
  /** Takes back a state on a scheduler whose kinds and timers were registered in the same order. */
  restore(state: SchedulerState): void;
}


/** Event kinds a scheduler takes (2^21: far-events.ts packs a kind and an argument into one double). */
const maxKinds = 2 ** 21;

/**
 * Creates an empty scheduler at virtual time `startMs` (0 by default).
 *
 * @example
 * const s = createScheduler();
 * s.after(5, () => console.log(s.nowMs)); // prints 5
 * s.runUntil(10);
 */
export function createScheduler(startMs = 0): Scheduler {
  const core = createSchedulerCore(startMs);
  const { clock, handlers } = core;
  const scheduler: Scheduler = {
    // Kept equal to the clock by the core (scheduler-core.ts, `setNow`). Made a double field
    // from the start (NaN is not a small integer): a field that first held 0 changes its
    // object's shape at the first fractional time.
    nowMs: Number.NaN,
    get eventsProcessed() {
      return core.eventsProcessed;
    },
    get lastEventMs() {
      return clock[LAST_EVENT]!;
    },
    get pendingEvents() {
      return heldEvents(core) - core.cancelledPending + core.timerHeap.size;
    },
    at: (timeMs, fn) => scheduleCallback(core, timeMs, fn),
    after: (delayMs, fn) => scheduleCallback(core, clock[NOW]! + delayMs, fn),
    kind(handler) {
      // A far event packs its kind and argument into one double (far-events.ts).
      if (handlers.length >= maxKinds) throw new RangeError(`at most ${maxKinds} event kinds, asked for one more`);
      handlers.push(handler);
      return handlers.length - 1;
    },
    atKind(timeMs, kind, arg) {
      if (!(kind > 0 && kind < handlers.length)) throw new RangeError(`unknown event kind ${kind}`);
      return schedule(core, timeMs, kind, arg);
    },
    invoke({ kind, arg }) {
      if (!(kind > 0 && kind < handlers.length)) throw new RangeError(`unknown event kind ${kind}`);
      handlers[kind]!(arg);
    },
    timers: (count, handler) => addTimerFamily(core, count, handler),
    cancel: (id) => cancel(core, id),
    setTimeout: (fn, delayMs) => scheduleCallback(core, clock[NOW]! + Math.max(0, delayMs), fn),
    clearTimeout: (id) => cancel(core, id),
    peekTimeMs: () => peekTimeMs(core),
    step: () => step(core),
    checkpoint: () => checkpointScheduler(core),
    restore: (state) => restoreScheduler(core, state),
    runUntil(endMs, stopWhen) {
      if (!(endMs >= clock[NOW]!)) throw new RangeError(`runUntil end must be ≥ now (${clock[NOW]} ms), got ${endMs}`);
      while (dueBy(core, endMs)) {
        step(core);
        if (stopWhen?.()) return 'condition';
      }
      const stop: RunStop = heldEvents(core) === 0 && core.timerHeap.size === 0 ? 'empty' : 'time';
      setNow(core, endMs);
      return stop;
    },
  };
  core.face = scheduler;
  setNow(core, startMs);
  return scheduler;
}
