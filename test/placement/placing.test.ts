/** The moves of a placement in progress (placing.ts), with hand counts. */
import { describe, expect, it } from 'vitest';
import { assign, bestNode, fits, placeOn, startPlacing } from '../../src/placement/placing.ts';
import type { PlacementNode } from '../../src/placement/place.ts';
import type { PlaceableUnit } from '../../src/placement/units.ts';

const unit = (id: string, weightBytes: number, kvBytes = 0, workBytes = 0): PlaceableUnit => ({ id, kind: 'routed', layer: 0, index: 0, weightBytes, kvBytes, workBytes, load: 1 });
const node = (index: number, flashBytes: number, sramBytes = 1000, eligible = true): PlacementNode => ({ index, id: `n${index}`, mcuId: 'test', eligible, flashBytes, sramBytes });

describe('placing', () => {
  it('fits a unit while its weights fit the flash and its KV cache plus the largest working buffer fit the SRAM', () => {
    const placing = startPlacing([unit('a', 600, 100, 300), unit('b', 400, 100, 500)], [node(0, 1000, 1000)], 'flash');
    assign(placing, 0, 0);
    // Flash 1000 − 600 = 400 ≥ 400; SRAM 100 + 100 + max(300, 500) = 700 ≤ 1000.
    expect(fits(placing, placing.units[1]!, 0)).toBe(true);
    expect(fits(placing, unit('c', 401), 0)).toBe(false);
    expect(fits(placing, unit('d', 0, 0, 901), 0)).toBe(false);
    expect(placing.loads[0]).toEqual({ flashFree: 400, externalFree: 0, resident: 0, kv: 100, work: 300, units: ['a'], weight: 600 });
  });

  it('bestNode takes the least cost, then the least free flash (best fit), then the lowest index, and skips ineligible and excluded nodes', () => {
    const placing = startPlacing([unit('a', 100)], [node(0, 5000), node(1, 300), node(2, 300), node(3, 200, 1000, false)], 'flash');
    expect(bestNode(placing, 0, () => 0)).toBe(1);
    expect(bestNode(placing, 0, () => 0, [1])).toBe(2);
    expect(bestNode(placing, 0, (n) => (n === 0 ? 0 : 1))).toBe(0);
    expect(bestNode(placing, 0, () => 0, [0, 1, 2])).toBeUndefined();
  });

  it('placeOn records a unit with no node as unplaced, and the node used otherwise', () => {
    const placing = startPlacing([unit('a', 100), unit('b', 100)], [node(0, 1000)], 'flash');
    const used = new Set<number>();
    placeOn(placing, 0, 0, used);
    placeOn(placing, 1, undefined, used);
    expect(placing.holders).toEqual([[0], []]);
    expect(placing.unplaced.map((u) => u.id)).toEqual(['b']);
    expect([...used]).toEqual([0]);
  });
});
