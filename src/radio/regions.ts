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
 */

export type RegionId = 'eu868' | 'us915' | 'ism2400' | 'none';

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
    { dr: 8, sf: 12, bandwidthHz: 500e3, maxAppBytes: 53, maxAppBytesRepeater: 33 },
    { dr: 9, sf: 11, bandwidthHz: 500e3, maxAppBytes: 129, maxAppBytesRepeater: 109 },
    { dr: 10, sf: 10, bandwidthHz: 500e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    { dr: 11, sf: 9, bandwidthHz: 500e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    { dr: 12, sf: 8, bandwidthHz: 500e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    { dr: 13, sf: 7, bandwidthHz: 500e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
  ],
  dwellTimeMs: 400,
  dwellBelowBandwidthHz: 500e3,
  // Sub-band 2 of the 64 uplink channels (903.9–905.3 MHz), the one TTN uses.
  defaultChannelsHz: [903.9e6, 904.1e6, 904.3e6, 904.5e6, 904.7e6, 904.9e6, 905.1e6, 905.3e6],
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

export const regions: Readonly<Record<RegionId, Region>> = { eu868, us915, ism2400, none };

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
export function dutyCycleOffTimeMs(airtimeMs: number, dutyCycle: number): number {
  if (!(dutyCycle > 0 && dutyCycle <= 1)) throw new RangeError(`dutyCycle must be in (0, 1], got ${dutyCycle}`);
  return airtimeMs * (1 / dutyCycle - 1);
}
