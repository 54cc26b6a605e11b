import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { jobsOption, shardOption } from '../../../src/cli/commands/sweep-options.ts';

/** The message of the UsageError that `run` throws. */
function usage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof Error && error.name === 'UsageError') return error.message;
    throw error;
  }
  throw new Error('expected a UsageError, found none');
}

describe('jobsOption', () => {
  it('is the number of cores Node may use by default, and a whole number 1..256 when given', () => {
    expect(jobsOption(undefined)).toBe(availableParallelism());
    expect([jobsOption('1'), jobsOption(' 2 '), jobsOption('256')]).toEqual([1, 2, 256]);
  });

  it('refuses anything else, saying what it expected and what it found', () => {
    for (const text of ['0', '257', '1.5', '-1', 'two', '', '2x']) {
      expect(usage(() => jobsOption(text))).toBe(`--jobs: expected a whole number 1..256 (child processes), found ${JSON.stringify(text)}`);
    }
  });
});

describe('shardOption', () => {
  it('is no shard without a shard flag, whatever the environment says', () => {
    expect(shardOption({}, { JOB_COMPLETION_INDEX: '2' })).toBeUndefined();
  });

  it('reads --shard I/N, 1-based', () => {
    expect(shardOption({ shard: '2/3' }, {})).toEqual({ index: 2, count: 3 });
    expect(shardOption({ shard: ' 1 / 1 ' }, {})).toEqual({ index: 1, count: 1 });
  });

  it('refuses a --shard that is not I/N with 1 ≤ I ≤ N', () => {
    for (const text of ['0/3', '4/3', '1/0', '1-3', '3', 'a/b', '1/10001']) {
      expect(usage(() => shardOption({ shard: text }, {}))).toBe(`--shard: expected I/N with 1 ≤ I ≤ N ≤ 10000 (shard I of N, 1-based), found ${JSON.stringify(text)}`);
    }
  });

  it('with --shard-from-env, takes a Kubernetes Indexed Job\'s 0-based JOB_COMPLETION_INDEX and the count from --shards', () => {
    expect(shardOption({ shardFromEnv: true, shards: '4' }, { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, count: 4 });
    expect(shardOption({ shardFromEnv: true, shards: '4' }, { JOB_COMPLETION_INDEX: '3', SLURM_ARRAY_TASK_ID: '0' })).toEqual({ index: 4, count: 4 });
  });

  it('with --shard-from-env, counts a Slurm array task from SLURM_ARRAY_TASK_MIN in steps of SLURM_ARRAY_TASK_STEP, the count from SLURM_ARRAY_TASK_COUNT', () => {
    expect(shardOption({ shardFromEnv: true }, { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 1, count: 4 });
    expect(shardOption({ shardFromEnv: true }, { SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '8' })).toEqual({ index: 8, count: 8 });
    expect(shardOption({ shardFromEnv: true }, { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 4, count: 4 });
    expect(shardOption({ shardFromEnv: true, shards: '10' }, { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '6' })).toEqual({ index: 6, count: 10 });
  });

  it('refuses conflicting or incomplete shard flags and environments, naming the variable and its value', () => {
    expect(usage(() => shardOption({ shard: '1/2', shardFromEnv: true }, {}))).toBe('--shard and --shard-from-env both say which shard to run: give one of them');
    expect(usage(() => shardOption({ shard: '1/2', shards: '2' }, {}))).toBe('--shards: goes with --shard-from-env (with --shard, write I/N)');
    expect(usage(() => shardOption({ shardFromEnv: true, shards: '2' }, {}))).toBe(
      '--shard-from-env: expected JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (a Slurm array) in the environment, found neither',
    );
    expect(usage(() => shardOption({ shardFromEnv: true }, { JOB_COMPLETION_INDEX: '1' }))).toBe('--shard-from-env: expected the number of shards from --shards N, found none');
    expect(usage(() => shardOption({ shardFromEnv: true }, { SLURM_ARRAY_TASK_ID: '1' }))).toBe('--shard-from-env: expected the number of shards from --shards N or SLURM_ARRAY_TASK_COUNT, found neither');
    expect(usage(() => shardOption({ shardFromEnv: true, shards: '3' }, { JOB_COMPLETION_INDEX: '3' }))).toBe(
      '--shard-from-env: expected JOB_COMPLETION_INDEX to give a shard 0..2 of 3, found 3 (JOB_COMPLETION_INDEX=3)',
    );
    expect(usage(() => shardOption({ shardFromEnv: true, shards: '3' }, { JOB_COMPLETION_INDEX: 'x' }))).toBe('--shard-from-env: expected JOB_COMPLETION_INDEX to be a whole number, found "x"');
    expect(usage(() => shardOption({ shardFromEnv: true, shards: '0' }, { JOB_COMPLETION_INDEX: '0' }))).toBe('--shards: expected a whole number 1..10000 of shards, found "0"');
    expect(usage(() => shardOption({ shardFromEnv: true }, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: 'many' }))).toBe(
      '--shard-from-env: SLURM_ARRAY_TASK_COUNT: expected a whole number 1..10000 of shards, found "many"',
    );
    expect(usage(() => shardOption({ shardFromEnv: true }, { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_COUNT: '4' }))).toBe(
      '--shard-from-env: expected SLURM_ARRAY_TASK_ID in the range min, min + step, …, found SLURM_ARRAY_TASK_ID=4, SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_STEP=2',
    );
    expect(usage(() => shardOption({ shardFromEnv: true }, { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '4' }))).toBe(
      '--shard-from-env: expected SLURM_ARRAY_TASK_ID to give a shard 0..3 of 4, found 4 (SLURM_ARRAY_TASK_ID=4, SLURM_ARRAY_TASK_MIN=0, SLURM_ARRAY_TASK_STEP=1)',
    );
  });
});
