/** Builds and runs scenarios in-process for tests. */
import { readFileSync } from 'node:fs';
import { loadScenarioText } from '../../src/scenario/loader.ts';
import { parseOverride } from '../../src/scenario/overrides.ts';
import { resolveSwarm, type ResolvedSwarm } from '../../src/scenario/resolve.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { createSimulation, type Simulation, type SimulationOptions, type SimulationResult } from '../../src/run/simulate.ts';

export interface TestRun {
  readonly scenario: Scenario;
  readonly swarm: ResolvedSwarm;
  readonly simulation: Simulation;
  readonly result: SimulationResult;
}

export function loadScenario(textOrFile: string, sets: readonly string[] = []): { scenario: Scenario; swarm: ResolvedSwarm } {
  const text = textOrFile.endsWith('.yaml') ? readFileSync(textOrFile, 'utf8') : textOrFile;
  const loaded = loadScenarioText(text, { file: textOrFile.endsWith('.yaml') ? textOrFile : 'test.yaml', overrides: sets.map(parseOverride) });
  return { scenario: loaded.scenario, swarm: resolveSwarm(loaded.scenario, loaded.locate, loaded.fromSet) };
}

export function runScenario(textOrFile: string, sets: readonly string[] = [], options: SimulationOptions = {}): TestRun {
  const { scenario, swarm } = loadScenario(textOrFile, sets);
  const simulation = createSimulation(scenario, swarm, options);
  const result = simulation.finish();
  return { scenario, swarm, simulation, result };
}
