import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanPathLossDb, pathLossProfiles, type PathLossModel } from '../../src/radio/path-loss.ts';
import { createNearestSink, type SinkAntenna } from '../../src/scenario/nearest-sink.ts';
import type { Position } from '../../src/scenario/placement.ts';

/** The plain loop over every sink that `sf: auto` ran before (issue 14's start-up work). */
function plainNearest(sinks: readonly SinkAntenna[], pathLoss: PathLossModel, position: Position): { index: number; lossDb: number } {
  let index = 0;
  let lossDb = Number.POSITIVE_INFINITY;
  sinks.forEach((sink, i) => {
    const loss = meanPathLossDb(pathLoss, Math.hypot(sink.xM - position.xM, sink.yM - position.yM)) - sink.antennaGainDbi;
    if (loss < lossDb) [index, lossDb] = [i, loss];
  });
  return { index, lossDb };
}

const coordinate = fc.oneof(fc.double({ min: -5000, max: 5000, noNaN: true }), fc.integer({ min: -3, max: 3 }), fc.double({ min: -0.6, max: 0.6, noNaN: true }));
const position = fc.record({ xM: coordinate, yM: coordinate });
const sink = fc.record({ xM: coordinate, yM: coordinate, antennaGainDbi: fc.constantFrom(0, 0, 3, 6.5) });
const pathLoss = fc.oneof(
  fc.constantFrom(...Object.values(pathLossProfiles)),
  fc.record({ referenceDistanceM: fc.double({ min: 0.01, max: 1000, noNaN: true }), referenceLossDb: fc.double({ min: -2000, max: 2000, noNaN: true }), exponent: fc.double({ min: 1e-9, max: 8, noNaN: true }), shadowingSigmaDb: fc.constant(0) }),
);

describe('the nearest sink for sf: auto', () => {
  it('is the plain loop’s sink and loss to the bit, ties and co-located sinks included (5,000 seeded layouts)', () => {
    let pruned = 0;
    let losses = 0;
    let sinksAsked = 0;
    fc.assert(
      fc.property(fc.array(sink, { minLength: 1, maxLength: 40 }), fc.array(position, { minLength: 1, maxLength: 8 }), pathLoss, fc.boolean(), (sinks, positions, model, duplicate) => {
        // Sinks at the same place (a second gateway on the same mast), in both orders.
        const all = duplicate ? [...sinks, ...sinks.slice(0, 3).reverse()] : sinks;
        const nearest = createNearestSink(all, model);
        for (const at of positions) {
          const plain = plainNearest(all, model, at);
          expect(nearest.find(at)).toBe(plain.index);
          expect(Object.is(nearest.lossDb, plain.lossDb)).toBe(true);
          if (all.length > 10 && model.exponent >= 0.1) {
            pruned++;
            losses += nearest.losses;
            sinksAsked += all.length;
          }
        }
      }),
      { seed: 14, numRuns: 5000 },
    );
    // The search was put to the test: thousands of positions among more than ten sinks, most of
    // them packed within a few metres (where the 1 m clamp makes ties), and it still ruled out
    // part of the sinks by distance alone.
    expect(pruned).toBeGreaterThan(3000);
    expect(losses / sinksAsked).toBeLessThan(0.6);
  });

  it('takes one or two logarithms per node in a city of 100 gateways on a 1 km grid, and the plain loop’s answer', () => {
    const sinks = Array.from({ length: 100 }, (_, i) => ({ xM: (i % 10) * 1000, yM: Math.floor(i / 10) * 1000, antennaGainDbi: 0 }));
    const nearest = createNearestSink(sinks, pathLossProfiles.ns3);
    let losses = 0;
    for (let i = 0; i < 10_000; i++) {
      const at = { xM: (i * 7919) % 10_000, yM: (i * 104_729) % 10_000 };
      expect(nearest.find(at)).toBe(plainNearest(sinks, pathLossProfiles.ns3, at).index);
      losses += nearest.losses;
    }
    // One per node, but for the 26 nodes as near to two gateways as to one (a cell's edge).
    expect(losses).toBe(10_026);
  });
});
