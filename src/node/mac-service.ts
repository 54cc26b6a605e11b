/**
 * A MAC's service step (macs.ts): whenever its transmitter is free, the head frame goes on a
 * channel drawn uniformly from those whose sub-band is open (LoRaWAN channel hopping), after a
 * channel activity detection where the node listens before talk (mac-lbt.ts). When none is open,
 * or the receiver's rendezvous window is ahead, the node waits for the first to reopen; a frame
 * whose wait would pass its deadline is never sent: it is `dutyCycleBlocked` ('deadline').
 */
import { uniformInt } from '../sim/rng.ts';
import { BAND_OPEN_AT_MS, DEAD, MAC_ROW, type MacColumns, planOf, QUEUE_LENGTH, TRANSMITTER_FREE_AT_MS, WAKE_PENDING } from './mac-columns.ts';
import { detect } from './mac-lbt.ts';
import { send } from './mac-on-air.ts';
import { block, dequeue } from './mac-queue.ts';

export function service(s: MacColumns, i: number): void {
  const nowMs = s.scheduler.nowMs;
  if (s.row[i * MAC_ROW + DEAD] || s.row[i * MAC_ROW + WAKE_PENDING] || s.row[i * MAC_ROW + TRANSMITTER_FREE_AT_MS]! > nowMs) return;
  const queues = s.queues;
  const plan = planOf(s, i);
  const bands = plan.bands;
  const { row, open, config } = s;
  const bandsAt = i * MAC_ROW + BAND_OPEN_AT_MS;
  while (row[i * MAC_ROW + QUEUE_LENGTH]! > 0) {
    const head = queues.head[i]!;
    if (Number.isNaN(head.headSinceMs)) head.headSinceMs = nowMs;
    let openCount = 0;
    let reopenMs = Number.POSITIVE_INFINITY;
    for (let c = 0; c < bands.length; c++) {
      const openAt = row[bandsAt + bands[c]!]!;
      if (openAt <= nowMs) open[openCount++] = c;
      else reopenMs = Math.min(reopenMs, openAt);
    }
    // A rendezvous receiver is waited for, like a closed sub-band.
    const readyMs = config.receiverReadyAtMs ? config.receiverReadyAtMs(head.destination, nowMs) : nowMs;
    if (readyMs > nowMs) {
      if (Number.isNaN(head.wakeWaitSinceMs)) head.wakeWaitSinceMs = nowMs;
      reopenMs = Math.max(readyMs, openCount > 0 ? readyMs : reopenMs);
      openCount = 0;
    }
    if (openCount === 0) {
      if (reopenMs > head.deadlineMs) {
        dequeue(s, i);
        block(s, i, head, 'deadline');
        continue;
      }
      s.row[i * MAC_ROW + WAKE_PENDING] = 1;
      s.scheduler.atKind(reopenMs, s.wakeKind, i);
      return;
    }
    if (nowMs > head.deadlineMs) {
      dequeue(s, i);
      block(s, i, head, 'deadline');
      continue;
    }
    const channel = openCount === 1 ? open[0]! : open[uniformInt(s.rngs[i]!, 0, openCount - 1)]!;
    if (config.lbt && plan.listensBeforeTalk) return detect(s, i, channel);
    send(s, i, head, channel);
    return;
  }
}

/**
 * After a frame joined node `i`'s queue: its service now, or, when the transmitter is busy until
 * a known time and the queue was empty (so nothing has asked for it: mac-on-air.ts's
 * `freeAfter`), at that time. A transmitter held by the link layer (free at +∞) is resumed by it.
 */
export function serviceWhenFree(s: MacColumns, i: number): void {
  const freeAtMs = s.row[i * MAC_ROW + TRANSMITTER_FREE_AT_MS]!;
  if (freeAtMs <= s.scheduler.nowMs) return service(s, i);
  if (freeAtMs !== Number.POSITIVE_INFINITY && s.row[i * MAC_ROW + QUEUE_LENGTH] === 1 && !s.row[i * MAC_ROW + DEAD]) s.scheduler.atKind(freeAtMs, s.doneKind, i);
}

/** Whether node `i` has frames queued or one on the air. */
export function isBusy(s: MacColumns, i: number): boolean {
  return s.row[i * MAC_ROW + QUEUE_LENGTH]! > 0 || s.row[i * MAC_ROW + TRANSMITTER_FREE_AT_MS]! > s.scheduler.nowMs;
}

/** Whether any node is busy, starting from the one found busy last. */
export function anyBusy(s: MacColumns): boolean {
  for (let i = s.busyNodes; i < s.count; i++) {
    if (s.nodes[i] && isBusy(s, i)) {
      s.busyNodes = i;
      return true;
    }
  }
  for (let i = 0; i < s.busyNodes; i++) {
    if (s.nodes[i] && isBusy(s, i)) {
      s.busyNodes = i;
      return true;
    }
  }
  return false;
}
