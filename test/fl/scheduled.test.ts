/**
 * Federated learning that a sleeping swarm can run (issue 20): rounds on a schedule, the
 * boards' radios asleep but in the sessions the rounds open (the announce, the model download,
 * the coordinator's request after an upload), the run over with the last round. Seeded,
 * exact figures; fl-mnist-iid (every board always listening) is the baseline.
 */
import { describe, expect, it } from 'vitest';
import { readScenario } from '../../src/scenario/read-scenario.ts';
import { prepareFederated } from '../../src/fl/setup.ts';
import { createSimulation } from '../../src/run/simulate.ts';

function run(file: string, sets: readonly string[] = []) {
  const loaded = readScenario(file, { sets });
  const setup = prepareFederated(loaded.scenario, loaded.swarm);
  const simulation = createSimulation(loaded.scenario, loaded.swarm, { federated: setup, keepRecords: false });
  const result = simulation.finish();
  const energyJ = simulation.runtimes.reduce((sum, runtime) => sum + Object.values(runtime!.ledger.totals().energyByStateUj).reduce((s, uj) => s + uj, 0), 0) / 1e6;
  const rounds = simulation.federated!.rounds;
  return { scenario: loaded.scenario, result, rounds, energyJ, bytesUp: rounds.reduce((s, r) => s + r.bytesUp, 0), totals: simulation.tracker.totals() };
}

describe('scheduled rounds with sleeping clients (fl-scheduled)', () => {
  const always = run('scenarios/fl-mnist-iid.yaml');
  const scheduled = run('scenarios/fl-scheduled.yaml');

  it('learns as well as the always-listening run for a tenth of its energy or less', () => {
    expect(scheduled.rounds.map((r) => r.validationAccuracy)).toEqual([0.823, 0.876, 0.881, 0.881, 0.889, 0.899, 0.901, 0.898, 0.906, 0.907]);
    expect(scheduled.rounds.map((r) => r.participants)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
    expect(always.rounds.at(-1)!.validationAccuracy).toBe(0.904);
    expect(Math.round(always.energyJ)).toBe(32854);
    expect(Math.round(scheduled.energyJ)).toBe(2568);
    expect(always.energyJ / scheduled.energyJ).toBeGreaterThan(10);
  });

  it('starts each round on the schedule and ends the run with the last one', () => {
    expect(scheduled.scenario.duration).toBe(10 * 40 * 60_000);
    expect(scheduled.rounds.map((r) => r.startMs)).toEqual(Array.from({ length: 10 }, (_, k) => k * 40 * 60_000));
    expect(scheduled.rounds.every((r) => r.endMs <= r.startMs + 40 * 60_000)).toBe(true);
    expect(scheduled.result.durationMs).toBe(24_000_000);
  });

  it('with sleeping clients, top-k compression lowers the run\'s energy with the bytes sent: a sixth of it, not 0.4 %', () => {
    const tenth = run('scenarios/fl-scheduled.yaml', ['federated.compression.topK=0.1']);
    const fiftieth = run('scenarios/fl-scheduled.yaml', ['federated.compression.topK=0.02']);
    expect([scheduled.bytesUp, tenth.bytesUp, fiftieth.bytesUp]).toEqual([991109, 225446, 65431]);
    expect([scheduled.energyJ, tenth.energyJ, fiftieth.energyJ].map(Math.round)).toEqual([2568, 2411, 2139]);
    expect(tenth.rounds.at(-1)!.validationAccuracy).toBe(0.897);
    // The saving's share of the run: 17 % asleep; listening all the time, the same compression saves 0.4 %.
    expect(1 - fiftieth.energyJ / scheduled.energyJ).toBeCloseTo(0.167, 3);
    const alwaysSparse = run('scenarios/fl-mnist-iid.yaml', ['federated.compression.topK=0.02']);
    expect(1 - alwaysSparse.energyJ / always.energyJ).toBeCloseTo(0.0036, 4);
  });

  it('loses no round to 20 ppm of clock drift over 12 h with the default guard, and loses rounds without it', () => {
    const twelveHours = ['federated.schedule.period=72min'];
    const guarded = run('scenarios/fl-scheduled.yaml', twelveHours);
    expect(guarded.result.durationMs).toBe(12 * 3_600_000);
    expect(guarded.rounds.map((r) => r.participants + r.abandoned)).toEqual(Array.from({ length: 10 }, () => 10));
    const unguarded = run('scenarios/fl-scheduled.yaml', [...twelveHours, 'federated.schedule.guard=1ms']);
    expect(unguarded.rounds.map((r) => r.dropouts)).toEqual([0, 4, 4, 5, 4, 4, 5, 4, 5, 5]);
  });
});
