/**
 * `sweep --shard I/N`: one N-th of a sweep's runs, for clusters (a Kubernetes Indexed Job, a
 * Slurm array, GNU parallel) that start N copies of the same command.
 *
 * The slice rule is round-robin: shard I of N (1-based) runs the runs whose 1-based index i
 * has (i − 1) mod N = I − 1. Round-robin rather than contiguous blocks because the first
 * `--set` varies slowest: with `groups.1.count=100,1000,10000`, blocks would give one shard
 * every large run, round-robin gives each shard its share of them.
 *
 * A shard directory holds shard.json: the sweep's identity (so that `sweep merge` refuses
 * shards of different sweeps), the shard's place and its rows with their whole summaries
 * (sweep.csv's columns depend on every row, so only the merge can write it).
 */
import type { PlannedRun, SweepPlan } from './sweep-plan.ts';
import type { SweepRow } from './sweep.ts';

/** Shard `index` (1-based) of `count`. */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** What makes two shards parts of one sweep: the same scenario bytes, flags, seeds and shard count. */
export interface SweepIdentity {
  readonly scenario: string;
  readonly scenarioSha256: string;
  readonly sets: readonly string[];
  readonly repeats: number;
  /** The `--seed` given, or null for the scenario's own. */
  readonly seed: number | null;
  readonly runs: number;
  readonly shards: number;
  /** The slice rule, named so that a later rule cannot be mixed with this one. */
  readonly slice: typeof sliceRule;
}

/** The contents of shard.json. */
export interface ShardFile {
  readonly format: typeof shardFormat;
  readonly version: typeof shardVersion;
  readonly sweep: SweepIdentity;
  /** 1-based. */
  readonly shard: number;
  /** The runs of this shard, by index. */
  readonly runs: readonly number[];
  readonly rows: readonly SweepRow[];
}

export const shardFileName = 'shard.json';
export const shardFormat = 'loraswarm-sweep-shard';
export const shardVersion = 1;
const sliceRule = 'round-robin: (run - 1) mod shards = shard - 1';

/**
 * The runs of one shard, in plan order.
 *
 * @example
 * shardRuns(plan.runs, { index: 2, count: 3 }).map((run) => run.index) // [2, 5, 8] of 8 runs
 */
export function shardRuns<T extends Pick<PlannedRun, 'index'>>(runs: readonly T[], shard: ShardSpec): T[] {
  if (!Number.isSafeInteger(shard.count) || shard.count < 1 || !Number.isSafeInteger(shard.index) || shard.index < 1 || shard.index > shard.count) {
    throw new RangeError(`a shard must be I/N with 1 ≤ I ≤ N, got ${shard.index}/${shard.count}`);
  }
  return runs.filter((run) => (run.index - 1) % shard.count === shard.index - 1);
}

/**
 * The indices of shard `shard` of `count` in a sweep of `runs` runs.
 *
 * @example
 * shardRunIndices(8, { index: 3, count: 3 }) // [3, 6]
 */
export function shardRunIndices(runs: number, shard: ShardSpec): number[] {
  return shardRuns(Array.from({ length: runs }, (_, i) => ({ index: i + 1 })), shard).map((run) => run.index);
}

/**
 * The identity of a sweep split into `shards` shards.
 *
 * @example
 * sweepIdentity(plan, 3).runs // 8
 */
export function sweepIdentity(plan: SweepPlan, shards: number): SweepIdentity {
  return { scenario: plan.name, scenarioSha256: plan.scenarioSha256, sets: plan.sets, repeats: plan.repeats, seed: plan.seed ?? null, runs: plan.runs.length, shards, slice: sliceRule };
}

/**
 * shard.json for a shard's finished rows (in plan order).
 *
 * @example
 * JSON.parse(shardJson(plan, { index: 1, count: 3 }, rows)).runs // [1, 4, 7]
 */
export function shardJson(plan: SweepPlan, shard: ShardSpec, rows: readonly SweepRow[]): string {
  const file: ShardFile = {
    format: shardFormat,
    version: shardVersion,
    sweep: sweepIdentity(plan, shard.count),
    shard: shard.index,
    runs: shardRunIndices(plan.runs.length, shard),
    rows,
  };
  return `${JSON.stringify(file, null, 1)}\n`;
}
