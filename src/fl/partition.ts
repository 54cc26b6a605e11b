/**
 * Partitioners (issue 7): how a training set is split over K clients. Every sample goes to
 * at most one client (to exactly one, except for `iid` with `perClient`); the draws come from the given stream, so a partition is reproducible from
 * its seed. The vocabulary follows Flower Datasets' partitioners
 * (https://flower.ai/docs/datasets/ref-api/flwr_datasets.partitioner.html):
 * - `iid`: a seeded shuffle dealt out in near-equal parts (or `perClient` samples each, the
 *   data a client gathers itself, the rest unused: more clients then means more data);
 * - `dirichlet`: label skew, each class split over the clients by proportions drawn from
 *   Dirichlet(α) (Hsu et al. 2019, https://arxiv.org/abs/1909.06335), redrawn until every client
 *   has at least `minSize` samples (Flower's min_partition_size, default 10:
 *   https://flower.ai/docs/datasets/ref-api/flwr_datasets.partitioner.DirichletPartitioner.html);
 * - `shards`: pathological non-IID (McMahan et al. 2017, §3): samples sorted by label, cut into
 *   K · k shards, k random shards per client;
 * - `power-law`: quantity skew, client sizes proportional to (i + 1)^(−exponent) in a shuffled
 *   client order (LEAF's natural per-user sizes are power-law-like), at least one sample each.
 */
import type { RandomStream } from '../sim/rng.ts';

export type PartitionSpec =
  | { readonly kind: 'iid'; readonly perClient?: number | undefined }
  | { readonly kind: 'dirichlet'; readonly alpha: number; readonly minSize?: number | undefined }
  | { readonly kind: 'shards'; readonly perClient: number }
  | { readonly kind: 'power-law'; readonly exponent: number };

export class PartitionError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'PartitionError';
  }
}

function shuffle<T>(items: T[], rng: RandomStream): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Gamma(shape, 1) by Marsaglia and Tsang (2000), with the boost for shape < 1. */
function gamma(shape: number, rng: RandomStream): number {
  if (shape < 1) return gamma(shape + 1, rng) * Math.pow(Math.max(rng.next(), Number.MIN_VALUE), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(Math.max(u, Number.MIN_VALUE)) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A draw from Dirichlet(α, …, α) over `k` parts. */
export function dirichlet(k: number, alpha: number, rng: RandomStream): number[] {
  const draws = Array.from({ length: k }, () => gamma(alpha, rng));
  const sum = draws.reduce((s, v) => s + v, 0);
  // For a tiny α every draw may underflow: the limit puts all the mass on one part.
  if (!(sum > 0) || !Number.isFinite(sum)) {
    const one = Math.min(k - 1, Math.floor(rng.next() * k));
    return draws.map((_, i) => (i === one ? 1 : 0));
  }
  return draws.map((v) => v / sum);
}

/** Splits `count` items by `weights` (largest remainders), so that the parts sum to `count`. */
function apportion(count: number, weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (count * w) / total);
  const parts = exact.map(Math.floor);
  let left = count - parts.reduce((s, p) => s + p, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let j = 0; left > 0; j++, left--) parts[order[j % order.length]!.i]!++;
  return parts;
}

/**
 * Assigns the samples `indices` (with `labels[i]` for sample i) to `clients` clients; returns
 * each client's sample indices in ascending order.
 */
export function partition(indices: ArrayLike<number>, labels: ArrayLike<number>, clients: number, spec: PartitionSpec, rng: RandomStream): Int32Array[] {
  const n = indices.length;
  if (!Number.isInteger(clients) || clients < 1) throw new PartitionError(`expected at least one client, found ${clients}`);
  if (n < clients) throw new PartitionError(`expected at least one sample per client, found ${n} samples for ${clients} clients`);
  const all = Array.from(indices);
  let parts: number[][];
  if (spec.kind === 'iid') {
    const order = shuffle(all, rng);
    if (spec.perClient !== undefined && spec.perClient * clients > n) throw new PartitionError(`expected at most ${Math.floor(n / clients)} samples per client (${n} training samples for ${clients} clients), found perClient ${spec.perClient}`);
    // Each client its own perClient samples (the rest of the set unused), or every sample dealt out.
    const sizes = spec.perClient === undefined ? apportion(n, new Array<number>(clients).fill(1)) : new Array<number>(clients).fill(spec.perClient);
    let at = 0;
    parts = sizes.map((size) => order.slice(at, (at += size)));
  } else if (spec.kind === 'power-law') {
    if (!(spec.exponent >= 0)) throw new PartitionError(`expected a power-law exponent ≥ 0, found ${spec.exponent}`);
    const order = shuffle(all, rng);
    const rank = shuffle(Array.from({ length: clients }, (_, i) => i), rng);
    // Every client gets one sample; the rest follows the power law.
    const sizes = apportion(n - clients, rank.map((r) => (r + 1) ** -spec.exponent)).map((s) => s + 1);
    let at = 0;
    parts = sizes.map((size) => order.slice(at, (at += size)));
  } else if (spec.kind === 'shards') {
    const shards = clients * spec.perClient;
    if (!Number.isInteger(spec.perClient) || spec.perClient < 1) throw new PartitionError(`expected whole shards per client ≥ 1, found ${spec.perClient}`);
    if (shards > n) throw new PartitionError(`expected at most one shard per sample, found ${shards} shards for ${n} samples`);
    const sorted = [...all].sort((a, b) => labels[a]! - labels[b]! || a - b);
    const sizes = apportion(n, new Array<number>(shards).fill(1));
    let at = 0;
    const pieces = sizes.map((size) => sorted.slice(at, (at += size)));
    const dealt = shuffle(Array.from({ length: shards }, (_, s) => s), rng);
    parts = Array.from({ length: clients }, (_, c) => dealt.slice(c * spec.perClient, (c + 1) * spec.perClient).flatMap((s) => pieces[s]!));
  } else {
    if (!(spec.alpha > 0)) throw new PartitionError(`expected a Dirichlet α > 0, found ${spec.alpha}`);
    const minSize = Math.min(spec.minSize ?? 10, Math.floor(n / clients));
    const byClass = new Map<number, number[]>();
    for (const i of all) {
      const list = byClass.get(labels[i]!);
      if (list) list.push(i);
      else byClass.set(labels[i]!, [i]);
    }
    const classes = [...byClass.keys()].sort((a, b) => a - b);
    for (let attempt = 0; ; attempt++) {
      if (attempt === 1000) throw new PartitionError(`found no Dirichlet(${spec.alpha}) partition with ${minSize} samples per client in 1,000 draws: raise α or lower minSize`);
      parts = Array.from({ length: clients }, () => []);
      for (const label of classes) {
        const members = shuffle([...byClass.get(label)!], rng);
        const sizes = apportion(members.length, dirichlet(clients, spec.alpha, rng));
        let at = 0;
        sizes.forEach((size, c) => {
          for (const member of members.slice(at, (at += size))) parts[c]!.push(member);
        });
      }
      if (parts.every((part) => part.length >= minSize)) break;
    }
  }
  return parts.map((part) => Int32Array.from(part).sort());
}

/** Per client, how many samples of each class (for reports and the saved partition). */
export function labelCounts(parts: readonly Int32Array[], labels: ArrayLike<number>, classes: number): number[][] {
  return parts.map((part) => {
    const counts = new Array<number>(classes).fill(0);
    for (const i of part) counts[labels[i]!]!++;
    return counts;
  });
}
