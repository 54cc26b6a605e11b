/**
 * Listen before talk in the MAC (macs.ts) by channel activity detection (SX1276 datasheet
 * §4.1.6; the contract is mac-types.ts's `ListenBeforeTalk`): before the head frame goes, the
 * radio listens on the chosen channel; a busy channel defers the frame by a random back-off, at
 * most `maxBackoffs` times, then it goes anyway.
 */
import { DEAD, MAC_ROW, type MacColumns, planOf, SF, TRANSMITTER_FREE_AT_MS } from './mac-columns.ts';
import { send } from './mac-on-air.ts';

/** A channel activity detection on `channel` before the head frame goes; its result at `resultMs`. */
export function detect(s: MacColumns, i: number, channel: number): void {
  const lbt = s.config.lbt!;
  const { rxOnMs, resultMs } = lbt.cad(i, s.row[i * MAC_ROW + SF]!);
  const nowMs = s.scheduler.nowMs;
  s.cadChannel[i] = channel;
  s.cadStartMs[i] = nowMs;
  s.cadRxOnMs[i] = rxOnMs;
  s.row[i * MAC_ROW + TRANSMITTER_FREE_AT_MS] = nowMs + resultMs;
  lbt.listen(i, nowMs + rxOnMs);
  s.scheduler.atKind(nowMs + resultMs, s.cadKind, i);
}

/** The detection's result: a busy channel defers the frame by a random back-off, else it goes now. */
export function detected(s: MacColumns, i: number): void {
  if (s.row[i * MAC_ROW + DEAD] || s.row[i * MAC_ROW + TRANSMITTER_FREE_AT_MS] !== s.scheduler.nowMs) return;
  const head = s.queues.head[i];
  if (!head) return;
  const lbt = s.config.lbt!;
  const channelHz = planOf(s, i).channelsHz[s.cadChannel[i]!]!;
  if (lbt.channelBusy(i, channelHz, s.row[i * MAC_ROW + SF]!, s.cadStartMs[i]!, s.cadStartMs[i]! + s.cadRxOnMs[i]!) && s.backoffs[i]! < lbt.maxBackoffs) {
    s.backoffs[i]!++;
    lbt.busy(i);
    s.row[i * MAC_ROW + TRANSMITTER_FREE_AT_MS] = s.scheduler.nowMs + lbt.backoffMs(i);
    s.scheduler.atKind(s.row[i * MAC_ROW + TRANSMITTER_FREE_AT_MS]!, s.doneKind, i);
    return;
  }
  s.backoffs[i] = 0;
  send(s, i, head, s.cadChannel[i]!);
}
