/**
 * Erasure coding of a message's chunks (settings.fec, fec.ts): the sender posts parity chunks
 * after the data chunks, and a receiver rebuilds what parity allows instead of asking again.
 * Without a code both do nothing.
 */
import { encodeRedundancy, recoverWith, type FecCode } from './fec.ts';
import type { RoundStats } from './round-types.ts';
import type { FlMessage } from './wire.ts';

export interface ChunkParity {
  /** Sends a message's parity chunks after its data chunks. */
  postParity(node: number, destination: number, round: number, chunks: readonly Uint8Array[]): void;
  /** Rebuilds what parity allows, counting it. */
  rebuild(chunks: (Uint8Array | undefined)[], parities: readonly (Uint8Array | undefined)[], lastLength: number, stats: RoundStats): void;
}

export function chunkParity(fec: FecCode | undefined, chunkBytes: number, post: (node: number, destination: number, message: FlMessage, round: number) => void): ChunkParity {
  return {
    postParity(node, destination, round, chunks) {
      if (!fec) return;
      const parities = encodeRedundancy(fec, chunks);
      const lastLength = chunks[chunks.length - 1]!.length;
      parities.forEach((bytes, group) => post(node, destination, { kind: 'parity', round, group, groups: parities.length, lastLength, bytes }, round));
    },
    rebuild(chunks, parities, lastLength, stats) {
      if (!fec || lastLength < 0) return;
      stats.recoveredChunks += recoverWith(fec, chunks, parities, chunkBytes, lastLength);
    },
  };
}
