import { describe, expect, it } from 'vitest';
import type { RandomStream } from '../../src/sim/rng.ts';
import { lorasimCandidate, placeLikeLorasim } from '../../src/scenario/lorasim-placement.ts';
import { loadScenario } from '../helpers/scenario.ts';

/** A stream that hands out the given draws in order (the rest of the interface is never used here). */
function scripted(draws: readonly number[]): RandomStream {
  let at = 0;
  return { name: 'scripted', next: () => draws[at++ % draws.length]! } as RandomStream;
}

describe("LoRaSim's placement (distribution: lorasim)", () => {
  it('lorasimCandidate draws r = max·R at θ = 2π·min/max, whichever draw comes first', () => {
    const p = lorasimCandidate(0.25, 0.5, 100, [0, 0]);
    expect(p.xM).toBeCloseTo(-50, 12);
    expect(p.yM).toBeCloseTo(0, 12);
    expect(lorasimCandidate(0.5, 0.25, 100, [0, 0])).toEqual(p);
    expect(lorasimCandidate(0.2, 0.8, 10, [3, 4])).toEqual({ xM: 8 * Math.cos(Math.PI / 2) + 3, yM: 8 * Math.sin(Math.PI / 2) + 4 });
    expect(lorasimCandidate(0, 0, 10, [3, 4])).toEqual({ xM: 3, yM: 4 });
  });

  it('keeps a candidate as soon as ANY earlier node of the group is minSeparationM away, not every one', () => {
    // Draws (0, 1) put a node at (R, 0); (0.5, 1) at (−R, 0).
    const streams = [scripted([0, 1]), scripted([0, 1, 0.5, 1]), scripted([0, 1])];
    const placed = placeLikeLorasim({ count: 3, radiusM: 100, centerM: [0, 0], minSeparationM: 10, streamOf: (i) => streams[i]! });
    expect(placed.ok).toBe(true);
    // Node 1's first candidate sits on node 0 (its only earlier node): redrawn. Node 2 sits on
    // node 0 too, but node 1 is 200 m away, so LoRaSim keeps it.
    expect(placed.positions.map((p) => [Math.round(p.xM), Math.round(p.yM)])).toEqual([
      [100, 0],
      [-100, 0],
      [100, 0],
    ]);
  });

  it('gives up, as LoRaSim does, once 100 too-close pairs have been met for one node', () => {
    const placed = placeLikeLorasim({ count: 3, radiusM: 1, centerM: [0, 0], minSeparationM: 10, streamOf: () => scripted([0.3, 0.7]) });
    expect(placed).toMatchObject({ ok: false, node: 1, candidates: 100 });
    expect(placed.positions).toHaveLength(1);
    // Without a separation every first candidate is kept.
    expect(placeLikeLorasim({ count: 3, radiusM: 1, centerM: [0, 0], minSeparationM: 0, streamOf: () => scripted([0.3, 0.7]) }).ok).toBe(true);
  });

  describe('lorasim-exp1.yaml with 1,000 nodes (seed 1)', () => {
    const { swarm } = loadScenario('scenarios/lorasim-exp1.yaml', ['groups.1.count=1000']);
    const nodes = swarm.nodes.filter((node) => node.role !== 'sink');
    // LoRaSim's natural-log placement radius: 40 m · e^((14 + 133.25 − 127.41) / 20.8).
    const radiusM = 40 * Math.exp((14 + 133.25 - 127.41) / 20.8);
    const distancesM = nodes.map((node) => Math.hypot(node.xM, node.yM));

    it('places 1,000 nodes in the disc, some closer than 10 m to each other (the check does not bind)', () => {
      expect(nodes).toHaveLength(1000);
      for (const distanceM of distancesM) expect(distanceM).toBeLessThanOrEqual(radiusM);
      let closePairs = 0;
      for (let i = 0; i < nodes.length; i++) {
        for (let j = i + 1; j < nodes.length; j++) if (Math.hypot(nodes[i]!.xM - nodes[j]!.xM, nodes[i]!.yM - nodes[j]!.yM) < 10) closePairs++;
      }
      // Independent uniform points give about C(1000, 2)·10²/R² ≈ 4,635 such pairs, a little fewer for the rim; the strict rule, none.
      expect(closePairs).toBe(4487);
    });

    it('has the radial density 2r/R² of max(u1, u2)·R: a quarter within R/2 and a mean distance of 2R/3', () => {
      const n = nodes.length;
      const withinHalf = distancesM.filter((d) => d <= radiusM / 2).length / n;
      // 4 standard errors of a proportion of 1/4 over 1,000 nodes (a polar r = R·u would put half there).
      expect(Math.abs(withinHalf - 0.25)).toBeLessThanOrEqual(4 * Math.sqrt((0.25 * 0.75) / n));
      expect(withinHalf).toBe(0.25);
      // r/R has mean 2/3 and variance 1/2 − 4/9 = 1/18.
      const meanRatio = distancesM.reduce((sum, d) => sum + d / radiusM, 0) / n;
      expect(Math.abs(meanRatio - 2 / 3)).toBeLessThanOrEqual(4 * Math.sqrt(1 / 18 / n));
      expect(meanRatio).toBeCloseTo(0.6722, 4);
    });
  });
});
