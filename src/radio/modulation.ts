/**
 * LoRa modulation parameters shared by the radio models. Units live in the names.
 */

/** Coding rate 4/(4+n), written as n: 1 = 4/5 … 4 = 4/8. */
export type CodingRate = 1 | 2 | 3 | 4;

/** Chip families whose time-on-air rules differ (datasheets cited in airtime.ts). */
export type ChipFamily = 'sx127x' | 'sx126x' | 'sx128x';

/** Low-data-rate optimisation: `auto` turns it on when the symbol time exceeds 16 ms. */
export type LdroMode = 'auto' | 'on' | 'off';

export interface Modulation {
  readonly sf: number;
  readonly bandwidthHz: number;
  readonly codingRate: CodingRate;
}

/** Parses "4/5" … "4/8" into a {@link CodingRate}; undefined when the text is not one. */
export function parseCodingRate(text: string): CodingRate | undefined {
  const match = /^4\/([5-8])$/.exec(text.trim());
  return match ? ((Number(match[1]) - 4) as CodingRate) : undefined;
}

/** Formats a {@link CodingRate} as "4/5" … "4/8". */
export function formatCodingRate(codingRate: CodingRate): string {
  return `4/${codingRate + 4}`;
}

/** Symbol time 2^SF / BW, in milliseconds. */
export function symbolTimeMs(sf: number, bandwidthHz: number): number {
  return (2 ** sf * 1000) / bandwidthHz;
}
