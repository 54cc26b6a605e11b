/**
 * A uniform grid over fixed points (node positions never move): the points within a distance of
 * a place are found by visiting only the cells that the distance's square touches, so a query
 * costs what lies near, not what exists.
 */

export interface SpatialGrid {
  /**
   * Calls `visit` with every point whose cell lies within `radiusM` of (xM, yM), in no
   * particular order; points farther than `radiusM` may be visited too (callers test the
   * distance they need exactly).
   */
  near(xM: number, yM: number, radiusM: number, visit: (point: number) => void): void;
}

/** The smallest rectangle holding the points (all zero for none). */
export function pointBounds(points: readonly number[], xM: ArrayLike<number>, yM: ArrayLike<number>): { minX: number; minY: number; maxX: number; maxY: number } {
  if (points.length === 0) return { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    minX = Math.min(minX, xM[p]!);
    minY = Math.min(minY, yM[p]!);
    maxX = Math.max(maxX, xM[p]!);
    maxY = Math.max(maxY, yM[p]!);
  }
  return { minX, minY, maxX, maxY };
}

/**
 * @param points the points' indices (their positions are `xM[i]`, `yM[i]`)
 * @param cellM the cell's side; a query visits about (2·radius/cell + 1)² cells
 */
export function createSpatialGrid(points: readonly number[], xM: ArrayLike<number>, yM: ArrayLike<number>, cellM: number): SpatialGrid {
  if (!(cellM > 0)) throw new RangeError(`cell size must be > 0, got ${cellM}`);
  const { minX, minY, maxX, maxY } = pointBounds(points, xM, yM);
  const columns = Math.min(4096, Math.floor((maxX - minX) / cellM) + 1);
  const rows = Math.min(4096, Math.floor((maxY - minY) / cellM) + 1);
  const sizeX = (maxX - minX) / columns || cellM;
  const sizeY = (maxY - minY) / rows || cellM;
  const column = (x: number): number => Math.min(columns - 1, Math.max(0, Math.floor((x - minX) / sizeX)));
  const row = (y: number): number => Math.min(rows - 1, Math.max(0, Math.floor((y - minY) / sizeY)));
  // Counting sort of the points by cell: `start[c]..start[c+1]` indexes `members`.
  const cellOf = points.map((p) => row(yM[p]!) * columns + column(xM[p]!));
  const start = new Int32Array(columns * rows + 1);
  for (const c of cellOf) start[c + 1]!++;
  for (let c = 0; c < columns * rows; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, columns * rows);
  const members = new Int32Array(points.length);
  points.forEach((p, i) => {
    members[fill[cellOf[i]!]!++] = p;
  });
  return {
    near(x, y, radiusM, visit) {
      const c0 = column(x - radiusM);
      const c1 = column(x + radiusM);
      const r0 = row(y - radiusM);
      const r1 = row(y + radiusM);
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          const cell = r * columns + c;
          for (let k = start[cell]!; k < start[cell + 1]!; k++) visit(members[k]!);
        }
      }
    },
  };
}
