/** Erasure coding across chunks: any one chunk missing from a group comes back from its parity. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parityChunks, recoverChunks } from '../../src/fl/fec.ts';
import { matrixLine, prbs23, recoverWithRedundancy, redundancyFragments } from '../../src/fl/fec-ts004.ts';
import { createRandomStreams } from '../../src/sim/rng.ts';
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

describe("TS004's erasure code (LoRaWAN fragmented data block transport)", () => {
  it("draws the spec's pseudo-random sequence and parity-matrix lines", () => {
    // prbs23 from 1001: 0x1F4, then 0x4000FA (bit 0 ⊕ bit 5 fed back into bit 22).
    expect(prbs23(1001)).toBe(0x1f4);
    expect(prbs23(0x1f4)).toBe(0x4000fa);
    for (const m of [2, 7, 16, 40]) {
      for (let n = 1; n <= 5; n++) {
        const line = matrixLine(n, m);
        const ones = line.reduce((s, b) => s + b, 0);
        expect(ones).toBeGreaterThan(0);
        expect(ones).toBeLessThanOrEqual(Math.floor(m / 2));
        expect(matrixLine(n, m)).toEqual(line);
      }
    }
  });

  it('never rebuilds a wrong chunk, and rebuilds what the redundancy heard allows: four in five losses up to the redundancy less two', () => {
    const random = createRandomStreams(7).stream('fec');
    let solvable = 0;
    let tries = 0;
    for (let trial = 0; trial < 400; trial++) {
      const m = 4 + Math.floor(random.next() * 40);
      const r = 2 + Math.floor(random.next() * 10);
      const chunks = Array.from({ length: m }, (_, j) => Uint8Array.from({ length: j === m - 1 ? 5 : 12 }, () => Math.floor(random.next() * 256)));
      const redundancy = redundancyFragments(chunks, r);
      const received: (Uint8Array | undefined)[] = [...chunks];
      const heard: (Uint8Array | undefined)[] = [...redundancy];
      const lost = Math.min(m, Math.floor(random.next() * (r + 1)));
      for (let k = 0; k < lost; k++) received[Math.floor(random.next() * m)] = undefined;
      const missing = received.filter((c) => c === undefined).length;
      const rebuilt = recoverWithRedundancy(received, heard, 12, 5);
      received.forEach((c, j) => {
        if (c) expect(c).toEqual(chunks[j]);
      });
      expect(rebuilt).toBeLessThanOrEqual(missing);
      if (missing > 0 && missing <= r - 2) {
        tries++;
        if (rebuilt === missing) solvable++;
      }
    }
    // As a random code over GF(2) does: k unknowns and k + 2 equations are solvable about 4 times in 5.
    expect([tries, solvable]).toEqual([233, 190]);
  });
});
