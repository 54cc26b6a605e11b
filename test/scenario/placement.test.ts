import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/scenario/errors.ts';
import { placeGroup, type Position } from '../../src/scenario/placement.ts';
import type { GroupSpec } from '../../src/scenario/schema.ts';
import { createRandomStreams, type RandomStreams } from '../../src/sim/rng.ts';
import { loadScenario } from '../helpers/scenario.ts';

/** The placement before the separation grid: every candidate compared with every earlier node (O(N²)). */
function placeByScan(group: GroupSpec, rng: RandomStreams, placedBefore: readonly Position[], radiusM: number): Position[] {
  const placement = group.placement!;
  const minSeparationM = placement.shape === 'disc' ? (placement.minSeparationM ?? 0) : 0;
  const all = placedBefore.slice();
  const positions: Position[] = [];
  for (let i = 0; i < group.count!; i++) {
    const stream = rng.stream(`placement/${group.name}/${i}`);
    for (let attempt = 0; attempt < 10_000; attempt++) {
      let candidate: Position;
      if (placement.shape === 'disc') {
        const r = radiusM * Math.sqrt(stream.next());
        const theta = 2 * Math.PI * stream.next();
        const [cx, cy] = placement.centerM ?? [0, 0];
        candidate = { xM: cx + r * Math.cos(theta), yM: cy + r * Math.sin(theta) };
      } else if (placement.shape === 'rectangle') {
        const [x0, y0] = placement.originM ?? [0, 0];
        candidate = { xM: x0 + placement.widthM * stream.next(), yM: y0 + placement.heightM * stream.next() };
      } else {
        throw new Error('not a random shape');
      }
      if (minSeparationM === 0 || all.every((p) => Math.hypot(p.xM - candidate.xM, p.yM - candidate.yM) >= minSeparationM)) {
        positions.push(candidate);
        all.push(candidate);
        break;
      }
    }
  }
  return positions;
}

const disc = (count: number, radiusM: number, minSeparationM: number, extra: object = {}): GroupSpec =>
  ({ name: 'node', role: 'node', count, placement: { shape: 'disc', radiusM, minSeparationM, ...extra } }) as GroupSpec;

function issueOf(place: () => unknown): InputError['issues'][number] {
  try {
    place();
  } catch (error) {
    if (error instanceof InputError) return error.issues[0]!;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('placeGroup', () => {
  it.each([
    ['a disc filled until it jams (235 nodes 10 m apart in 103.8 m, around a sink)', disc(235, 103.8, 10), [{ xM: 0, yM: 0 }], 103.8, 1],
    ['an off-centre disc beside nodes of an earlier group', disc(1500, 300, 10, { centerM: [9000, -3] }), [{ xM: 9000, yM: 0 }, { xM: 9009.99, yM: 0 }, { xM: 8800, yM: 5 }], 300, 4],
    ['a disc of millimetres far from the origin', disc(120, 0.02, 0.002, { centerM: [1e6, -1e6] }), [], 0.02, 7],
  ] as const)('with minSeparationM keeps exactly the positions of a scan over every earlier node: %s', (_label, group, before, radiusM, seed) => {
    const placed = placeGroup(group, ['groups', 1], createRandomStreams(seed), before, radiusM, () => undefined);
    expect(placed).toHaveLength(group.count!);
    expect(placed).toEqual(placeByScan(group, createRandomStreams(seed), before, radiusM));
  });

  it('spreads a sunflower evenly over its disc without randomness: the first node in the centre, each at radius R·√(i/n), 137.5° apart (issue 19)', () => {
    const group = { name: 'gw', role: 'sink', count: 4, placement: { shape: 'sunflower', radiusM: 1000, centerM: [10, -10] } } as GroupSpec;
    const placed = placeGroup(group, ['groups', 0], createRandomStreams(1), [], 0, () => undefined);
    expect(placed[0]).toEqual({ xM: 10, yM: -10 });
    expect(placed.map((p) => Math.hypot(p.xM - 10, p.yM + 10))).toEqual([0, 500, Math.sqrt(0.5) * 1000, Math.sqrt(0.75) * 1000].map((r) => expect.closeTo(r, 9)));
    const angle = (p: Position): number => Math.atan2(p.yM + 10, p.xM - 10);
    expect((((angle(placed[2]!) - angle(placed[1]!)) * 180) / Math.PI + 360) % 360).toBeCloseTo(137.508, 3);
    expect(placeGroup(group, ['groups', 0], createRandomStreams(2), [], 0, () => undefined)).toEqual(placed);
  });

  it('refuses up front more nodes than the hexagonal packing bound, at groups[N].placement.minSeparationM', () => {
    const issue = issueOf(() => placeGroup(disc(1000, 103.8, 10), ['groups', 1], createRandomStreams(1), [], 103.8, () => ({ file: 'f.yaml', line: 9, column: 5 })));
    expect(issue).toEqual({
      path: 'groups[1].placement.minSeparationM',
      source: { file: 'f.yaml', line: 9, column: 5 },
      message: "expected at most 424 nodes 10 m apart within radius 103.8 m (the hexagonal packing bound, Oler's inequality: 2πR²/(√3·d²) + πR/d + 1), found count 1000",
    });
  });

  it('names the node that finds no room after 10,000 tries when the bound allows the count', () => {
    const issue = issueOf(() => placeGroup(disc(300, 103.8, 10), ['groups', 1], createRandomStreams(1), [{ xM: 0, yM: 0 }], 103.8, () => undefined));
    expect(issue.path).toBe('groups[1].placement.minSeparationM');
    expect(issue.message).toBe('expected room for 300 nodes 10 m apart within radius 103.8 m, found none for node 235 after 10000 tries');
  });

  it('places as LoRaSim does with distribution: lorasim, ignoring nodes of other groups, and names the node where LoRaSim gives up', () => {
    const lorasim = (count: number) => disc(count, 103.8, 10, { distribution: 'lorasim' });
    // A sink on every candidate's doorstep does not count: LoRaSim compares with its nodes only.
    expect(placeGroup(lorasim(1), ['groups', 1], createRandomStreams(1), [{ xM: 0, yM: 0 }], 0, () => undefined)).toEqual([{ xM: 0, yM: 0 }]);
    const issue = issueOf(() => placeGroup(lorasim(3), ['groups', 1], createRandomStreams(1), [], 1, () => undefined));
    expect(issue.path).toBe('groups[1].placement.minSeparationM');
    expect(issue.message).toBe(
      'expected room for 3 nodes placed as LoRaSim does within radius 1.0 m, found 100 nodes closer than 10 m to the candidates of node 1 (after 100 candidates), where LoRaSim gives up',
    );
  });

  it('resolves a 150,000-node group (no stack overflow from spreading it into function arguments)', () => {
    const { swarm } = loadScenario('bench/poisson-1000.yaml', ['groups.1.count=150000']);
    expect(swarm.nodes).toHaveLength(150_001);
    expect(swarm.nodes[150_000]!.id).toBe('node-149999');
  });
});
