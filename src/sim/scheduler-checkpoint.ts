/**
 * A scheduler's checkpoint (scheduler-state.ts): its queue and clock as data. Events are integer
 * records, saved in (time, seq) order whatever the queue's shape (the heap, the far events'
 * calendar): a sorted list is a heap too, so a checkpoint of an earlier version (one heap) and
 * one of this version restore alike. A pending callback (kind 0: a closure) cannot be saved.
 */
import { CheckpointUnsupportedError } from './checkpoint-state.ts';
import { forEachFar, resetFar } from './far-events.ts';
import { enqueue, initialCapacity, isFinished, LAST_EVENT, NOW, setNow, type SchedulerCore } from './scheduler-core.ts';
import type { SchedulerState } from './scheduler-state.ts';

/** The state now; throws CheckpointUnsupportedError while a callback is pending. */
export function checkpointScheduler(core: SchedulerCore): SchedulerState {
  const { nextSeq } = core;
  const { size, keys, data } = queuedRecords(core);
  for (let i = 0; i < size; i++) {
    if (data[2 * i] === 0 && !isFinished(core, keys[2 * i + 1]!)) throw new CheckpointUnsupportedError(`a callback is pending at ${keys[2 * i]} ms`);
  }
  return {
    nowMs: core.clock[NOW]!,
    nextSeq,
    eventsProcessed: core.eventsProcessed,
    lastEventMs: core.clock[LAST_EVENT]!,
    size,
    keys,
    data,
    finished: core.finished.slice(0, (nextSeq >>> 5) + 1),
    cancelledPending: core.cancelledPending,
    kinds: core.handlers.length,
    timerSlots: core.timerSlots,
    timers: core.timerHeap.checkpoint(),
  };
}

/** Takes back a state on a scheduler whose kinds and timers were registered in the same order. */
export function restoreScheduler(core: SchedulerCore, state: SchedulerState): void {
  if (state.kinds !== core.handlers.length || state.timerSlots !== core.timerSlots) {
    throw new RangeError(`checkpoint: ${state.kinds} event kinds and ${state.timerSlots} timers, this simulation has ${core.handlers.length} and ${core.timerSlots}: not the same scenario`);
  }
  core.nextSeq = state.nextSeq;
  core.eventsProcessed = state.eventsProcessed;
  core.cancelledPending = state.cancelledPending;
  setNow(core, state.nowMs);
  core.clock[LAST_EVENT] = state.lastEventMs;
  core.keys = new Float64Array(2 * initialCapacity);
  core.data = new Int32Array(2 * initialCapacity);
  core.size = 0;
  resetFar(core.far, state.nowMs);
  core.callbacks.length = 0;
  core.freeCallbacks.length = 0;
  // In whatever order the records come (an earlier heap's shape, or sorted), each goes where a
  // new event at its time would. A checkpoint holds no pending callback, but may hold cancelled
  // ones not dropped yet: their slots stay taken until they are (a new callback in one would be
  // cleared with it).
  const { keys, data } = state;
  for (let i = 0; i < state.size; i++) {
    enqueue(core, keys[2 * i]!, keys[2 * i + 1]!, data[2 * i]!, data[2 * i + 1]!);
    if (data[2 * i] === 0) while (core.callbacks.length <= data[2 * i + 1]!) core.callbacks.push(undefined);
  }
  core.finished = new Uint32Array(Math.max(1024, state.finished.length));
  core.finished.set(state.finished);
  core.timerHeap.restore(state.timers);
}

/** Every queued record (cancelled ones not dropped yet included), in (time, seq) order. */
function queuedRecords(core: SchedulerCore): { size: number; keys: Float64Array; data: Int32Array } {
  const records: [number, number, number, number][] = [];
  for (let i = 0; i < core.size; i++) records.push([core.keys[2 * i]!, core.keys[2 * i + 1]!, core.data[2 * i]!, core.data[2 * i + 1]!]);
  forEachFar(core.far, (timeMs, seq, kind, arg) => records.push([timeMs, seq, kind, arg]));
  records.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { size: records.length, keys: Float64Array.from(records.flatMap(([timeMs, seq]) => [timeMs, seq])), data: Int32Array.from(records.flatMap(([, , kind, arg]) => [kind, arg])) };
}
