import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSeparationGrid } from '../../src/scenario/separation-grid.ts';

/** The answer the grid must reproduce: a scan of every position with the placement's own test. */
function scanCount(points: readonly (readonly [number, number])[], xM: number, yM: number, separationM: number): number {
  return points.filter(([x, y]) => !(Math.hypot(x - xM, y - yM) >= separationM)).length;
}

describe('createSeparationGrid(separationM)', () => {
  it('counts a position closer than the separation, and not one exactly the separation away (3-4-5)', () => {
    const grid = createSeparationGrid(10);
    grid.add(0, 0);
    expect(grid.countCloser(3, 4)).toBe(1);
    expect(grid.countCloser(6, 8)).toBe(0);
    expect(grid.countCloser(-6, -7.99)).toBe(1);
    expect(grid.size).toBe(1);
  });

  it('stops counting at the limit', () => {
    const grid = createSeparationGrid(5);
    for (let i = 0; i < 10; i++) grid.add(i * 0.1, 0);
    expect(grid.countCloser(0, 0)).toBe(10);
    expect(grid.countCloser(0, 0, 3)).toBe(3);
    expect(grid.countCloser(0, 0, 1)).toBe(1);
  });

  it('countCloser equals a scan of every position with Math.hypot(…) < separationM, near cell edges, at the separation and far out (fuzz)', () => {
    const coordinate = fc.oneof(
      fc.double({ min: -1e4, max: 1e4, noNaN: true }),
      // Multiples of the separation and their neighbours: on and around cell edges.
      fc.tuple(fc.integer({ min: -2000, max: 2000 }), fc.constantFrom(0, 1e-12, -1e-12, 0.5, 1 - 1e-15)).map(([k, f]) => (k + f) * 3),
      // Beyond 2²⁴ cells: the list every query scans.
      fc.double({ min: 1e8, max: 1e9, noNaN: true }),
    );
    const point = fc.tuple(coordinate, coordinate);
    fc.assert(
      fc.property(fc.array(point, { maxLength: 60 }), fc.array(point, { maxLength: 20 }), fc.constantFrom(3, 0.7, 10, 1e-3), (points, queries, separationM) => {
        const grid = createSeparationGrid(separationM);
        for (const [x, y] of points) grid.add(x, y);
        // Queries near the placed points too, at and just inside the separation.
        const near = points.flatMap(([x, y]) => [
          [x + separationM, y],
          [x, y - separationM * (1 - 1e-15)],
          [x + separationM * 0.6, y + separationM * 0.8],
        ]) as [number, number][];
        for (const [x, y] of [...queries, ...near]) expect(grid.countCloser(x, y)).toBe(scanCount(points, x, y, separationM));
      }),
      { numRuns: 400 },
    );
  });

  it('refuses a separation that is not positive and finite', () => {
    expect(() => createSeparationGrid(0)).toThrow(RangeError);
    expect(() => createSeparationGrid(Number.NaN)).toThrow('separationM must be a positive finite number, got NaN');
  });
});
