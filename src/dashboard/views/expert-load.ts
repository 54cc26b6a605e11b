/**
 * The expert-load view's data (issue 8): a layer × expert heatmap of the calls each routed
 * expert served, each cell with its share of its layer's calls and its replicas (from the
 * placement). Pure.
 */
import type { RunModel } from './run-model.ts';

export interface HeatCell {
  readonly layer: number;
  readonly expert: number;
  readonly calls: number;
  /** Share of its layer's calls (0 when the layer served none). */
  readonly share: number;
  readonly replicas: number;
}

/** `load[layer][expert]` calls (summary.json's expertLoad); `replicas(layer, expert)` copies placed. */
export function expertLoadView(load: readonly (readonly number[])[], replicas: (layer: number, expert: number) => number): { cells: HeatCell[]; max: number; imbalance: number[] } {
  const cells: HeatCell[] = [];
  const imbalance: number[] = [];
  load.forEach((row, layer) => {
    const total = row.reduce((s, v) => s + v, 0);
    row.forEach((calls, expert) => cells.push({ layer, expert, calls, share: total > 0 ? calls / total : 0, replicas: replicas(layer, expert) }));
    // max/mean load per layer (1 = perfectly balanced), the figure the bias rule lowers.
    imbalance.push(total > 0 ? row.reduce((most, v) => Math.max(most, v), Number.NEGATIVE_INFINITY) / (total / row.length) : 0);
  });
  return { cells, max: cells.reduce((most, c) => Math.max(most, c.calls), 0), imbalance };
}

/**
 * The layer × expert calls of the tokens served by time `t` (every token pass routes, prompt
 * or generated), with each expert's replicas from the placement.
 */
export function expertLoadAt(model: RunModel, t: number): ReturnType<typeof expertLoadView> {
  const load: number[][] = [];
  for (const token of model.tokens) {
    if (!(token.endMs <= t) || token.status !== 'ok') continue;
    token.experts.forEach((experts, layer) => {
      const row = (load[layer] ??= []);
      for (const expert of experts) row[expert] = (row[expert] ?? 0) + 1;
    });
  }
  const replicas = new Map<string, number>();
  let experts = 0;
  for (const unit of model.placement) {
    const match = /^L(\d+)\.expert(\d+)$/.exec(unit.unit);
    if (!match) continue;
    replicas.set(`${match[1]}.${match[2]}`, (replicas.get(`${match[1]}.${match[2]}`) ?? 0) + 1);
    experts = Math.max(experts, Number(match[2]) + 1);
    const layer = Number(match[1]);
    load[layer] ??= [];
  }
  const width = load.reduce((most, row) => Math.max(most, row.length), experts);
  const rows = Array.from({ length: load.length }, (_, layer) => Array.from({ length: width }, (_, e) => load[layer]?.[e] ?? 0));
  return expertLoadView(rows, (layer, expert) => replicas.get(`${layer}.${expert}`) ?? 0);
}
