/**
 * A placement in progress, as one explicit record: what each node holds so far, where each
 * unit went, the units that fit nowhere; with the moves every strategy makes on it (does a
 * unit fit on a node, put it there, find the cheapest node that fits).
 */
import type { PlaceableUnit } from './units.ts';
import type { PlacementNode } from './place.ts';
import type { Load } from './placement-error.ts';
import { copyTier, storageTier, type WeightsMode } from './weight-residency.ts';

export interface Placing {
  readonly units: readonly PlaceableUnit[];
  readonly nodes: readonly PlacementNode[];
  readonly mode: WeightsMode;
  /** Per node: what placement has used of it. */
  readonly loads: Load[];
  /** Per unit: the nodes holding it, primary first. */
  readonly holders: number[][];
  /** Units that fit nowhere, in the order they were tried. */
  readonly unplaced: PlaceableUnit[];
  /** The nodes that may hold units, by index. */
  readonly eligible: readonly number[];
}

/**
 * An empty placement of `units` on `nodes`.
 *
 * @example
 * const placing = startPlacing(units, nodes, 'flash');
 */
export function startPlacing(units: readonly PlaceableUnit[], nodes: readonly PlacementNode[], mode: WeightsMode): Placing {
  return {
    units,
    nodes,
    mode,
    loads: nodes.map((node) => ({ flashFree: node.flashBytes, externalFree: node.externalBytes ?? 0, resident: 0, kv: 0, work: 0, units: [], weight: 0 })),
    holders: units.map(() => []),
    unplaced: [],
    eligible: nodes.filter((node) => node.eligible).map((node) => node.index),
  };
}

/** Whether `unit` fits on node `n` besides what it holds: its weights where they are stored and copied, its KV cache and working buffer in SRAM. */
export function fits({ nodes, loads, mode }: Placing, unit: PlaceableUnit, n: number): boolean {
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
}

/** Puts unit `u` on node `n` (which it fits). */
export function assign({ units, nodes, loads, mode, holders }: Placing, u: number, n: number): void {
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
}

/** Puts unit `u` on node `n` and adds `n` to `used`; with no node, the unit is unplaced. */
export function placeOn(placing: Placing, u: number, n: number | undefined, used?: Set<number>): void {
  if (n === undefined) placing.unplaced.push(placing.units[u]!);
  else {
    assign(placing, u, n);
    used?.add(n);
  }
}

/** The index of the unit named `id` (-1 if none). */
export function unitIndex({ units }: Placing, id: string): number {
  return units.findIndex((unit) => unit.id === id);
}

/** The fitting node with the least cost (then the least free flash that fits: best fit, so that equal-cost nodes fill one by one; then the lowest index). */
export function bestNode(placing: Placing, u: number, costOf: (n: number) => number, exclude: readonly number[] = []): number | undefined {
  const { units, loads } = placing;
  let chosen: number | undefined;
  let chosenCost = Number.POSITIVE_INFINITY;
  for (const n of placing.eligible) {
    if (exclude.includes(n) || !fits(placing, units[u]!, n)) continue;
    const c = costOf(n);
    if (chosen === undefined || c < chosenCost || (c === chosenCost && loads[n]!.flashFree < loads[chosen]!.flashFree)) {
      chosen = n;
      chosenCost = c;
    }
  }
  return chosen;
}
