/**
 * Every node's MAC queue (macs.ts), in columns: the frame at the head, the frames behind it,
 * and the length. A sensor's queue nearly always holds one frame or none, so its head sits in
 * one slot of one array and a city's frames are queued and taken without an array per node
 * (whose header and elements lie far apart in memory: two cache misses at every frame).
 */
import type { QueuedFrame } from './mac-types.ts';

export interface FrameQueues {
  readonly head: (QueuedFrame | undefined)[];
  /** The frames behind the head, oldest first (an array made when a node first queues two). */
  readonly rest: (QueuedFrame[] | undefined)[];
  readonly length: Int32Array;
}

export function createFrameQueues(count: number): FrameQueues {
  return { head: new Array<QueuedFrame | undefined>(count), rest: new Array<QueuedFrame[] | undefined>(count), length: new Int32Array(count) };
}

/** Queues `frame` at the back of node `i`'s queue. */
export function pushBack(q: FrameQueues, i: number, frame: QueuedFrame): void {
  if (q.length[i]!++ === 0) q.head[i] = frame;
  else (q.rest[i] ??= []).push(frame);
}

/** Puts `frame` at the front of node `i`'s queue. */
export function pushFront(q: FrameQueues, i: number, frame: QueuedFrame): void {
  if (q.length[i]!++ > 0) (q.rest[i] ??= []).unshift(q.head[i]!);
  q.head[i] = frame;
}

/** Takes the head of node `i`'s queue (which holds a frame). */
export function popFront(q: FrameQueues, i: number): QueuedFrame {
  const frame = q.head[i]!;
  q.head[i] = --q.length[i]! > 0 ? q.rest[i]!.shift() : undefined;
  return frame;
}

/** Node `i`'s queue as an array, head first (checkpoints). */
export function queuedFrames(q: FrameQueues, i: number): QueuedFrame[] | undefined {
  if (q.length[i] === 0) return undefined;
  return [q.head[i]!, ...(q.rest[i] ?? [])];
}

/** Sets every queue from arrays, head first (a restored checkpoint). */
export function restoreFrameQueues(q: FrameQueues, queues: readonly (readonly QueuedFrame[] | undefined)[]): void {
  q.head.fill(undefined);
  q.rest.fill(undefined);
  q.length.fill(0);
  queues.forEach((frames, i) => frames?.forEach((frame) => pushBack(q, i, frame)));
}
