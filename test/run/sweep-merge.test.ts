import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/scenario/errors.ts';
import { mergeShards, readShard } from '../../src/run/sweep-merge.ts';
import type { SweepPlan } from '../../src/run/sweep-plan.ts';
import { shardJson, shardRuns } from '../../src/run/sweep-shard.ts';
import { sweepCsv, type SweepRow } from '../../src/run/sweep.ts';

/** A plan of 7 runs (a = 1..7), as planSweep would give it; nothing reads its file. */
const plan: SweepPlan = {
  file: 'sweep.yaml',
  name: 'fake',
  scenarioSha256: 'a'.repeat(64),
  sets: ['a=1,2,3,4,5,6,7'],
  combinations: 7,
  repeats: 1,
  runs: Array.from({ length: 7 }, (_, i) => ({ index: i + 1, sets: [`a=${i + 1}`], swept: [{ key: 'a', value: String(i + 1) }], seed: 1 })),
};
/** Rows whose summaries differ in keys from run to run, so that sweep.csv's columns depend on every row. */
const rows: SweepRow[] = plan.runs.map((run) => ({ run: run.index, swept: run.swept, seed: run.seed, summary: { der: run.index / 8, ...(run.index % 3 === 0 && { extra: { n: run.index } }), note: run.index === 5 ? 'a,b' : null } }));

let tmp: string;

/** Writes shard `index` of `count` of `source` into `<tmp>/<name>`. */
function writeShard(name: string, index: number, count: number, source: SweepPlan = plan): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const shardRows = shardRuns(source.runs, { index, count }).map((run) => rows[run.index - 1]!);
  writeFileSync(join(dir, 'shard.json'), shardJson(source, { index, count }, shardRows));
  return dir;
}

/** The message of the InputError that `run` throws, path first. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error.issues.map((issue) => `${issue.path ? `${issue.path}: ` : ''}${issue.message}`).join('\n');
    throw error;
  }
  throw new Error('expected an InputError, found none');
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'loraswarm-sweep-merge-'));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('mergeShards', () => {
  it('joins shards given in any order into the rows of the whole sweep, so sweepCsv gives the serial sweep\'s bytes', () => {
    const dirs = [writeShard('s3', 3, 3), writeShard('s1', 1, 3), writeShard('s2', 2, 3)];
    const merged = mergeShards(dirs);
    expect(merged.rows.map((row) => row.run)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sweepCsv(merged.rows)).toBe(sweepCsv(rows));
    expect(merged.sweep.scenario).toBe('fake');
  });

  it('merges one shard of one', () => {
    expect(sweepCsv(mergeShards([writeShard('whole', 1, 1)]).rows)).toBe(sweepCsv(rows));
  });

  it('refuses a missing shard, naming it', () => {
    const dirs = [writeShard('m1', 1, 4), writeShard('m3', 3, 4)];
    expect(refusal(() => mergeShards(dirs))).toBe('sweep merge: expected all 4 shards of the sweep, found 2; missing shards 2, 4');
  });

  it('refuses a shard given twice, naming both directories', () => {
    const one = writeShard('d1', 1, 2);
    const again = writeShard('d1-copy', 1, 2);
    expect(refusal(() => mergeShards([one, writeShard('d2', 2, 2), again]))).toBe(`${again}: expected each shard once, found shard 1 of 2 again (also in ${one})`);
  });

  it('refuses shards of different sweeps: another shard count, other flags, another scenario file', () => {
    const first = writeShard('x1', 1, 2);
    expect(refusal(() => mergeShards([first, writeShard('y2', 2, 3)]))).toBe(`${join(tmp, 'y2')}: expected a shard of the same sweep as ${first}, found another number of shards: 3, where ${first} has 2`);
    expect(refusal(() => mergeShards([first, writeShard('z2', 2, 2, { ...plan, sets: ['a=1,2,3,4,5,6,7', 'b=0'] })]))).toBe(
      `${join(tmp, 'z2')}: expected a shard of the same sweep as ${first}, found another set of --set flags: ["a=1,2,3,4,5,6,7","b=0"], where ${first} has ["a=1,2,3,4,5,6,7"]`,
    );
    expect(refusal(() => mergeShards([first, writeShard('h2', 2, 2, { ...plan, scenarioSha256: 'b'.repeat(64) })]))).toMatch(
      /h2: expected a shard of the same sweep as .*x1, found another scenario file \(SHA-256\): "b{64}", where .*x1 has "a{64}"$/,
    );
  });

  it('refuses no directories at all', () => {
    expect(refusal(() => mergeShards([]))).toBe('sweep merge: expected shard directories, found none');
  });
});

describe('readShard', () => {
  const expected = 'expected a sweep shard directory (written by `loraswarm sweep --shard`), found';

  it('refuses what is not a shard directory: nothing, a file, an empty directory, a whole sweep', () => {
    expect(refusal(() => readShard(join(tmp, 'nowhere')))).toBe(`${join(tmp, 'nowhere')}: ${expected} no such directory`);
    writeFileSync(join(tmp, 'file.txt'), 'x');
    expect(refusal(() => readShard(join(tmp, 'file.txt')))).toBe(`${join(tmp, 'file.txt')}: ${expected} a file`);
    mkdirSync(join(tmp, 'empty'));
    expect(refusal(() => readShard(join(tmp, 'empty')))).toBe(`${join(tmp, 'empty')}: ${expected} no shard.json`);
    mkdirSync(join(tmp, 'sweep'));
    writeFileSync(join(tmp, 'sweep', 'sweep.csv'), 'run\n');
    expect(refusal(() => readShard(join(tmp, 'sweep')))).toBe(`${join(tmp, 'sweep')}: ${expected} a whole sweep (sweep.csv, no shard.json)`);
  });

  it('refuses a shard.json that is not JSON, not a shard, or holds other runs than its slice', () => {
    const bad = (name: string, text: string): string => {
      mkdirSync(join(tmp, name));
      writeFileSync(join(tmp, name, 'shard.json'), text);
      return refusal(() => readShard(join(tmp, name)));
    };
    expect(bad('garbled', '{"format":')).toMatch(/garbled: expected a sweep shard directory .*, found a shard\.json that is not JSON \(.+\)$/);
    expect(bad('other', '{"format":"something-else"}')).toMatch(/other: expected a sweep shard directory .*, found a shard\.json that is not one \(format: .+\)$/);
    const good = JSON.parse(shardJson(plan, { index: 2, count: 3 }, [rows[1]!, rows[4]!])) as { rows: unknown[] };
    expect(bad('short', JSON.stringify({ ...good, rows: good.rows.slice(0, 1) }))).toBe(`${join(tmp, 'short')}: ${expected} shard 2 of 3 with runs 2, where it should hold runs 2, 5`);
    expect(bad('beyond', JSON.stringify({ ...good, shard: 4 }))).toBe(`${join(tmp, 'beyond')}: ${expected} shard 4 of 3`);
  });
});
