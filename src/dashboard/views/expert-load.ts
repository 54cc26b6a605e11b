/**
 * The expert-load view's data (issue 8): a layer × expert heatmap of the calls each routed
 * expert served, each cell with its share of its layer's calls and its replicas (from the
 * placement). Pure.
 */
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
    imbalance.push(total > 0 ? Math.max(...row) / (total / row.length) : 0);
  });
  return { cells, max: Math.max(0, ...cells.map((c) => c.calls)), imbalance };
}
