/**
 * LoRaSim's node placement (`placement: { distribution: lorasim }`), as `myNode.__init__` does
 * it in LoRaSim 0.2.1 r334's loraDir.py:
 * https://github.com/EduLima7/LoRaSim/blob/e67917f809621df19a27e480238e15de6ec72a88/loraDir.py
 * (r218, the MSWiM'16 code, is identical here:
 * https://github.com/adwaitnd/lorasim/blob/845066f0b9a3c5ed6a8841dc785378bbadb94eee/loraDir.py;
 * loraDirMulBS.py applies the same check to integer positions drawn in a rectangle).
 *
 * ```python
 * while (found == 0 and rounds < 100):
 *     a = random.random(); b = random.random()
 *     if b<a: a,b = b,a
 *     posx = b*maxDist*math.cos(2*math.pi*a/b)+bsx
 *     posy = b*maxDist*math.sin(2*math.pi*a/b)+bsy
 *     if len(nodes) > 0:
 *         for index, n in enumerate(nodes):
 *             dist = np.sqrt(((abs(n.x-posx))**2)+((abs(n.y-posy))**2))
 *             if dist >= 10: found = 1; self.x = posx; self.y = posy
 *             else:
 *                 rounds = rounds + 1
 *                 if rounds == 100: print("could not place new node, giving up"); exit(-1)
 *     else: found = 1 ...   # the first node
 * ```
 *
 * The distance check is meant to keep nodes 10 m apart, but a candidate is kept as soon as ANY
 * node placed before it is at least 10 m away, so it almost never binds; what can end the
 * placement is the counter: 100 too-close (candidate, node) pairs for one node, summed over its
 * candidates, make LoRaSim give up. `nodes` holds LoRaSim's nodes only, not its base station:
 * here a candidate is compared with the nodes of its own group.
 *
 * The point distribution: b = max(u₁, u₂) has density 2b on [0, 1), and given b, a is uniform
 * on [0, b), so the angle 2π·a/b is uniform and independent of b. The radius r = b·R thus has
 * density 2r/R² (a radial density ∝ r), which is uniform over the disc's area, as r = R·√u is:
 * a quarter of the nodes lie within R/2, and the mean distance to the centre is 2R/3.
 */
import type { RandomStream } from '../sim/rng.ts';
import type { Position } from './placement.ts';
import { createSeparationGrid } from './separation-grid.ts';

/** LoRaSim's `rounds < 100`: too-close pairs, over one node's candidates, before it gives up. */
export const lorasimGiveUpPairs = 100;

export interface LorasimPlacement {
  readonly count: number;
  readonly radiusM: number;
  readonly centerM: readonly [number, number];
  /** LoRaSim's hard-coded 10 m; 0 keeps every first candidate. */
  readonly minSeparationM: number;
  /** The random stream of node i (two draws per candidate, in LoRaSim's order). */
  readonly streamOf: (i: number) => RandomStream;
}

export type LorasimPlacementResult =
  | { readonly ok: true; readonly positions: Position[] }
  | { readonly ok: false; readonly node: number; readonly candidates: number; readonly positions: Position[] };

/**
 * A candidate position from LoRaSim's two draws: r = max·R, θ = 2π·min/max.
 *
 * @example
 * lorasimCandidate(0.25, 0.5, 100, [0, 0]); // r = 50 m at θ = π: { xM: -50, yM: ≈0 }
 */
export function lorasimCandidate(u1: number, u2: number, radiusM: number, [cx, cy]: readonly [number, number]): Position {
  const a = Math.min(u1, u2);
  const b = Math.max(u1, u2);
  // Both draws 0 (a chance of 2⁻¹⁰⁶) would make 0/0 in Python too; the point is the centre either way.
  const theta = b > 0 ? (2 * Math.PI * a) / b : 0;
  return { xM: b * radiusM * Math.cos(theta) + cx, yM: b * radiusM * Math.sin(theta) + cy };
}

/** Places a group as LoRaSim does, or names the node at which LoRaSim would give up. */
export function placeLikeLorasim(options: LorasimPlacement): LorasimPlacementResult {
  const { count, radiusM, centerM, minSeparationM } = options;
  const grid = minSeparationM > 0 ? createSeparationGrid(minSeparationM) : undefined;
  const positions: Position[] = [];
  for (let i = 0; i < count; i++) {
    const stream = options.streamOf(i);
    let tooClosePairs = 0;
    let candidates = 0;
    for (;;) {
      candidates++;
      const u1 = stream.next();
      const u2 = stream.next();
      const candidate = lorasimCandidate(u1, u2, radiusM, centerM);
      const placedBefore = positions.length;
      const closer = grid && placedBefore > 0 ? grid.countCloser(candidate.xM, candidate.yM, lorasimGiveUpPairs - tooClosePairs) : 0;
      tooClosePairs += closer;
      if (tooClosePairs >= lorasimGiveUpPairs) return { ok: false, node: i, candidates, positions };
      if (placedBefore === 0 || closer < placedBefore) {
        positions.push(candidate);
        grid?.add(candidate.xM, candidate.yM);
        break;
      }
    }
  }
  return { ok: true, positions };
}
