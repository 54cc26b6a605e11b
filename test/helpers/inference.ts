/** Runs a scenario that serves a model, in process, and returns the simulation, its setup and its summary. */
import { readScenario } from '../../src/scenario/read-scenario.ts';
import { summarizeRun } from '../../src/run/summarize.ts';
import { inferenceFor } from '../../src/inference/load-model.ts';
import { createSimulation, type SimulationOptions } from '../../src/run/simulate.ts';

/** The summary keys the tests read (report.ts writes them). */
export interface InferenceSummaryView {
  tokens: number;
  latencyMs: Record<'p50' | 'p95' | 'p99' | 'mean', number | null>;
  joulesPerToken: Record<'mean' | 'p95' | 'withBackground', number | null>;
  fidelity: { top1: number | null; compared: number };
  requests: { total: number; complete: number; failed: number; unfinished: number; texts: string[] };
  inference: Record<string, number>;
  nodes: { died: number; firstDeathMs: number | null };
  [key: string]: unknown;
}

export function runInference(file: string, sets: readonly string[] = [], options: SimulationOptions = {}) {
  const loaded = readScenario(file, { sets });
  const setup = inferenceFor(loaded.scenario, loaded.swarm)!;
  const simulation = createSimulation(loaded.scenario, loaded.swarm, { ...options, inference: setup });
  const result = simulation.finish();
  const engine = simulation.inference!;
  const { summary } = summarizeRun(loaded.name, loaded.scenario.seed, loaded.swarm, simulation.tracker, result, { engine, plan: setup.plan });
  return { ...loaded, setup, simulation, result, engine, summary: summary as unknown as InferenceSummaryView };
}
