/**
 * The virtual-time kernel: one binary heap of events ordered by (timeMs, seq), where seq is a
 * monotonically increasing insertion counter, so ties break deterministically in the order the
 * events were scheduled (as in SimPy's (time, priority, counter) queue).
 *
 * The scheduler is also xstate's clock (`setTimeout`/`clearTimeout`), so every `after` delay of
 * a firmware machine runs in virtual time.
 *
 * Keys live in typed arrays and callbacks in a parallel array: no per-event object is allocated
 * on the hot path.
 */

/** Identifies a scheduled event, for {@link Scheduler.cancel}. */
export type EventId = number;

export type EventCallback = () => void;

/** What stopped a run. */
export type RunStop = 'time' | 'condition' | 'empty';

export interface Scheduler {
  /** Current virtual time in milliseconds. */
  readonly nowMs: number;
  /** Events executed so far (cancelled events are not counted). */
  readonly eventsProcessed: number;
  /** Time of the most recently executed event (the start time before any). */
  readonly lastEventMs: number;
  /** Events scheduled and not yet executed or cancelled. */
  readonly pendingEvents: number;
  /** Schedules `fn` at absolute virtual time `timeMs` (never before now). */
  at(timeMs: number, fn: EventCallback): EventId;
  /** Schedules `fn` `delayMs` after now. */
  after(delayMs: number, fn: EventCallback): EventId;
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
  let nowMs = startMs;
  let nextSeq = 0;
  let eventsProcessed = 0;
  let lastEventMs = startMs;
  let size = 0;
  let times = new Float64Array(initialCapacity);
  let seqs = new Float64Array(initialCapacity);
  const fns: (EventCallback | undefined)[] = new Array(initialCapacity);
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

  const less = (i: number, j: number): boolean =>
    times[i]! < times[j]! || (times[i] === times[j] && seqs[i]! < seqs[j]!);

  function swap(i: number, j: number): void {
    const t = times[i]!;
    times[i] = times[j]!;
    times[j] = t;
    const q = seqs[i]!;
    seqs[i] = seqs[j]!;
    seqs[j] = q;
    const f = fns[i];
    fns[i] = fns[j];
    fns[j] = f;
  }

  function grow(): void {
    const capacity = times.length * 2;
    const t = new Float64Array(capacity);
    t.set(times);
    times = t;
    const q = new Float64Array(capacity);
    q.set(seqs);
    seqs = q;
    fns.length = capacity;
  }

  function push(timeMs: number, fn: EventCallback): EventId {
    if (!(timeMs >= nowMs)) {
      throw new RangeError(`event time must be a number ≥ now (${nowMs} ms), got ${timeMs}`);
    }
    if (size === times.length) grow();
    const seq = nextSeq++;
    let i = size++;
    times[i] = timeMs;
    seqs[i] = seq;
    fns[i] = fn;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(i, parent)) break;
      swap(i, parent);
      i = parent;
    }
    return seq;
  }

  /** Removes the root; returns its callback and leaves its time in `poppedTimeMs`. */
  let poppedTimeMs = 0;
  function pop(): EventCallback {
    poppedTimeMs = times[0]!;
    const fn = fns[0]!;
    size--;
    if (size > 0) {
      times[0] = times[size]!;
      seqs[0] = seqs[size]!;
      fns[0] = fns[size];
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= size) break;
        const right = left + 1;
        const child = right < size && less(right, left) ? right : left;
        if (!less(child, i)) break;
        swap(i, child);
        i = child;
      }
    }
    fns[size] = undefined;
    return fn;
  }

  /** Drops cancelled events from the top of the heap. */
  function skipCancelled(): void {
    while (size > 0 && cancelledPending > 0 && isFinished(seqs[0]!)) {
      cancelledPending--;
      pop();
    }
  }

  function step(): boolean {
    skipCancelled();
    if (size === 0) return false;
    markFinished(seqs[0]!);
    const fn = pop();
    nowMs = poppedTimeMs;
    lastEventMs = poppedTimeMs;
    eventsProcessed++;
    fn();
    return true;
  }

  const scheduler: Scheduler = {
    get nowMs() {
      return nowMs;
    },
    get eventsProcessed() {
      return eventsProcessed;
    },
    get lastEventMs() {
      return lastEventMs;
    },
    get pendingEvents() {
      return size - cancelledPending;
    },
    at: push,
    after(delayMs, fn) {
      return push(nowMs + delayMs, fn);
    },
    cancel(id) {
      if (!(id >= 0 && id < nextSeq) || isFinished(id)) return;
      markFinished(id);
      cancelledPending++;
    },
    setTimeout(fn, delayMs) {
      return push(nowMs + Math.max(0, delayMs), fn);
    },
    clearTimeout(id) {
      scheduler.cancel(id);
    },
    peekTimeMs() {
      skipCancelled();
      return size > 0 ? times[0] : undefined;
    },
    step,
    runUntil(endMs, stopWhen) {
      if (!(endMs >= nowMs)) throw new RangeError(`runUntil end must be ≥ now (${nowMs} ms), got ${endMs}`);
      for (;;) {
        skipCancelled();
        if (size === 0 || times[0]! > endMs) break;
        step();
        if (stopWhen?.()) return 'condition';
      }
      const stop: RunStop = size === 0 ? 'empty' : 'time';
      nowMs = endMs;
      return stop;
    },
  };
  return scheduler;
}
