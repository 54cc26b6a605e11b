/**
 * A MAC's transmitter (macs.ts): a frame goes on the air, the frame counter moves on and the
 * sub-band closes for its duty-cycle off-time, T·(1/dc − 1) after a frame of airtime T
 * (LoRaMac-node band off-time; ns-3 lorawan-mac-helper.cc); the transmitter is free at the
 * frame's end unless a link layer holds it.
 */
import { timeOnAir } from '../radio/airtime.ts';
import { dutyCycleOffTimeMs } from '../radio/regions.ts';
import type { Transmission } from '../radio/transmission.ts';
import { type Airtime, BAND_OPEN_AT_MS, DEAD, MAC_ROW, type MacColumns, ON_AIR_UNTIL_MS, planOf, QUEUE_LENGTH, SEQ, SF, TRANSMITTER_FREE_AT_MS, TX_CURRENT_MA, TX_POWER_DBM } from './mac-columns.ts';
import { dequeue, kill } from './mac-queue.ts';
import type { QueuedFrame } from './mac-types.ts';

function airtimeOf(s: MacColumns, i: number, bytes: number, preambleSymbols: number): Airtime {
  const sf = s.row[i * MAC_ROW + SF]!;
  const key = (sf * 65536) + preambleSymbols * 256 + bytes;
  const plan = planOf(s, i);
  const cache = plan.airtimes;
  let result = cache.get(key);
  if (!result) cache.set(key, (result = timeOnAir({ ...plan.airtime, sf, preambleSymbols, payloadBytes: bytes })));
  return result;
}

/**
 * Puts a frame of `i` on the air now on its `channel`-th channel: the radio starts it (a node
 * that browns out doing so dies, and undefined is returned), the frame counter moves on, the
 * sub-band closes for its off-time.
 */
function goOnAir(s: MacColumns, i: number, bytes: Uint8Array, destination: number, channel: number, preambleSymbols: number, messageId: number, fragmentIndex: number, fragmentCount: number, messageCreatedAtMs: number, meta: Uint8Array | undefined): Transmission | undefined {
  const plan = planOf(s, i);
  const startMs = s.scheduler.nowMs;
  const airtime = airtimeOf(s, i, bytes.length, preambleSymbols);
  const tx: Transmission = {
    sender: i,
    seq: s.row[i * MAC_ROW + SEQ]!,
    destination,
    startMs,
    airtimeMs: airtime.airtimeMs,
    endMs: startMs + airtime.airtimeMs,
    channelHz: plan.channelsHz[channel]!,
    sf: s.row[i * MAC_ROW + SF]!,
    bandwidthHz: plan.airtime.bandwidthHz,
    codingRate: plan.airtime.codingRate,
    preambleSymbols,
    symbolMs: airtime.symbolMs,
    txPowerDbm: s.row[i * MAC_ROW + TX_POWER_DBM]!,
    bytes,
    messageId,
    fragmentIndex,
    fragmentCount,
    messageCreatedAtMs,
    meta,
  };
  if (!s.config.transmit(tx)) {
    // The radio browned out as it started: the frame never went out, nor will the rest.
    kill(s, i);
    return undefined;
  }
  s.row[i * MAC_ROW + SEQ]!++;
  const band = plan.bands[channel]!;
  s.row[i * MAC_ROW + BAND_OPEN_AT_MS + band] = tx.endMs + dutyCycleOffTimeMs(tx.airtimeMs, s.region.subBands[band]!.dutyCycle);
  s.row[i * MAC_ROW + ON_AIR_UNTIL_MS] = tx.endMs;
  return tx;
}

/**
 * The transmitter is free at `tx`'s end: the next frame may go then. The MAC's service is
 * scheduled then only if a frame waits for it; a frame queued during the transmission asks for
 * it when it comes (`serviceWhenFree`). Most frames leave an empty queue, and an event that
 * would find it empty is one of a frame's four.
 */
function freeAfter(s: MacColumns, i: number, tx: Transmission): void {
  s.row[i * MAC_ROW + TRANSMITTER_FREE_AT_MS] = tx.endMs;
  if (s.row[i * MAC_ROW + QUEUE_LENGTH]! > 0) s.scheduler.atKind(tx.endMs, s.doneKind, i);
}

/** Sends the head frame now on its `channel`-th channel, through the link layer if the node has one. */
export function send(s: MacColumns, i: number, frame: QueuedFrame, channel: number): void {
  const plan = planOf(s, i);
  const link = plan.linked ? s.config.link : undefined;
  const bytes = link ? link.frameBytes(i, frame) : frame.bytes;
  const startMs = s.scheduler.nowMs;
  const wakeWaitMs = Number.isNaN(frame.wakeWaitSinceMs) ? 0 : startMs - frame.wakeWaitSinceMs;
  const queueWaitMs = frame.headSinceMs - frame.queuedAtMs;
  const dutyCycleWaitMs = startMs - frame.headSinceMs - wakeWaitMs;
  const frameMeta = s.config.frameMeta;
  let meta: Uint8Array | undefined;
  if (frameMeta !== undefined) {
    const airtimeMs = airtimeOf(s, i, bytes.length, frame.preambleSymbols).airtimeMs;
    meta = frameMeta(i, frame.messageId, { queuedAtMs: frame.queuedAtMs, queueWaitMs, dutyCycleWaitMs, wakeWaitMs, startMs, airtimeMs, endMs: startMs + airtimeMs });
  }
  const tx = goOnAir(s, i, bytes, frame.destination, channel, frame.preambleSymbols, frame.messageId, frame.fragmentIndex, frame.fragmentCount, frame.messageCreatedAtMs, meta);
  if (!tx) return;
  dequeue(s, i);
  // Energy: mA × ms × V = µJ.
  s.config.events.txStarted(tx, frame.queuedAtMs, queueWaitMs, dutyCycleWaitMs, wakeWaitMs, s.row[i * MAC_ROW + TX_CURRENT_MA]! * tx.airtimeMs * plan.supplyV);
  if (link?.sent(i, tx, frame)) {
    // Held through the receive windows or the wait for an ACK; the link layer resumes it.
    s.row[i * MAC_ROW + TRANSMITTER_FREE_AT_MS] = Number.POSITIVE_INFINITY;
    return;
  }
  freeAfter(s, i, tx);
}

/** A frame ahead of the queue (a link-layer ACK): see `Macs.sendNow`. */
export function sendNow(s: MacColumns, i: number, bytes: Uint8Array, destination: number, channelHz: number, messageId: number): boolean {
  const nowMs = s.scheduler.nowMs;
  const node = s.nodes[i];
  const channel = node ? node.channelsHz.indexOf(channelHz) : -1;
  // A transmitter held for an ACK or receive windows may still send; one on the air or detecting may not.
  const o = i * MAC_ROW;
  const freeAtMs = s.row[o + TRANSMITTER_FREE_AT_MS]!;
  const held = freeAtMs === Number.POSITIVE_INFINITY;
  if (!node || s.row[o + DEAD] || s.row[o + ON_AIR_UNTIL_MS]! > nowMs || (!held && freeAtMs > nowMs) || channel < 0) return false;
  if (s.row[i * MAC_ROW + BAND_OPEN_AT_MS + planOf(s, i).bands[channel]!]! > nowMs) return false;
  const tx = goOnAir(s, i, bytes, destination, channel, node.airtime.preambleSymbols ?? 8, messageId, 0, 1, nowMs, undefined);
  if (!tx) return false;
  s.config.events.txStarted(tx, nowMs, 0, 0, 0, s.row[o + TX_CURRENT_MA]! * tx.airtimeMs * node.supplyV);
  if (!held) freeAfter(s, i, tx);
  return true;
}
