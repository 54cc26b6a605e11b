/**
 * Adaptive data rate, both halves. Pure.
 *
 * The network's half is ChirpStack's default algorithm, the one most deployments run
 * (`chirpstack/src/adr/default.rs` @d77207cd362d, https://github.com/chirpstack/chirpstack):
 * over the device's last 20 uplinks, each with the best SNR any gateway measured, the margin is
 * the largest SNR minus the SNR the current data rate needs minus an installation margin
 * (10 dB); every 3 dB of it is one step, truncated toward zero (not floored: −2.9 dB is no
 * step); steps up raise the data rate first, then lower the power; steps down raise the power
 * only, and only on a full history at the current power. The data rate is never lowered
 * (devices back off by themselves). NbTrans follows the uplinks lost in the history.
 *
 * The device's half is the ADR back-off of LoRaWAN L2 1.0.4 §4.3.1.1, Table 9
 * (https://read.uberflip.com/i/1428395/17), as LoRaMac-node's `LoRaMacAdrCalcNext` does it
 * (@dcbcfb329b4a): with no downlink for ADR_ACK_LIMIT uplinks it sets ADRACKReq; after
 * ADR_ACK_DELAY more its power goes back to the maximum; after another ADR_ACK_DELAY, and every
 * ADR_ACK_DELAY after, its data rate goes one step down; at the lowest, NbTrans goes back to 1.
 */
import { classATiming } from './receive-windows.ts';

/** The SNR (dB) the LoRa demodulator needs per SF (SX1276 datasheet; ChirpStack, ns-3 and FLoRa use the same). */
export const requiredSnrDb: Readonly<Record<number, number>> = { 6: -5, 7: -7.5, 8: -10, 9: -12.5, 10: -15, 11: -17.5, 12: -20 };

export interface AdrState {
  readonly dataRate: number;
  /** TX power index: MaxEIRP − 2·index dB; 0 is the most power. */
  readonly txPowerIndex: number;
  readonly nbTrans: number;
}

export interface AdrUplink {
  /** The uplink's frame counter. */
  readonly fCnt: number;
  /** The best SNR any gateway measured for it (dB). */
  readonly maxSnrDb: number;
  /** The device's TX power index when it sent it. */
  readonly txPowerIndex: number;
}

export interface AdrSettings {
  /** The SF of a data rate (the region's table). */
  readonly sfOf: (dataRate: number) => number;
  readonly maxDataRate: number;
  readonly maxTxPowerIndex: number;
  /** ChirpStack's default: 10 dB. */
  readonly installationMarginDb: number;
}

/** Uplinks the network keeps per device. */
export const adrHistoryLength = 20;

/** The network's answer to a device's history (the last `adrHistoryLength` uplinks, oldest first). */
export function networkAdr(current: AdrState, history: readonly AdrUplink[], settings: AdrSettings): AdrState {
  if (history.length === 0) return current;
  let snrMaxDb = Number.NEGATIVE_INFINITY;
  for (const uplink of history) snrMaxDb = Math.max(snrMaxDb, uplink.maxSnrDb);
  const required = requiredSnrDb[settings.sfOf(current.dataRate)];
  if (required === undefined) return current;
  const marginDb = snrMaxDb - required - settings.installationMarginDb;
  let steps = Math.trunc(marginDb / 3);
  let { dataRate, txPowerIndex } = current;
  for (; steps > 0; steps--) {
    if (dataRate < settings.maxDataRate) dataRate++;
    else if (txPowerIndex < settings.maxTxPowerIndex) txPowerIndex++;
    else break;
  }
  // More power only once the whole history was sent at the current power (no see-saw).
  const settled = history.length >= adrHistoryLength && history.every((uplink) => uplink.txPowerIndex === current.txPowerIndex);
  for (; steps < 0 && settled && txPowerIndex > 0; steps++) txPowerIndex--;
  return { dataRate, txPowerIndex, nbTrans: nbTransFor(current.nbTrans, history) };
}

/** ChirpStack's NbTrans by the history's packet loss (its FCnt gaps), indexed by the current NbTrans 1–3. */
function nbTransFor(current: number, history: readonly AdrUplink[]): number {
  if (history.length < adrHistoryLength) return current;
  const span = history[history.length - 1]!.fCnt - history[0]!.fCnt + 1;
  const loss = span > 0 ? 1 - history.length / span : 0;
  const row = loss < 0.05 ? [1, 1, 2] : loss < 0.1 ? [1, 2, 3] : loss < 0.3 ? [2, 3, 3] : [3, 3, 3];
  return row[Math.min(3, Math.max(1, current)) - 1]!;
}

/** The device's state after an uplink with `adrAckCnt` uplinks since its last class A downlink (Table 9). */
export function deviceBackoff(adrAckCnt: number, state: AdrState, minDataRate: number): AdrState & { readonly adrAckReq: boolean } {
  const { adrAckLimit: limit, adrAckDelay: delay } = classATiming;
  let { dataRate, txPowerIndex, nbTrans } = state;
  if (adrAckCnt >= limit + delay) txPowerIndex = 0;
  if (adrAckCnt >= limit + 2 * delay && (adrAckCnt - limit) % delay === 0) {
    if (dataRate > minDataRate) dataRate--;
    else nbTrans = 1;
  }
  return { dataRate, txPowerIndex, nbTrans, adrAckReq: adrAckCnt >= limit };
}
