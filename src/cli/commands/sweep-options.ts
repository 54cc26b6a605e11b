/**
 * The flags that say where a sweep's runs go: `--jobs N` (child processes on this machine) and
 * `--shard I/N` or `--shard-from-env [--shards N]` (one slice of the runs, for clusters).
 */
import { availableParallelism } from 'node:os';
import { maxSweepCombinations } from '../../run/sweep.ts';
import type { ShardSpec } from '../../run/sweep-shard.ts';
import { UsageError } from '../exit.ts';

/** The most child processes one sweep starts. */
export const maxJobs = 256;

/**
 * `--jobs`: a whole number 1..256; by default the cores Node may use.
 *
 * @example
 * jobsOption('2') // 2
 */
export function jobsOption(text: string | undefined): number {
  if (text === undefined) return availableParallelism();
  const jobs = Number(text);
  if (!/^\d+$/.test(text.trim()) || jobs < 1 || jobs > maxJobs) throw new UsageError(`--jobs: expected a whole number 1..${maxJobs} (child processes), found ${JSON.stringify(text)}`);
  return jobs;
}

export interface ShardFlags {
  readonly shard?: string;
  readonly shardFromEnv?: boolean;
  readonly shards?: string;
}

/**
 * The shard to run, from `--shard I/N` or, with `--shard-from-env`, from the environment of a
 * Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, 0-based; the count from `--shards N`) or of
 * a Slurm array (`SLURM_ARRAY_TASK_ID`, counted from `SLURM_ARRAY_TASK_MIN` in steps of
 * `SLURM_ARRAY_TASK_STEP`, so `--array=0-7` and `--array=1-8` both work; the count from
 * `--shards N` or `SLURM_ARRAY_TASK_COUNT`). Undefined: the whole sweep.
 *
 * @example
 * shardOption({ shardFromEnv: true, shards: '4' }, { JOB_COMPLETION_INDEX: '0' }) // { index: 1, count: 4 }
 */
export function shardOption(flags: ShardFlags, env: NodeJS.ProcessEnv = process.env): ShardSpec | undefined {
  if (flags.shard !== undefined && flags.shardFromEnv) throw new UsageError('--shard and --shard-from-env both say which shard to run: give one of them');
  if (flags.shards !== undefined && !flags.shardFromEnv) throw new UsageError('--shards: goes with --shard-from-env (with --shard, write I/N)');
  if (flags.shard !== undefined) return explicitShard(flags.shard);
  if (!flags.shardFromEnv) return undefined;
  const count = flags.shards !== undefined ? countOf('--shards', flags.shards) : env.SLURM_ARRAY_TASK_COUNT !== undefined ? countOf('SLURM_ARRAY_TASK_COUNT', env.SLURM_ARRAY_TASK_COUNT) : undefined;
  const index = indexFromEnv(env);
  if (count === undefined) {
    const slurm = index.source === 'SLURM_ARRAY_TASK_ID';
    throw new UsageError(`--shard-from-env: expected the number of shards from --shards N${slurm ? ' or SLURM_ARRAY_TASK_COUNT' : ''}, found ${slurm ? 'neither' : 'none'}`);
  }
  if (index.zeroBased >= count) throw new UsageError(`--shard-from-env: expected ${index.source} to give a shard 0..${count - 1} of ${count}, found ${index.zeroBased} (${index.text})`);
  return { index: index.zeroBased + 1, count };
}

function explicitShard(text: string): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || count > maxSweepCombinations || index < 1 || index > count) {
    throw new UsageError(`--shard: expected I/N with 1 ≤ I ≤ N ≤ ${maxSweepCombinations} (shard I of N, 1-based), found ${JSON.stringify(text)}`);
  }
  return { index, count };
}

function countOf(source: string, text: string): number {
  const count = Number(text);
  if (!/^\d+$/.test(text.trim()) || count < 1 || count > maxSweepCombinations) {
    throw new UsageError(`${source === '--shards' ? '--shards' : `--shard-from-env: ${source}`}: expected a whole number 1..${maxSweepCombinations} of shards, found ${JSON.stringify(text)}`);
  }
  return count;
}

/** The 0-based shard index the environment gives, and where it came from. */
function indexFromEnv(env: NodeJS.ProcessEnv): { zeroBased: number; source: string; text: string } {
  const whole = (name: string, text: string): number => {
    if (!/^\d+$/.test(text.trim())) throw new UsageError(`--shard-from-env: expected ${name} to be a whole number, found ${JSON.stringify(text)}`);
    return Number(text);
  };
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    const text = env.JOB_COMPLETION_INDEX;
    return { zeroBased: whole('JOB_COMPLETION_INDEX', text), source: 'JOB_COMPLETION_INDEX', text: `JOB_COMPLETION_INDEX=${text}` };
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const id = whole('SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID);
    const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : whole('SLURM_ARRAY_TASK_MIN', env.SLURM_ARRAY_TASK_MIN);
    const step = env.SLURM_ARRAY_TASK_STEP === undefined ? 1 : Math.max(1, whole('SLURM_ARRAY_TASK_STEP', env.SLURM_ARRAY_TASK_STEP));
    const text = `SLURM_ARRAY_TASK_ID=${id}, SLURM_ARRAY_TASK_MIN=${min}, SLURM_ARRAY_TASK_STEP=${step}`;
    if (id < min || (id - min) % step !== 0) throw new UsageError(`--shard-from-env: expected SLURM_ARRAY_TASK_ID in the range min, min + step, …, found ${text}`);
    return { zeroBased: (id - min) / step, source: 'SLURM_ARRAY_TASK_ID', text };
  }
  throw new UsageError('--shard-from-env: expected JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (a Slurm array) in the environment, found neither');
}
