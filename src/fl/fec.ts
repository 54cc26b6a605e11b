/**
 * Erasure coding across chunks (issue 7, optional): one XOR parity chunk per group of
 * `groupSize` data chunks, so that a receiver rebuilds any one chunk missing from a group
 * without asking again (a single-parity code, as RAID 5 per group). Singh & Borkotoky (2025,
 * https://arxiv.org/html/2508.10574v1) find forward erasure correction critical for federated
 * learning over LoRa; this is its simplest form. A group's parity is as long as its longest
 * chunk; every chunk but the message's last is full-size, and the parity message carries the
 * last chunk's length.
 */

import type { FederatedSettings } from '../scenario/federated-settings.ts';
import { recoverWithRedundancy, redundancyFragments } from './fec-ts004.ts';

/** A scenario's erasure code: XOR parity per group, or TS004's (fec-ts004.ts). */
export type FecCode = NonNullable<FederatedSettings['fec']>;

/** How many parity (redundancy) chunks follow `chunks` data chunks. */
export function redundancyCount(fec: FecCode, chunks: number): number {
  return 'groupSize' in fec ? groupCount(chunks, fec.groupSize) : Math.ceil(fec.redundancy * chunks);
}

/** The parity (redundancy) chunks of a message's chunks. */
export function encodeRedundancy(fec: FecCode, chunks: readonly Uint8Array[]): Uint8Array[] {
  return 'groupSize' in fec ? parityChunks(chunks, fec.groupSize) : redundancyFragments(chunks, redundancyCount(fec, chunks.length));
}

/** Rebuilds in place what the parity received allows; returns how many chunks it rebuilt. */
export function recoverWith(fec: FecCode, chunks: (Uint8Array | undefined)[], parities: readonly (Uint8Array | undefined)[], fullLength: number, lastLength: number): number {
  return 'groupSize' in fec ? recoverChunks(chunks, parities, fec.groupSize, fullLength, lastLength) : recoverWithRedundancy(chunks, parities, fullLength, lastLength);
}

export function groupCount(chunks: number, groupSize: number): number {
  return Math.ceil(chunks / groupSize);
}

/** The parity of each group: the XOR of its chunks, zero-padded to the longest. */
export function parityChunks(chunks: readonly Uint8Array[], groupSize: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let g = 0; g < groupCount(chunks.length, groupSize); g++) {
    const group = chunks.slice(g * groupSize, (g + 1) * groupSize);
    const parity = new Uint8Array(group.reduce((most, c) => Math.max(most, c.length), Number.NEGATIVE_INFINITY));
    for (const c of group) for (let i = 0; i < c.length; i++) parity[i]! ^= c[i]!;
    out.push(parity);
  }
  return out;
}

/**
 * Rebuilds, in place, every chunk that is the only one missing from its group when the group's
 * parity is there; returns how many it rebuilt. `fullLength` is every chunk's length but the
 * last, `lastLength` the last one's.
 */
export function recoverChunks(chunks: (Uint8Array | undefined)[], parities: readonly (Uint8Array | undefined)[], groupSize: number, fullLength: number, lastLength: number): number {
  let rebuilt = 0;
  parities.forEach((parity, g) => {
    if (!parity) return;
    const start = g * groupSize;
    const end = Math.min(chunks.length, start + groupSize);
    const missing: number[] = [];
    for (let i = start; i < end; i++) if (chunks[i] === undefined) missing.push(i);
    if (missing.length !== 1) return;
    const index = missing[0]!;
    // A copy whatever the parity is (a Buffer's slice would be a view of the one kept).
    const value = new Uint8Array(parity);
    for (let i = start; i < end; i++) {
      const c = chunks[i];
      if (c) for (let k = 0; k < c.length; k++) value[k]! ^= c[k]!;
    }
    chunks[index] = value.subarray(0, index === chunks.length - 1 ? lastLength : fullLength).slice();
    rebuilt++;
  });
  return rebuilt;
}
