/**
 * Issue 15: a simulation's whole state, saved between two windows and taken back by a
 * simulation built from the same scenario, makes the run go on exactly as it would have.
 */
import { isDeepStrictEqual } from 'node:util';
import { deserialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { createSimulation, createSimulation as create, type Simulation } from '../../src/run/simulate.ts';
import { prepareFederated } from '../../src/fl/setup.ts';
import { CheckpointUnsupportedError } from '../../src/sim/checkpoint-state.ts';
import { inferenceFor } from '../../src/inference/load-model.ts';
import { loadScenario } from '../helpers/scenario.ts';

function books(simulation: Simulation, result: unknown) {
  return {
    result,
    rounds: simulation.federated?.rounds,
    tokens: simulation.inference?.tokens,
    requests: simulation.inference?.requests,
    counters: simulation.inference?.counters,
    attributedUj: simulation.inference?.attributedUj,
    frames: simulation.tracker.frames,
    receptions: simulation.tracker.receptions,
    nodes: simulation.tracker.nodes,
    totals: simulation.tracker.totals(),
    series: simulation.series.rows,
  };
}

/** Runs to each `at`, saves, and finishes a fresh simulation from the saved state; returns its books and the uninterrupted run's. */
function resumeAt(file: string, sets: string[], at: readonly number[], checkFirst = true) {
  const { scenario, swarm } = loadScenario(file, sets);
  // A federated scenario's setup (its data, model and partitions) is made for each simulation, as each `run` makes it: its model is the engine's working copy.
  const createSimulation = (s: typeof scenario, w: typeof swarm) => {
    const inference = inferenceFor(s, w);
    return create(s, w, s.federated ? { federated: prepareFederated(s, w) } : inference ? { inference } : {});
  };
  const whole = createSimulation(scenario, swarm);
  const expected = books(whole, whole.finish());
  const resumed: ReturnType<typeof books>[] = [];
  let saved = 0;
  for (const atMs of at) {
    const first = createSimulation(scenario, swarm);
    first.advance(atMs);
    let bytes: Buffer;
    try {
      bytes = first.checkpoint();
    } catch (error) {
      if (error instanceof CheckpointUnsupportedError) continue;
      throw error;
    }
    saved++;
    const second = createSimulation(scenario, swarm);
    second.restore(bytes);
    // It takes up where the first stopped (it does not run from the start again), holding the same state.
    expect(second.scheduler.nowMs).toBe(first.scheduler.nowMs);
    expect(second.scheduler.eventsProcessed).toBe(first.scheduler.eventsProcessed);
    expect(isDeepStrictEqual(deserialize(second.checkpoint()), deserialize(bytes))).toBe(true);
    resumed.push(books(second, second.finish()));
    // Saving changes nothing: the first goes on to the same books.
    if (checkFirst) expect(books(first, first.finish())).toEqual(expected);
  }
  return { expected, resumed, saved };
}

describe('a simulation checkpoint', () => {
  it('resumes the aloha scenario exactly, from early, middle and late windows', () => {
    const { expected, resumed, saved } = resumeAt('scenarios/aloha.yaml', ['duration=20min', 'groups.1.count=40'], [1_000, 7 * 60_000 + 13, 19 * 60_000 + 999]);
    expect(saved).toBe(3);
    for (const run of resumed) expect(run).toEqual(expected);
  });

  it('resumes sleepers that die, rendezvous windows, broadcasts and fragmented peer messages exactly', () => {
    const { expected, resumed, saved } = resumeAt('test/fixtures/busy-swarm.yaml', [], [30_000, 150_000, 420_000]);
    expect(saved).toBe(3);
    for (const run of resumed) expect(run).toEqual(expected);
  });

  it('resumes the kitchen sink (gateways, shadowing, extra loss, solar, LDO, a fault) exactly, computations under way included', () => {
    const { expected, resumed, saved } = resumeAt('test/fixtures/kitchen-sink.yaml', ['duration=30min'], [60_000, 10 * 60_000 + 1, 19 * 60_000, 25 * 60_000 + 7, 29 * 60_000]);
    expect(saved).toBe(5);
    for (const run of resumed) expect(run).toEqual(expected);
  });

  it('resumes federated learning exactly, mid-round (downloads, training, uploads, timers), in the first round and the second', () => {
    const { expected, resumed, saved } = resumeAt('scenarios/fl-mnist-iid.yaml', ['federated.rounds=2'], [20 * 60_000, 2 * 3_600_000 + 40 * 60_000 + 3], false);
    expect(saved).toBe(2);
    expect(expected.rounds!.length).toBe(2);
    for (const run of resumed) expect(run).toEqual(expected);
  });

  it('resumes scheduled federated rounds exactly: the clocks, the radio sessions and the uplink slots are saved', () => {
    const { expected, resumed, saved } = resumeAt('scenarios/fl-scheduled.yaml', ['federated.rounds=3'], [40 * 60_000 + 30_000, 55 * 60_000 + 7, 79 * 60_000 + 59_000], false);
    expect(saved).toBe(3);
    expect(expected.rounds!.map((r) => r.participants)).toEqual([10, 10, 10]);
    for (const run of resumed) expect(run).toEqual(expected);
  });

  it('resumes federated learning with error-feedback compression exactly (the residuals are saved)', () => {
    const { expected, resumed, saved } = resumeAt('scenarios/fl-compression.yaml', ['federated.rounds=3'], [3 * 3_600_000 + 7], false);
    expect(saved).toBe(1);
    for (const run of resumed) expect(run).toEqual(expected);
  });

  it('resumes the quickstart (swarm inference: tokens in flight, expert calls, timeouts, the entry\u2019s requests) exactly', () => {
    const { expected, resumed, saved } = resumeAt('scenarios/quickstart.yaml', [], [90_000, 900_000, 1_500_000 + 3], false);
    expect(saved).toBe(3);
    expect(expected.tokens!.length).toBeGreaterThan(10);
    for (const run of resumed) expect(run).toEqual(expected);
  });

  it.each([
    ['a draft model', ['inference.speculative.draft=tinyseek-names-draft', 'inference.speculative.tokens=3'], 259_300],
    ['the MTP module (its cache and the residuals it has yet to read)', ['model.checkpoint=tinyseek-names-mtp', 'inference.speculative.draft=mtp'], 258_700],
  ])('resumes speculative decoding with %s exactly: passes of several positions in flight, the guesser\u2019s state and draws', (_, sets, mid) => {
    const { expected, resumed, saved } = resumeAt('scenarios/inference-2g4.yaml', sets, [258_000, mid, 600_000 + 7], false);
    expect(saved).toBe(3);
    expect(expected.tokens!.some((t) => t.drafted > 0)).toBe(true);
    for (const run of resumed) expect(run).toEqual(expected);
  });

  it('resumes a model served with replicas through node failures exactly', () => {
    const { expected, resumed, saved } = resumeAt('scenarios/inference-replicas.yaml', [], [41 * 60_000 + 5], false);
    expect(saved).toBe(1);
    for (const run of resumed) expect(run).toEqual(expected);
  });

  it('refuses a checkpoint of another scenario', () => {
    const aloha = loadScenario('scenarios/aloha.yaml', ['duration=10min']);
    const simulation = createSimulation(aloha.scenario, aloha.swarm);
    simulation.advance(60_000);
    const bytes = simulation.checkpoint();
    const other = loadScenario('test/fixtures/busy-swarm.yaml', []);
    expect(() => createSimulation(other.scenario, other.swarm).restore(bytes)).toThrow(/checkpoint: /);
  });
});
