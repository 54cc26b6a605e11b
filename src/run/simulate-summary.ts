/**
 * One run simulated and summarised as `loraswarm run --transport memory` does it (its model
 * served or trained), without writing any file: what a sweep row and a sizing case hold.
 */
import { prepareFederated } from '../fl/setup.ts';
import { inferenceFor } from '../inference/load-model.ts';
import { readScenario } from '../scenario/read-scenario.ts';
import { createSimulation } from './simulate.ts';
import { summarizeRun, trainedOf } from './summarize.ts';
import type { RequestRecord, TokenRecord } from '../inference/records.ts';

/** A run's summary.json, parsed. */
export type RunSummary = Record<string, unknown>;

/** The finished share of one run, 0..1; a returned promise is awaited before the run goes on. */
export type RunFraction = (fraction: number) => void | Promise<void>;

/** Virtual-time slices per run, for progress. */
const progressSlices = 20;

/**
 * The summary.json that `loraswarm run --transport memory` would write for this file, these
 * `--set` overrides and this seed.
 *
 * @example
 * const summary = await simulateSummary('scenarios/aloha.yaml', { sets: ['duration=2min', 'groups.1.count=10'], seed: 1 });
 * (summary.frames as { sent: number }).sent // 33
 */
/** A run's scenario changes and seed. */
export interface SummaryRun {
  readonly sets: readonly string[];
  readonly seed: number;
}

export async function simulateSummary(file: string, run: SummaryRun, onFraction: RunFraction = () => undefined): Promise<RunSummary> {
  return (await simulateRun(file, run, onFraction)).summary;
}

/** A run simulated: its summary, and with a served model the engine's request and token records (for measures the summary does not hold, such as size's capacity). */
export async function simulateRun(file: string, run: SummaryRun, onFraction: RunFraction = () => undefined): Promise<{ summary: RunSummary; served?: { readonly requests: readonly RequestRecord[]; readonly tokens: readonly TokenRecord[] } }> {
  const { scenario, swarm, name } = readScenario(file, { sets: run.sets, seed: run.seed });
  // No receptions.csv is written, so no reception records are kept (as on workers); the summary counts receptions all the same.
  const inference = inferenceFor(scenario, swarm);
  const federated = scenario.federated ? prepareFederated(scenario, swarm) : undefined;
  const simulation = createSimulation(scenario, swarm, { keepRecords: false, ...(inference && { inference }), ...(federated && { federated }) });
  for (let slice = 1; slice <= progressSlices; slice++) {
    simulation.advance((scenario.duration * slice) / progressSlices);
    await onFraction(slice / progressSlices);
    // On a TTY the event loop turns between slices so that a progress bar can redraw.
    if (process.stderr.isTTY) await new Promise((resolve) => setImmediate(resolve));
  }
  const result = simulation.finish();
  const served = inference && simulation.inference ? { engine: simulation.inference, plan: inference.plan } : undefined;
  const { summary } = summarizeRun(name, scenario.seed, swarm, simulation.tracker, result, served, trainedOf(simulation, federated, scenario));
  // The row holds what summary.json would hold.
  return { summary: JSON.parse(JSON.stringify(summary)) as RunSummary, ...(served && { served: { requests: served.engine.requests, tokens: served.engine.tokens } }) };
}
