/**
 * `loraswarm sweep <scenario> --set a=1,2,3 --set b=x,y [--repeats N] [--jobs N]
 * [--shard I/N | --shard-from-env [--shards N]]`: one run per combination of the swept values
 * and per seed on the memory transport, through `run`'s own code, in this process (`--jobs 1`)
 * or in child processes; their summaries become the rows of sweep.csv, or, for a shard, of
 * shard.json. Planning and running live in run/ (sweep-plan, sweep-runner, sweep-pool,
 * sweep-shard); this file reads the flags and prints.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isResultDirectory, openAtomicDirectory, outPathOf, runDirectoryProblem, type RunDirectory } from '../../metrics/run-directory.ts';
import { planSweep, type PlannedRun, type SweepPlan } from '../../run/sweep-plan.ts';
import { runSweepInChildren, SweepChildError } from '../../run/sweep-pool.ts';
import { runSweep } from '../../run/sweep-runner.ts';
import { shardFileName, shardJson, shardRuns, type ShardSpec } from '../../run/sweep-shard.ts';
import { sweepCsv, type SweepRow } from '../../run/sweep.ts';
import { StoppedError, UsageError } from '../exit.ts';
import { loraswarmLauncher } from '../launcher.ts';
import { createProgress } from '../progress.ts';
import { sweepChildCommandName } from './sweep-program.ts';
import { jobsOption, shardOption, type ShardFlags } from './sweep-options.ts';
import { sweepRunSummary } from './sweep-run.ts';
import { sweepTable } from './sweep-table.ts';

export interface SweepCommandOptions extends ShardFlags {
  readonly seed?: number;
  readonly out?: string;
  readonly set: readonly string[];
  readonly repeats: string;
  readonly keepRuns?: boolean;
  readonly quiet?: boolean;
  /** Child processes (default: the cores); "1" runs in this process. */
  readonly jobs?: string;
}

export async function sweepCommand(file: string, options: SweepCommandOptions, print: (text: string) => void, note: (text: string) => void): Promise<string> {
  const repeats = Number(options.repeats);
  if (!/^\d+$/.test(options.repeats.trim()) || !Number.isSafeInteger(repeats) || repeats < 1) {
    throw new UsageError(`--repeats: expected a whole number ≥ 1, found ${JSON.stringify(options.repeats)}`);
  }
  const jobs = jobsOption(options.jobs);
  const shard = shardOption(options);
  const plan = planSweep(file, { sets: options.set, repeats, ...(options.seed !== undefined && { seed: options.seed }) });
  const runs = shard ? shardRuns(plan.runs, shard) : plan.runs;
  const outPath = outPathOf(options.out ?? join('runs', shard ? `${plan.name}-sweep-shard-${shard.index}-of-${shard.count}` : `${plan.name}-sweep`));
  const problem = sweepDirectoryProblem(outPath, shard ? shardFileName : 'sweep.csv');
  if (problem) throw new UsageError(`--out: ${problem}`);
  const dir = openSweepDirectory(outPath, shard ? shardFileName : 'sweep.csv');
  try {
    const rows = await runRows(plan, runs, jobs, dir, options, note);
    if (shard) dir.write(shardFileName, shardJson(plan, shard, rows));
    else dir.write('sweep.csv', sweepCsv(rows));
    dir.commit();
    if (!options.quiet) print(`${heading(plan, runs, shard)}\n${sweepTable(rows)}${shard ? `shard in ${join(outPath, shardFileName)}; join the shards with \`loraswarm sweep merge\`` : `results in ${join(outPath, 'sweep.csv')}`}\n`);
    return outPath;
  } catch (error) {
    dir.fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (error instanceof SweepChildError) throw new StoppedError(`${error.message}\nthe sweep stopped; its directory is left as ${dir.partialPath} with FAILED.txt`);
    throw error;
  }
}

/** The runs' rows in plan order: in this process with one job (or one run), else in child processes. */
async function runRows(plan: SweepPlan, runs: readonly PlannedRun[], jobs: number, dir: RunDirectory, options: SweepCommandOptions, note: (text: string) => void): Promise<SweepRow[]> {
  const runsDir = options.keepRuns ? join(dir.partialPath, 'runs') : undefined;
  const progress = createProgress(`sweep ${plan.name}`, note);
  const reporting = {
    runs,
    onProgress: (fraction: number) => progress.update(fraction),
    onRun: (row: SweepRow) => {
      if (!process.stderr.isTTY && !options.quiet) note(`run ${row.run}/${plan.runs.length} done\n`);
    },
  };
  try {
    if (jobs === 1 || runs.length <= 1) {
      return await runSweep(plan, { ...reporting, summarize: (run, onFraction) => sweepRunSummary(plan.file, run, runsDir && join(runsDir, String(run.index)), onFraction) });
    }
    const { execPath, script } = loraswarmLauncher();
    return await runSweepInChildren(plan, { ...reporting, jobs, launcher: { execPath, script, args: [sweepChildCommandName] }, ...(runsDir !== undefined && { runsDir }) });
  } finally {
    progress.stop();
  }
}

function heading(plan: SweepPlan, runs: readonly PlannedRun[], shard: ShardSpec | undefined): string {
  const seeds = plan.repeats > 1 ? ` × ${plan.repeats} seeds` : '';
  const which = shard ? `, shard ${shard.index} of ${shard.count}: ${runs.length} of ${plan.runs.length} runs` : `: ${runs.length} runs`;
  return `sweep ${plan.name}${which} (${plan.combinations} combinations${seeds}), memory transport`;
}

/** An earlier result of ours, or a directory holding `marker`. */
const replaceableHolding =
  (marker: string) =>
  (full: string): boolean =>
    isResultDirectory(full) || existsSync(join(full, marker));

/**
 * Why `path` cannot take a sweep directory, or undefined. Like a run directory, it may be new,
 * empty or an earlier loraswarm result; a directory holding `marker` (a shard's file) is replaced too.
 */
export function sweepDirectoryProblem(path: string, marker = 'sweep.csv'): string | undefined {
  return runDirectoryProblem(path, replaceableHolding(marker));
}

/** The sweep directory, written atomically as run directories are (metrics/run-directory.ts). */
export function openSweepDirectory(finalPath: string, marker = 'sweep.csv'): RunDirectory {
  return openAtomicDirectory(finalPath, 'sweep', replaceableHolding(marker));
}

