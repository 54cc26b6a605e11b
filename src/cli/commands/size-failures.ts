/**
 * N + k (issue 19, point 7): which nodes fail in a sizing run. For each seed, `draws` sets of
 * `k` distinct nodes of the sized group, drawn from the seed (stream `size/failures/<count>/<draw>`),
 * fail at the start of the run: the swarm was planned and placed on every board, and k of them
 * are dead from then on. A serving run's entry is never drawn (requests arrive there: losing it
 * loses the service whatever the count). A count meets N + k when every draw meets the targets.
 */
import { createRandomStreams } from '../../sim/rng.ts';

/** The failure sets of one case and seed: `draws` lists of `k` node ids from `candidates`. */
export function failureDraws(candidates: readonly string[], k: number, draws: number, seed: number, count: number): string[][] {
  if (k > candidates.length) return [];
  const rng = createRandomStreams(seed);
  return Array.from({ length: draws }, (_, draw) => {
    const stream = rng.stream(`size/failures/${count}/${draw}`);
    const pool = [...candidates];
    // A partial Fisher–Yates shuffle: the first k of a uniform permutation.
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(stream.next() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, k).sort();
  });
}

/** The `--set` that makes `failed` fail at the start, beside the scenario's own faults. */
export function faultsSet(existing: readonly { node: string; at: number }[], failed: readonly string[]): string {
  return `faults=${JSON.stringify([...existing.map((f) => ({ node: f.node, at: f.at })), ...failed.map((node) => ({ node, at: 0 }))])}`;
}
