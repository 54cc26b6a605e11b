/**
 * A scheduler's checkpoint (scheduler-state.ts): its queue and clock as data. Events are integer
 * records; a pending callback (kind 0: a closure) cannot be saved.
 */
import { CheckpointUnsupportedError } from './checkpoint-state.ts';
import { initialCapacity, isFinished, LAST_EVENT, NOW, type SchedulerCore } from './scheduler-core.ts';
import type { SchedulerState } from './scheduler-state.ts';
import { heapify } from './event-heap.ts';

/** The state now; throws CheckpointUnsupportedError while a callback is pending. */
export function checkpointScheduler(core: SchedulerCore): SchedulerState {
  const { keys, data, size, nextSeq } = core;
  for (let i = 0; i < size; i++) {
    if (data[2 * i] === 0 && !isFinished(core, keys[2 * i + 1]!)) throw new CheckpointUnsupportedError(`a callback is pending at ${keys[2 * i]} ms`);
  }
  return {
    nowMs: core.clock[NOW]!,
    nextSeq,
    eventsProcessed: core.eventsProcessed,
    lastEventMs: core.clock[LAST_EVENT]!,
    size,
    keys: keys.slice(0, 2 * size),
    data: data.slice(0, 2 * size),
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
  core.size = state.size;
  core.cancelledPending = state.cancelledPending;
  core.clock[NOW] = state.nowMs;
  core.clock[LAST_EVENT] = state.lastEventMs;
  core.keys = new Float64Array(Math.max(2 * initialCapacity, 2 * core.size));
  core.keys.set(state.keys);
  core.data = new Int32Array(core.keys.length);
  core.data.set(state.data);
  // A checkpoint written by an earlier heap (a binary one) holds another shape of the same records.
  heapify(core);
  core.finished = new Uint32Array(Math.max(1024, state.finished.length));
  core.finished.set(state.finished);
  core.callbacks.length = 0;
  core.freeCallbacks.length = 0;
  core.timerHeap.restore(state.timers);
}
