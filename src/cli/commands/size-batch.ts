/**
 * A batch of `size`'s runs (size.ts): their summaries in the batch's order, simulated in this
 * process with one job, else in `jobs` child processes, each handed the next run as soon as
 * it is free (the sweep's pool, run/sweep-pool.ts: the same children `sweep --jobs` starts,
 * which simulate exactly as this process does, so the sizing files do not depend on the jobs).
 * A served model that does not fit is found here by placing it, before any child runs: that
 * case's result is its PlacementError (an infeasible case, not an error).
 *
 * @example
 * const summaries = await batchSummaries('scenarios/city-plan.yaml', 'city-plan', [{ sets: ['groups.0.count=2'], seed: 1 }], 2, () => undefined);
 */
import { inferenceFor } from '../../inference/load-model.ts';
import { PlacementError } from '../../placement/place.ts';
import { readScenario } from '../../scenario/read-scenario.ts';
import { simulateSummary, type RunSummary, type SummaryRun } from '../../run/simulate-summary.ts';
import { runSweepInChildren } from '../../run/sweep-pool.ts';
import type { PlannedRun, SweepPlan } from '../../run/sweep-plan.ts';
import { loraswarmLauncher } from '../launcher.ts';
import { sweepChildCommandName } from './sweep-program.ts';

/** `onDone(finished)`: runs finished so far, as they finish. */
export async function batchSummaries(file: string, name: string, runs: readonly SummaryRun[], jobs: number, onDone: (finished: number) => void): Promise<(RunSummary | PlacementError)[]> {
  if (jobs === 1 || runs.length <= 1) {
    const results: (RunSummary | PlacementError)[] = [];
    for (const run of runs) {
      results.push(await summaryOrPlacement(file, run));
      onDone(results.length);
    }
    return results;
  }
  const results: (RunSummary | PlacementError | undefined)[] = runs.map((run) => placementProblem(file, run));
  // The children's runs, numbered among themselves (a child's failure names "run i of n"), and where each sits in the batch.
  const at = runs.flatMap((_, i) => (results[i] === undefined ? [i] : []));
  const planned: PlannedRun[] = at.map((i, k) => ({ index: k + 1, sets: runs[i]!.sets, swept: [], seed: runs[i]!.seed }));
  let finished = runs.length - planned.length;
  if (finished > 0) onDone(finished);
  const plan: SweepPlan = { file, name, scenarioSha256: '', sets: [], combinations: runs.length, repeats: 1, runs: planned };
  const { execPath, script } = loraswarmLauncher();
  const rows = await runSweepInChildren(plan, { jobs, command: 'size', launcher: { execPath, script, args: [sweepChildCommandName] }, onRun: () => onDone(++finished) });
  for (const row of rows) results[at[row.run - 1]!] = row.summary;
  return results as (RunSummary | PlacementError)[];
}

async function summaryOrPlacement(file: string, run: SummaryRun): Promise<RunSummary | PlacementError> {
  try {
    return await simulateSummary(file, run);
  } catch (error) {
    if (error instanceof PlacementError) return error;
    throw error;
  }
}

/** The placement error of a served model that does not fit the case's nodes, or undefined. */
function placementProblem(file: string, run: SummaryRun): PlacementError | undefined {
  const { scenario, swarm } = readScenario(file, { sets: run.sets, seed: run.seed });
  try {
    inferenceFor(scenario, swarm);
    return undefined;
  } catch (error) {
    if (error instanceof PlacementError) return error;
    throw error;
  }
}
