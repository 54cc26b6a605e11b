/**
 * The `pack` strategy: fewest nodes. The embedding and head go to the named entry node first;
 * then first-fit decreasing by weight bytes, over the nodes already opened and then the others
 * in order of their free flash (largest first, then index).
 */
import { assign, fits, placeOn, unitIndex, type Placing } from './placing.ts';
import type { StrategyLayout } from './radio-aware.ts';

/**
 * Packs every unit of `placing`; `entry` is the node requests arrive at, if named.
 *
 * @example
 * const { entry, attention } = packUnits(startPlacing(units, nodes, 'flash'), undefined, 1, layers);
 */
export function packUnits(placing: Placing, entry: number | undefined, pipelineCount: number, layers: number): StrategyLayout {
  if (pipelineCount !== 1) throw new Error(`pack places one pipeline, found pipelines ${pipelineCount}`);
  const { units, nodes, unplaced, holders } = placing;
  const byCapacity = [...placing.eligible].sort((a, b) => nodes[b]!.flashBytes - nodes[a]!.flashBytes || a - b);
  const opened: number[] = [];
  // Requests arrive at the named entry node: the embedding and head go there first.
  const io = unitIndex(placing, 'io');
  if (entry !== undefined) {
    if (fits(placing, units[io]!, entry)) {
      assign(placing, io, entry);
      opened.push(entry);
    } else unplaced.push(units[io]!);
  }
  const order = units.map((_, u) => u).filter((u) => !(u === io && entry !== undefined)).sort((a, b) => units[b]!.weightBytes - units[a]!.weightBytes || a - b);
  for (const u of order) {
    let n = opened.find((candidate) => fits(placing, units[u]!, candidate));
    if (n === undefined) {
      n = byCapacity.find((candidate) => !opened.includes(candidate) && fits(placing, units[u]!, candidate));
      if (n !== undefined) opened.push(n);
    }
    placeOn(placing, u, n);
  }
  const attention: number[] = new Array<number>(layers).fill(-1);
  units.forEach((unit, u) => unit.kind === 'attention' && (attention[unit.layer] = holders[u]![0] ?? -1));
  return { entry: holders[unitIndex(placing, 'io')]![0] ?? -1, attention, pipelines: [attention] };
}
