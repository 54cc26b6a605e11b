/**
 * LoRaWAN class A end devices (TS001-1.0.4, https://read.uberflip.com/i/1428395), in columns,
 * around the MAC (macs.ts holds a device's transmitter after each frame until this layer
 * resumes it):
 *
 * - after every uplink, RX1 opens RECEIVE_DELAY1 after its end on the region's RX1 channel and
 *   data rate, RX2 RECEIVE_DELAY2 after it on the RX2 channel and data rate (§3.3); each window
 *   is open for a preamble-detection time (lorawan/receive-windows.ts) and booked as `receive`
 *   on the energy ledger; a frame caught in RX1 means no RX2; a caught frame keeps the radio
 *   on to its end, then arrives as a frame or as the radio's error;
 * - a confirmed uplink without an ACK is sent again after RETRANSMIT_TIMEOUT (1–3 s, uniform,
 *   from the device's own stream), up to `maxTransmissions` transmissions (§4.3.1.2, §18);
 *   an unconfirmed uplink is sent NbTrans times unless a downlink answers one (§4.3.1.1), each
 *   repetition after the windows of the one before; every transmission is a new frame on the
 *   air with the same FCnt, under the duty cycle like any other;
 * - with ADR, the FCtrl ADR bit is set, LinkADRReq from the network is applied (all or nothing)
 *   and answered with LinkADRAns in the next uplink's FOpts (§5.2), and the device backs off by
 *   itself without downlinks (§4.3.1.1 Table 9, lorawan/adr.ts).
 *
 * Class B is not modelled; class C neither (yet): the network answers in RX1 or RX2 only.
 */
import type { Checkpointable } from '../sim/checkpoint-state.ts';
import { replaceArray, restoreInto } from '../sim/checkpoint-state.ts';
import { generatorState, setGeneratorState, uniform, type RandomGenerator } from '../sim/rng.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { symbolTimeMs } from '../radio/modulation.ts';
import type { Delivery } from '../radio/transmission.ts';
import { dataRateNumbered, type DataRate } from '../radio/regions.ts';
import { deviceBackoff } from '../lorawan/adr.ts';
import { classATiming, receiveWindowMs, rx1, rx2, type ReceiveWindowPlan } from '../lorawan/receive-windows.ts';
import { cid, decodeLinkAdrReq, encodeLinkAdrAns } from '../lorawan/mac-commands.ts';
import { macCommands, readHeader, stampUplink } from '../lorawan/frames.ts';
import type { LinkHooks, Macs, OutgoingFrame } from './macs.ts';
import type { NodeRuntimes } from './node-runtimes.ts';

export interface LorawanSettings {
  readonly confirmed: boolean;
  /** Transmissions of a confirmed uplink at most (the first and its retransmissions). */
  readonly maxTransmissions: number;
  /** NbTrans at the start: transmissions of each unconfirmed uplink (the network's ADR may change it). */
  readonly nbTrans: number;
  readonly rx1DrOffset: number;
  readonly adr: boolean;
}

/** The region's data rates and powers a device may use (RP002-1.0.4 per region). */
export interface DeviceRadioPlan {
  readonly plan: ReceiveWindowPlan;
  readonly dataRates: readonly DataRate[];
  /** The 125 kHz data rates ADR moves between. */
  readonly minDataRate: number;
  readonly maxDataRate: number;
  /** TXPower index n means maxEirpDbm − 2n dB. */
  readonly maxEirpDbm: number;
  readonly maxTxPowerIndex: number;
}

export interface LorawanDevice {
  readonly index: number;
  readonly dataRate: number;
  readonly txPowerIndex: number;
  /** The device's stream (retransmission timeouts). */
  readonly rng: RandomGenerator;
  /** TX current (mA) at a power (dBm), for the device's chip. */
  readonly txCurrentMa: (txPowerDbm: number) => number;
}

/** One change of a device's data rate, power or NbTrans, and what made it. */
export interface AdrChange {
  readonly atMs: number;
  readonly node: number;
  readonly dataRate: number;
  readonly sf: number;
  readonly txPowerDbm: number;
  readonly nbTrans: number;
  readonly cause: 'network' | 'backoff';
}

export interface LorawanDevicesConfig {
  readonly scheduler: Scheduler;
  readonly settings: LorawanSettings;
  readonly radio: DeviceRadioPlan;
  /** Every node by index; class A devices that run here are defined. */
  readonly devices: readonly (LorawanDevice | undefined)[];
  readonly macs: () => Macs;
  readonly runtimes: NodeRuntimes;
  readonly processingDelayMs: number;
  readonly onAdrChange: (change: AdrChange) => void;
}

/** What the devices counted (summary.json's `lorawan.devices`). */
export interface DeviceCounts {
  /** Uplinks handed to the MAC that went out at least once. */
  readonly uplinks: number;
  readonly retransmissions: number;
  readonly confirmedAcked: number;
  /** Confirmed uplinks given up after `maxTransmissions` without an ACK. */
  readonly confirmedFailed: number;
  readonly acksReceived: number;
  readonly downlinksReceived: number;
  /** Downlinks a window caught but the radio could not receive (collided, too weak, …). */
  readonly downlinksLost: number;
  readonly linkAdrReqApplied: number;
  readonly linkAdrReqRejected: number;
}

export interface LorawanDevices extends Checkpointable<LorawanDevicesState> {
  readonly hooks: LinkHooks;
  /** Puts each device's starting data rate and power in the MAC (before any traffic). */
  start(): void;
  /** A delivery from the ether to device `node` (its windows' preambles, frames and errors). */
  deliver(node: number, delivery: Delivery): void;
  isDevice(node: number): boolean;
  counts(): DeviceCounts;
  /** A device's data rate, TXPower index and NbTrans now. */
  stateOf(node: number): { readonly dataRate: number; readonly txPowerIndex: number; readonly nbTrans: number };
}

export interface LorawanDevicesState {
  readonly columns: readonly Float64Array[];
  readonly current: (OutgoingFrame | undefined)[];
  readonly rngs: (number[] | undefined)[];
  readonly counts: DeviceCounts;
}

const IDLE = 0;
const WINDOWS = 1;
const RETRY_WAIT = 2;
const noAnswer = -1;

export function createLorawanDevices(config: LorawanDevicesConfig): LorawanDevices {
  const { scheduler, settings, radio, devices, runtimes } = config;
  const n = devices.length;
  const column = (fill: number) => new Float64Array(n).fill(fill);
  const phase = column(IDLE);
  const uplinkEndMs = column(Number.NEGATIVE_INFINITY);
  const uplinkChannelHz = column(0);
  const uplinkDataRate = column(0);
  const retryAtMs = column(Number.NaN);
  const rx2CloseAtMs = column(Number.NaN);
  const transmissions = column(0);
  /** 1 when a window caught a frame's preamble since the last uplink. */
  const caught = column(0);
  const gotDownlink = column(0);
  const acked = column(0);
  const adrAckCnt = column(0);
  const dataRate = Float64Array.from(devices, (d) => d?.dataRate ?? 0);
  const txPowerIndex = Float64Array.from(devices, (d) => d?.txPowerIndex ?? 0);
  const nbTrans = column(settings.nbTrans);
  /** The LinkADRAns status owed in the next uplink (−1: none). */
  const answer = column(noAnswer);
  const current: (OutgoingFrame | undefined)[] = new Array<OutgoingFrame | undefined>(n);
  const columns = [phase, uplinkEndMs, uplinkChannelHz, uplinkDataRate, retryAtMs, rx2CloseAtMs, transmissions, caught, gotDownlink, acked, adrAckCnt, dataRate, txPowerIndex, nbTrans, answer];
  const counts = { uplinks: 0, retransmissions: 0, confirmedAcked: 0, confirmedFailed: 0, acksReceived: 0, downlinksReceived: 0, downlinksLost: 0, linkAdrReqApplied: 0, linkAdrReqRejected: 0 };
  /** The SF and power of device `i`'s data rate and TXPower index now. */
  const radioNow = (i: number): { sf: number; txPowerDbm: number } => ({ sf: rateOf(dataRate[i]!).sf, txPowerDbm: radio.maxEirpDbm - 2 * txPowerIndex[i]! });

  /** With ADR, sets each device's starting data rate and power in the MAC (when they differ from its radio settings). */
  function start(): void {
    if (!settings.adr) return;
    const macs = config.macs();
    devices.forEach((device, i) => {
      if (!device) return;
      const { sf, txPowerDbm } = radioNow(i);
      const now = macs.radioOf(i);
      if (now.sf !== sf || now.txPowerDbm !== txPowerDbm) macs.setRadio(i, sf, txPowerDbm, device.txCurrentMa(txPowerDbm));
    });
  }

  const rateOf = (dr: number): DataRate => dataRateNumbered(radio.dataRates, dr);
  const windowMsAt = (dr: number): number => {
    const rate = rateOf(dr);
    return receiveWindowMs(symbolTimeMs(rate.sf, rate.bandwidthHz));
  };

  /** Tells the MAC the device's data rate and power now, and records the change. */
  function applyRadio(i: number, cause: AdrChange['cause']): void {
    const { sf, txPowerDbm } = radioNow(i);
    config.macs().setRadio(i, sf, txPowerDbm, devices[i]!.txCurrentMa(txPowerDbm));
    config.onAdrChange({ atMs: scheduler.nowMs, node: i, dataRate: dataRate[i]!, sf, txPowerDbm, nbTrans: nbTrans[i]!, cause });
  }

  /** A new uplink (not a repetition): ADR_ACK_CNT counts it, and the back-off may act (Table 9). */
  function newUplink(i: number, frame: OutgoingFrame): void {
    current[i] = frame;
    transmissions[i] = 0;
    counts.uplinks++;
    if (!settings.adr) return;
    adrAckCnt[i]!++;
    const next = deviceBackoff(adrAckCnt[i]!, { dataRate: dataRate[i]!, txPowerIndex: txPowerIndex[i]!, nbTrans: nbTrans[i]! }, radio.minDataRate);
    if (next.dataRate !== dataRate[i] || next.txPowerIndex !== txPowerIndex[i] || next.nbTrans !== nbTrans[i]) {
      dataRate[i] = next.dataRate;
      txPowerIndex[i] = next.txPowerIndex;
      nbTrans[i] = next.nbTrans;
      applyRadio(i, 'backoff');
    }
  }

  const hooks: LinkHooks = {
    frameBytes(i, frame) {
      if (current[i]?.bytes !== frame.bytes) newUplink(i, frame);
      const adrAckReq = settings.adr && adrAckCnt[i]! >= classATiming.adrAckLimit;
      const owed = answer[i]!;
      const fOpts = owed === noAnswer ? new Uint8Array(0) : encodeLinkAdrAns({ powerAck: (owed & 4) !== 0, dataRateAck: (owed & 2) !== 0, channelMaskAck: (owed & 1) !== 0 });
      return stampUplink(frame.bytes, settings.confirmed, { adr: settings.adr, adrAckReq, ack: false, bit4: false }, fOpts);
    },
    sent(i, tx, frame) {
      if (current[i]?.bytes !== frame.bytes) newUplink(i, frame);
      transmissions[i]!++;
      if (transmissions[i]! > 1) counts.retransmissions++;
      // The answer went out in this frame's FOpts.
      answer[i] = noAnswer;
      phase[i] = WINDOWS;
      uplinkEndMs[i] = tx.endMs;
      uplinkChannelHz[i] = tx.channelHz;
      uplinkDataRate[i] = dataRate[i]!;
      caught[i] = 0;
      gotDownlink[i] = 0;
      acked[i] = 0;
      scheduler.atKind(tx.endMs + classATiming.receiveDelay1Ms, rx1Kind, i);
      scheduler.atKind(tx.endMs + classATiming.receiveDelay2Ms, rx2Kind, i);
      return true;
    },
  };

  /** RX1 opens at the uplink's end + RECEIVE_DELAY1, at the RX1 data rate. */
  const rx1Kind = scheduler.kind((i) => {
    if (phase[i] !== WINDOWS || scheduler.nowMs !== uplinkEndMs[i]! + classATiming.receiveDelay1Ms) return;
    const window = rx1(radio.plan, { channelHz: uplinkChannelHz[i]!, dataRate: uplinkDataRate[i]! }, settings.rx1DrOffset);
    runtimes.rxWindow(i, scheduler.nowMs + windowMsAt(window.dataRate));
  });

  /** RX2 opens at the uplink's end + RECEIVE_DELAY2 unless RX1 caught a frame. */
  const rx2Kind = scheduler.kind((i) => {
    if (phase[i] !== WINDOWS || scheduler.nowMs !== uplinkEndMs[i]! + classATiming.receiveDelay2Ms || caught[i]) return;
    const openMs = windowMsAt(rx2(radio.plan).dataRate);
    runtimes.rxWindow(i, scheduler.nowMs + openMs);
    // A preamble caught at the window's last instant is reported one processing delay later.
    rx2CloseAtMs[i] = scheduler.nowMs + openMs + config.processingDelayMs;
    scheduler.atKind(rx2CloseAtMs[i]!, rx2CloseKind, i);
  });

  const rx2CloseKind = scheduler.kind((i) => {
    if (phase[i] !== WINDOWS || scheduler.nowMs !== rx2CloseAtMs[i] || caught[i]) return;
    windowsOver(i);
  });

  const retryKind = scheduler.kind((i) => {
    if (phase[i] !== RETRY_WAIT || scheduler.nowMs !== retryAtMs[i]) return;
    phase[i] = IDLE;
    sendAgain(i);
  });

  function sendAgain(i: number): void {
    const macs = config.macs();
    macs.retransmit(i, current[i]!);
    macs.resume(i);
  }

  /** The windows of the last transmission are over: done, or the uplink goes again. */
  function windowsOver(i: number): void {
    if (!runtimes.alive(i)) return;
    const confirmed = settings.confirmed;
    const answered = confirmed ? acked[i] === 1 : gotDownlink[i] === 1;
    const cap = confirmed ? settings.maxTransmissions : nbTrans[i]!;
    if (answered || transmissions[i]! >= cap) {
      if (confirmed && answered) counts.confirmedAcked++;
      else if (confirmed) counts.confirmedFailed++;
      phase[i] = IDLE;
      config.macs().resume(i);
      return;
    }
    if (confirmed) {
      phase[i] = RETRY_WAIT;
      const { retransmitTimeoutMinMs: min, retransmitTimeoutMaxMs: max } = classATiming;
      retryAtMs[i] = scheduler.nowMs + min + (max - min) * uniform(devices[i]!.rng);
      scheduler.atKind(retryAtMs[i]!, retryKind, i);
      return;
    }
    phase[i] = IDLE;
    sendAgain(i);
  }

  /** A downlink the device received: its ACK and MAC commands. */
  function downlink(i: number, delivery: Delivery): void {
    const header = readHeader(delivery.tx.bytes);
    if (header.devAddr !== i) return;
    counts.downlinksReceived++;
    gotDownlink[i] = 1;
    // Any class A downlink resets ADR_ACK_CNT (§4.3.1.1).
    adrAckCnt[i] = 0;
    if (header.control.ack) {
      acked[i] = 1;
      counts.acksReceived++;
    }
    for (const command of macCommands(header.fOpts, { [cid.linkAdr]: 4 })) {
      if (command.cid === cid.linkAdr) linkAdrReq(i, new Uint8Array([cid.linkAdr, command.payload[0]!, command.payload[1]!, command.payload[2]!, command.payload[3]!]));
    }
  }

  /** LinkADRReq (§5.2): all three settings accepted or none; answered in the next uplink. */
  function linkAdrReq(i: number, bytes: Uint8Array): void {
    const req = decodeLinkAdrReq(bytes);
    const wantedDr = req.dataRate === 15 ? dataRate[i]! : req.dataRate;
    const wantedPower = req.txPowerIndex === 15 ? txPowerIndex[i]! : req.txPowerIndex;
    const dataRateAck = settings.adr && wantedDr >= radio.minDataRate && wantedDr <= radio.maxDataRate;
    const powerAck = wantedPower >= 0 && wantedPower <= radio.maxTxPowerIndex;
    answer[i] = (powerAck ? 4 : 0) | (dataRateAck ? 2 : 0) | 1;
    if (!(dataRateAck && powerAck)) {
      counts.linkAdrReqRejected++;
      return;
    }
    counts.linkAdrReqApplied++;
    dataRate[i] = wantedDr;
    txPowerIndex[i] = wantedPower;
    nbTrans[i] = req.nbTrans === 0 ? 1 : req.nbTrans;
    applyRadio(i, 'network');
  }

  return {
    hooks,
    start,
    isDevice: (i) => devices[i] !== undefined,
    deliver(i, delivery) {
      // Only frames addressed to the device are its downlinks (a class C device also hears broadcasts).
      const mine = delivery.tx.destination === i;
      if (delivery.kind === 'rxStart') {
        runtimes.rxStart(i, delivery.tx);
        if (phase[i] === WINDOWS && mine) caught[i] = 1;
        return;
      }
      if (!mine || !runtimes.alive(i) || phase[i] !== WINDOWS || !caught[i]) return;
      if (delivery.kind === 'frame') downlink(i, delivery);
      else counts.downlinksLost++;
      windowsOver(i);
    },
    counts: () => ({ ...counts }),
    stateOf: (i) => ({ dataRate: dataRate[i]!, txPowerIndex: txPowerIndex[i]!, nbTrans: nbTrans[i]! }),
    checkpoint: () => ({ columns: columns.map((c) => c.slice()), current: [...current], rngs: devices.map((d) => d && generatorState(d.rng)), counts: { ...counts } }),
    restore(state) {
      columns.forEach((c, k) => restoreInto(c, state.columns[k]!, 'LoRaWAN devices'));
      replaceArray(current, state.current);
      devices.forEach((d, i) => d && setGeneratorState(d.rng, state.rngs[i]!));
      Object.assign(counts, state.counts);
    },
  };
}
