/**
 * Regional rules: sub-bands with their duty cycles and power limits, data rates with the
 * LoRaWAN maximum payloads, and dwell-time limits.
 *
 * EU863-870: ETSI EN 300 220 sub-bands as implemented by Semtech LoRaMac-node
 * (`RegionEU868.{h,c}` @002d911b, https://github.com/Lora-net/LoRaMac-node), max payloads from
 * LoRaWAN RP002-1.0.1 Table 10 (not repeater compatible) and Table 9 (repeater compatible).
 * US902-928: 400 ms uplink dwell (RP002-1.0.1 §2.5.3, FCC), no duty cycle, max payloads from
 * RP002-1.0.1 Tables 17 and 16. RP002-1.0.1 is the LoRa Alliance's LoRaWAN Regional Parameters
 * (2020); a copy: https://github.com/avbentem/airtime-calculator/blob/af41bc53c7ce61da27237ba24756ebcf94314440/doc/rp_2-1.0.1.pdf.
 * AS923 (AS923-1) and AU915: RP002-1.0.4 (https://read.uberflip.com/i/1479525) and -1.0.5
 * (https://read.uberflip.com/i/1540208), as Semtech LoRaMac-node implements them
 * (`RegionAS923.{h,c}`, `RegionAU915.{h,c}` @dcbcfb329b4a, https://github.com/Lora-net/LoRaMac-node):
 * both with the 400 ms uplink dwell time LoRaMac-node sets by default (UplinkDwellTime = 1), so
 * their 125 kHz data rates carry the dwell-time payloads and DR0–1 (SF12, SF11) are not allowed.
 */

export type RegionId = 'eu868' | 'us915' | 'as923' | 'au915' | 'ism2400' | 'none';

export interface SubBand {
  readonly name: string;
  readonly minHz: number;
  /** Exclusive upper edge. */
  readonly maxHz: number;
  /** Fraction of time a device may transmit in this sub-band (1 = unlimited). */
  readonly dutyCycle: number;
  readonly maxEirpDbm: number;
}

export interface DataRate {
  readonly dr: number;
  readonly sf: number;
  readonly bandwidthHz: number;
  /** Maximum LoRaWAN application payload N, not repeater compatible. */
  readonly maxAppBytes: number;
  /** Maximum LoRaWAN application payload N, repeater compatible. */
  readonly maxAppBytesRepeater: number;
}

export interface Region {
  readonly id: RegionId;
  readonly subBands: readonly SubBand[];
  readonly dataRates: readonly DataRate[];
  /** Longest single transmission allowed, or undefined when unlimited. */
  readonly dwellTimeMs: number | undefined;
  /**
   * The dwell limit applies to channels narrower than this: FCC 15.247 frequency hopping
   * covers channels under 500 kHz; 500 kHz channels operate as digital modulation without a
   * dwell limit (hence RP002's full-size payloads at US915 DR4 and DR8–13).
   */
  readonly dwellBelowBandwidthHz: number;
  /** Channels a node uses when the scenario names none. */
  readonly defaultChannelsHz: readonly number[];
}

const unlimited = (name: string, minHz: number, maxHz: number, maxEirpDbm: number): SubBand => ({
  name,
  minHz,
  maxHz,
  dutyCycle: 1,
  maxEirpDbm,
});

const eu868: Region = {
  id: 'eu868',
  subBands: [
    { name: 'g (863.0–865.0 MHz)', minHz: 863.0e6, maxHz: 865.0e6, dutyCycle: 0.001, maxEirpDbm: 16 },
    { name: 'g (865.0–868.0 MHz)', minHz: 865.0e6, maxHz: 868.0e6, dutyCycle: 0.01, maxEirpDbm: 16 },
    { name: 'g1 (868.0–868.6 MHz)', minHz: 868.0e6, maxHz: 868.6e6, dutyCycle: 0.01, maxEirpDbm: 16 },
    { name: 'g2 (868.7–869.2 MHz)', minHz: 868.7e6, maxHz: 869.2e6, dutyCycle: 0.001, maxEirpDbm: 16 },
    // RX2 and Class-B beacon band; 27 dBm ERP (ns-3 lorawan-mac-helper, ETSI EN 300 220 band g3).
    { name: 'g3 (869.4–869.65 MHz)', minHz: 869.4e6, maxHz: 869.65e6, dutyCycle: 0.1, maxEirpDbm: 27 },
    { name: 'g4 (869.7–870.0 MHz)', minHz: 869.7e6, maxHz: 870.0e6, dutyCycle: 0.01, maxEirpDbm: 16 },
  ],
  dataRates: [
    { dr: 0, sf: 12, bandwidthHz: 125e3, maxAppBytes: 51, maxAppBytesRepeater: 51 },
    { dr: 1, sf: 11, bandwidthHz: 125e3, maxAppBytes: 51, maxAppBytesRepeater: 51 },
    { dr: 2, sf: 10, bandwidthHz: 125e3, maxAppBytes: 51, maxAppBytesRepeater: 51 },
    { dr: 3, sf: 9, bandwidthHz: 125e3, maxAppBytes: 115, maxAppBytesRepeater: 115 },
    { dr: 4, sf: 8, bandwidthHz: 125e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    { dr: 5, sf: 7, bandwidthHz: 125e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    { dr: 6, sf: 7, bandwidthHz: 250e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
  ],
  dwellTimeMs: undefined,
  dwellBelowBandwidthHz: 0,
  defaultChannelsHz: [868.1e6, 868.3e6, 868.5e6],
};

/** The 500 kHz downlink data rates DR8–13 of US915 and AU915 (RP002-1.0.1 Tables 16 and 17; LoRaMac-node dwell-0 payloads for AU915). */
const downlink500kHz: readonly DataRate[] = [
  { dr: 8, sf: 12, bandwidthHz: 500e3, maxAppBytes: 53, maxAppBytesRepeater: 33 },
  { dr: 9, sf: 11, bandwidthHz: 500e3, maxAppBytes: 129, maxAppBytesRepeater: 109 },
  { dr: 10, sf: 10, bandwidthHz: 500e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
  { dr: 11, sf: 9, bandwidthHz: 500e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
  { dr: 12, sf: 8, bandwidthHz: 500e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
  { dr: 13, sf: 7, bandwidthHz: 500e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
];

const us915: Region = {
  id: 'us915',
  // FCC part 15.247 FHSS: ≤ 30 dBm conducted (RP002-1.0.1 §2.5 note; LoRaMac-node RegionUS915.h).
  subBands: [unlimited('902–928 MHz', 902e6, 928e6, 30)],
  dataRates: [
    { dr: 0, sf: 10, bandwidthHz: 125e3, maxAppBytes: 11, maxAppBytesRepeater: 11 },
    { dr: 1, sf: 9, bandwidthHz: 125e3, maxAppBytes: 53, maxAppBytesRepeater: 53 },
    { dr: 2, sf: 8, bandwidthHz: 125e3, maxAppBytes: 125, maxAppBytesRepeater: 125 },
    { dr: 3, sf: 7, bandwidthHz: 125e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    { dr: 4, sf: 8, bandwidthHz: 500e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    ...downlink500kHz,
  ],
  dwellTimeMs: 400,
  dwellBelowBandwidthHz: 500e3,
  // Sub-band 2 of the 64 uplink channels (903.9–905.3 MHz), the one TTN uses.
  defaultChannelsHz: [903.9e6, 904.1e6, 904.3e6, 904.5e6, 904.7e6, 904.9e6, 905.1e6, 905.3e6],
};

const as923: Region = {
  id: 'as923',
  // AS923-1 (923 MHz, Japan, Singapore, …): 16 dBm EIRP by default (RP002 MaxEIRP; LoRaMac-node
  // AS923_DEFAULT_MAX_EIRP); no duty cycle in LoRaMac-node's band (the listen-before-talk some
  // countries require, Japan's ARIB STD-T108, is not modelled: docs/explanation/not-modelled.md).
  subBands: [unlimited('AS923-1 (915–928 MHz)', 915e6, 928e6, 16)],
  // RP002-1.0.5 Table 73 (https://read.uberflip.com/i/1540208/79), UplinkDwellTime = 1: DR0–1
  // not allowed, DR2 11, DR3 53, DR4 125, DR5–7 242 bytes (repeater compatible: 222).
  dataRates: [
    { dr: 2, sf: 10, bandwidthHz: 125e3, maxAppBytes: 11, maxAppBytesRepeater: 11 },
    { dr: 3, sf: 9, bandwidthHz: 125e3, maxAppBytes: 53, maxAppBytesRepeater: 53 },
    { dr: 4, sf: 8, bandwidthHz: 125e3, maxAppBytes: 125, maxAppBytesRepeater: 125 },
    { dr: 5, sf: 7, bandwidthHz: 125e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    { dr: 6, sf: 7, bandwidthHz: 250e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
  ],
  dwellTimeMs: 400,
  // The dwell time applies to every LoRa uplink in AS923 (TxParamSetupReq's UplinkDwellTime), 250 kHz included.
  dwellBelowBandwidthHz: Number.POSITIVE_INFINITY,
  // The two default channels every AS923-1 device starts with (LoRaMac-node AS923_LC1, AS923_LC2).
  defaultChannelsHz: [923.2e6, 923.4e6],
};

const au915: Region = {
  id: 'au915',
  // 915–928 MHz, 30 dBm EIRP by default (LoRaMac-node AU915_DEFAULT_MAX_EIRP), no duty cycle.
  subBands: [unlimited('915–928 MHz', 915e6, 928e6, 30)],
  // LoRaMac-node MaxPayloadOfDatarateDwell1AU915: DR0–1 not allowed, DR2 11, DR3 53, DR4 125,
  // DR5–6 242; the 500 kHz downlink rates DR8–13 keep their dwell-0 payloads
  // (MaxPayloadOfDatarateDwell0AU915: 53, 129, 242, …), as US915's 500 kHz rates do.
  dataRates: [
    { dr: 2, sf: 10, bandwidthHz: 125e3, maxAppBytes: 11, maxAppBytesRepeater: 11 },
    { dr: 3, sf: 9, bandwidthHz: 125e3, maxAppBytes: 53, maxAppBytesRepeater: 53 },
    { dr: 4, sf: 8, bandwidthHz: 125e3, maxAppBytes: 125, maxAppBytesRepeater: 125 },
    { dr: 5, sf: 7, bandwidthHz: 125e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    { dr: 6, sf: 8, bandwidthHz: 500e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    ...downlink500kHz,
  ],
  dwellTimeMs: 400,
  dwellBelowBandwidthHz: 500e3,
  // Sub-band 2 of the 64 uplink channels, 915.2 + 0.2·n MHz for n = 8…15 (916.8–918.2 MHz), the
  // one TTN's AU915 plan uses.
  defaultChannelsHz: [916.8e6, 917.0e6, 917.2e6, 917.4e6, 917.6e6, 917.8e6, 918.0e6, 918.2e6],
};

const ism2400: Region = {
  id: 'ism2400',
  // Worldwide 2.4 GHz ISM band, no duty cycle (as the issue specifies). Power is capped at the
  // 20 dBm EIRP of ETSI EN 300 328 (§4.3.2.2); its 10 % medium-utilisation limit for
  // non-adaptive equipment is not modelled. SX1280's own maximum is 12.5 dBm.
  subBands: [unlimited('2400–2483.5 MHz', 2400e6, 2483.5e6, 20)],
  dataRates: [],
  dwellTimeMs: undefined,
  dwellBelowBandwidthHz: 0,
  defaultChannelsHz: [2403e6, 2425e6, 2479e6],
};

const none: Region = {
  id: 'none',
  subBands: [unlimited('unregulated', 0, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)],
  dataRates: [],
  dwellTimeMs: undefined,
  dwellBelowBandwidthHz: 0,
  defaultChannelsHz: [868.1e6],
};

export const regions: Readonly<Record<RegionId, Region>> = { eu868, us915, as923, au915, ism2400, none };

/** The sub-band holding `channelHz`, or undefined when the region does not allow it. */
export function subBandOf(region: Region, channelHz: number): SubBand | undefined {
  return region.subBands.find((band) => channelHz >= band.minHz && channelHz < band.maxHz);
}

/** Dwell limit for a transmission of this bandwidth, or undefined when none applies. */
export function dwellLimitMs(region: Region, bandwidthHz: number): number | undefined {
  return bandwidthHz < region.dwellBelowBandwidthHz ? region.dwellTimeMs : undefined;
}

/** The data rate of a (SF, bandwidth) pair in the region, or undefined. */
export function dataRateOf(region: Region, sf: number, bandwidthHz: number): DataRate | undefined {
  return region.dataRates.find((rate) => rate.sf === sf && rate.bandwidthHz === bandwidthHz);
}

/**
 * Silent time after a transmission that keeps a sub-band within its duty cycle:
 * t_off = t_air · (1/dc − 1) (LoRaMac-node per-band off-time; ns-3 lorawan-mac-helper.cc).
 */
/** The data rate numbered `dr` in a region's table (RangeError when it has none). */
export function dataRateNumbered(dataRates: readonly DataRate[], dr: number): DataRate {
  const rate = dataRates.find((r) => r.dr === dr);
  if (!rate) throw new RangeError(`the region has no data rate DR${dr}`);
  return rate;
}

export function dutyCycleOffTimeMs(airtimeMs: number, dutyCycle: number): number {
  if (!(dutyCycle > 0 && dutyCycle <= 1)) throw new RangeError(`dutyCycle must be in (0, 1], got ${dutyCycle}`);
  return airtimeMs * (1 / dutyCycle - 1);
}
