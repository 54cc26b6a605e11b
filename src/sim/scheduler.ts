/**
 * The virtual-time kernel: one binary heap of events ordered by (timeMs, seq), where seq is a
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
 */
import { CheckpointUnsupportedError } from './checkpoint-state.ts';
import { createTimerHeap } from './timer-heap.ts';
import type { Continuation, SchedulerState } from './scheduler-state.ts';

export type { Continuation, SchedulerState } from './scheduler-state.ts';

/** Identifies a scheduled event, for {@link Scheduler.cancel}. */
export type EventId = number;

export type EventCallback = () => void;

/** A registered event kind (see {@link Scheduler.kind}). */
export type EventKind = number;


/** What stopped a run. */
export type RunStop = 'time' | 'condition' | 'empty';

/** A family of re-armable timers, one per index (see {@link Scheduler.timers}). */
export interface TimerFamily {
  /** Arms (or re-arms) timer `index` at `timeMs` (never before now); it takes the next seq. */
  set(index: number, timeMs: number): void;
  clear(index: number): void;
  pending(index: number): boolean;
}

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


const initialCapacity = 1024;

/**
 * Creates an empty scheduler at virtual time `startMs` (0 by default).
 *
 * @example
 * const s = createScheduler();
 * s.after(5, () => console.log(s.nowMs)); // prints 5
 * s.runUntil(10);
 */
export function createScheduler(startMs = 0): Scheduler {
  // The clock's doubles in a typed array: a number stored in a closure's variable is a heap
  // object of its own, allocated again at every store (once per event); an array slot is not.
  const clock = new Float64Array(3);
  const NOW = 0;
  const LAST_EVENT = 1;
  const POPPED_TIME = 2;
  clock[NOW] = startMs;
  clock[LAST_EVENT] = startMs;
  let nextSeq = 0;
  let eventsProcessed = 0;
  let size = 0;
  // The heap: entry i's (time, seq) at keys[2i], keys[2i + 1] (a comparison reads one cache
  // line), and its (kind, arg) at data[2i], data[2i + 1].
  let keys = new Float64Array(2 * initialCapacity);
  let data = new Int32Array(2 * initialCapacity);
  /** Kind 0: a callback from the side table, by slot; freed slots are reused. */
  const callbacks: (EventCallback | undefined)[] = [];
  const freeCallbacks: number[] = [];
  const handlers: ((arg: number) => void)[] = [runCallback];
  const timerHeap = createTimerHeap();
  /** Per timer slot: its family's handler and the index within the family. */
  const timerHandlers: ((index: number) => void)[] = [];
  let timerIndex = new Int32Array(16);
  let timerSlots = 0;
  /**
   * One bit per event id, set once the event has run or been cancelled. Cancelled events stay
   * in the heap and are dropped when they reach the top (lazy deletion), so `cancel` is O(1).
   */
  let finished = new Uint32Array(1024);
  let cancelledPending = 0;
  const isFinished = (id: number): boolean => (finished[id >>> 5]! & (1 << (id & 31))) !== 0;
  const markFinished = (id: number): void => {
    const word = id >>> 5;
    if (word >= finished.length) {
      const grown = new Uint32Array(Math.max(finished.length * 2, word + 1));
      grown.set(finished);
      finished = grown;
    }
    finished[word]! |= 1 << (id & 31);
  };

  function runCallback(slot: number): void {
    const fn = callbacks[slot]!;
    callbacks[slot] = undefined;
    freeCallbacks.push(slot);
    fn();
  }

  function grow(): void {
    const k = new Float64Array(keys.length * 2);
    k.set(keys);
    keys = k;
    const d = new Int32Array(data.length * 2);
    d.set(data);
    data = d;
  }

  function push(timeMs: number, kind: number, arg: number): EventId {
    if (!(timeMs >= clock[NOW]!)) {
      throw new RangeError(`event time must be a number ≥ now (${clock[NOW]} ms), got ${timeMs}`);
    }
    if (2 * size === keys.length) grow();
    const seq = nextSeq++;
    let i = size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentTime = keys[2 * parent]!;
      if (!(timeMs < parentTime || (timeMs === parentTime && seq < keys[2 * parent + 1]!))) break;
      keys[2 * i] = parentTime;
      keys[2 * i + 1] = keys[2 * parent + 1]!;
      data[2 * i] = data[2 * parent]!;
      data[2 * i + 1] = data[2 * parent + 1]!;
      i = parent;
    }
    keys[2 * i] = timeMs;
    keys[2 * i + 1] = seq;
    data[2 * i] = kind;
    data[2 * i + 1] = arg;
    return seq;
  }

  function pushCallback(timeMs: number, fn: EventCallback): EventId {
    const slot = freeCallbacks.length > 0 ? freeCallbacks.pop()! : callbacks.length;
    callbacks[slot] = fn;
    return push(timeMs, 0, slot);
  }

  /** Removes the root, leaving its time in clock[POPPED_TIME], its kind and arg in the popped* variables. */
  let poppedKind = 0;
  let poppedArg = 0;
  function pop(): void {
    clock[POPPED_TIME] = keys[0]!;
    poppedKind = data[0]!;
    poppedArg = data[1]!;
    size--;
    if (size === 0) return;
    // Sift the last entry down from the root.
    const t = keys[2 * size]!;
    const q = keys[2 * size + 1]!;
    const kind = data[2 * size]!;
    const arg = data[2 * size + 1]!;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      let child = left;
      let childTime = keys[2 * left]!;
      if (right < size) {
        const rightTime = keys[2 * right]!;
        if (rightTime < childTime || (rightTime === childTime && keys[2 * right + 1]! < keys[2 * left + 1]!)) {
          child = right;
          childTime = rightTime;
        }
      }
      if (!(childTime < t || (childTime === t && keys[2 * child + 1]! < q))) break;
      keys[2 * i] = childTime;
      keys[2 * i + 1] = keys[2 * child + 1]!;
      data[2 * i] = data[2 * child]!;
      data[2 * i + 1] = data[2 * child + 1]!;
      i = child;
    }
    keys[2 * i] = t;
    keys[2 * i + 1] = q;
    data[2 * i] = kind;
    data[2 * i + 1] = arg;
  }

  /** Drops cancelled events from the top of the heap. */
  function skipCancelled(): void {
    while (size > 0 && cancelledPending > 0 && isFinished(keys[1]!)) {
      cancelledPending--;
      pop();
      if (poppedKind === 0) {
        callbacks[poppedArg] = undefined;
        freeCallbacks.push(poppedArg);
      }
    }
  }

  /** Whether the next event is a timer rather than a heap event (both queues non-empty or one). */
  function timerFirst(): boolean {
    if (timerHeap.size === 0) return false;
    if (size === 0) return true;
    return timerHeap.precedes(keys[0]!, keys[1]!);
  }

  /** Whether an event is due at or before `endMs` (numbers compared in place: nothing is boxed per event). */
  function dueBy(endMs: number): boolean {
    skipCancelled();
    return (size > 0 && keys[0]! <= endMs) || timerHeap.dueBy(endMs);
  }

  function step(): boolean {
    skipCancelled();
    if (timerFirst()) {
      const timeMs = timerHeap.topTimeMs();
      clock[NOW] = timeMs;
      clock[LAST_EVENT] = timeMs;
      eventsProcessed++;
      const slot = timerHeap.pop();
      timerHandlers[slot]!(timerIndex[slot]!);
      return true;
    }
    if (size === 0) return false;
    markFinished(keys[1]!);
    pop();
    clock[NOW] = clock[POPPED_TIME]!;
    clock[LAST_EVENT] = clock[POPPED_TIME]!;
    eventsProcessed++;
    handlers[poppedKind]!(poppedArg);
    return true;
  }

  function peekTimeMs(): number | undefined {
    skipCancelled();
    if (timerFirst()) return timerHeap.topTimeMs();
    return size > 0 ? keys[0] : undefined;
  }

  const scheduler: Scheduler = {
    get nowMs() {
      return clock[NOW]!;
    },
    get eventsProcessed() {
      return eventsProcessed;
    },
    get lastEventMs() {
      return clock[LAST_EVENT]!;
    },
    get pendingEvents() {
      return size - cancelledPending + timerHeap.size;
    },
    at: pushCallback,
    after(delayMs, fn) {
      return pushCallback(clock[NOW]! + delayMs, fn);
    },
    kind(handler) {
      handlers.push(handler);
      return handlers.length - 1;
    },
    atKind(timeMs, kind, arg) {
      if (!(kind > 0 && kind < handlers.length)) throw new RangeError(`unknown event kind ${kind}`);
      return push(timeMs, kind, arg);
    },
    invoke({ kind, arg }) {
      if (!(kind > 0 && kind < handlers.length)) throw new RangeError(`unknown event kind ${kind}`);
      handlers[kind]!(arg);
    },
    timers(count, handler) {
      const base = timerSlots;
      timerSlots += count;
      timerHeap.reserve(timerSlots);
      if (timerIndex.length < timerSlots) {
        const grown = new Int32Array(Math.max(timerSlots, 2 * timerIndex.length));
        grown.set(timerIndex);
        timerIndex = grown;
      }
      for (let i = 0; i < count; i++) {
        timerHandlers[base + i] = handler;
        timerIndex[base + i] = i;
      }
      return {
        set(index, timeMs) {
          if (!(timeMs >= clock[NOW]!)) throw new RangeError(`timer time must be a number ≥ now (${clock[NOW]} ms), got ${timeMs}`);
          timerHeap.set(base + index, timeMs, nextSeq++);
        },
        clear(index) {
          timerHeap.clear(base + index);
        },
        pending(index) {
          return timerHeap.pending(base + index);
        },
      };
    },
    cancel(id) {
      if (!(id >= 0 && id < nextSeq) || isFinished(id)) return;
      markFinished(id);
      cancelledPending++;
    },
    setTimeout(fn, delayMs) {
      return pushCallback(clock[NOW]! + Math.max(0, delayMs), fn);
    },
    clearTimeout(id) {
      scheduler.cancel(id);
    },
    peekTimeMs,
    step,
    checkpoint() {
      for (let i = 0; i < size; i++) {
        if (data[2 * i] === 0 && !isFinished(keys[2 * i + 1]!)) throw new CheckpointUnsupportedError(`a callback is pending at ${keys[2 * i]} ms`);
      }
      return {
        nowMs: clock[NOW]!,
        nextSeq,
        eventsProcessed,
        lastEventMs: clock[LAST_EVENT]!,
        size,
        keys: keys.slice(0, 2 * size),
        data: data.slice(0, 2 * size),
        finished: finished.slice(0, (nextSeq >>> 5) + 1),
        cancelledPending,
        kinds: handlers.length,
        timerSlots,
        timers: timerHeap.checkpoint(),
      };
    },
    restore(state) {
      if (state.kinds !== handlers.length || state.timerSlots !== timerSlots) {
        throw new RangeError(`checkpoint: ${state.kinds} event kinds and ${state.timerSlots} timers, this simulation has ${handlers.length} and ${timerSlots}: not the same scenario`);
      }
      ({ nextSeq, eventsProcessed, size, cancelledPending } = state);
      clock[NOW] = state.nowMs;
      clock[LAST_EVENT] = state.lastEventMs;
      keys = new Float64Array(Math.max(2 * initialCapacity, 2 * size));
      keys.set(state.keys);
      data = new Int32Array(keys.length);
      data.set(state.data);
      finished = new Uint32Array(Math.max(1024, state.finished.length));
      finished.set(state.finished);
      callbacks.length = 0;
      freeCallbacks.length = 0;
      timerHeap.restore(state.timers);
    },
    runUntil(endMs, stopWhen) {
      if (!(endMs >= clock[NOW]!)) throw new RangeError(`runUntil end must be ≥ now (${clock[NOW]} ms), got ${endMs}`);
      while (dueBy(endMs)) {
        step();
        if (stopWhen?.()) return 'condition';
      }
      const stop: RunStop = size === 0 && timerHeap.size === 0 ? 'empty' : 'time';
      clock[NOW] = endMs;
      return stop;
    },
  };
  return scheduler;
}
