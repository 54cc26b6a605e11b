/**
 * A placement that does not fit (issue 6): which units found no room, in which memory, the
 * shortfall, and how many more nodes like the largest eligible one would hold the rest.
 */
import type { PlaceableUnit } from './units.ts';
import type { PlacementNode } from './place.ts';
import { copyTier, storageTier, type WeightsMode } from './weight-residency.ts';

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

/** What placement has used of a node so far. */
export interface Load {
  flashFree: number;
  externalFree: number;
  /** Weights copied to SRAM. */
  resident: number;
  kv: number;
  work: number;
  units: string[];
  weight: number;
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

export function infeasible(unplaced: readonly PlaceableUnit[], allNodes: readonly PlacementNode[], loads: readonly Load[], mode: WeightsMode, pipelines = 1): PlacementError {
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
    `  the units need ${required.toLocaleString('en')} B of ${largest === undefined ? 'flash' : label(largest)}; the ${eligible.length} eligible nodes' placement budgets total ${totalBudget.toLocaleString('en')} B, of which ${freeBytes.toLocaleString('en')} B stayed free in pieces too small${unplaced.some((u) => u.kind === 'routed' || u.kind === 'shared') && loads.some((l) => l.units.length > 0) ? ` or on nodes that hold a copy already${pipelines > 1 ? ` or units of another of the ${pipelines} pipelines` : ''}` : ''}`,
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
