/**
 * Placement of TinySeek's units on the swarm's nodes under their memory budgets (issue 6).
 *
 * Strategies:
 * - `pack`: fewest nodes. First-fit decreasing by weight bytes over the nodes in order of
 *   their free flash (largest first, then index).
 * - `radio-aware`: least expected airtime between each layer's attention node and its
 *   experts. The entry node (embedding and head) is the most central eligible node in
 *   expected airtime (or the one named); each layer's attention block goes where the residual
 *   stream costs least to bring (from the previous layer's node; the last layer also pays the
 *   way back to the entry); then the layer's shared experts and its routed experts by
 *   decreasing load go to the node that minimises load × round-trip airtime from the
 *   attention node. A node holding the attention block costs nothing, so it fills first.
 * - `replicated`: radio-aware, then r − 1 more replicas of every expert (or of the `hot`
 *   hottest routed experts of each layer, by measured load, and the shared experts), each on a
 *   distinct node chosen by the same cost.
 *
 * Pipelines (radio-aware and replicated, issue 19): with `pipelines` P > 1, every unit but the
 * embedding and head is placed P times, radio-aware, each copy (a pipeline) on nodes that hold
 * no other pipeline's units and not the entry, whose transmitter then carries only the
 * residuals in and out of every pipeline (one pipeline may share the entry's node, as before).
 * A request runs on one pipeline, so that P requests are served by disjoint transmitters and
 * a pipeline stands in for another whose node died.
 *
 * Budgets: weights in their tier (weight-residency.ts: stored in flash or an external flash,
 * copied to SRAM or PSRAM where the `weights` setting says), KV cache plus the largest working
 * buffer in SRAM (units run one at a time). A unit that fits nowhere makes the placement infeasible: {@link PlacementError}
 * says which units, the shortfall, and how many more nodes of the largest eligible kind it
 * would take at least (the unplaced units packed first-fit decreasing onto fresh nodes).
 */
import type { TierId } from '../hw/memory-tiers.ts';
import type { PlaceableUnit } from './units.ts';
import { autoTiers, readTier, storageTier, type NodeTiers, type WeightsMode } from './weight-residency.ts';
import { walkTokenFrames } from './token-frames.ts';
import { infeasible, type Load } from './placement-error.ts';
import { packUnits } from './pack.ts';
import { startPlacing } from './placing.ts';
import { placeRadioAware } from './radio-aware.ts';

export { PlacementError } from './placement-error.ts';

export type Strategy = 'pack' | 'radio-aware' | 'replicated';

export interface PlacementNode extends NodeTiers {
  readonly index: number;
  readonly id: string;
  readonly mcuId: string;
  /** Whether the node may hold units (sinks and excluded groups may only relay). */
  readonly eligible: boolean;
  /** Flash the placement may fill, bytes. */
  readonly flashBytes: number;
  /** SRAM for KV caches, working buffers and weights copied there, bytes. */
  readonly sramBytes: number;
  /** How the tier the weights are stored in reads in messages (default "flash"). */
  readonly flashLabel?: string;
}

export interface PlacementOptions {
  readonly strategy: Strategy;
  /** Copies of each replicated expert (`replicated` only). */
  readonly replicas: number;
  /** Replicate only the `hot` routed experts of each layer with the highest load (all when absent). */
  readonly hot?: number;
  /** Node index of the entry node, or undefined to choose. */
  readonly entry?: number;
  /** Expected airtime of one activation frame from a to b over the best route (ms; Infinity when unreachable). */
  readonly costMs: (from: number, to: number) => number;
  /** Where weights are stored and read from (weight-residency.ts; default `flash`). */
  readonly weights?: WeightsMode;
  /** Copies of every unit but the embedding and head, each copy on nodes of its own (default 1; not with `pack`). */
  readonly pipelines?: number;
}

export interface PlanNode {
  readonly index: number;
  readonly units: readonly string[];
  readonly weightBytes: number;
  readonly kvBytes: number;
  readonly workBytes: number;
  /** Weights stored in the node's flash (all of them, unless an external flash holds them). */
  readonly flashWeightBytes: number;
  /** Weights copied to SRAM, and held in the external tier (PSRAM copies or external flash). */
  readonly sramWeightBytes: number;
  readonly externalWeightBytes: number;
  /** Weights read in place from an off-chip flash at every use: they stream. */
  readonly streamedBytes: number;
  readonly flashBudgetBytes: number;
  readonly sramBudgetBytes: number;
  readonly externalBudgetBytes: number;
}

export interface Plan {
  readonly strategy: Strategy;
  readonly units: readonly PlaceableUnit[];
  /** Per unit (same order as `units`): the nodes holding it, primary first. */
  readonly holders: readonly (readonly number[])[];
  /** Per unit and holder (same order as `holders`): the tier its weights are read from. */
  readonly tiers: readonly (readonly TierId[])[];
  readonly weights: WeightsMode;
  /** The entry node: embedding and head. */
  readonly entry: number;
  /** The node of each layer's attention block (the first pipeline's). */
  readonly attention: readonly number[];
  /** Per pipeline, the node of each layer's attention block; a unit's copy in pipeline p is `holders[u][p]` (the embedding and head have one). */
  readonly pipelines: readonly (readonly number[])[];
  /** Per node of the swarm (empty `units` when it holds none). */
  readonly nodes: readonly PlanNode[];
  /** Nodes holding at least one unit. */
  readonly usedNodes: number;
  /** Expected airtime per token from the link costs (activation frames on the critical routes), ms. */
  readonly expectedAirtimeMsPerToken: number;
}

export function placeUnits(units: readonly PlaceableUnit[], nodes: readonly PlacementNode[], options: PlacementOptions): Plan {
  const mode = options.weights ?? 'flash';
  const placing = startPlacing(units, nodes, mode);
  const layers = units.reduce((most, unit) => Math.max(most, unit.layer + 1), 0);
  const pipelineCount = options.pipelines ?? 1;
  const { entry, attention, pipelines } = options.strategy === 'pack' ? packUnits(placing, options.entry, pipelineCount, layers) : placeRadioAware(placing, options, layers);
  const { loads, holders, unplaced } = placing;
  if (unplaced.length > 0) throw infeasible(unplaced, nodes, loads, mode, pipelineCount);
  const tiers = decideTiers(units, holders, nodes, loads, mode);
  const planNodes = planNodesOf(nodes, loads, units, holders, tiers, mode);
  return {
    strategy: options.strategy,
    units,
    holders,
    tiers,
    weights: mode,
    entry,
    attention,
    pipelines,
    nodes: planNodes,
    usedNodes: planNodes.filter((node) => node.units.length > 0).length,
    expectedAirtimeMsPerToken: expectedAirtime(units, holders, entry, attention, options.costMs),
  };
}

/** Each node's share of the plan: its units, and its weights by the tier they are stored in and read from. */
function planNodesOf(nodes: readonly PlacementNode[], loads: readonly Load[], units: readonly PlaceableUnit[], holders: readonly (readonly number[])[], tiers: readonly (readonly TierId[])[], mode: WeightsMode): PlanNode[] {
  // Each node's weights by the tier they are read from, in one pass over the copies.
  const read = nodes.map((): Record<TierId, number> => ({ sram: 0, flash: 0, external: 0 }));
  units.forEach((unit, u) => holders[u]!.forEach((holder, k) => (read[holder]![tiers[u]![k]!] += unit.weightBytes)));
  return nodes.map((node, n) => {
    const streamsFromFlash = node.flashLabel?.startsWith('external') === true;
    return {
      index: node.index,
      units: loads[n]!.units,
      weightBytes: loads[n]!.weight,
      kvBytes: loads[n]!.kv,
      workBytes: loads[n]!.work,
      flashWeightBytes: storageTier(mode, node) === 'external' ? 0 : loads[n]!.weight,
      sramWeightBytes: read[n]!.sram,
      externalWeightBytes: read[n]!.external,
      streamedBytes: (streamsFromFlash ? read[n]!.flash : 0) + (node.externalKind === 'flash' ? read[n]!.external : 0),
      flashBudgetBytes: node.flashBytes,
      sramBudgetBytes: node.sramBytes,
      externalBudgetBytes: node.externalBytes ?? 0,
    };
  });
}

/** The tier each copy of each unit is read from: the mode's, or with `auto` the fastest with room, the most called first. */
function decideTiers(units: readonly PlaceableUnit[], holders: readonly (readonly number[])[], nodes: readonly PlacementNode[], loads: readonly Load[], mode: WeightsMode): TierId[][] {
  const tiers: TierId[][] = holders.map((held) => held.map((n) => readTier(mode, nodes[n]!)));
  if (mode !== 'auto') return tiers;
  nodes.forEach((node, n) => {
    const copies: { u: number; k: number }[] = [];
    holders.forEach((held, u) => held.forEach((holder, k) => holder === n && copies.push({ u, k })));
    if (copies.length === 0) return;
    const load = loads[n]!;
    const chosen = autoTiers(copies.map(({ u }) => units[u]!), node.sramBytes - load.kv - load.work, node, load.externalFree);
    copies.forEach(({ u, k }, i) => (tiers[u]![k] = chosen[i]!));
  });
  return tiers;
}

/** Activation frames per token on the critical routes, weighted by expert load (primary holders). */
function expectedAirtime(units: readonly PlaceableUnit[], holders: readonly (readonly number[])[], entry: number, attention: readonly number[], cost: (a: number, b: number) => number): number {
  let total = 0;
  walkTokenFrames(units, holders, entry, attention, {
    residual: (from, to) => void (total += cost(from, to)),
    expert: (at, holder, load) => void (total += load * (cost(at, holder) + cost(holder, at))),
  });
  return total;
}
