/** The duty-cycle floor of a plan (issue 19, point 9), by hand on a line of nodes. */
import { describe, expect, it } from 'vitest';
import { placeUnits, type PlacementNode } from '../../src/placement/place.ts';
import { placeableUnits } from '../../src/placement/units.ts';
import { dutyCycleFloor } from '../../src/placement/duty-floor.ts';
import type { TinySeekConfig } from '../../src/model/config.ts';

const config: TinySeekConfig = { vocab: 10, dim: 8, layers: 2, heads: 2, headDim: 4, latentDim: 4, context: 6, experts: 4, sharedExperts: 1, expertHidden: 16, topK: 2, affinity: 'sigmoid', biasUpdate: 0 };
const units = placeableUnits(config, { bits: 8, concurrentRequests: 1 });
const expertBytes = units[3]!.weightBytes;
const nodes: PlacementNode[] = Array.from({ length: 9 }, (_, i) => ({ index: i, id: `n${i}`, mcuId: 'test', eligible: true, flashBytes: 3 * expertBytes, sramBytes: 100_000 }));
/** |a − b| hops of 100 ms. */
const line = (a: number, b: number): number => Math.abs(a - b) * 100;

describe('duty-cycle floor', () => {
  const plan = placeUnits(units, nodes, { strategy: 'radio-aware', replicas: 1, entry: 0, costMs: line });

  it('adds up what each node sends per token, experts weighted by load, and divides the busiest by its budget', () => {
    const floor = dutyCycleFloor(plan, line, () => 0.01);
    // The plan's expected airtime (1,400 ms) is every frame once; each is sent by exactly one node.
    expect(floor.airtimeMsBySender.reduce((a, b) => a + b, 0)).toBeCloseTo(plan.expectedAirtimeMsPerToken, 9);
    const busiest = floor.airtimeMsBySender.reduce((most, ms) => Math.max(most, ms), 0);
    expect(floor.floorMs).toBeCloseTo(busiest / 0.01, 9);
    expect(floor.airtimeMsBySender[floor.node]).toBe(busiest);
  });

  it('has no floor where no sub-band limits the time on air, and a budget per node', () => {
    expect(dutyCycleFloor(plan, line, () => 1)).toMatchObject({ floorMs: 0, node: -1 });
    // A node with ten times the budget (two sub-bands of 1 % … or a 10 % band) moves the floor to the next busiest.
    const uniform = dutyCycleFloor(plan, line, () => 0.01);
    const relieved = dutyCycleFloor(plan, line, (n) => (n === uniform.node ? 0.1 : 0.01));
    expect(relieved.floorMs).toBeLessThan(uniform.floorMs);
  });
});
