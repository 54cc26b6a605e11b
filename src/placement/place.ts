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
 * Budgets: weights in their tier (weight-residency.ts: stored in flash or an external flash,
 * copied to SRAM or PSRAM where the `weights` setting says), KV cache plus the largest working
 * buffer in SRAM (units run one at a time). A unit that fits nowhere makes the placement infeasible: {@link PlacementError}
 * says which units, the shortfall, and how many more nodes of the largest eligible kind it
 * would take at least (the unplaced units packed first-fit decreasing onto fresh nodes).
 */
import type { TierId } from '../hw/memory-tiers.ts';
import type { PlaceableUnit } from './units.ts';
import { autoTiers, copyTier, readTier, storageTier, type NodeTiers, type WeightsMode } from './weight-residency.ts';
import { walkTokenFrames } from './token-frames.ts';

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
  /** The node of each layer's attention block. */
  readonly attention: readonly number[];
  /** Per node of the swarm (empty `units` when it holds none). */
  readonly nodes: readonly PlanNode[];
  /** Nodes holding at least one unit. */
  readonly usedNodes: number;
  /** Expected airtime per token from the link costs (activation frames on the critical routes), ms. */
  readonly expectedAirtimeMsPerToken: number;
}

export class PlacementError extends Error {
  constructor(
    message: string,
    readonly unplaced: readonly string[],
    readonly shortfallBytes: number,
    /** Nodes like the largest eligible one that would hold the units left over (first-fit decreasing). */
    readonly extraNodes: number,
    /** The memory that ran out: "internal flash", "external flash", "SRAM", "PSRAM" (or "flash"). */
    readonly tier: string = 'flash',
  ) {
    super(message);
    this.name = 'PlacementError';
  }
}

interface Load {
  flashFree: number;
  externalFree: number;
  /** Weights copied to SRAM. */
  resident: number;
  kv: number;
  work: number;
  units: string[];
  weight: number;
}

export function placeUnits(units: readonly PlaceableUnit[], nodes: readonly PlacementNode[], options: PlacementOptions): Plan {
  const mode = options.weights ?? 'flash';
  const loads: Load[] = nodes.map((node) => ({ flashFree: node.flashBytes, externalFree: node.externalBytes ?? 0, resident: 0, kv: 0, work: 0, units: [], weight: 0 }));
  const holders: number[][] = units.map(() => []);
  const unplaced: PlaceableUnit[] = [];
  const fits = (unit: PlaceableUnit, n: number): boolean => {
    const node = nodes[n]!;
    const load = loads[n]!;
    const stored = storageTier(mode, node) === 'external' ? load.externalFree : load.flashFree;
    const copy = copyTier(mode, node);
    const resident = load.resident + (copy === 'sram' ? unit.weightBytes : 0);
    return (
      node.eligible &&
      stored >= unit.weightBytes &&
      (copy !== 'external' || load.externalFree >= unit.weightBytes) &&
      node.sramBytes >= load.kv + unit.kvBytes + resident + Math.max(load.work, unit.workBytes)
    );
  };
  const assign = (u: number, n: number): void => {
    const unit = units[u]!;
    const load = loads[n]!;
    const node = nodes[n]!;
    if (storageTier(mode, node) === 'external') load.externalFree -= unit.weightBytes;
    else load.flashFree -= unit.weightBytes;
    const copy = copyTier(mode, node);
    if (copy === 'external') load.externalFree -= unit.weightBytes;
    if (copy === 'sram') load.resident += unit.weightBytes;
    load.kv += unit.kvBytes;
    load.work = Math.max(load.work, unit.workBytes);
    load.weight += unit.weightBytes;
    load.units.push(unit.id);
    holders[u]!.push(n);
  };
  const indexOf = (id: string): number => units.findIndex((unit) => unit.id === id);
  const cost = options.costMs;
  const eligible = nodes.filter((node) => node.eligible).map((node) => node.index);
  /** The fitting node with the least cost (then the least free flash that fits: best fit, so that equal-cost nodes fill one by one; then the lowest index). */
  const best = (u: number, costOf: (n: number) => number, exclude: readonly number[] = []): number | undefined => {
    let chosen: number | undefined;
    let chosenCost = Number.POSITIVE_INFINITY;
    for (const n of eligible) {
      if (exclude.includes(n) || !fits(units[u]!, n)) continue;
      const c = costOf(n);
      if (chosen === undefined || c < chosenCost || (c === chosenCost && loads[n]!.flashFree < loads[chosen]!.flashFree)) {
        chosen = n;
        chosenCost = c;
      }
    }
    return chosen;
  };
  const place = (u: number, n: number | undefined): void => {
    if (n === undefined) unplaced.push(units[u]!);
    else assign(u, n);
  };

  let entry: number;
  const layers = units.reduce((most, unit) => Math.max(most, unit.layer + 1), 0);
  const attention: number[] = new Array<number>(layers).fill(-1);
  if (options.strategy === 'pack') {
    const byCapacity = [...eligible].sort((a, b) => nodes[b]!.flashBytes - nodes[a]!.flashBytes || a - b);
    const opened: number[] = [];
    // Requests arrive at the named entry node: the embedding and head go there first.
    const io = indexOf('io');
    if (options.entry !== undefined) {
      if (fits(units[io]!, options.entry)) {
        assign(io, options.entry);
        opened.push(options.entry);
      } else unplaced.push(units[io]!);
    }
    const order = units.map((_, u) => u).filter((u) => !(u === io && options.entry !== undefined)).sort((a, b) => units[b]!.weightBytes - units[a]!.weightBytes || a - b);
    for (const u of order) {
      let n = opened.find((candidate) => fits(units[u]!, candidate));
      if (n === undefined) {
        n = byCapacity.find((candidate) => !opened.includes(candidate) && fits(units[u]!, candidate));
        if (n !== undefined) opened.push(n);
      }
      place(u, n);
    }
    entry = holders[indexOf('io')]![0] ?? -1;
  } else {
    const io = indexOf('io');
    const roundTrip = (a: number, b: number): number => cost(a, b) + cost(b, a);
    if (options.entry !== undefined) entry = fits(units[io]!, options.entry) ? options.entry : -1;
    // The entry is chosen on centrality alone: best fit must not pull it to a fuller node.
    else {
      // The most central node: the least total round-trip airtime to the other eligible nodes.
      const centrality = (n: number): number => eligible.reduce((sum, m) => sum + (m === n ? 0 : roundTrip(n, m)), 0);
      entry = best(io, (n) => {
        const c = centrality(n);
        return Number.isFinite(c) ? c : Number.MAX_VALUE - eligible.filter((m) => Number.isFinite(roundTrip(n, m))).length;
      }) ?? -1;
    }
    if (entry < 0) unplaced.push(units[io]!);
    else assign(io, entry);
    let previous = entry;
    for (let l = 0; l < layers; l++) {
      const a = indexOf(`L${l}.attention`);
      const last = l === layers - 1;
      const at = best(a, (n) => (previous < 0 ? 0 : cost(previous, n)) + (last && entry >= 0 ? cost(n, entry) : 0));
      place(a, at);
      attention[l] = at ?? -1;
      if (at !== undefined) previous = at;
      const experts = units
        .map((unit, u) => ({ unit, u }))
        .filter(({ unit }) => unit.layer === l && (unit.kind === 'shared' || unit.kind === 'routed'))
        .sort((p, q) => Number(q.unit.kind === 'shared') - Number(p.unit.kind === 'shared') || q.unit.load - p.unit.load || p.u - q.u);
      for (const { unit, u } of experts) place(u, best(u, (n) => (at === undefined ? 0 : unit.load * roundTrip(at, n))));
    }
    if (options.strategy === 'replicated' && options.replicas > 1) {
      for (let l = 0; l < layers; l++) {
        const at = attention[l]!;
        const routed = units.map((unit, u) => ({ unit, u })).filter(({ unit }) => unit.layer === l && unit.kind === 'routed');
        const hot = new Set([...routed].sort((p, q) => q.unit.load - p.unit.load || p.u - q.u).slice(0, options.hot ?? routed.length).map(({ u }) => u));
        const chosen = units.map((unit, u) => ({ unit, u })).filter(({ unit, u }) => unit.layer === l && (unit.kind === 'shared' || hot.has(u)));
        for (let copy = 1; copy < options.replicas; copy++) {
          for (const { unit, u } of chosen) {
            if (holders[u]!.length === 0) continue;
            place(u, best(u, (n) => (at < 0 ? 0 : unit.load * roundTrip(at, n)), holders[u]!));
          }
        }
      }
    }
  }
  if (options.strategy === 'pack') units.forEach((unit, u) => unit.kind === 'attention' && (attention[unit.layer] = holders[u]![0] ?? -1));

  if (unplaced.length > 0) throw infeasible(unplaced, nodes, loads, mode);

  const tiers = decideTiers(units, holders, nodes, loads, mode);
  // Each node's weights by the tier they are read from, in one pass over the copies.
  const read = nodes.map((): Record<TierId, number> => ({ sram: 0, flash: 0, external: 0 }));
  units.forEach((unit, u) => holders[u]!.forEach((holder, k) => (read[holder]![tiers[u]![k]!] += unit.weightBytes)));
  const planNodes: PlanNode[] = nodes.map((node, n) => {
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
  return {
    strategy: options.strategy,
    units,
    holders,
    tiers,
    weights: mode,
    entry,
    attention,
    nodes: planNodes,
    usedNodes: planNodes.filter((node) => node.units.length > 0).length,
    expectedAirtimeMsPerToken: expectedAirtime(units, holders, entry, attention, cost),
  };
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

/** The tier that bounds a node's weights under `mode`: its capacity, what is free of it, and its name. */
function weightBudget(node: PlacementNode, mode: WeightsMode): { readonly bytes: number; readonly label: string; free(load: Load): number } {
  const flash = { bytes: node.flashBytes, label: node.flashLabel ?? 'flash', free: (load: Load) => load.flashFree };
  const external = { bytes: node.externalBytes ?? 0, label: node.externalKind === 'psram' ? 'PSRAM' : 'external flash', free: (load: Load) => load.externalFree };
  const copy = copyTier(mode, node);
  if (storageTier(mode, node) === 'external') return external;
  if (copy === 'external') return external.bytes < flash.bytes ? external : flash;
  if (copy === 'sram' && node.sramBytes < node.flashBytes) return { bytes: node.sramBytes, label: 'SRAM', free: (load: Load) => Math.min(load.flashFree, node.sramBytes - load.kv - load.resident - load.work) };
  return flash;
}

function infeasible(unplaced: readonly PlaceableUnit[], allNodes: readonly PlacementNode[], loads: readonly Load[], mode: WeightsMode): PlacementError {
  // Each node seen through the tier that bounds its weights (flash unless the mode copies or stores them elsewhere).
  const nodes = allNodes.map((node) => ({ ...node, flashBytes: weightBudget(node, mode).bytes }));
  const label = (node: PlacementNode): string => weightBudget(allNodes[node.index]!, mode).label;
  const resident = (unit: PlaceableUnit): number => (mode === 'sram' ? unit.weightBytes : 0);
  const eligible = nodes.filter((node) => node.eligible);
  const largest = eligible.reduce<PlacementNode | undefined>((big, node) => (big === undefined || node.flashBytes > big.flashBytes ? node : big), undefined);
  const unplacedBytes = unplaced.reduce((sum, unit) => sum + unit.weightBytes, 0);
  const freeBytes = eligible.reduce((sum, node) => sum + Math.max(0, weightBudget(allNodes[node.index]!, mode).free(loads[node.index]!)), 0);
  const totalBudget = eligible.reduce((sum, node) => sum + node.flashBytes, 0);
  // Every copy asked for: what was placed plus what found no room.
  const required = loads.reduce((sum, load) => sum + load.weight, 0) + unplacedBytes;
  const shortfallBytes = Math.max(0, unplacedBytes - freeBytes);
  const sramBound = largest === undefined ? [] : unplaced.filter((unit) => unit.kvBytes + unit.workBytes + resident(unit) > largest.sramBytes || unit.weightBytes > largest.flashBytes);
  let extraNodes = 0;
  let atLeast = 0;
  if (largest !== undefined && sramBound.length === 0) {
    // First-fit decreasing of the unplaced copies onto fresh nodes like the largest eligible
    // one, two copies of a unit never on one node: a number of nodes that is enough.
    const fresh: { flash: number; kv: number; work: number; resident: number; units: Set<string> }[] = [];
    for (const unit of [...unplaced].sort((a, b) => b.weightBytes - a.weightBytes)) {
      let bin = fresh.find((b) => !b.units.has(unit.id) && b.flash >= unit.weightBytes && largest.sramBytes >= b.kv + unit.kvBytes + b.resident + resident(unit) + Math.max(b.work, unit.workBytes));
      if (!bin) fresh.push((bin = { flash: largest.flashBytes, kv: 0, work: 0, resident: 0, units: new Set() }));
      bin.flash -= unit.weightBytes;
      bin.kv += unit.kvBytes;
      bin.resident += resident(unit);
      bin.work = Math.max(bin.work, unit.workBytes);
      bin.units.add(unit.id);
    }
    extraNodes = fresh.length;
    // And a floor, with the placed units where they are (each unit left over fits no node
    // now): their bytes, how many of the smallest fit one node, and the copies of one unit,
    // which need nodes of their own.
    const copies = new Map<string, number>();
    for (const unit of unplaced) copies.set(unit.id, (copies.get(unit.id) ?? 0) + 1);
    const perNode = Math.max(1, Math.floor(largest.flashBytes / Math.max(1, unplaced.reduce((least, u) => Math.min(least, u.weightBytes), Number.POSITIVE_INFINITY))));
    atLeast = [...copies.values()].reduce((most, n) => Math.max(most, n), Math.max(Math.ceil(unplacedBytes / largest.flashBytes), Math.ceil(unplaced.length / perNode)));
  }
  const names = unplaced.length > 6 ? `${unplaced.slice(0, 6).map((u) => u.id).join(', ')} and ${unplaced.length - 6} more` : unplaced.map((u) => u.id).join(', ');
  const lines = [
    `the model does not fit the swarm: ${unplaced.length} unit${unplaced.length > 1 ? 's' : ''} (${names}, ${unplacedBytes.toLocaleString('en')} B of weights) found no node with room`,
    `  the units need ${required.toLocaleString('en')} B of ${largest === undefined ? 'flash' : label(largest)}; the ${eligible.length} eligible nodes' placement budgets total ${totalBudget.toLocaleString('en')} B, of which ${freeBytes.toLocaleString('en')} B stayed free in pieces too small${unplaced.some((u) => u.kind === 'routed' || u.kind === 'shared') && loads.some((l) => l.units.length > 0) ? ' or on nodes that hold a copy already' : ''}`,
  ];
  if (largest === undefined) lines.push('  no node may hold units: give a group with role "node"');
  else if (sramBound.length > 0) {
    const unit = sramBound[0]!;
    lines.push(
      unit.weightBytes > largest.flashBytes
        ? `  ${unit.id} alone needs ${unit.weightBytes.toLocaleString('en')} B of ${label(largest)}, more than any node's budget (${largest.flashBytes.toLocaleString('en')} B on ${largest.id}, ${largest.mcuId}): use a larger MCU, fewer bits${mode === 'flash' ? ', or a larger flash share' : ', or weights: flash'}`
        : `  ${unit.id} needs ${(unit.kvBytes + unit.workBytes + resident(unit)).toLocaleString('en')} B of SRAM (KV cache ${unit.kvBytes.toLocaleString('en')} B + buffers ${unit.workBytes.toLocaleString('en')} B${mode === 'sram' ? ` + weights ${unit.weightBytes.toLocaleString('en')} B` : ''}), more than any node's ${largest.sramBytes.toLocaleString('en')} B: fewer concurrent requests, a shorter context, or a larger MCU`,
    );
  } else {
    const like = `like ${largest.id} (${largest.mcuId}, ${largest.flashBytes.toLocaleString('en')} B placement budget each)`;
    const count = extraNodes === atLeast ? `${extraNodes}` : `${extraNodes} (at least ${atLeast})`;
    lines.push(`  ${shortfallBytes > 0 ? `shortfall ${shortfallBytes.toLocaleString('en')} B beyond all free ${label(largest)}; ` : ''}${count} more node${extraNodes > 1 ? 's' : ''} ${like} would hold the rest`);
  }
  const tier = largest === undefined ? 'flash' : sramBound.length > 0 && sramBound[0]!.weightBytes <= largest.flashBytes ? 'SRAM' : label(largest);
  return new PlacementError(lines.join('\n'), unplaced.map((u) => u.id), shortfallBytes, extraNodes, tier);
}
