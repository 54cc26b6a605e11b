/**
 * series.csv as a report holds it. Up to `limit` rows of up to `wholeNodes` nodes it is embedded
 * whole. Past that (100,000 nodes sampled 24 times are 2.4 million rows), the report keeps, at
 * every sample time (one in m when there are more than `statsTimes`, and always the last), what
 * the views draw, computed from every row:
 * - over all nodes sampled so far: how many, how many alive, and their least, mean and largest
 *   state of charge (the joules view's band behind its battery lines);
 * - the `top` largest consumers with their energy by state (the joules view's stacks: exact,
 *   since the view draws the largest at the last sample time at or before t);
 * - every node's state of charge in one byte (the map's fills: 0–250 for 0–100 %, 254 not yet
 *   sampled, 255 dead), at as many sample times as `gridBytes` allows (one in m', and the last);
 * and, for the battery lines, the rows (time, node, alive, state of charge) of the nodes at
 * indices 0, j, 2j… of nodes.csv, j the smallest power of two with at most `lineNodes` such
 * nodes, doubled while their rows pass `linePoints`. Rows must come in time order, as runs
 * write them (time, node); a file that goes back in time is flagged. Pure.
 */
import type { CsvVisitor } from '../read/csv-stream.ts';
import type { IdIndex } from '../read/id-index.ts';
import { energyStates } from '../views/run-model.ts';
import { gridDead, gridMains, gridNotSampled, gridScale, type SeriesDigest } from '../views/run-digest.ts';
import { csvLine, csvTable } from './csv-text.ts';
import { topConsumers } from './energy-top.ts';
import { createSystematicSample } from './systematic-sample.ts';

export interface SeriesDigestOptions {
  readonly ids: IdIndex;
  readonly nodeIds: readonly string[];
  /** Rows embedded whole up to this many, of at most `wholeNodes` nodes (more battery lines than that are a smear, and a slow one). */
  readonly limit: number;
  readonly wholeNodes: number;
  readonly lineNodes: number;
  readonly linePoints: number;
  readonly statsTimes: number;
  readonly gridBytes: number;
  readonly top: number;
}

export interface SeriesDigestResult {
  /** The embedded series.csv: whole, or the battery lines' rows. */
  readonly csv: string;
  readonly rows: number;
  /** The digest, when the file was too large to embed whole. */
  readonly digest: SeriesDigest | undefined;
  /** The latest sample time (ms), or 0. */
  readonly endMs: number;
}

interface Snapshot {
  readonly atMs: number;
  readonly sampled: number;
  readonly alive: number;
  readonly socMin: number;
  readonly socMean: number;
  readonly socMax: number;
  /** Flat [node, energy by state…] of the largest consumers, largest first. */
  readonly top: readonly number[];
}

interface GridRow {
  readonly atMs: number;
  readonly grid: Uint8Array;
}

const lineColumns = ['atMs', 'node', 'alive', 'stateOfCharge'] as const;

export function createSeriesDigest(options: SeriesDigestOptions): CsvVisitor & { result(): SeriesDigestResult } {
  const { ids, nodeIds, top } = options;
  const nodes = nodeIds.length;
  const states = energyStates.length;
  const soc = new Float64Array(nodes);
  const alive = new Uint8Array(nodes);
  const sampled = new Uint8Array(nodes);
  const energies = new Float64Array(nodes * states);
  const stats = createSystematicSample<Snapshot>(options.statsTimes);
  const grids = createSystematicSample<GridRow>(Math.max(1, Math.floor(options.gridBytes / Math.max(1, nodes))));
  let whole: string[] | undefined = nodes <= options.wholeNodes ? [] : undefined;
  let header: readonly string[] = [];
  let lines: { node: number; line: string }[] = [];
  let lineEvery = 1;
  while (lineEvery * options.lineNodes < nodes) lineEvery *= 2;
  let rows = 0;
  let previous = -1;
  let times = 0;
  let current = Number.NaN;
  let unordered = false;
  let last: Snapshot | undefined;
  let lastGrid: GridRow | undefined;
  let endMs = 0;

  const snapshot = (atMs: number): void => {
    const grid = new Uint8Array(nodes);
    let count = 0;
    let living = 0;
    let batteries = 0;
    let least = Number.POSITIVE_INFINITY;
    let most = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (let i = 0; i < nodes; i++) {
      if (!sampled[i]) {
        grid[i] = gridNotSampled;
        continue;
      }
      count++;
      if (alive[i]) living++;
      const s = soc[i]!;
      // Mains: no state of charge (an empty cell), and nothing in the battery figures.
      if (Number.isNaN(s)) {
        grid[i] = alive[i] ? gridMains : gridDead;
        continue;
      }
      batteries++;
      if (s < least) least = s;
      if (s > most) most = s;
      sum += s;
      grid[i] = alive[i] ? Math.max(0, Math.min(gridScale, Math.round(s * gridScale))) : gridDead;
    }
    const socOf = (value: number): number => (batteries > 0 ? value : 1);
    last = { atMs, sampled: count, alive: living, socMin: socOf(least), socMean: socOf(sum / batteries), socMax: socOf(most), top: topConsumers(energies, states, nodeIds, top).flatMap((i) => [i, ...energies.subarray(i * states, (i + 1) * states)]) };
    lastGrid = { atMs, grid };
    times++;
    if (stats.wants()) stats.keep(last);
    else stats.skip();
    if (grids.wants()) grids.keep(lastGrid);
    else grids.skip();
  };

  return {
    header(columns) {
      header = columns;
      return [...lineColumns, ...energyStates.map((state) => `${state}J`)].map((column) => columns.indexOf(column));
    },
    row(row) {
      rows++;
      if (whole) {
        whole.push(row.line());
        if (whole.length > options.limit) whole = undefined;
      }
      const atMs = row.number(0);
      if (atMs !== current) {
        if (!Number.isNaN(current)) {
          if (atMs < current) unordered = true;
          snapshot(current);
        }
        current = atMs;
        if (atMs > endMs) endMs = atMs;
      }
      // Rows name the nodes in order within a sample time: the next one is the likely one.
      const node = row.id(1, ids, previous + 1);
      previous = node;
      if (node < 0) return;
      sampled[node] = 1;
      alive[node] = row.equals(2, '1') ? 1 : 0;
      soc[node] = row.number(3, Number.NaN);
      for (let k = 0; k < states; k++) energies[node * states + k] = row.number(4 + k);
      if (node % lineEvery !== 0) return;
      lines.push({ node, line: csvLine(lineColumns.map((_, k) => row.text(k))) });
      if (lines.length > options.linePoints) {
        lineEvery *= 2;
        lines = lines.filter((l) => l.node % lineEvery === 0);
      }
    },
    result() {
      if (!Number.isNaN(current)) snapshot(current);
      if (whole) return { csv: header.length === 0 ? '' : csvTable(header, whole), rows, digest: undefined, endMs };
      const keptStats = withLast(stats.items, last);
      const keptGrids = withLast(grids.items, lastGrid);
      const grid = new Uint8Array(keptGrids.length * nodes);
      keptGrids.forEach((s, j) => grid.set(s.grid, j * nodes));
      const digest: SeriesDigest = {
        rows,
        times,
        unordered,
        stats: {
          every: stats.every,
          timesMs: keptStats.map((s) => s.atMs),
          sampled: keptStats.map((s) => s.sampled),
          alive: keptStats.map((s) => s.alive),
          socMin: keptStats.map((s) => s.socMin),
          socMean: keptStats.map((s) => s.socMean),
          socMax: keptStats.map((s) => s.socMax),
          energyTop: keptStats.map((s) => s.top),
        },
        grid: { every: grids.every, timesMs: keptGrids.map((s) => s.atMs), base64: Buffer.from(grid.buffer, grid.byteOffset, grid.byteLength).toString('base64') },
        lines: { every: lineEvery, nodes: Math.ceil(nodes / lineEvery) },
      };
      return { csv: csvTable(lineColumns, lines.map((l) => l.line)), rows, digest, endMs };
    },
  };
}

/** The sample's items and, if it left it out, the last. */
function withLast<T>(items: readonly T[], last: T | undefined): readonly T[] {
  return last === undefined || items[items.length - 1] === last ? items : [...items, last];
}
