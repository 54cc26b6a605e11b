/**
 * A uniform grid hash over placed positions, for `minSeparationM`: cells as wide as the
 * separation, so a candidate is compared only with the positions in the cells around it
 * instead of with every position placed so far (O(1) per candidate at a bounded density, and
 * placement O(N) overall instead of O(N²)).
 *
 * Its answers are exactly those of comparing the candidate with every position through
 * `Math.hypot(p.xM − xM, p.yM − yM) < separationM` (issue 14: every placement, hence every
 * result, stays byte-identical). Why the cells scanned are enough, in floating point: a
 * computed hypot below the separation s implies |fl(p.x − x)| < s (V8's hypot is never below
 * its larger argument), so p.x/s and x/s differ by less than 1 + 2⁻⁵²; each quotient is off by
 * at most |q|·2⁻⁵³ cells, under 2⁻²⁹ for |q| ≤ 2²⁴, so p's cell lies in floor(x/s − 1 − g) ..
 * floor(x/s + 1 + g) with a guard g of 10⁻⁶ cells (usually 3 cells a side, 4 when x/s is
 * within g of a cell edge). Positions farther than 2²⁴ cells from the origin (16,777 km at a
 * 1 m separation) sit in a list that every query scans, and a candidate out there is compared
 * with every position.
 *
 * @example
 * const grid = createSeparationGrid(10);
 * grid.add(0, 0);
 * grid.countCloser(3, 4); // 1: 5 m is closer than 10 m
 * grid.countCloser(6, 8); // 0: 10 m apart keeps the separation
 */

export interface SeparationGrid {
  /** The separation in metres: positions closer than this count. */
  readonly separationM: number;
  /** How many positions have been added. */
  readonly size: number;
  add(xM: number, yM: number): void;
  /**
   * How many added positions lie closer than the separation to (xM, yM), counting up to
   * `limit` (the count stops there: a caller that only asks "any?" passes 1).
   */
  countCloser(xM: number, yM: number, limit?: number): number;
}

/** Cell indices up to 2²⁴ (+2 around a candidate) keep the quotient error far below the guard and the keys exact integers under 2⁵³, one per cell. */
const maxCellIndex = 2 ** 24;
const keyStride = 2 ** 26;
const guardCells = 1e-6;

export function createSeparationGrid(separationM: number): SeparationGrid {
  if (!(separationM > 0) || !Number.isFinite(separationM)) throw new RangeError(`separationM must be a positive finite number, got ${separationM}`);
  const xs: number[] = [];
  const ys: number[] = [];
  const cells = new Map<number, number[]>();
  const far: number[] = [];
  const inRange = (qx: number, qy: number): boolean => Math.abs(qx) <= maxCellIndex && Math.abs(qy) <= maxCellIndex;

  const closer = (i: number, xM: number, yM: number): boolean => !(Math.hypot(xs[i]! - xM, ys[i]! - yM) >= separationM);

  return {
    separationM,
    get size() {
      return xs.length;
    },
    add(xM, yM) {
      const i = xs.length;
      xs.push(xM);
      ys.push(yM);
      const qx = xM / separationM;
      const qy = yM / separationM;
      if (!inRange(qx, qy)) {
        far.push(i);
        return;
      }
      const key = Math.floor(qx) * keyStride + Math.floor(qy);
      const bucket = cells.get(key);
      if (bucket) bucket.push(i);
      else cells.set(key, [i]);
    },
    countCloser(xM, yM, limit = Number.POSITIVE_INFINITY) {
      let count = 0;
      const qx = xM / separationM;
      const qy = yM / separationM;
      if (!inRange(qx, qy)) {
        for (let i = 0; i < xs.length && count < limit; i++) if (closer(i, xM, yM)) count++;
        return count;
      }
      const x0 = Math.floor(qx - 1 - guardCells);
      const x1 = Math.floor(qx + 1 + guardCells);
      const y0 = Math.floor(qy - 1 - guardCells);
      const y1 = Math.floor(qy + 1 + guardCells);
      for (let cx = x0; cx <= x1; cx++) {
        for (let cy = y0; cy <= y1; cy++) {
          const bucket = cells.get(cx * keyStride + cy);
          if (!bucket) continue;
          for (const i of bucket) {
            if (closer(i, xM, yM) && ++count >= limit) return count;
          }
        }
      }
      for (const i of far) {
        if (closer(i, xM, yM) && ++count >= limit) return count;
      }
      return count;
    },
  };
}
