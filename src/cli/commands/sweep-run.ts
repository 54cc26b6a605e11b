/**
 * One run of a sweep as the CLI does it, in the sweep's process (`--jobs 1`) or in a child:
 * simulated and summarised with no files, or, with `--keep-runs`, through `loraswarm run
 * --transport memory --quiet` so that its run directory is the one `run` writes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulateSummary, type RunFraction, type RunSummary } from '../../run/simulate-summary.ts';
import type { PlannedRun } from '../../run/sweep-plan.ts';

/**
 * The summary of `run` of `file`; with `runDir`, its run directory is written there too.
 *
 * @example
 * await sweepRunSummary('scenarios/aloha.yaml', plan.runs[0]!, 'runs/aloha-sweep.partial/runs/1')
 */
export async function sweepRunSummary(file: string, run: Pick<PlannedRun, 'sets' | 'seed'>, runDir: string | undefined, onFraction: RunFraction = () => undefined): Promise<RunSummary> {
  if (runDir === undefined) return simulateSummary(file, run, onFraction);
  // Only kept runs need `run`'s writers, broker and dashboard: a child that keeps none starts without them.
  const { runCommand } = await import('./run.ts');
  await runCommand(file, { set: run.sets, seed: run.seed, out: runDir, transport: 'memory', quiet: true }, () => undefined, () => undefined, () => ({
    update: (fraction) => void onFraction(fraction),
    stop: () => undefined,
  }));
  return JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
}
