/**
 * Node positions for a group: uniform on a disc, evenly on a disc (sunflower), on a grid,
 * uniformly in a rectangle, or given.
 * Each node draws from its own stream (`placement/<group>/<index>`), so adding a node to the
 * end of a group never moves the others. With a minimum separation, a node is redrawn until it
 * keeps that distance from every node placed before it, in any group (a separation grid finds
 * the nodes near a candidate, so this stays O(N)). `distribution: lorasim` places as LoRaSim
 * does instead (lorasim-placement.ts).
 */
import type { RandomStreams } from '../sim/rng.ts';
import { formatPath, InputError, type SourcePosition } from './errors.ts';
import { placeLikeLorasim, lorasimGiveUpPairs } from './lorasim-placement.ts';
import { maxPointsInDisc } from './packing-bound.ts';
import type { GroupSpec } from './schema.ts';
import { createSeparationGrid, type SeparationGrid } from './separation-grid.ts';

export interface Position {
  readonly xM: number;
  readonly yM: number;
}

const maxPlacementTries = 10_000;

/** The golden angle, π(3 − √5) rad (≈ 137.5°). */
const goldenAngle = Math.PI * (3 - Math.sqrt(5));

/**
 * `count` points evenly over a disc: Vogel's spiral (H. Vogel, "A better way to construct the
 * sunflower head", Mathematical Biosciences 44 (1979) 179–189), point i at radius R·√(i / n)
 * and angle i times the golden angle, so each point has about the same area around it; the
 * first point is the centre (one gateway goes in the middle).
 */
function sunflower(count: number, radiusM: number, [cx, cy]: readonly [number, number]): Position[] {
  return Array.from({ length: count }, (_, i) => {
    const r = radiusM * Math.sqrt(i / count);
    return { xM: cx + r * Math.cos(i * goldenAngle), yM: cy + r * Math.sin(i * goldenAngle) };
  });
}

type Locate = (path: readonly PropertyKey[]) => SourcePosition | undefined;

export function placeGroup(group: GroupSpec, groupPath: readonly PropertyKey[], rng: RandomStreams, placedBefore: readonly Position[], radiusM: number, locate: Locate): Position[] {
  if (group.nodes) return group.nodes.map((node) => ({ xM: node.xM, yM: node.yM }));
  const placement = group.placement!;
  const count = group.count!;
  if (placement.shape === 'grid') {
    const positions: Position[] = [];
    const columns = placement.columns ?? Math.ceil(Math.sqrt(count));
    const [x0, y0] = placement.originM ?? [0, 0];
    for (let i = 0; i < count; i++) {
      positions.push({ xM: x0 + (i % columns) * placement.spacingM, yM: y0 + Math.floor(i / columns) * placement.spacingM });
    }
    return positions;
  }
  if (placement.shape === 'sunflower') return sunflower(count, placement.radiusM, placement.centerM ?? [0, 0]);
  const separationPath = [...groupPath, 'placement', 'minSeparationM'];
  const fail = (message: string): never => {
    throw new InputError([{ path: formatPath(separationPath), source: locate(separationPath), message }]);
  };
  const streamOf = (i: number) => rng.stream(`placement/${group.name}/${i}`);
  if (placement.shape === 'disc' && placement.distribution === 'lorasim') {
    const minSeparationM = placement.minSeparationM ?? 0;
    const placed = placeLikeLorasim({ count, radiusM, centerM: placement.centerM ?? [0, 0], minSeparationM, streamOf });
    if (placed.ok) return placed.positions;
    return fail(
      `expected room for ${count} nodes placed as LoRaSim does within radius ${radiusM.toFixed(1)} m, found ${lorasimGiveUpPairs} nodes closer than ${minSeparationM} m to the candidates of node ${placed.node} (after ${placed.candidates} candidate${placed.candidates === 1 ? '' : 's'}), where LoRaSim gives up`,
    );
  }

  const minSeparationM = placement.shape === 'disc' ? (placement.minSeparationM ?? 0) : 0;
  let grid: SeparationGrid | undefined;
  if (minSeparationM > 0) {
    const most = maxPointsInDisc(radiusM, minSeparationM);
    if (count > most) {
      return fail(
        `expected at most ${most} node${most === 1 ? '' : 's'} ${minSeparationM} m apart within radius ${radiusM.toFixed(1)} m (the hexagonal packing bound, Oler's inequality: 2πR²/(√3·d²) + πR/d + 1), found count ${count}`,
      );
    }
    grid = createSeparationGrid(minSeparationM);
    for (const p of placedBefore) grid.add(p.xM, p.yM);
  }
  const positions: Position[] = [];
  for (let i = 0; i < count; i++) {
    const stream = streamOf(i);
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
      if (!grid || grid.countCloser(candidate.xM, candidate.yM, 1) === 0) position = candidate;
    }
    if (!position) return fail(`expected room for ${count} node${count === 1 ? '' : 's'} ${minSeparationM} m apart within radius ${radiusM.toFixed(1)} m, found none for node ${i} after ${maxPlacementTries} tries`);
    positions.push(position);
    grid?.add(position.xM, position.yM);
  }
  return positions;
}
