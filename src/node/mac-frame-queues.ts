/**
 * Every node's MAC queue (macs.ts), in columns: the frame at the head, the frames behind it,
 * and the length (a field of the node's MAC row, read with the row at every frame). A sensor's
 * queue nearly always holds one frame or none, so its head sits in one slot of one array and a
 * city's frames are queued and taken without an array per node (whose header and elements lie
 * far apart in memory: two cache misses at every frame).
 */
import type { QueuedFrame } from './mac-types.ts';

export interface FrameQueues {
  readonly head: (QueuedFrame | undefined)[];
  /** The frames behind the head, oldest first (an array made when a node first queues two). */
  readonly rest: (QueuedFrame[] | undefined)[];
  /** Node i's length is `rows[i * stride + field]`. */
  readonly rows: Float64Array;
  readonly stride: number;
  readonly field: number;
}

/** Queues for `count` nodes, whose lengths are field `field` of rows of `stride` numbers in `rows` (all 0). */
export function createFrameQueues(count: number, rows: Float64Array, stride: number, field: number): FrameQueues {
  return { head: new Array<QueuedFrame | undefined>(count), rest: new Array<QueuedFrame[] | undefined>(count), rows, stride, field };
}

/** The frames in node `i`'s queue. */
export function lengthOf(q: FrameQueues, i: number): number {
  return q.rows[i * q.stride + q.field]!;
}

/** Queues `frame` at the back of node `i`'s queue. */
export function pushBack(q: FrameQueues, i: number, frame: QueuedFrame): void {
  if (q.rows[i * q.stride + q.field]!++ === 0) q.head[i] = frame;
  else (q.rest[i] ??= []).push(frame);
}

/** Puts `frame` at the front of node `i`'s queue. */
export function pushFront(q: FrameQueues, i: number, frame: QueuedFrame): void {
  if (q.rows[i * q.stride + q.field]!++ > 0) (q.rest[i] ??= []).unshift(q.head[i]!);
  q.head[i] = frame;
}

/** Takes the head of node `i`'s queue (which holds a frame). */
export function popFront(q: FrameQueues, i: number): QueuedFrame {
  const frame = q.head[i]!;
  q.head[i] = --q.rows[i * q.stride + q.field]! > 0 ? q.rest[i]!.shift() : undefined;
  return frame;
}

/** Node `i`'s queue as an array, head first (checkpoints). */
export function queuedFrames(q: FrameQueues, i: number): QueuedFrame[] | undefined {
  if (lengthOf(q, i) === 0) return undefined;
  return [q.head[i]!, ...(q.rest[i] ?? [])];
}

/** Sets every queue from arrays, head first (a restored checkpoint). */
export function restoreFrameQueues(q: FrameQueues, queues: readonly (readonly QueuedFrame[] | undefined)[]): void {
  q.head.fill(undefined);
  q.rest.fill(undefined);
  for (let i = 0; i < q.head.length; i++) q.rows[i * q.stride + q.field] = 0;
  queues.forEach((frames, i) => frames?.forEach((frame) => pushBack(q, i, frame)));
}
