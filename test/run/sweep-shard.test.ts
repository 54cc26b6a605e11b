import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeRun, planSweep } from '../../src/run/sweep-plan.ts';
import { shardJson, shardRunIndices, shardRuns, sweepIdentity } from '../../src/run/sweep-shard.ts';

const fuzzSeed = 20261205;

describe('planSweep', () => {
  const plan = planSweep('scenarios/aloha.yaml', { sets: ['duration=2min', 'groups.1.count=10,20'], repeats: 2 });

  it('numbers the runs in sweep.csv\'s order, each combination with seeds base, base + 1, and keeps the flags and the file\'s SHA-256', () => {
    expect(plan.runs.map((run) => [run.index, run.sets, run.seed])).toEqual([
      [1, ['duration=2min', 'groups.1.count=10'], 1],
      [2, ['duration=2min', 'groups.1.count=10'], 2],
      [3, ['duration=2min', 'groups.1.count=20'], 1],
      [4, ['duration=2min', 'groups.1.count=20'], 2],
    ]);
    expect([plan.name, plan.sets, plan.seed, plan.repeats, plan.combinations]).toEqual(['aloha', ['duration=2min', 'groups.1.count=10,20'], undefined, 2, 2]);
    expect(plan.scenarioSha256).toBe(createHash('sha256').update(readFileSync('scenarios/aloha.yaml')).digest('hex'));
  });

  it('describeRun names a run by number, swept values and seed', () => {
    expect(describeRun(plan, plan.runs[2]!)).toBe('run 3 of 4 (groups.1.count=20, seed 1)');
    const seeds = planSweep('scenarios/aloha.yaml', { sets: ['duration=2min', 'seed=5,6'] });
    expect(describeRun(seeds, seeds.runs[1]!)).toBe('run 2 of 2 (seed 6)');
  });
});

describe('shardRuns', () => {
  it('gives shard I of N the runs r with (r - 1) mod N = I - 1: 8 runs in 3 shards are 1, 4, 7 / 2, 5, 8 / 3, 6', () => {
    expect([1, 2, 3].map((index) => shardRunIndices(8, { index, count: 3 }))).toEqual([
      [1, 4, 7],
      [2, 5, 8],
      [3, 6],
    ]);
  });

  it('gives more shards than runs empty shards at the end', () => {
    expect([1, 2, 3, 4].map((index) => shardRunIndices(2, { index, count: 4 }))).toEqual([[1], [2], [], []]);
  });

  it('splits any sweep into shards that hold every run exactly once, in plan order, sizes within one of each other', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 40 }), (runs, count) => {
        const shards = Array.from({ length: count }, (_, i) => shardRunIndices(runs, { index: i + 1, count }));
        expect(shards.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: runs }, (_, i) => i + 1));
        for (const shard of shards) expect(shard).toEqual([...shard].sort((a, b) => a - b));
        const sizes = shards.map((shard) => shard.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
      { seed: fuzzSeed, numRuns: 300 },
    );
  });

  it('refuses a shard outside 1..N', () => {
    expect(() => shardRuns([], { index: 0, count: 3 })).toThrow(new RangeError('a shard must be I/N with 1 ≤ I ≤ N, got 0/3'));
    expect(() => shardRuns([], { index: 4, count: 3 })).toThrow(RangeError);
    expect(() => shardRuns([], { index: 1, count: 0 })).toThrow(RangeError);
  });
});

describe('shardJson', () => {
  it('holds the sweep\'s identity, the shard, its runs and their rows', () => {
    const plan = planSweep('scenarios/aloha.yaml', { sets: ['duration=2min', 'groups.1.count=10,20'], repeats: 2, seed: 3 });
    const rows = shardRuns(plan.runs, { index: 2, count: 3 }).map((run) => ({ run: run.index, swept: run.swept, seed: run.seed, summary: { der: 0.5 } }));
    const file = JSON.parse(shardJson(plan, { index: 2, count: 3 }, rows)) as Record<string, unknown>;
    expect(file).toEqual({
      format: 'loraswarm-sweep-shard',
      version: 1,
      sweep: {
        scenario: 'aloha',
        scenarioSha256: plan.scenarioSha256,
        sets: ['duration=2min', 'groups.1.count=10,20'],
        repeats: 2,
        seed: 3,
        runs: 4,
        shards: 3,
        slice: 'round-robin: (run - 1) mod shards = shard - 1',
      },
      shard: 2,
      runs: [2],
      rows: [{ run: 2, swept: [{ key: 'groups.1.count', value: '10' }], seed: 4, summary: { der: 0.5 } }],
    });
    // No --seed: each combination's scenario seed, recorded as null.
    expect(sweepIdentity(planSweep('scenarios/aloha.yaml', { sets: ['duration=2min'] }), 1).seed).toBe(null);
  });
});
