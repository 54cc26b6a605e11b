/**
 * `sweep merge DIR...`: the shards of one sweep (run/sweep-shard.ts) joined into the rows of
 * the whole sweep, in plan order, so that sweepCsv gives the bytes a serial sweep writes.
 * Refused, naming the directory: anything not a shard, shards of different sweeps, a shard
 * given twice, and a shard missing.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { InputError } from '../scenario/errors.ts';
import { shardFileName, shardFormat, shardRunIndices, shardVersion, type ShardFile, type SweepIdentity } from './sweep-shard.ts';
import type { SweepRow } from './sweep.ts';

/** The shards of one sweep, joined. */
export interface MergedSweep {
  readonly sweep: SweepIdentity;
  /** Every run's row, in plan order. */
  readonly rows: readonly SweepRow[];
}

const shardSchema = z.object({
  format: z.literal(shardFormat),
  version: z.literal(shardVersion),
  sweep: z.object({
    scenario: z.string(),
    scenarioSha256: z.string(),
    sets: z.array(z.string()),
    repeats: z.number().int().positive(),
    seed: z.number().int().nonnegative().nullable(),
    runs: z.number().int().positive(),
    shards: z.number().int().positive(),
    slice: z.string(),
  }),
  shard: z.number().int().positive(),
  runs: z.array(z.number().int()),
  rows: z.array(z.object({ run: z.number().int(), swept: z.array(z.object({ key: z.string(), value: z.string() })), seed: z.number(), summary: z.record(z.string(), z.unknown()) })),
});

/**
 * Reads and checks one shard directory.
 *
 * @example
 * readShard('shards/2').shard // 2
 */
export function readShard(dir: string): ShardFile {
  const refuse = (found: string): InputError => new InputError([{ path: dir, message: `expected a sweep shard directory (written by \`loraswarm sweep --shard\`), found ${found}` }]);
  let stats;
  try {
    stats = statSync(dir);
  } catch {
    throw refuse('no such directory');
  }
  if (!stats.isDirectory()) throw refuse('a file');
  let text: string;
  try {
    text = readFileSync(join(dir, shardFileName), 'utf8');
  } catch {
    let sweepCsv = false;
    try {
      sweepCsv = statSync(join(dir, 'sweep.csv')).isFile();
    } catch {
      // Neither a shard nor a sweep.
    }
    throw refuse(sweepCsv ? 'a whole sweep (sweep.csv, no shard.json)' : `no ${shardFileName}`);
  }
  let parsed;
  try {
    parsed = shardSchema.safeParse(JSON.parse(text));
  } catch (error) {
    throw refuse(`a ${shardFileName} that is not JSON (${(error as Error).message})`);
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw refuse(`a ${shardFileName} that is not one (${issue.path.join('.') || 'the top level'}: ${issue.message})`);
  }
  const shard = parsed.data as ShardFile;
  const { runs, shards } = shard.sweep;
  if (shard.shard > shards) throw refuse(`shard ${shard.shard} of ${shards}`);
  const expected = shardRunIndices(runs, { index: shard.shard, count: shards });
  const rowRuns = shard.rows.map((row) => row.run);
  if (!sameNumbers(shard.runs, expected) || !sameNumbers(rowRuns, expected)) {
    throw refuse(`shard ${shard.shard} of ${shards} with runs ${rowRuns.join(', ') || 'none'}, where it should hold runs ${expected.join(', ') || 'none'}`);
  }
  return shard;
}

/**
 * Joins the shards in `dirs` (any order) into the whole sweep's rows.
 *
 * @example
 * mergeShards(['shards/1', 'shards/2', 'shards/3']).rows.length // 8
 */
export function mergeShards(dirs: readonly string[]): MergedSweep {
  if (dirs.length === 0) throw new InputError([{ path: '', message: 'sweep merge: expected shard directories, found none' }]);
  const shards = dirs.map((dir) => ({ dir, file: readShard(dir) }));
  const first = shards[0]!;
  for (const { dir, file } of shards.slice(1)) {
    const field = differingField(first.file.sweep, file.sweep);
    if (field !== undefined) {
      const show = (identity: SweepIdentity): string => JSON.stringify(identity[field]);
      throw new InputError([
        { path: dir, message: `expected a shard of the same sweep as ${first.dir}, found another ${identityLabels[field]}: ${show(file.sweep)}, where ${first.dir} has ${show(first.file.sweep)}` },
      ]);
    }
  }
  const byIndex = new Map<number, string>();
  for (const { dir, file } of shards) {
    const earlier = byIndex.get(file.shard);
    if (earlier !== undefined) throw new InputError([{ path: dir, message: `expected each shard once, found shard ${file.shard} of ${file.sweep.shards} again (also in ${earlier})` }]);
    byIndex.set(file.shard, dir);
  }
  const count = first.file.sweep.shards;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !byIndex.has(index));
  if (missing.length > 0) {
    throw new InputError([{ path: '', message: `sweep merge: expected all ${count} shards of the sweep, found ${shards.length}; missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` }]);
  }
  const rows = shards.flatMap(({ file }) => file.rows).sort((a, b) => a.run - b.run);
  return { sweep: first.file.sweep, rows };
}

/** The identity's fields as messages name them, in the order they are compared. */
const identityLabels: Record<keyof SweepIdentity, string> = {
  scenario: 'scenario name',
  scenarioSha256: 'scenario file (SHA-256)',
  sets: 'set of --set flags',
  repeats: '--repeats',
  seed: '--seed',
  runs: 'number of runs',
  shards: 'number of shards',
  slice: 'slice rule',
};

/** The first identity field in which two shards differ, or undefined. */
function differingField(a: SweepIdentity, b: SweepIdentity): keyof SweepIdentity | undefined {
  return (Object.keys(identityLabels) as (keyof SweepIdentity)[]).find((field) => JSON.stringify(a[field]) !== JSON.stringify(b[field]));
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
