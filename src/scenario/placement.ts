/**
 * Node positions for a group: uniform on a disc, on a grid, uniformly in a rectangle, or given.
 * Each node draws from its own stream (`placement/<group>/<index>`), so adding a node to the
 * end of a group never moves the others. With a minimum separation, a node is redrawn until it
 * keeps that distance from every node placed before it (LoRaSim keeps nodes 10 m apart).
 */
import type { RandomStreams } from '../sim/rng.ts';
import { formatPath, InputError, type SourcePosition } from './errors.ts';
import type { GroupSpec } from './schema.ts';

export interface Position {
  readonly xM: number;
  readonly yM: number;
}

const maxPlacementTries = 10_000;

export function placeGroup(
  group: GroupSpec,
  groupPath: readonly PropertyKey[],
  rng: RandomStreams,
  placedBefore: readonly Position[],
  radiusM: number,
  locate: (path: readonly PropertyKey[]) => SourcePosition | undefined,
): Position[] {
  if (group.nodes) return group.nodes.map((node) => ({ xM: node.xM, yM: node.yM }));
  const placement = group.placement!;
  const count = group.count!;
  const positions: Position[] = [];
  if (placement.shape === 'grid') {
    const columns = placement.columns ?? Math.ceil(Math.sqrt(count));
    const [x0, y0] = placement.originM ?? [0, 0];
    for (let i = 0; i < count; i++) {
      positions.push({ xM: x0 + (i % columns) * placement.spacingM, yM: y0 + Math.floor(i / columns) * placement.spacingM });
    }
    return positions;
  }
  const minSeparationM = placement.shape === 'disc' ? (placement.minSeparationM ?? 0) : 0;
  const all = [...placedBefore];
  for (let i = 0; i < count; i++) {
    const stream = rng.stream(`placement/${group.name}/${i}`);
    let position: Position | undefined;
    for (let attempt = 0; attempt < maxPlacementTries && !position; attempt++) {
      let candidate: Position;
      if (placement.shape === 'disc') {
        // r = R·√u makes the density uniform over the disc's area.
        const r = radiusM * Math.sqrt(stream.next());
        const theta = 2 * Math.PI * stream.next();
        const [cx, cy] = placement.centerM ?? [0, 0];
        candidate = { xM: cx + r * Math.cos(theta), yM: cy + r * Math.sin(theta) };
      } else {
        const [x0, y0] = placement.originM ?? [0, 0];
        candidate = { xM: x0 + placement.widthM * stream.next(), yM: y0 + placement.heightM * stream.next() };
      }
      if (minSeparationM === 0 || all.every((p) => Math.hypot(p.xM - candidate.xM, p.yM - candidate.yM) >= minSeparationM)) {
        position = candidate;
      }
    }
    if (!position) {
      const path = [...groupPath, 'placement', 'minSeparationM'];
      throw new InputError([
        {
          path: formatPath(path),
          source: locate(path),
          message: `expected room for ${count} nodes ${minSeparationM} m apart within radius ${radiusM.toFixed(1)} m, found none for node ${i} after ${maxPlacementTries} tries`,
        },
      ]);
    }
    positions.push(position);
    all.push(position);
  }
  return positions;
}
