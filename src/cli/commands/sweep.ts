/**
 * `loraswarm sweep <scenario> --set a=1,2,3 --set b=x,y [--repeats N]`: one run per
 * combination of the swept values and per seed, in process on the memory transport, through
 * `run`'s own code; their summaries become the rows of sweep.csv.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openAtomicDirectory, runDirectoryProblem, type RunDirectory } from '../../metrics/run-directory.ts';
import { InputError } from '../../scenario/errors.ts';
import { createSimulation } from '../../run/simulate.ts';
import { expandSweep, flattenSummary, maxSweepCombinations, sweepCsv, type SweepRow, type SweptValue } from '../../run/sweep.ts';
import { UsageError } from '../exit.ts';
import { createProgress } from '../progress.ts';
import { readScenario } from '../../scenario/read-scenario.ts';
import { runCommand } from './run.ts';
import { summarizeRun, trainedOf } from '../../run/summarize.ts';
import { prepareFederated } from '../../fl/setup.ts';
import { inferenceFor } from '../../inference/load-model.ts';

export interface SweepCommandOptions {
  readonly seed?: number;
  readonly out?: string;
  readonly set: readonly string[];
  readonly repeats: string;
  readonly keepRuns?: boolean;
  readonly quiet?: boolean;
}

export interface SweepOptions {
  /** The `--set` flags: several comma-separated values sweep a key, one value overrides it. */
  readonly sets: readonly string[];
  /** Seeds per combination (1 by default): the base seed, base + 1, … */
  readonly repeats?: number;
  /** The base seed; by default each combination's scenario seed. */
  readonly seed?: number;
}

/** One run of a sweep, checked and ready to simulate. */
export interface PlannedRun {
  /** 1-based. */
  readonly index: number;
  /** The `--set` overrides of this run. */
  readonly sets: readonly string[];
  readonly swept: readonly SweptValue[];
  readonly seed: number;
}

export interface SweepPlan {
  readonly file: string;
  /** The scenario's name (in the first combination). */
  readonly name: string;
  readonly combinations: number;
  readonly repeats: number;
  readonly runs: readonly PlannedRun[];
}

export interface RunSweepOptions {
  /** Write each run's directory, as `loraswarm run` does, into `<runsDir>/<index>/`. */
  readonly runsDir?: string;
  /** The finished share of the whole sweep, 0..1, as it advances. */
  readonly onProgress?: (fraction: number) => void;
  /** Each run's row, as soon as the run is over. */
  readonly onRun?: (row: SweepRow) => void;
}

/** Virtual-time slices per run, for progress. */
const progressSlices = 20;
/** The summary figures the stdout table shows, those the summary has. */
const headlineMetrics = ['frames.sent', 'der', 'messages.latencyMs.p95', 'energyJ.total', 'nodes.died'];

/**
 * Expands the sweep and checks every combination against the scenario schema before
 * anything runs, so that a bad value costs nothing and writes nothing.
 *
 * @example
 * planSweep('scenarios/aloha.yaml', { sets: ['groups.1.count=10,20'], repeats: 2 }).runs.map((run) => run.seed) // [1, 2, 1, 2]
 */
export function planSweep(file: string, options: SweepOptions): SweepPlan {
  const repeats = options.repeats ?? 1;
  if (!Number.isSafeInteger(repeats) || repeats < 1) throw new RangeError(`repeats must be an integer ≥ 1, got ${repeats}`);
  const combinations = expandSweep(options.sets);
  const total = combinations.length * repeats;
  if (total > maxSweepCombinations) {
    throw new UsageError(`--repeats: expected at most ${maxSweepCombinations} runs in all, found ${combinations.length} combinations × ${repeats} seeds = ${total}`);
  }
  // An unreadable file is no combination's fault: its error comes without a run's context.
  try {
    readFileSync(file);
  } catch {
    readScenario(file);
  }
  let name: string | undefined;
  const runs: PlannedRun[] = [];
  for (const combination of combinations) {
    const first = runs.length + 1;
    let loaded;
    try {
      loaded = readScenario(file, { sets: combination.sets, ...(options.seed !== undefined && { seed: options.seed }) });
    } catch (error) {
      if (!(error instanceof InputError) || combination.swept.length === 0) throw error;
      const which = repeats > 1 ? `runs ${first}-${first + repeats - 1}` : `run ${first}`;
      throw new InputError([{ path: '', message: `in sweep ${which} of ${total} (${describeSwept(combination.swept)}):` }, ...error.issues]);
    }
    name ??= loaded.name;
    const base = loaded.scenario.seed;
    if (!Number.isSafeInteger(base + repeats - 1)) {
      throw new UsageError(`--repeats: expected seeds up to ${Number.MAX_SAFE_INTEGER}, found seed ${base} + ${repeats - 1} repeats`);
    }
    for (let repeat = 0; repeat < repeats; repeat++) runs.push({ index: runs.length + 1, sets: combination.sets, swept: combination.swept, seed: base + repeat });
  }
  return { file, name: name!, combinations: combinations.length, repeats, runs };
}

/**
 * Runs a planned sweep one run after another, in process on the memory transport, and
 * returns one row per run with its summary.json parsed.
 *
 * @example
 * const rows = await runSweep(planSweep('scenarios/aloha.yaml', { sets: ['duration=2min', 'groups.1.count=10,20'] }));
 * rows.map((row) => (row.summary.frames as { sent: number }).sent) // [33, 63]
 */
export async function runSweep(plan: SweepPlan, options: RunSweepOptions = {}): Promise<SweepRow[]> {
  const rows: SweepRow[] = [];
  for (const [i, run] of plan.runs.entries()) {
    const onFraction = (fraction: number): void => options.onProgress?.((i + fraction) / plan.runs.length);
    const summary = options.runsDir === undefined ? await simulateSummary(plan.file, run, onFraction) : await keptRunSummary(plan.file, run, options.runsDir, onFraction);
    const row: SweepRow = { run: run.index, swept: run.swept, seed: run.seed, summary };
    rows.push(row);
    options.onRun?.(row);
  }
  return rows;
}

export async function sweepCommand(file: string, options: SweepCommandOptions, print: (text: string) => void, note: (text: string) => void): Promise<string> {
  const repeats = Number(options.repeats);
  if (!/^\d+$/.test(options.repeats.trim()) || !Number.isSafeInteger(repeats) || repeats < 1) {
    throw new UsageError(`--repeats: expected a whole number ≥ 1, found ${JSON.stringify(options.repeats)}`);
  }
  const plan = planSweep(file, { sets: options.set, repeats, ...(options.seed !== undefined && { seed: options.seed }) });
  const outPath = options.out ?? join('runs', `${plan.name}-sweep`);
  const problem = sweepDirectoryProblem(outPath);
  if (problem) throw new UsageError(`--out: ${problem}`);
  const dir = openSweepDirectory(outPath);
  try {
    const progress = createProgress(`sweep ${plan.name}`);
    const rows = await runSweep(plan, {
      ...(options.keepRuns && { runsDir: join(dir.partialPath, 'runs') }),
      onProgress: (fraction) => progress.update(fraction),
      onRun: (row) => {
        if (!process.stderr.isTTY && !options.quiet) note(`run ${row.run}/${plan.runs.length} done\n`);
      },
    });
    progress.stop();
    dir.write('sweep.csv', sweepCsv(rows));
    dir.commit();
    if (!options.quiet) {
      const seeds = plan.repeats > 1 ? ` × ${plan.repeats} seeds` : '';
      print(`sweep ${plan.name}: ${rows.length} runs (${plan.combinations} combinations${seeds}), memory transport\n${table(rows)}results in ${join(outPath, 'sweep.csv')}\n`);
    }
    return outPath;
  } catch (error) {
    dir.fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
    throw error;
  }
}

/**
 * A run as `loraswarm run --transport memory` simulates and summarises it (with its model
 * served or trained), with no files; `loraswarm size` runs its cases through it too.
 */
export async function simulateSummary(file: string, run: { readonly sets: readonly string[]; readonly seed: number }, onFraction: (fraction: number) => void = () => undefined): Promise<Record<string, unknown>> {
  const { scenario, swarm, name } = readScenario(file, { sets: run.sets, seed: run.seed });
  // No receptions.csv is written, so no reception records are kept (as on workers); the summary counts receptions all the same.
  const inference = inferenceFor(scenario, swarm);
  const federated = scenario.federated ? prepareFederated(scenario, swarm) : undefined;
  const simulation = createSimulation(scenario, swarm, { keepReceptions: false, ...(inference && { inference }), ...(federated && { federated }) });
  for (let slice = 1; slice <= progressSlices; slice++) {
    simulation.advance((scenario.duration * slice) / progressSlices);
    onFraction(slice / progressSlices);
    // On a TTY the event loop turns between slices so that the progress bar can redraw.
    if (process.stderr.isTTY) await new Promise((resolve) => setImmediate(resolve));
  }
  const result = simulation.finish();
  const served = inference && simulation.inference ? { engine: simulation.inference, plan: inference.plan } : undefined;
  const { summary } = summarizeRun(name, scenario.seed, swarm, simulation.tracker, result, served, trainedOf(simulation, federated, scenario));
  // The row holds what summary.json would hold.
  return JSON.parse(JSON.stringify(summary)) as Record<string, unknown>;
}

/** A run through `loraswarm run --transport memory --quiet`, its directory kept. */
async function keptRunSummary(file: string, run: PlannedRun, runsDir: string, onFraction: (fraction: number) => void): Promise<Record<string, unknown>> {
  const out = join(runsDir, String(run.index));
  await runCommand(file, { set: run.sets, seed: run.seed, out, transport: 'memory', quiet: true }, () => undefined, () => undefined, () => ({
    update: onFraction,
    stop: () => undefined,
  }));
  return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
}

function describeSwept(swept: readonly SweptValue[]): string {
  return swept.map(({ key, value }) => `${key}=${value}`).join(', ');
}

/** Run, swept values, seed and the headline metrics, in aligned columns. */
function table(rows: readonly SweepRow[]): string {
  const first = new Map(flattenSummary(rows[0]?.summary ?? {}));
  const metrics = headlineMetrics.filter((path) => first.has(path));
  // As in sweep.csv, a swept `seed` shows in the seed column, as the run's actual seed.
  const sweptOf = (row: SweepRow): readonly SweptValue[] => row.swept.filter((value) => value.key !== 'seed');
  const header = ['run', ...(rows[0] ? sweptOf(rows[0]) : []).map((value) => value.key), 'seed', ...metrics];
  const lines = rows.map((row) => {
    const leaves = new Map(flattenSummary(row.summary));
    const shown = metrics.map((path) => leaves.get(path) ?? null).map((value) => (value === null ? 'n/a' : String(value)));
    return [String(row.run), ...sweptOf(row).map((value) => value.value), String(row.seed), ...shown];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  return [header, ...lines].map((line) => `${line.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()}\n`).join('');
}

/**
 * Why `path` cannot take a sweep directory, or undefined. Like a run directory, it may be new,
 * empty or an earlier loraswarm run; an earlier sweep (it holds sweep.csv) is replaced too.
 */
export function sweepDirectoryProblem(path: string, marker = 'sweep.csv'): string | undefined {
  if (path.trim() !== '' && existsSync(join(path, marker)) && statSync(path).isDirectory()) return undefined;
  return runDirectoryProblem(path);
}

/** The sweep directory, written atomically as run directories are (metrics/run-directory.ts). */
export function openSweepDirectory(finalPath: string): RunDirectory {
  return openAtomicDirectory(finalPath, 'sweep');
}
