/**
 * Class A receive windows per region (TS001-1.0.4 §3.3, https://read.uberflip.com/i/1428395/12;
 * RP002-1.0.4, https://read.uberflip.com/i/1479525): after every uplink a device opens RX1
 * RECEIVE_DELAY1 after the uplink's end, on a frequency and at a data rate derived from the
 * uplink's (the region's RX1 channel mapping and RX1DROffset table), and RX2 RECEIVE_DELAY2
 * after it, on the region's fixed RX2 frequency and data rate. The defaults and tables are
 * RP002-1.0.4 §3.3 (delays), §2.x per region, as Semtech's LoRaMac-node implements them
 * (`Region*.{h,c}` @dcbcfb329b4a, https://github.com/Lora-net/LoRaMac-node; the US915 table is
 * RP 1.0.3revA Table 17, https://read.uberflip.com/i/1428359/24). Pure.
 *
 * @example
 * rx1(receiveWindows.us915!, { channelHz: 904.1e6, dataRate: 2 }, 0) // { channelHz: 923.9e6, dataRate: 12 }: uplink channel 9, downlink 9 mod 8
 */
import type { RegionId } from '../radio/regions.ts';

/** RP002-1.0.4 §3.3 defaults, the same in every region. */
export const classATiming = {
  /** RECEIVE_DELAY1 (ms): RX1 opens this long after the uplink's end. */
  receiveDelay1Ms: 1000,
  /** RECEIVE_DELAY2 (ms) = RECEIVE_DELAY1 + 1 s. */
  receiveDelay2Ms: 2000,
  /** RETRANSMIT_TIMEOUT (ACK_TIMEOUT before 1.0.4): 2 s ± 1 s, uniform, counted from RX2 (ms). */
  retransmitTimeoutMinMs: 1000,
  retransmitTimeoutMaxMs: 3000,
  /** ADR_ACK_LIMIT and ADR_ACK_DELAY (uplinks). */
  adrAckLimit: 64,
  adrAckDelay: 32,
} as const;

export interface UplinkParameters {
  readonly channelHz: number;
  readonly dataRate: number;
}

export interface ReceiveWindowPlan {
  /** RX1's frequency for an uplink on `channelHz`. */
  readonly rx1ChannelHz: (uplinkChannelHz: number) => number;
  /** RX1's data rate by uplink data rate (rows) and RX1DROffset (columns). */
  readonly rx1DataRates: Readonly<Record<number, readonly number[]>>;
  readonly rx2ChannelHz: number;
  readonly rx2DataRate: number;
}

/** EU868 and AS923 (dynamic plans): RX1 on the uplink's channel. */
const sameChannel = (hz: number): number => hz;

/**
 * US915 and AU915 (fixed plans): RX1 on downlink channel (uplink channel mod 8), 923.3 + 0.6·n MHz,
 * with the uplink channel n from its frequency (125 kHz channels 0–63 from `firstUpHz` every
 * 200 kHz; 500 kHz channels 64–71 from `first500Hz` every 1.6 MHz).
 */
const moduloEight = (firstUpHz: number, first500Hz: number) => (hz: number): number => {
  const in500 = Math.round((hz - first500Hz) / 1.6e6);
  const channel = hz >= first500Hz && Math.abs(first500Hz + in500 * 1.6e6 - hz) < 1 ? 64 + in500 : Math.round((hz - firstUpHz) / 0.2e6);
  return 923.3e6 + 0.6e6 * (channel % 8);
};

/** RX1 DR = max(min, DR − offset) for offsets 0..5 (EU868, RP002 Table "RX1 data rate"). */
const downBy = (maxDr: number, offsets: number, min = 0): Record<number, number[]> =>
  Object.fromEntries(Array.from({ length: maxDr + 1 }, (_, dr) => [dr, Array.from({ length: offsets }, (_, off) => Math.max(min, dr - off))]));

export const receiveWindows: Readonly<Partial<Record<RegionId, ReceiveWindowPlan>>> = {
  eu868: { rx1ChannelHz: sameChannel, rx1DataRates: downBy(7, 6), rx2ChannelHz: 869.525e6, rx2DataRate: 0 },
  // RP002 §2.5.7 / RP 1.0.3revA Table 17.
  us915: {
    rx1ChannelHz: moduloEight(902.3e6, 903.0e6),
    rx1DataRates: { 0: [10, 9, 8, 8], 1: [11, 10, 9, 8], 2: [12, 11, 10, 9], 3: [13, 12, 11, 10], 4: [13, 13, 12, 11] },
    rx2ChannelHz: 923.3e6,
    rx2DataRate: 8,
  },
  // LoRaMac-node DatarateOffsetsAU915.
  au915: {
    rx1ChannelHz: moduloEight(915.2e6, 915.9e6),
    rx1DataRates: {
      0: [8, 8, 8, 8, 8, 8],
      1: [9, 8, 8, 8, 8, 8],
      2: [10, 9, 8, 8, 8, 8],
      3: [11, 10, 9, 8, 8, 8],
      4: [12, 11, 10, 9, 8, 8],
      5: [13, 12, 11, 10, 9, 8],
      6: [13, 13, 12, 11, 10, 9],
    },
    rx2ChannelHz: 923.3e6,
    rx2DataRate: 8,
  },
  // AS923-1 with DownlinkDwellTime = 1, as LoRaMac-node starts: every entry at least DR2;
  // offsets 6 and 7 raise the data rate (RP002 §2.10.7).
  as923: {
    rx1ChannelHz: sameChannel,
    rx1DataRates: Object.fromEntries(
      Array.from({ length: 8 }, (_, dr) => [dr, Array.from({ length: 8 }, (_, off) => Math.max(2, off <= 5 ? Math.max(0, dr - off) : Math.min(7, dr + off - 5)))]),
    ),
    rx2ChannelHz: 923.2e6,
    rx2DataRate: 2,
  },
};

/** RX1's channel and data rate for an uplink, with RX1DROffset `offset`. */
export function rx1(plan: ReceiveWindowPlan, uplink: UplinkParameters, offset: number): UplinkParameters {
  const row = plan.rx1DataRates[uplink.dataRate];
  const dataRate = row?.[offset];
  if (dataRate === undefined) throw new RangeError(`no RX1 data rate for uplink DR${uplink.dataRate} at RX1DROffset ${offset}`);
  return { channelHz: plan.rx1ChannelHz(uplink.channelHz), dataRate };
}

/** RX2's channel and data rate (fixed per region). */
export function rx2(plan: ReceiveWindowPlan): UplinkParameters {
  return { channelHz: plan.rx2ChannelHz, dataRate: plan.rx2DataRate };
}

/**
 * How long a class A receive window stays open (ms) for symbols of `symbolMs`: long enough to
 * detect a preamble despite the timing error, as LoRaMac-node computes it
 * (`RegionCommonComputeRxWindowParameters` in `RegionCommon.c` @dcbcfb329b4a,
 * https://github.com/Lora-net/LoRaMac-node, with its defaults MinRxSymbols = 6 and
 * SystemMaxRxError = 10 ms): max(⌈((2·6 − 8)·Tsym + 2·10 ms) / Tsym⌉, 6) symbols.
 *
 * @example
 * receiveWindowMs(1.024) // 24.576: 24 symbols at SF7/125 kHz
 * receiveWindowMs(32.768) // 196.608: 6 symbols at SF12/125 kHz
 */
export function receiveWindowMs(symbolMs: number): number {
  const minRxSymbols = 6;
  const maxRxErrorMs = 10;
  // In whole microseconds, as LoRaMac-node's integer arithmetic has it.
  const symbolUs = Math.round(symbolMs * 1000);
  const symbols = Math.max(Math.ceil(((2 * minRxSymbols - 8) * symbolUs + 2 * maxRxErrorMs * 1000) / symbolUs), minRxSymbols);
  return (symbols * symbolUs) / 1000;
}
