/**
 * The `radio-aware` and `replicated` strategies (place.ts describes them): the entry node,
 * then per pipeline each layer's attention block and its experts where the expected airtime
 * is least, then with `replicated` the further copies of the experts.
 */
import { assign, bestNode, fits, placeOn, unitIndex, type Placing } from './placing.ts';
import type { PlacementOptions } from './place.ts';

/** Where a strategy put the entry and the attention blocks. */
export interface StrategyLayout {
  /** The entry node (embedding and head), -1 if they fit nowhere. */
  readonly entry: number;
  /** The node of each layer's attention block (the first pipeline's), -1 where it fits nowhere. */
  readonly attention: number[];
  /** Per pipeline, the node of each layer's attention block. */
  readonly pipelines: number[][];
}

/**
 * Places every unit of `placing` radio-aware, in `options.pipelines` pipelines, and with the
 * `replicated` strategy the further copies of the experts.
 *
 * @example
 * const { entry, attention, pipelines } = placeRadioAware(placing, options, layers);
 */
export function placeRadioAware(placing: Placing, options: PlacementOptions, layers: number): StrategyLayout {
  const pipelineCount = options.pipelines ?? 1;
  const io = unitIndex(placing, 'io');
  const entry = chooseEntry(placing, options, io);
  if (entry < 0) placing.unplaced.push(placing.units[io]!);
  else assign(placing, io, entry);
  // One pipeline may share the entry's node; several keep off it (it embeds and samples every pipeline's tokens) and off each other's nodes.
  const pipelines: number[][] = [];
  const taken = new Set<number>(entry >= 0 ? [entry] : []);
  for (let p = 0; p < pipelineCount; p++) {
    const used = new Set<number>();
    pipelines.push(placePipeline(placing, options.costMs, layers, entry, pipelineCount === 1 ? [] : [...taken], used));
    for (const n of used) taken.add(n);
  }
  const attention: number[] = new Array<number>(layers).fill(-1);
  pipelines[0]!.forEach((node, l) => (attention[l] = node));
  if (options.strategy === 'replicated' && options.replicas > 1) replicateExperts(placing, options, attention);
  return { entry, attention, pipelines };
}

/**
 * The named entry node if the embedding and head fit there; else the most central node that
 * fits them: the least total round-trip airtime to the other eligible nodes (or, when some are
 * unreachable, the one that reaches the most). -1 when none fits.
 */
function chooseEntry(placing: Placing, options: PlacementOptions, io: number): number {
  if (options.entry !== undefined) return fits(placing, placing.units[io]!, options.entry) ? options.entry : -1;
  // The entry is chosen on centrality alone: best fit must not pull it to a fuller node.
  const { eligible } = placing;
  const roundTrip = roundTripOf(options.costMs);
  const centrality = (n: number): number => eligible.reduce((sum, m) => sum + (m === n ? 0 : roundTrip(n, m)), 0);
  return bestNode(placing, io, (n) => {
    const c = centrality(n);
    return Number.isFinite(c) ? c : Number.MAX_VALUE - eligible.filter((m) => Number.isFinite(roundTrip(n, m))).length;
  }) ?? -1;
}

/**
 * One pipeline: each layer's attention block where the residual stream costs least to bring
 * (from the previous layer's node; the last layer also pays the way back to the entry), then
 * its experts by decreasing load, on nodes outside `exclude`; returns the attention nodes and
 * adds the nodes used to `used`.
 */
function placePipeline(placing: Placing, cost: PlacementOptions['costMs'], layers: number, entry: number, exclude: readonly number[], used: Set<number>): number[] {
  const roundTrip = roundTripOf(cost);
  const at = new Array<number>(layers).fill(-1);
  let previous = entry;
  for (let l = 0; l < layers; l++) {
    const a = unitIndex(placing, `L${l}.attention`);
    const last = l === layers - 1;
    const node = bestNode(placing, a, (n) => (previous < 0 ? 0 : cost(previous, n)) + (last && entry >= 0 ? cost(n, entry) : 0), exclude);
    placeOn(placing, a, node, used);
    at[l] = node ?? -1;
    if (node !== undefined) previous = node;
    const experts = placing.units
      .map((unit, u) => ({ unit, u }))
      .filter(({ unit }) => unit.layer === l && (unit.kind === 'shared' || unit.kind === 'routed'))
      .sort((p, q) => Number(q.unit.kind === 'shared') - Number(p.unit.kind === 'shared') || q.unit.load - p.unit.load || p.u - q.u);
    for (const { unit, u } of experts) placeOn(placing, u, bestNode(placing, u, (n) => (node === undefined ? 0 : unit.load * roundTrip(node, n)), exclude), used);
  }
  return at;
}

/** `replicated`: r − 1 more copies of each layer's shared experts and its `hot` hottest routed experts (all by default), each on a node that holds no copy yet, by the same cost. */
function replicateExperts(placing: Placing, options: PlacementOptions, attention: readonly number[]): void {
  const { units, holders } = placing;
  const roundTrip = roundTripOf(options.costMs);
  for (let l = 0; l < attention.length; l++) {
    const at = attention[l]!;
    const routed = units.map((unit, u) => ({ unit, u })).filter(({ unit }) => unit.layer === l && unit.kind === 'routed');
    const hot = new Set([...routed].sort((p, q) => q.unit.load - p.unit.load || p.u - q.u).slice(0, options.hot ?? routed.length).map(({ u }) => u));
    const chosen = units.map((unit, u) => ({ unit, u })).filter(({ unit, u }) => unit.layer === l && (unit.kind === 'shared' || hot.has(u)));
    for (let copy = 1; copy < options.replicas; copy++) {
      for (const { unit, u } of chosen) {
        if (holders[u]!.length === 0) continue;
        placeOn(placing, u, bestNode(placing, u, (n) => (at < 0 ? 0 : unit.load * roundTrip(at, n)), holders[u]!));
      }
    }
  }
}

function roundTripOf(cost: PlacementOptions['costMs']): (a: number, b: number) => number {
  return (a, b) => cost(a, b) + cost(b, a);
}
