/**
 * A planned sweep's runs, one after another in this process: the path of `--jobs 1`, and what
 * each child process of `--jobs N` does with the runs it is handed.
 */
import { simulateSummary, type RunFraction, type RunSummary } from './simulate-summary.ts';
import type { PlannedRun, SweepPlan } from './sweep-plan.ts';
import type { SweepRow } from './sweep.ts';

/** Simulates one planned run and gives its summary (by default {@link simulateSummary}). */
export type SweepRunSummary = (run: PlannedRun, onFraction: RunFraction) => Promise<RunSummary>;

export interface SweepProgress {
  /** The runs to do (a shard's); by default every run of the plan. */
  readonly runs?: readonly PlannedRun[];
  /** The finished share of these runs, 0..1, as it advances. */
  readonly onProgress?: (fraction: number) => void;
  /** Each run's row, as soon as the run is over (in completion order, which may differ from the plan's). */
  readonly onRun?: (row: SweepRow) => void;
}

export interface RunSweepOptions extends SweepProgress {
  /** How one run is simulated (the CLI's `--keep-runs` writes its run directory too). */
  readonly summarize?: SweepRunSummary;
}

/**
 * Runs a planned sweep one run after another, in process on the memory transport, and
 * returns one row per run, in the plan's order, with its summary.json parsed.
 *
 * @example
 * const rows = await runSweep(planSweep('scenarios/aloha.yaml', { sets: ['duration=2min', 'groups.1.count=10,20'] }));
 * rows.map((row) => (row.summary.frames as { sent: number }).sent) // [33, 63]
 */
export async function runSweep(plan: SweepPlan, options: RunSweepOptions = {}): Promise<SweepRow[]> {
  const runs = options.runs ?? plan.runs;
  const summarize = options.summarize ?? ((run, onFraction) => simulateSummary(plan.file, run, onFraction));
  const rows: SweepRow[] = [];
  for (const [i, run] of runs.entries()) {
    const summary = await summarize(run, (fraction) => options.onProgress?.((i + fraction) / runs.length));
    const row: SweepRow = { run: run.index, swept: run.swept, seed: run.seed, summary };
    rows.push(row);
    options.onRun?.(row);
  }
  return rows;
}
