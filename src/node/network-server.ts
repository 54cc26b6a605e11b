/**
 * A LoRaWAN network server in the simulation, reached through the gateways (a node role: it
 * runs where the gateways run). For each uplink of a class A device it gathers what every
 * gateway heard (their SNRs; the message itself is merged once by links.ts), and at RX1's
 * opening decides whether the device needs a downlink: an ACK for a confirmed uplink, a
 * LinkADRReq when its ADR answer (lorawan/adr.ts, ChirpStack's default algorithm) differs from
 * the device's state or the device asked (ADRACKReq). The downlink goes from the gateway with
 * the best SNR that is free: not transmitting, and its sub-band's duty cycle open (a gateway
 * keeps its own duty-cycle books per sub-band, as ns-3 lorawan's NetworkServer and
 * LoRaMac-node's band timers do); in RX1 at the region's RX1 channel and data rate, else in
 * RX2 (EU868: 869.525 MHz, the 10 % sub-band g3); when neither can go, it is not sent.
 *
 * A gateway transmitting hears nothing on any path meanwhile (the ether's half duplex). The
 * gateway's transmit energy is booked on its ledger, and its downlinks are frames with fates
 * at their device like any other.
 */
import { replaceArray, restoreInto, type Checkpointable } from '../sim/checkpoint-state.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { timeOnAir } from '../radio/airtime.ts';
import type { CodingRate } from '../radio/modulation.ts';
import { dataRateNumbered, dataRateOf, dutyCycleOffTimeMs, subBandOf, type DataRate, type Region } from '../radio/regions.ts';
import type { Delivery, Transmission } from '../radio/transmission.ts';
import { adrHistoryLength, networkAdr, type AdrState, type AdrUplink } from '../lorawan/adr.ts';
import { classATiming, rx1, rx2, type UplinkParameters } from '../lorawan/receive-windows.ts';
import { cid, decodeLinkAdrAns, encodeLinkAdrReq } from '../lorawan/mac-commands.ts';
import { downlinkFrame, macCommands, mhdr, readHeader } from '../lorawan/frames.ts';
import type { EventSink } from './events.ts';
import type { DeviceRadioPlan, LorawanSettings } from './lorawan-devices.ts';

export interface GatewayRadio {
  readonly index: number;
  readonly txPowerDbm: number;
  readonly txCurrentMa: number;
  readonly supplyV: number;
  readonly codingRate: CodingRate;
  readonly preambleSymbols: number;
}

export interface NetworkServerConfig {
  readonly scheduler: Scheduler;
  readonly region: Region;
  readonly radio: DeviceRadioPlan;
  readonly settings: LorawanSettings;
  /** ChirpStack's default: 10 dB. */
  readonly installationMarginDb: number;
  /** The gateways, by node index (others undefined). */
  readonly gateways: readonly (GatewayRadio | undefined)[];
  /** Each device's TXPower index at the start (what the network believes until told otherwise). */
  readonly initialTxPowerIndex: (device: number) => number;
  /** Puts a gateway's downlink on the air; false when the gateway cannot (dead). */
  readonly transmit: (tx: Transmission) => boolean;
  /** The gateway's next frame counter. */
  readonly takeSeq: (gateway: number) => number;
  readonly events: EventSink;
}

/** What the network server counted (summary.json's `lorawan.network`). */
export interface NetworkCounts {
  /** Uplink transmissions of devices heard by at least one gateway. */
  readonly uplinksHeard: number;
  readonly downlinksRx1: number;
  readonly downlinksRx2: number;
  /** Downlinks wanted that no gateway could send in RX1 or RX2 (duty cycle, busy). */
  readonly downlinksNotSent: number;
  readonly acksSent: number;
  /** ACKs sent in RX2, a second after RX1 (no gateway could send in RX1). */
  readonly acksRx2: number;
  readonly acksNotSent: number;
  readonly linkAdrReqSent: number;
}

export interface NetworkServer extends Checkpointable<NetworkServerState> {
  /** A device's uplink frame that gateway `gateway` received. */
  heard(gateway: number, delivery: Delivery): void;
  counts(): NetworkCounts;
}

interface PendingUplink {
  readonly seq: number;
  readonly endMs: number;
  readonly uplink: UplinkParameters;
  readonly confirmed: boolean;
  readonly adr: boolean;
  readonly adrAckReq: boolean;
  readonly fCnt: number;
  /** [gateway, SNR dB, …] in the order heard. */
  readonly heardBy: number[];
  /** The downlink decided at RX1 (kept for RX2). */
  downlink: { ack: boolean; fOpts: Uint8Array; adr: AdrState | undefined } | undefined;
}

export interface NetworkServerState {
  readonly pending: (PendingUplink | undefined)[];
  readonly histories: (AdrUplink[] | undefined)[];
  readonly believed: (AdrState | undefined)[];
  readonly requested: (AdrState | undefined)[];
  readonly columns: readonly Float64Array[];
  readonly counts: NetworkCounts;
}

export function createNetworkServer(config: NetworkServerConfig): NetworkServer {
  const { scheduler, region, radio, settings } = config;
  const n = config.gateways.length;
  const bandCount = region.subBands.length;
  const bandOpenAtMs = new Float64Array(n * bandCount).fill(Number.NEGATIVE_INFINITY);
  const busyUntilMs = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  const fCntDown = new Float64Array(n);
  const pending: (PendingUplink | undefined)[] = [];
  const histories: (AdrUplink[] | undefined)[] = [];
  /** What the network believes each device uses (confirmed by LinkADRAns), and what it last asked. */
  const believed: (AdrState | undefined)[] = [];
  const requested: (AdrState | undefined)[] = [];
  const counts = { uplinksHeard: 0, downlinksRx1: 0, downlinksRx2: 0, downlinksNotSent: 0, acksSent: 0, acksRx2: 0, acksNotSent: 0, linkAdrReqSent: 0 };
  const sfOf = (dr: number): number => dataRateNumbered(radio.dataRates, dr).sf;

  const rx1Kind = scheduler.kind((device) => decide(device));
  const rx2Kind = scheduler.kind((device) => {
    const record = pending[device];
    if (!record?.downlink || scheduler.nowMs !== record.endMs + classATiming.receiveDelay2Ms) return;
    if (!trySend(device, record, rx2(radio.plan), 2)) {
      counts.downlinksNotSent++;
      if (record.downlink.ack) counts.acksNotSent++;
    }
    pending[device] = undefined;
  });

  /** At RX1's opening: what the device needs, sent now or in RX2. */
  function decide(device: number): void {
    const record = pending[device];
    if (!record || scheduler.nowMs !== record.endMs + classATiming.receiveDelay1Ms) return;
    const state = (believed[device] ??= { dataRate: record.uplink.dataRate, txPowerIndex: config.initialTxPowerIndex(device), nbTrans: settings.nbTrans });
    const current: AdrState = { ...state, dataRate: record.uplink.dataRate };
    let adr: AdrState | undefined;
    if (record.adr && settings.adr) {
      const history = remember((histories[device] ??= []), record, current.txPowerIndex);
      const answer = networkAdr(current, history, { sfOf, maxDataRate: radio.maxDataRate, maxTxPowerIndex: radio.maxTxPowerIndex, installationMarginDb: config.installationMarginDb });
      const changed = answer.dataRate !== current.dataRate || answer.txPowerIndex !== current.txPowerIndex || answer.nbTrans !== current.nbTrans;
      if (changed || record.adrAckReq) adr = answer;
    }
    if (!record.confirmed && !adr) {
      pending[device] = undefined;
      return;
    }
    const fOpts = adr ? encodeLinkAdrReq({ dataRate: adr.dataRate, txPowerIndex: adr.txPowerIndex, channelMask: 0xffff, channelMaskControl: 0, nbTrans: adr.nbTrans }) : new Uint8Array(0);
    record.downlink = { ack: record.confirmed, fOpts, adr };
    if (trySend(device, record, rx1(radio.plan, record.uplink, settings.rx1DrOffset), 1)) pending[device] = undefined;
    else scheduler.atKind(record.endMs + classATiming.receiveDelay2Ms, rx2Kind, device);
  }

  function trySend(device: number, record: PendingUplink, window: UplinkParameters, slot: 1 | 2): boolean {
    const band = subBandOf(region, window.channelHz);
    if (!band) throw new RangeError(`downlink channel ${window.channelHz} Hz lies in no sub-band of ${region.id}`);
    const b = region.subBands.indexOf(band);
    const nowMs = scheduler.nowMs;
    for (const gateway of byBestSnr(record)) {
      if (busyUntilMs[gateway]! > nowMs || bandOpenAtMs[gateway * bandCount + b]! > nowMs) continue;
      const fCnt = fCntDown[device]!;
      fCntDown[device] = (fCnt + 1) % 0x10000;
      const bytes = downlinkFrame({ devAddr: device, fCnt, control: { adr: record.adr, adrAckReq: false, ack: record.downlink!.ack, bit4: false, fOptsLength: 0 }, fOpts: record.downlink!.fOpts });
      const txPowerDbm = Math.min(config.gateways[gateway]!.txPowerDbm, band.maxEirpDbm);
      const tx = downlinkTransmission(config.gateways[gateway]!, device, bytes, fCnt, dataRateNumbered(radio.dataRates, window.dataRate), window.channelHz, txPowerDbm, config.takeSeq(gateway), nowMs, record.endMs);
      if (!config.transmit(tx)) continue;
      const radioOf = config.gateways[gateway]!;
      config.events.txStarted(tx, nowMs, 0, 0, 0, radioOf.txCurrentMa * tx.airtimeMs * radioOf.supplyV);
      busyUntilMs[gateway] = tx.endMs;
      bandOpenAtMs[gateway * bandCount + b] = tx.endMs + dutyCycleOffTimeMs(tx.airtimeMs, band.dutyCycle);
      if (slot === 1) counts.downlinksRx1++;
      else counts.downlinksRx2++;
      if (record.downlink!.ack) counts.acksSent++;
      if (record.downlink!.ack && slot === 2) counts.acksRx2++;
      if (record.downlink!.adr) {
        counts.linkAdrReqSent++;
        requested[device] = record.downlink!.adr;
      }
      return true;
    }
    return false;
  }

  /** LinkADRAns in an uplink's FOpts: the settings last asked are in force when all three were accepted. */
  function readAnswers(device: number, fOpts: Uint8Array): void {
    for (const command of macCommands(fOpts, { [cid.linkAdr]: 1 })) {
      if (command.cid !== cid.linkAdr) continue;
      const ans = decodeLinkAdrAns(Uint8Array.of(cid.linkAdr, command.payload[0]!));
      if (ans.powerAck && ans.dataRateAck && ans.channelMaskAck && requested[device]) believed[device] = requested[device];
      requested[device] = undefined;
    }
  }

  return {
    heard(gateway, delivery) {
      const { tx } = delivery;
      const device = tx.sender;
      let record = pending[device];
      if (!record || record.seq !== tx.seq) {
        const header = readHeader(tx.bytes);
        readAnswers(device, header.fOpts);
        const rate = dataRateOf(region, tx.sf, tx.bandwidthHz);
        if (!rate) return;
        record = {
          seq: tx.seq,
          endMs: tx.endMs,
          uplink: { channelHz: tx.channelHz, dataRate: rate.dr },
          confirmed: header.mhdr === mhdr.confirmedUp,
          adr: header.control.adr,
          adrAckReq: header.control.adrAckReq,
          fCnt: header.fCnt,
          heardBy: [],
          downlink: undefined,
        };
        pending[device] = record;
        counts.uplinksHeard++;
        scheduler.atKind(tx.endMs + classATiming.receiveDelay1Ms, rx1Kind, device);
      }
      record.heardBy.push(gateway, delivery.snrDb);
    },
    counts: () => ({ ...counts }),
    checkpoint: () => ({ pending, histories, believed, requested, columns: [bandOpenAtMs.slice(), busyUntilMs.slice(), fCntDown.slice()], counts: { ...counts } }),
    restore(state) {
      replaceArray(pending, state.pending);
      replaceArray(histories, state.histories);
      replaceArray(believed, state.believed);
      replaceArray(requested, state.requested);
      [bandOpenAtMs, busyUntilMs, fCntDown].forEach((c, k) => restoreInto(c, state.columns[k]!, 'network server'));
      Object.assign(counts, state.counts);
    },
  };
}

/** Adds an uplink's best SNR to a device's ADR history (one entry per FCnt, as ChirpStack keeps it; the last 20). */
function remember(history: AdrUplink[], record: PendingUplink, txPowerIndex: number): AdrUplink[] {
  let maxSnrDb = Number.NEGATIVE_INFINITY;
  for (let k = 1; k < record.heardBy.length; k += 2) maxSnrDb = Math.max(maxSnrDb, record.heardBy[k]!);
  const last = history[history.length - 1];
  if (last && last.fCnt === record.fCnt) history[history.length - 1] = { fCnt: record.fCnt, maxSnrDb: Math.max(last.maxSnrDb, maxSnrDb), txPowerIndex };
  else history.push({ fCnt: record.fCnt, maxSnrDb, txPowerIndex });
  if (history.length > adrHistoryLength) history.shift();
  return history;
}

/** The gateways that heard the uplink, best SNR first (ties: lower index). */
function byBestSnr(record: PendingUplink): number[] {
  const order: number[] = [];
  for (let k = 0; k < record.heardBy.length; k += 2) order.push(k);
  order.sort((a, b) => record.heardBy[b + 1]! - record.heardBy[a + 1]! || record.heardBy[a]! - record.heardBy[b]!);
  return order.map((k) => record.heardBy[k]!);
}

/** A gateway's downlink of `bytes` to `device`, starting now at `rate` on `channelHz`. */
function downlinkTransmission(gateway: GatewayRadio, device: number, bytes: Uint8Array, fCnt: number, rate: DataRate, channelHz: number, txPowerDbm: number, seq: number, startMs: number, uplinkEndMs: number): Transmission {
  const airtime = timeOnAir({ sf: rate.sf, bandwidthHz: rate.bandwidthHz, codingRate: gateway.codingRate, preambleSymbols: gateway.preambleSymbols, payloadBytes: bytes.length });
  return {
    sender: gateway.index,
    seq,
    destination: device,
    startMs,
    airtimeMs: airtime.airtimeMs,
    endMs: startMs + airtime.airtimeMs,
    channelHz,
    sf: rate.sf,
    bandwidthHz: rate.bandwidthHz,
    codingRate: gateway.codingRate,
    preambleSymbols: gateway.preambleSymbols,
    symbolMs: airtime.symbolMs,
    txPowerDbm,
    bytes,
    messageId: fCnt,
    fragmentIndex: 0,
    fragmentCount: 1,
    messageCreatedAtMs: uplinkEndMs,
    meta: undefined,
  };
}
