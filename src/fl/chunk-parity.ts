/**
 * Erasure coding of a message's chunks (settings.fec, fec.ts): the sender posts parity chunks
 * after the data chunks, and a receiver rebuilds what parity allows instead of asking again.
 * Without a code both do nothing.
 */
import { encodeRedundancy, recoverWith, type FecCode } from './fec.ts';
import type { FlMessage } from './wire.ts';

export interface ChunkParity {
  /** Sends a message's parity chunks after its data chunks. */
  postParity(node: number, destination: number, round: number, chunks: readonly Uint8Array[]): void;
  /** Rebuilds what parity allows at `node`, counting it towards `round`. */
  rebuild(node: number, round: number, chunks: (Uint8Array | undefined)[], parities: readonly (Uint8Array | undefined)[], lastLength: number): void;
}

/** `recovered`: counts chunks `node` rebuilt towards `round` (round-books.ts). */
export function chunkParity(fec: FecCode | undefined, chunkBytes: number, post: (node: number, destination: number, message: FlMessage, round: number) => void, recovered: (round: number, node: number, chunks: number) => void): ChunkParity {
  return {
    postParity(node, destination, round, chunks) {
      if (!fec) return;
      const parities = encodeRedundancy(fec, chunks);
      const lastLength = chunks[chunks.length - 1]!.length;
      parities.forEach((bytes, group) => post(node, destination, { kind: 'parity', round, group, groups: parities.length, lastLength, bytes }, round));
    },
    rebuild(node, round, chunks, parities, lastLength) {
      if (!fec || lastLength < 0) return;
      const rebuilt = recoverWith(fec, chunks, parities, chunkBytes, lastLength);
      if (rebuilt > 0) recovered(round, node, rebuilt);
    },
  };
}
