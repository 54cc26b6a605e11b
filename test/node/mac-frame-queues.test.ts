import { describe, expect, it } from 'vitest';
import { createFrameQueues, lengthOf, popFront, pushBack, pushFront, queuedFrames, restoreFrameQueues } from '../../src/node/mac-frame-queues.ts';
import type { QueuedFrame } from '../../src/node/mac-types.ts';

const frame = (messageId: number): QueuedFrame => ({
  bytes: new Uint8Array(1),
  destination: 0,
  messageId,
  fragmentIndex: 0,
  fragmentCount: 1,
  messageCreatedAtMs: 0,
  deadlineMs: 1e9,
  queuedAtMs: 0,
  preambleSymbols: 8,
  headSinceMs: Number.NaN,
  wakeWaitSinceMs: Number.NaN,
});
const ids = (frames: readonly QueuedFrame[] | undefined): number[] | undefined => frames?.map((f) => f.messageId);

describe('MAC frame queues', () => {
  it('is a FIFO per node with a front for retransmissions, and keeps nodes apart', () => {
    // The lengths live in rows of other fields (a MAC row's): field 1 of rows of 3, the others untouched.
    const rows = new Float64Array(9).fill(7);
    rows[1] = rows[4] = rows[7] = 0;
    const q = createFrameQueues(3, rows, 3, 1);
    pushBack(q, 1, frame(10));
    pushBack(q, 1, frame(11));
    pushFront(q, 1, frame(9));
    pushBack(q, 2, frame(20));
    expect([ids(queuedFrames(q, 0)), ids(queuedFrames(q, 1)), ids(queuedFrames(q, 2))]).toEqual([undefined, [9, 10, 11], [20]]);
    expect([popFront(q, 1).messageId, popFront(q, 1).messageId]).toEqual([9, 10]);
    pushFront(q, 1, frame(8));
    expect([lengthOf(q, 1), q.head[1]!.messageId]).toEqual([2, 8]);
    expect([popFront(q, 1).messageId, popFront(q, 1).messageId, lengthOf(q, 1), q.head[1]]).toEqual([8, 11, 0, undefined]);
    pushFront(q, 1, frame(12));
    expect(ids(queuedFrames(q, 1))).toEqual([12]);
    expect([...rows]).toEqual([7, 0, 7, 7, 1, 7, 7, 1, 7]);
  });

  it('is restored from arrays, head first, as checkpoints keep it', () => {
    // Lengths at field 0 of rows of 2; the other field belongs to someone else and stays.
    const rows = Float64Array.from([0, 9, 0, 9]);
    const q = createFrameQueues(2, rows, 2, 0);
    pushBack(q, 0, frame(1));
    restoreFrameQueues(q, [undefined, [frame(5), frame(6)]]);
    expect([ids(queuedFrames(q, 0)), ids(queuedFrames(q, 1)), lengthOf(q, 0), lengthOf(q, 1)]).toEqual([undefined, [5, 6], 0, 2]);
    expect([...rows]).toEqual([0, 9, 2, 9]);
  });
});
