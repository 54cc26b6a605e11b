/**
 * TXPower per region (RP002-1.0.4, https://read.uberflip.com/i/1479525; LoRaMac-node
 * `Region*.h` @dcbcfb329b4a): index n means MaxEIRP − 2n dB, from 0 (the most) to the
 * region's last index. EU868 and AS923: MaxEIRP 16 dBm, indices 0–7; US915 and AU915: 30 dBm,
 * 0–14. Pure.
 */
import type { RegionId } from '../radio/regions.ts';

export interface TxPowerTable {
  readonly maxEirpDbm: number;
  readonly maxIndex: number;
}

export const txPowerTables: Readonly<Partial<Record<RegionId, TxPowerTable>>> = {
  eu868: { maxEirpDbm: 16, maxIndex: 7 },
  as923: { maxEirpDbm: 16, maxIndex: 7 },
  us915: { maxEirpDbm: 30, maxIndex: 14 },
  au915: { maxEirpDbm: 30, maxIndex: 14 },
};

/** The index whose power is nearest `txPowerDbm` (the lower power on a tie). */
export function txPowerIndexOf(table: TxPowerTable, txPowerDbm: number): number {
  return Math.min(table.maxIndex, Math.max(0, Math.ceil((table.maxEirpDbm - txPowerDbm) / 2 - 1e-9)));
}
