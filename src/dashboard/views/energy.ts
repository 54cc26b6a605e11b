/**
 * The joules view's data (issue 8): per node its energy stacked by ledger state (largest total
 * first), its state of charge over time (series.csv), and joules per token over time. Pure.
 */
import { energyStates, type RunModel } from './run-model.ts';
import { lastAtOrBefore } from './run-digest.ts';

export const stateOrder = energyStates;

export interface NodeEnergy {
  readonly id: string;
  readonly energyJByState: Readonly<Record<string, number>>;
}

export interface EnergyStack {
  readonly id: string;
  readonly total: number;
  /** Segments in `stateOrder`, each from y0 to y1 (J). */
  readonly segments: readonly { readonly state: string; readonly y0: number; readonly y1: number }[];
}

export function energyStacks(nodes: readonly NodeEnergy[]): EnergyStack[] {
  return nodes
    .map((node) => {
      let y = 0;
      const segments = stateOrder.map((state) => {
        const y0 = y;
        y += node.energyJByState[state] ?? 0;
        return { state, y0, y1: y };
      });
      return { id: node.id, total: y, segments };
    })
    .sort((a, b) => b.total - a.total || (a.id < b.id ? -1 : 1));
}

export interface SeriesRow {
  readonly atMs: number;
  readonly node: string;
  readonly stateOfCharge: number;
}

/** Each node's state of charge over time, in node order of first appearance. */
export function batteryLines(rows: readonly SeriesRow[]): { id: string; points: { hours: number; soc: number }[] }[] {
  const lines = new Map<string, { hours: number; soc: number }[]>();
  for (const row of rows) {
    let points = lines.get(row.node);
    if (!points) lines.set(row.node, (points = []));
    points.push({ hours: row.atMs / 3_600_000, soc: row.stateOfCharge });
  }
  return [...lines].map(([id, points]) => ({ id, points }));
}

/** Mean joules per generated token in consecutive windows of `windowMs` (by the token's end). */
export function joulesPerTokenOverTime(tokens: readonly { readonly endMs: number; readonly energyJ: number }[], windowMs: number): { hours: number; joulesPerToken: number; tokens: number }[] {
  const windows = new Map<number, { sum: number; n: number }>();
  for (const t of tokens) {
    const w = Math.floor(t.endMs / windowMs);
    const entry = windows.get(w) ?? { sum: 0, n: 0 };
    entry.sum += t.energyJ;
    entry.n++;
    windows.set(w, entry);
  }
  return [...windows].sort((a, b) => a[0] - b[0]).map(([w, { sum, n }]) => ({ hours: ((w + 1) * windowMs) / 3_600_000, joulesPerToken: sum / n, tokens: n }));
}

/**
 * Each node's energy by state at time `t`: its last series sample at or before t (cumulative
 * joules), or, without a series, the run's totals from summary.json's perNode. In a large run's
 * report, the largest consumers at the last kept sample time at or before t (before the first,
 * none has used any: the first nodes by id, as the stacks sort ties).
 */
export function energyAt(model: RunModel, t: number, liveTop?: readonly number[]): NodeEnergy[] {
  if (liveTop && liveTop.length > 0) return nodesOfFlat(model, liveTop);
  const stats = model.digest?.series?.stats;
  if (stats) return largestConsumersAt(model, stats, t);
  const last = new Map<number, readonly number[]>();
  for (const point of model.series) if (point.atMs <= t && point.node >= 0) last.set(point.node, point.energyJ);
  if (model.series.length === 0) {
    const perNode = (model.summary?.perNode ?? []) as { id: string; energyJByState: Record<string, number> }[];
    return perNode.map((node) => ({ id: node.id, energyJByState: node.energyJByState }));
  }
  return model.nodes.map((node, i) => {
    const joules = last.get(i) ?? [];
    const byState: Record<string, number> = {};
    energyStates.forEach((state, k) => (byState[state] = joules[k] ?? 0));
    return { id: node.id, energyJByState: byState };
  });
}

function largestConsumersAt(model: RunModel, stats: NonNullable<NonNullable<RunModel['digest']>['series']>['stats'], t: number): NodeEnergy[] {
  const j = lastAtOrBefore(stats.timesMs, t);
  const byState = (joules: (k: number) => number): Record<string, number> => Object.fromEntries(energyStates.map((state, k) => [state, joules(k)]));
  if (j < 0) {
    const count = (stats.energyTop[0]?.length ?? 0) / (energyStates.length + 1);
    const ids = model.nodes.map((node) => node.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return ids.slice(0, count).map((id) => ({ id, energyJByState: byState(() => 0) }));
  }
  const flat = stats.energyTop[j]!;
  const width = energyStates.length + 1;
  const nodes: NodeEnergy[] = [];
  for (let i = 0; i + width <= flat.length; i += width) nodes.push({ id: model.nodes[flat[i]!]?.id ?? '', energyJByState: byState((k) => flat[i + 1 + k]!) });
  return nodes;
}

/** Nodes from a flat [node, joules by state…] list (a live run's largest consumers now). */
function nodesOfFlat(model: RunModel, flat: readonly number[]): NodeEnergy[] {
  const width = energyStates.length + 1;
  const nodes: NodeEnergy[] = [];
  for (let i = 0; i + width <= flat.length; i += width) {
    nodes.push({ id: model.nodes[flat[i]!]?.id ?? '', energyJByState: Object.fromEntries(energyStates.map((state, k) => [state, flat[i + 1 + k]!])) });
  }
  return nodes;
}

/** A unit for joules that keeps figures up to `largestJ` readable: µJ, mJ, J or kJ, and the factor from joules. */
export function energyUnit(largestJ: number): { unit: string; perJ: number } {
  if (largestJ >= 1e4) return { unit: 'kJ', perJ: 1e-3 };
  if (largestJ >= 1) return { unit: 'J', perJ: 1 };
  if (largestJ >= 1e-3) return { unit: 'mJ', perJ: 1e3 };
  return { unit: 'µJ', perJ: 1e6 };
}

/** The band behind a large run's battery lines: least, mean and largest state of charge of every node sampled, per kept sample time. */
export function batteryBand(model: RunModel): { hours: number; min: number; mean: number; max: number }[] {
  const stats = model.digest?.series?.stats;
  if (!stats) return [];
  return stats.timesMs.map((atMs, j) => ({ hours: atMs / 3_600_000, min: stats.socMin[j]!, mean: stats.socMean[j]!, max: stats.socMax[j]! }));
}
