/**
 * Federated learning that a sleeping swarm can run (issue 20): rounds on a schedule, the
 * boards' radios asleep but in the sessions the rounds open (the announce, the model download,
 * the coordinator's request after an upload), uplinks in slots of their own, TS004's erasure
 * code, the run over with the last round. Seeded, exact figures; fl-mnist-iid (every board
 * always listening) is the baseline.
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
  const energies = simulation.runtimes.map((runtime) => runtime!.ledger.totals().energyByStateUj);
  const energyJ = energies.reduce((sum, e) => sum + Object.values(e).reduce((s, uj) => s + uj, 0), 0) / 1e6;
  const clientsTransmitJ = setup.clients.reduce((sum, node) => sum + energies[node]!.transmit, 0) / 1e6;
  const rounds = simulation.federated!.rounds;
  return { scenario: loaded.scenario, result, rounds, energyJ, clientsTransmitJ, bytesUp: rounds.reduce((s, r) => s + r.bytesUp, 0), fates: simulation.tracker.totals().fates };
}

describe('scheduled rounds with sleeping clients (fl-scheduled)', () => {
  const always = run('scenarios/fl-mnist-iid.yaml');
  const scheduled = run('scenarios/fl-scheduled.yaml');

  it('learns as well as the always-listening run for a twentieth of its energy', () => {
    expect(scheduled.rounds.map((r) => r.validationAccuracy)).toEqual([0.823, 0.876, 0.881, 0.881, 0.889, 0.899, 0.901, 0.898, 0.906, 0.907]);
    expect(scheduled.rounds.map((r) => [r.participants, r.abandoned, r.dropouts])).toEqual(Array.from({ length: 10 }, () => [10, 0, 0]));
    expect(always.rounds.at(-1)!.validationAccuracy).toBe(0.904);
    expect([always.energyJ, scheduled.energyJ].map(Math.round)).toEqual([32854, 1635]);
    expect(always.energyJ / scheduled.energyJ).toBeGreaterThan(20);
  });

  it('books a session\'s listening even when its sums round a hair past the interval (every client called: it crashed, "time must not go back")', () => {
    const all = run('scenarios/fl-scheduled.yaml', ['federated.rounds=2', 'federated.fraction=1', 'duration=80min']);
    expect(all.rounds.map((r) => [r.selected, r.participants, r.validationAccuracy])).toEqual([[20, 20, 0.831], [20, 20, 0.878]]);
  });

  it('starts each round on the schedule and ends the run with the last one', () => {
    expect(scheduled.scenario.duration).toBe(10 * 40 * 60_000);
    // Each round starts at the exchange that ends the window of its planned time, k periods: 1 ms (the window) later.
    expect(scheduled.rounds.map((r) => r.startMs)).toEqual(Array.from({ length: 10 }, (_, k) => k * 40 * 60_000 + 1));
    expect(scheduled.rounds.every((r) => r.endMs <= r.startMs + 40 * 60_000)).toBe(true);
    expect(scheduled.result.durationMs).toBe(24_000_000);
  });

  it('sends the uplinks in slots: none collides or meets a transmitting coordinator, where seeded jitter loses 103', () => {
    expect([scheduled.fates.collided, scheduled.fates.lostHalfDuplex]).toEqual([0, 0]);
    const jittered = run('scenarios/fl-scheduled.yaml', ['federated.schedule.uplinkSlots=false']);
    expect([jittered.fates.collided, jittered.fates.lostHalfDuplex, jittered.rounds.reduce((s, r) => s + r.abandoned, 0)]).toEqual([79, 24, 4]);
  });

  it('with sleeping clients, top-k compression lowers the run\'s energy by the bytes it saves, at what a byte costs to send', () => {
    const tenth = run('scenarios/fl-scheduled.yaml', ['federated.compression.topK=0.1']);
    const fiftieth = run('scenarios/fl-scheduled.yaml', ['federated.compression.topK=0.02']);
    expect([scheduled.bytesUp, tenth.bytesUp, fiftieth.bytesUp]).toEqual([848120, 180859, 48112]);
    expect([scheduled.energyJ, tenth.energyJ, fiftieth.energyJ].map(Math.round)).toEqual([1635, 1493, 1483]);
    expect(tenth.rounds.at(-1)!.validationAccuracy).toBe(0.897);
    // Joules saved per byte saved, against the clients' transmit joules per byte sent (0.214 mJ).
    const perByteSent = scheduled.clientsTransmitJ / scheduled.bytesUp;
    expect(perByteSent * 1000).toBeCloseTo(0.2141, 4);
    const perByteSaved = (run: typeof tenth): number => (scheduled.energyJ - run.energyJ) / (scheduled.bytesUp - run.bytesUp);
    expect([perByteSaved(tenth) / perByteSent, perByteSaved(fiftieth) / perByteSent].map((r) => Math.round(r * 100) / 100)).toEqual([1, 0.89]);
    // Listening all the time, the same compression saves 0.4 % of the run.
    const alwaysSparse = run('scenarios/fl-mnist-iid.yaml', ['federated.compression.topK=0.02']);
    expect(1 - alwaysSparse.energyJ / always.energyJ).toBeCloseTo(0.0036, 4);
  });

  it('loses no round to 20 ppm of clock drift over 12 h with the default guard, and loses rounds without it', () => {
    const twelveHours = ['federated.schedule.period=72min'];
    const guarded = run('scenarios/fl-scheduled.yaml', twelveHours);
    expect(guarded.result.durationMs).toBe(12 * 3_600_000);
    expect(guarded.rounds.map((r) => r.participants)).toEqual(Array.from({ length: 10 }, () => 10));
    const unguarded = run('scenarios/fl-scheduled.yaml', [...twelveHours, 'federated.schedule.guard=1ms']);
    expect(unguarded.rounds.map((r) => r.dropouts)).toEqual([0, 4, 4, 5, 4, 4, 5, 4, 5, 5]);
  });
});
