/**
 * A MAC's queue (macs.ts): admission of a message's frames, their leaving, and what is reported
 * of frames that never go. The capacity counts messages, not frames: the fragments of one
 * message are admitted or refused together (a node buffers the message it is sending, whatever
 * its size).
 */
import type { BlockReason } from './events.ts';
import { DEAD, MAC_ROW, type MacColumns, QUEUE_CAPACITY, QUEUE_LENGTH, QUEUED_MESSAGES, REFUSED_MESSAGE_ID, TRANSMITTER_FREE_AT_MS } from './mac-columns.ts';
import type { OutgoingFrame, QueuedFrame } from './mac-types.ts';
import { popFront, pushBack, pushFront } from './mac-frame-queues.ts';

export function unsent(s: MacColumns, i: number, frame: QueuedFrame): void {
  s.config.events.txUnsent(s.scheduler.nowMs, i, frame.destination, frame.messageId, frame.fragmentIndex, frame.fragmentCount, frame.queuedAtMs);
}

export function block(s: MacColumns, i: number, frame: QueuedFrame, reason: BlockReason): void {
  s.config.events.txBlocked(s.scheduler.nowMs, i, frame.destination, reason, frame.bytes.length, s.nodes[i]!.airtime.sf, frame.messageId, frame.fragmentIndex, frame.fragmentCount, frame.queuedAtMs);
}

/** Takes the head off the queue; a message frees its place when its last fragment leaves. */
export function dequeue(s: MacColumns, i: number): QueuedFrame {
  const head = popFront(s.queues, i);
  if (head.fragmentIndex === head.fragmentCount - 1) s.row[i * MAC_ROW + QUEUED_MESSAGES]!--;
  return head;
}

/** Node `i` died: every queued frame is reported unsent and nothing more is sent. */
export function kill(s: MacColumns, i: number): void {
  const { row } = s;
  const o = i * MAC_ROW;
  if (row[o + DEAD]) return;
  row[o + DEAD] = 1;
  // A transmitter held for receive windows is no longer busy.
  if (row[o + TRANSMITTER_FREE_AT_MS] === Number.POSITIVE_INFINITY) row[o + TRANSMITTER_FREE_AT_MS] = s.scheduler.nowMs;
  while (s.row[i * MAC_ROW + QUEUE_LENGTH]! > 0) unsent(s, i, popFront(s.queues, i));
}

function preambleSymbolsFor(s: MacColumns, i: number, destination: number): number {
  return s.config.preambleSymbolsFor ? s.config.preambleSymbolsFor(i, destination) : (s.nodes[i]!.airtime.preambleSymbols ?? 8);
}

/** Queues a frame (see `Macs.submit`); true when it was queued, false when it was reported blocked or unsent. */
export function enqueue(s: MacColumns, i: number, bytes: Uint8Array, destination: number, messageId: number, fragmentIndex: number, fragmentCount: number, messageCreatedAtMs: number, deadlineMs: number): boolean {
  const frame: QueuedFrame = {
    bytes,
    destination,
    messageId,
    fragmentIndex,
    fragmentCount,
    messageCreatedAtMs,
    deadlineMs,
    queuedAtMs: s.scheduler.nowMs,
    preambleSymbols: 0,
    // Set when the frame first stands at the head with the transmitter free.
    headSinceMs: Number.NaN,
    wakeWaitSinceMs: Number.NaN,
  };
  const { row } = s;
  const o = i * MAC_ROW;
  // A node that died while handing over a message's fragments leaves them unsent.
  if (row[o + DEAD]) {
    unsent(s, i, frame);
    return false;
  }
  const continuesMessage = fragmentIndex > 0;
  if (continuesMessage ? messageId === row[o + REFUSED_MESSAGE_ID] : row[o + QUEUED_MESSAGES]! >= row[o + QUEUE_CAPACITY]!) {
    if (!continuesMessage) row[o + REFUSED_MESSAGE_ID] = messageId;
    block(s, i, frame, 'queueFull');
    return false;
  }
  if (!continuesMessage) {
    row[o + REFUSED_MESSAGE_ID] = -1;
    row[o + QUEUED_MESSAGES]!++;
  }
  frame.preambleSymbols = preambleSymbolsFor(s, i, destination);
  pushBack(s.queues, i, frame);
  return true;
}

/** Puts a frame sent before back at the head of the queue (see `Macs.retransmit`); false for a dead node. */
export function requeue(s: MacColumns, i: number, frame: OutgoingFrame): boolean {
  if (s.row[i * MAC_ROW + DEAD]) return false;
  const nowMs = s.scheduler.nowMs;
  if (frame.fragmentIndex === frame.fragmentCount - 1) s.row[i * MAC_ROW + QUEUED_MESSAGES]!++;
  const preambleSymbols = preambleSymbolsFor(s, i, frame.destination);
  pushFront(s.queues, i, { ...frame, queuedAtMs: nowMs, preambleSymbols, headSinceMs: Number.NaN, wakeWaitSinceMs: Number.NaN });
  return true;
}
