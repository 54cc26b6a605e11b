/** Erasure coding across chunks: any one chunk missing from a group comes back from its parity. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parityChunks, recoverChunks } from '../../src/fl/fec.ts';
import { chunk, decodeFl, encodeFl } from '../../src/fl/wire.ts';

describe('XOR parity per group', () => {
  it('rebuilds any single missing chunk of each group, the short last chunk included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 2, max: 6 }), fc.nat(), (bytes, size, groupSize, pick) => {
        const chunks = chunk(bytes, size).map((c) => c.slice());
        const parities = parityChunks(chunks, groupSize);
        const received: (Uint8Array | undefined)[] = [...chunks];
        // Lose one chunk in every group.
        for (let g = 0; g < parities.length; g++) {
          const start = g * groupSize;
          const count = Math.min(groupSize, chunks.length - start);
          received[start + ((pick + g) % count)] = undefined;
        }
        expect(recoverChunks(received, parities, groupSize, size, chunks[chunks.length - 1]!.length)).toBe(parities.length);
        expect(received).toEqual(chunks);
      }),
      { numRuns: 500 },
    );
  });

  it('cannot rebuild two losses in one group, and says so by rebuilding nothing there', () => {
    const chunks = [Uint8Array.of(1, 2), Uint8Array.of(3, 4), Uint8Array.of(5)];
    const parities = parityChunks(chunks, 3);
    expect([...parities[0]!]).toEqual([1 ^ 3 ^ 5, 2 ^ 4]);
    const received = [undefined, undefined, chunks[2]];
    expect(recoverChunks(received, parities, 3, 2, 1)).toBe(0);
    expect(received).toEqual([undefined, undefined, chunks[2]]);
  });

  it('carries parity messages on the wire', () => {
    const message = { kind: 'parity', round: 3, group: 1, groups: 4, lastLength: 17, bytes: Uint8Array.of(9, 8, 7) } as const;
    expect(decodeFl(encodeFl(message))).toEqual(message);
    expect(encodeFl(message).length).toBe(9 + 3);
  });
});
