/** Node labels on the map: none overlaps another or a node's mark; sinks are placed first. */
import { describe, expect, it } from 'vitest';
import { placeLabels } from '../../src/dashboard/ui/label-placement.ts';

describe('label placement', () => {
  it('puts a lone label right of its node', () => {
    expect(placeLabels([{ x: 100, y: 100, text: 'sink mains', first: true }], 5, 500)).toEqual([{ dx: 7, dy: 3, anchor: 'start' }]);
  });

  it('moves a label that would overlap to the next free side, and leaves out one with none', () => {
    // Two nodes 30 px apart on a row: the left one's label would run over the right one's mark.
    const row = placeLabels([{ x: 100, y: 100, text: 'node-1 99.7 %' }, { x: 130, y: 100, text: 'node-2 99.7 %' }], 5, 500);
    expect(row).toEqual([{ dx: -7, dy: 3, anchor: 'end' }, { dx: 7, dy: 3, anchor: 'start' }]);
    // Five nodes on one spot: four sides, the fifth label is left out.
    const pile = placeLabels(Array.from({ length: 5 }, (_, i) => ({ x: 200, y: 200, text: `n-${i}` })), 5, 500);
    expect(pile.filter((p) => p === undefined)).toHaveLength(1);
    expect(pile[4]).toBeUndefined();
  });

  it('places sinks first', () => {
    const placed = placeLabels([{ x: 100, y: 100, text: 'node-1 99.7 %' }, { x: 130, y: 100, text: 'gateway mains', first: true }], 5, 500);
    expect(placed[1]).toEqual({ dx: 7, dy: 3, anchor: 'start' });
    expect(placed[0]).toEqual({ dx: -7, dy: 3, anchor: 'end' });
  });
});
