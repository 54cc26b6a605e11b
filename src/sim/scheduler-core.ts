/**
 * The scheduler's state as one explicit record, and the steps that run it (scheduler.ts): the
 * event heap (event-heap.ts) of the events before the horizon and the calendar of those after
 * it (far-events.ts), the clock, the callback side table, the timer heap (timer-heap.ts) and
 * the marks of finished events.
 */
import { pushEvent, removeTop, type EventHeap } from './event-heap.ts';
import { addFar, bringNearest, createFarEvents, farCount, horizonMs, type FarEvents } from './far-events.ts';
import { createTimerHeap, type TimerHeap } from './timer-heap.ts';
import type { EventCallback, EventId } from './scheduler.ts';

/** Slots of the clock. */
export const NOW = 0;
export const LAST_EVENT = 1;

export const initialCapacity = 1024;

/** The heap's fields (event-heap.ts) hold the events before `far`'s horizon. */
export interface SchedulerCore extends EventHeap {
  readonly far: FarEvents;
  // The clock's doubles in a typed array: a number stored in a closure's variable is a heap
  // object of its own, allocated again at every store (once per event); an array slot is not.
  readonly clock: Float64Array;
  /**
   * The scheduler's own object, whose `nowMs` is a data field kept equal to `clock[NOW]`
   * (`setNow`): read by every part of the simulation several times a frame, a getter that was
   * not inlined returned the clock boxed, a heap number each call (220 B of a frame's 2.6 KB
   * of garbage); a field is read in place.
   */
  face: { nowMs: number };
  nextSeq: number;
  eventsProcessed: number;
  /** Kind 0: a callback from the side table, by slot; freed slots are reused. */
  readonly callbacks: (EventCallback | undefined)[];
  readonly freeCallbacks: number[];
  readonly handlers: ((arg: number) => void)[];
  readonly timerHeap: TimerHeap;
  /** Per timer slot: its family's handler and the index within the family. */
  readonly timerHandlers: ((index: number) => void)[];
  timerIndex: Int32Array;
  timerSlots: number;
  /**
   * One bit per event id, set once the event has run or been cancelled. Cancelled events stay
   * in the heap and are dropped when they reach the top (lazy deletion), so `cancel` is O(1).
   */
  finished: Uint32Array;
  cancelledPending: number;
}

export function createSchedulerCore(startMs: number): SchedulerCore {
  const core: SchedulerCore = {
    keys: new Float64Array(2 * initialCapacity),
    data: new Int32Array(2 * initialCapacity),
    size: 0,
    far: createFarEvents(startMs),
    clock: new Float64Array(2),
    face: { nowMs: Number.NaN },
    nextSeq: 0,
    eventsProcessed: 0,
    callbacks: [],
    freeCallbacks: [],
    handlers: [],
    timerHeap: createTimerHeap(),
    timerHandlers: [],
    timerIndex: new Int32Array(16),
    timerSlots: 0,
    finished: new Uint32Array(1024),
    cancelledPending: 0,
  };
  core.clock[NOW] = startMs;
  core.clock[LAST_EVENT] = startMs;
  core.handlers.push((slot) => runCallback(core, slot));
  return core;
}

/** Moves the clock to `timeMs`. */
export function setNow(core: SchedulerCore, timeMs: number): void {
  core.clock[NOW] = timeMs;
  core.face.nowMs = timeMs;
}

export const isFinished = (core: SchedulerCore, id: number): boolean => (core.finished[id >>> 5]! & (1 << (id & 31))) !== 0;

export function markFinished(core: SchedulerCore, id: number): void {
  const word = id >>> 5;
  if (word >= core.finished.length) {
    const grown = new Uint32Array(Math.max(core.finished.length * 2, word + 1));
    grown.set(core.finished);
    core.finished = grown;
  }
  core.finished[word]! |= 1 << (id & 31);
}

function runCallback(core: SchedulerCore, slot: number): void {
  const fn = core.callbacks[slot]!;
  core.callbacks[slot] = undefined;
  core.freeCallbacks.push(slot);
  fn();
}

/** Schedules an event of `kind` with `arg` at `timeMs` (never before now); its id is its seq. */
export function schedule(core: SchedulerCore, timeMs: number, kind: number, arg: number): EventId {
  if (!(timeMs >= core.clock[NOW]!)) {
    throw new RangeError(`event time must be a number ≥ now (${core.clock[NOW]} ms), got ${timeMs}`);
  }
  const seq = core.nextSeq++;
  enqueue(core, timeMs, seq, kind, arg);
  return seq;
}

/** Puts the record (time, seq, kind, arg) in the heap when it is before the horizon, else among the far events. */
export function enqueue(core: SchedulerCore, timeMs: number, seq: number, kind: number, arg: number): void {
  if (timeMs < horizonMs(core.far)) pushEvent(core, timeMs, seq, kind, arg);
  else addFar(core.far, timeMs, seq, kind, arg);
}

export function scheduleCallback(core: SchedulerCore, timeMs: number, fn: EventCallback): EventId {
  const slot = core.freeCallbacks.length > 0 ? core.freeCallbacks.pop()! : core.callbacks.length;
  core.callbacks[slot] = fn;
  return schedule(core, timeMs, 0, slot);
}

export function cancel(core: SchedulerCore, id: EventId): void {
  if (!(id >= 0 && id < core.nextSeq) || isFinished(core, id)) return;
  markFinished(core, id);
  core.cancelledPending++;
}

/** Events held, cancelled ones not dropped yet included. */
export const heldEvents = (core: SchedulerCore): number => core.size + farCount(core.far);

/**
 * Makes the heap's top the earliest pending event (when there is one): the next far events
 * brought in when the heap has run out, cancelled events dropped from the top.
 */
function readyTop(core: SchedulerCore): void {
  for (;;) {
    if (core.size === 0) {
      if (farCount(core.far) === 0) return;
      bringNearest(core.far, core);
    }
    if (core.cancelledPending === 0 || !isFinished(core, core.keys[1]!)) return;
    core.cancelledPending--;
    const kind = core.data[0]!;
    const arg = core.data[1]!;
    removeTop(core);
    if (kind === 0) {
      core.callbacks[arg] = undefined;
      core.freeCallbacks.push(arg);
    }
  }
}

/** Whether the next event is a timer rather than a heap event (both queues non-empty or one). */
function timerFirst(core: SchedulerCore): boolean {
  if (core.timerHeap.size === 0) return false;
  if (core.size === 0) return true;
  return core.timerHeap.precedes(core.keys[0]!, core.keys[1]!);
}

/** Whether an event is due at or before `endMs` (numbers compared in place: nothing is boxed per event). */
export function dueBy(core: SchedulerCore, endMs: number): boolean {
  readyTop(core);
  return (core.size > 0 && core.keys[0]! <= endMs) || core.timerHeap.dueBy(endMs);
}

/** Executes the earliest pending event; false when there was none. */
export function step(core: SchedulerCore): boolean {
  readyTop(core);
  const clock = core.clock;
  if (timerFirst(core)) {
    const timeMs = core.timerHeap.topTimeMs();
    setNow(core, timeMs);
    clock[LAST_EVENT] = timeMs;
    core.eventsProcessed++;
    const slot = core.timerHeap.pop();
    core.timerHandlers[slot]!(core.timerIndex[slot]!);
    return true;
  }
  if (core.size === 0) return false;
  const timeMs = core.keys[0]!;
  const kind = core.data[0]!;
  const arg = core.data[1]!;
  markFinished(core, core.keys[1]!);
  removeTop(core);
  setNow(core, timeMs);
  clock[LAST_EVENT] = timeMs;
  core.eventsProcessed++;
  core.handlers[kind]!(arg);
  return true;
}

export function peekTimeMs(core: SchedulerCore): number | undefined {
  readyTop(core);
  if (timerFirst(core)) return core.timerHeap.topTimeMs();
  return core.size > 0 ? core.keys[0] : undefined;
}
