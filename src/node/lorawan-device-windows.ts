/**
 * A class A device's receive windows and repetitions (lorawan-devices.ts; TS001-1.0.4):
 *
 * - after every uplink, RX1 opens RECEIVE_DELAY1 after its end on the region's RX1 channel and
 *   data rate, RX2 RECEIVE_DELAY2 after it on the RX2 channel and data rate (§3.3); each window
 *   is open for a preamble-detection time (lorawan/receive-windows.ts) and booked as `receive`
 *   on the energy ledger; a frame caught in RX1 means no RX2; a caught frame keeps the radio
 *   on to its end, then arrives as a frame or as the radio's error;
 * - a confirmed uplink without an ACK is sent again after RETRANSMIT_TIMEOUT (1–3 s, uniform,
 *   from the device's own stream), up to `maxTransmissions` transmissions (§4.3.1.2, §18);
 *   an unconfirmed uplink is sent NbTrans times unless a downlink answers one (§4.3.1.1), each
 *   repetition after the windows of the one before.
 */
import { uniform } from '../sim/rng.ts';
import { symbolTimeMs } from '../radio/modulation.ts';
import type { Delivery, Transmission } from '../radio/transmission.ts';
import { classATiming, receiveWindowMs, rx1, rx2 } from '../lorawan/receive-windows.ts';
import { cid } from '../lorawan/mac-commands.ts';
import { macCommands, readHeader } from '../lorawan/frames.ts';
import { linkAdrReq, newUplink, rateOf } from './lorawan-device-adr.ts';
import { IDLE, RETRY_WAIT, WINDOWS, noAnswer, type DeviceColumns, type Devices } from './lorawan-device-columns.ts';
import type { OutgoingFrame } from './mac-types.ts';

function windowMsAt(s: DeviceColumns, dr: number): number {
  const rate = rateOf(s, dr);
  return receiveWindowMs(symbolTimeMs(rate.sf, rate.bandwidthHz));
}

/** The uplink went on the air: its windows are scheduled, and the MAC holds the transmitter until they are over. */
export function uplinkSent(s: Devices, i: number, tx: Transmission, frame: OutgoingFrame): true {
  const scheduler = s.config.scheduler;
  if (s.current[i]?.bytes !== frame.bytes) newUplink(s, i, frame);
  s.transmissions[i]!++;
  if (s.transmissions[i]! > 1) s.counts.retransmissions++;
  // The answer went out in this frame's FOpts.
  s.answer[i] = noAnswer;
  s.phase[i] = WINDOWS;
  s.uplinkEndMs[i] = tx.endMs;
  s.uplinkChannelHz[i] = tx.channelHz;
  s.uplinkDataRate[i] = s.dataRate[i]!;
  s.caught[i] = 0;
  s.gotDownlink[i] = 0;
  s.acked[i] = 0;
  scheduler.atKind(tx.endMs + classATiming.receiveDelay1Ms, s.rx1Kind, i);
  scheduler.atKind(tx.endMs + classATiming.receiveDelay2Ms, s.rx2Kind, i);
  return true;
}

/** RX1 opens at the uplink's end + RECEIVE_DELAY1, at the RX1 data rate. */
export function openRx1(s: Devices, i: number): void {
  const { scheduler, radio, settings } = s.config;
  if (s.phase[i] !== WINDOWS || scheduler.nowMs !== s.uplinkEndMs[i]! + classATiming.receiveDelay1Ms) return;
  const window = rx1(radio.plan, { channelHz: s.uplinkChannelHz[i]!, dataRate: s.uplinkDataRate[i]! }, settings.rx1DrOffset);
  s.config.runtimes.rxWindow(i, scheduler.nowMs + windowMsAt(s, window.dataRate));
}

/** RX2 opens at the uplink's end + RECEIVE_DELAY2 unless RX1 caught a frame. */
export function openRx2(s: Devices, i: number): void {
  const scheduler = s.config.scheduler;
  if (s.phase[i] !== WINDOWS || scheduler.nowMs !== s.uplinkEndMs[i]! + classATiming.receiveDelay2Ms || s.caught[i]) return;
  const openMs = windowMsAt(s, rx2(s.config.radio.plan).dataRate);
  s.config.runtimes.rxWindow(i, scheduler.nowMs + openMs);
  // A preamble caught at the window's last instant is reported one processing delay later.
  s.rx2CloseAtMs[i] = scheduler.nowMs + openMs + s.config.processingDelayMs;
  scheduler.atKind(s.rx2CloseAtMs[i]!, s.rx2CloseKind, i);
}

/** RX2 caught nothing. */
export function closeRx2(s: Devices, i: number): void {
  if (s.phase[i] !== WINDOWS || s.config.scheduler.nowMs !== s.rx2CloseAtMs[i] || s.caught[i]) return;
  windowsOver(s, i);
}

/** A confirmed uplink's RETRANSMIT_TIMEOUT is over. */
export function retry(s: Devices, i: number): void {
  if (s.phase[i] !== RETRY_WAIT || s.config.scheduler.nowMs !== s.retryAtMs[i]) return;
  s.phase[i] = IDLE;
  sendAgain(s, i);
}

function sendAgain(s: DeviceColumns, i: number): void {
  const macs = s.config.macs();
  macs.retransmit(i, s.current[i]!);
  macs.resume(i);
}

/** The windows of the last transmission are over: done, or the uplink goes again. */
function windowsOver(s: Devices, i: number): void {
  const { settings, scheduler } = s.config;
  if (!s.config.runtimes.alive(i)) return;
  const confirmed = settings.confirmed;
  const answered = confirmed ? s.acked[i] === 1 : s.gotDownlink[i] === 1;
  const cap = confirmed ? settings.maxTransmissions : s.nbTrans[i]!;
  if (answered || s.transmissions[i]! >= cap) {
    if (confirmed && answered) s.counts.confirmedAcked++;
    else if (confirmed) s.counts.confirmedFailed++;
    s.phase[i] = IDLE;
    s.config.macs().resume(i);
    return;
  }
  if (confirmed) {
    s.phase[i] = RETRY_WAIT;
    const { retransmitTimeoutMinMs: min, retransmitTimeoutMaxMs: max } = classATiming;
    s.retryAtMs[i] = scheduler.nowMs + min + (max - min) * uniform(s.config.devices[i]!.rng);
    scheduler.atKind(s.retryAtMs[i]!, s.retryKind, i);
    return;
  }
  s.phase[i] = IDLE;
  sendAgain(s, i);
}

/** A delivery from the ether to device `i`: see `LorawanDevices.deliver`. */
export function deliver(s: Devices, i: number, delivery: Delivery): void {
  const runtimes = s.config.runtimes;
  // Only frames addressed to the device are its downlinks (a class C device also hears broadcasts).
  const mine = delivery.tx.destination === i;
  if (delivery.kind === 'rxStart') {
    runtimes.rxStart(i, delivery.tx);
    if (s.phase[i] === WINDOWS && mine) s.caught[i] = 1;
    return;
  }
  if (!mine || !runtimes.alive(i) || s.phase[i] !== WINDOWS || !s.caught[i]) return;
  if (delivery.kind === 'frame') downlink(s, i, delivery);
  else s.counts.downlinksLost++;
  windowsOver(s, i);
}

/** A downlink the device received: its ACK and MAC commands. */
function downlink(s: DeviceColumns, i: number, delivery: Delivery): void {
  const header = readHeader(delivery.tx.bytes);
  if (header.devAddr !== i) return;
  s.counts.downlinksReceived++;
  s.gotDownlink[i] = 1;
  // Any class A downlink resets ADR_ACK_CNT (§4.3.1.1).
  s.adrAckCnt[i] = 0;
  if (header.control.ack) {
    s.acked[i] = 1;
    s.counts.acksReceived++;
  }
  for (const command of macCommands(header.fOpts, { [cid.linkAdr]: 4 })) {
    if (command.cid === cid.linkAdr) linkAdrReq(s, i, new Uint8Array([cid.linkAdr, command.payload[0]!, command.payload[1]!, command.payload[2]!, command.payload[3]!]));
  }
}
