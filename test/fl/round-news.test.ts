/**
 * The round news (fl/round-news.ts): what the coordinator and the clients learn of each other
 * between frames takes effect at the window exchange, so that a round runs the same whichever
 * process each node runs in.
 */
import { describe, expect, it } from 'vitest';
import { readScenario } from '../../src/scenario/read-scenario.ts';
import { prepareFederated } from '../../src/fl/setup.ts';
import { createSimulation } from '../../src/run/simulate.ts';

function run(sets: readonly string[]) {
  const loaded = readScenario('scenarios/fl-mnist-iid.yaml', { sets: ['federated.rounds=2', ...sets] });
  const simulation = createSimulation(loaded.scenario, loaded.swarm, { federated: prepareFederated(loaded.scenario, loaded.swarm) });
  const result = simulation.finish();
  return { simulation, result, rounds: simulation.federated!.rounds };
}

describe('round news at the exchange', () => {
  it('starts each round at the exchange after its planned time, and the next one after the close is told', () => {
    const { rounds } = run([]);
    // Round 1 is planned for 0: its window [0, 1 ms] ends in the exchange where it starts.
    expect(rounds[0]!.startMs).toBe(1);
    // The close (the last update whole, mid-window) is told at the window's exchange, which plans round 2 for then (no gap): it starts an exchange later.
    expect(rounds[1]!.startMs - rounds[0]!.endMs).toBeGreaterThan(1);
    expect(rounds[1]!.startMs - rounds[0]!.endMs).toBeLessThanOrEqual(2);
  });

  it('closes a round whose clients all drop out at the exchange where the coordinator learns the last drop', () => {
    // Training 200,000 times the forward pass per sample: no client can finish before the deadline, and each sends nothing.
    const { rounds, simulation } = run(['federated.stragglers=drop', 'federated.computeFactor=200000']);
    expect(rounds.map((r) => [r.startMs, r.endMs, r.selected, r.participants, r.stragglers, r.dropouts])).toEqual([
      [1, 128958.13599999988, 10, 0, 10, 0],
      [128959.13599999988, 261450.936, 10, 0, 10, 0],
    ]);
    // No client trained: no loss.
    expect(rounds.every((r) => Number.isNaN(r.trainLoss))).toBe(true);
    // The round closes at an exchange, after the frame whose reception told the last client it had the model (one processing delay after its end).
    const lastDownlink = simulation.tracker.frames.filter((f) => f.outcome === 'sent' && f.atMs < rounds[0]!.endMs).reduce((last, f) => Math.max(last, f.atMs + f.airtimeMs), 0);
    expect(rounds[0]!.endMs).toBeGreaterThanOrEqual(lastDownlink + 1);
    expect(rounds[0]!.endMs).toBeLessThanOrEqual(lastDownlink + 2);
  });
});
