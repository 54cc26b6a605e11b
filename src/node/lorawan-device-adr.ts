/**
 * A class A device's data rate and power (lorawan-devices.ts): with ADR, the FCtrl ADR bit is
 * set, LinkADRReq from the network is applied (all or nothing) and answered with LinkADRAns in
 * the next uplink's FOpts (TS001-1.0.4 §5.2), and the device backs off by itself without
 * downlinks (§4.3.1.1 Table 9, lorawan/adr.ts). The MAC is told every change; each uplink's
 * header carries the ADR bits and the answer owed.
 */
import { dataRateNumbered, type DataRate } from '../radio/regions.ts';
import { deviceBackoff } from '../lorawan/adr.ts';
import { decodeLinkAdrReq, encodeLinkAdrAns } from '../lorawan/mac-commands.ts';
import { stampUplink } from '../lorawan/frames.ts';
import { classATiming } from '../lorawan/receive-windows.ts';
import { noAnswer, type DeviceColumns } from './lorawan-device-columns.ts';
import type { AdrChange } from './lorawan-device-types.ts';
import type { OutgoingFrame } from './mac-types.ts';

export function rateOf(s: DeviceColumns, dr: number): DataRate {
  return dataRateNumbered(s.config.radio.dataRates, dr);
}

/** The SF and power of device `i`'s data rate and TXPower index now. */
function radioNow(s: DeviceColumns, i: number): { sf: number; txPowerDbm: number } {
  return { sf: rateOf(s, s.dataRate[i]!).sf, txPowerDbm: s.config.radio.maxEirpDbm - 2 * s.txPowerIndex[i]! };
}

/** With ADR, sets each device's starting data rate and power in the MAC (when they differ from its radio settings). */
export function startRadios(s: DeviceColumns): void {
  const { settings, devices } = s.config;
  if (!settings.adr) return;
  const macs = s.config.macs();
  devices.forEach((device, i) => {
    if (!device) return;
    const { sf, txPowerDbm } = radioNow(s, i);
    const now = macs.radioOf(i);
    if (now.sf !== sf || now.txPowerDbm !== txPowerDbm) macs.setRadio(i, sf, txPowerDbm, device.txCurrentMa(txPowerDbm));
  });
}

/** Tells the MAC the device's data rate and power now, and records the change. */
function applyRadio(s: DeviceColumns, i: number, cause: AdrChange['cause']): void {
  const { sf, txPowerDbm } = radioNow(s, i);
  s.config.macs().setRadio(i, sf, txPowerDbm, s.config.devices[i]!.txCurrentMa(txPowerDbm));
  s.config.onAdrChange({ atMs: s.config.scheduler.nowMs, node: i, dataRate: s.dataRate[i]!, sf, txPowerDbm, nbTrans: s.nbTrans[i]!, cause });
}

/** A new uplink (not a repetition): ADR_ACK_CNT counts it, and the back-off may act (Table 9). */
export function newUplink(s: DeviceColumns, i: number, frame: OutgoingFrame): void {
  s.current[i] = frame;
  s.transmissions[i] = 0;
  s.counts.uplinks++;
  if (!s.config.settings.adr) return;
  s.adrAckCnt[i]!++;
  const next = deviceBackoff(s.adrAckCnt[i]!, { dataRate: s.dataRate[i]!, txPowerIndex: s.txPowerIndex[i]!, nbTrans: s.nbTrans[i]! }, s.config.radio.minDataRate);
  if (next.dataRate !== s.dataRate[i] || next.txPowerIndex !== s.txPowerIndex[i] || next.nbTrans !== s.nbTrans[i]) {
    s.dataRate[i] = next.dataRate;
    s.txPowerIndex[i] = next.txPowerIndex;
    s.nbTrans[i] = next.nbTrans;
    applyRadio(s, i, 'backoff');
  }
}

/** LinkADRReq (§5.2): all three settings accepted or none; answered in the next uplink. */
export function linkAdrReq(s: DeviceColumns, i: number, bytes: Uint8Array): void {
  const { settings, radio } = s.config;
  const req = decodeLinkAdrReq(bytes);
  const wantedDr = req.dataRate === 15 ? s.dataRate[i]! : req.dataRate;
  const wantedPower = req.txPowerIndex === 15 ? s.txPowerIndex[i]! : req.txPowerIndex;
  const dataRateAck = settings.adr && wantedDr >= radio.minDataRate && wantedDr <= radio.maxDataRate;
  const powerAck = wantedPower >= 0 && wantedPower <= radio.maxTxPowerIndex;
  s.answer[i] = (powerAck ? 4 : 0) | (dataRateAck ? 2 : 0) | 1;
  if (!(dataRateAck && powerAck)) {
    s.counts.linkAdrReqRejected++;
    return;
  }
  s.counts.linkAdrReqApplied++;
  s.dataRate[i] = wantedDr;
  s.txPowerIndex[i] = wantedPower;
  s.nbTrans[i] = req.nbTrans === 0 ? 1 : req.nbTrans;
  applyRadio(s, i, 'network');
}

/** The uplink's bytes as they go out now: FCtrl's ADR bits and the LinkADRAns owed in FOpts. */
export function uplinkBytes(s: DeviceColumns, i: number, frame: OutgoingFrame): Uint8Array {
  const settings = s.config.settings;
  if (s.current[i]?.bytes !== frame.bytes) newUplink(s, i, frame);
  const adrAckReq = settings.adr && s.adrAckCnt[i]! >= classATiming.adrAckLimit;
  const owed = s.answer[i]!;
  const fOpts = owed === noAnswer ? new Uint8Array(0) : encodeLinkAdrAns({ powerAck: (owed & 4) !== 0, dataRateAck: (owed & 2) !== 0, channelMaskAck: (owed & 1) !== 0 });
  return stampUplink(frame.bytes, settings.confirmed, { adr: settings.adr, adrAckReq, ack: false, bit4: false }, fOpts);
}
