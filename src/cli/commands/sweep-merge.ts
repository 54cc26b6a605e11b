/**
 * `loraswarm sweep merge DIR... [--out DIR]`: the shard directories of one sweep joined into
 * the sweep.csv that the whole sweep, run in one place, writes byte for byte.
 */
import { join } from 'node:path';
import { mergeShards } from '../../run/sweep-merge.ts';
import { sweepCsv } from '../../run/sweep.ts';
import { UsageError } from '../exit.ts';
import { openSweepDirectory, sweepDirectoryProblem } from './sweep.ts';
import { outPathOf } from '../../metrics/run-directory.ts';
import { sweepTable } from './sweep-table.ts';

export interface SweepMergeOptions {
  /** The sweep directory (default: runs/<scenario name>-sweep). */
  readonly out?: string;
  readonly quiet?: boolean;
}

/**
 * Checks and joins the shards, writes sweep.csv and returns the sweep directory.
 *
 * @example
 * sweepMergeCommand(['shards/1', 'shards/2'], { out: 'runs/aloha-sweep' }, process.stdout.write.bind(process.stdout))
 */
export function sweepMergeCommand(dirs: readonly string[], options: SweepMergeOptions, print: (text: string) => void): string {
  const merged = mergeShards(dirs);
  const outPath = outPathOf(options.out ?? join('runs', `${merged.sweep.scenario}-sweep`));
  const problem = sweepDirectoryProblem(outPath);
  if (problem) throw new UsageError(`--out: ${problem}`);
  const dir = openSweepDirectory(outPath);
  try {
    dir.write('sweep.csv', sweepCsv(merged.rows));
    dir.commit();
  } catch (error) {
    dir.fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
    throw error;
  }
  if (!options.quiet) {
    const { scenario, shards, runs } = merged.sweep;
    print(`sweep ${scenario}: ${runs} runs merged from ${shards} shard${shards > 1 ? 's' : ''}\n${sweepTable(merged.rows)}results in ${join(outPath, 'sweep.csv')}\n`);
  }
  return outPath;
}
