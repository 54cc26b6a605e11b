/**
 * Federated learning over the radio: every byte of every round in frames that met their fates,
 * the round's joules the ledgers' own, and a model that learns (seeded, exact).
 */
import { describe, expect, it } from 'vitest';
import { readScenario } from '../../src/scenario/read-scenario.ts';
import { prepareFederated } from '../../src/fl/setup.ts';
import { createSimulation } from '../../src/run/simulate.ts';
import { createClassifier } from '../../src/model/classifier.ts';
import { InputError } from '../../src/scenario/errors.ts';

function run(sets: readonly string[] = []) {
  const loaded = readScenario('scenarios/fl-mnist-iid.yaml', { sets });
  const setup = prepareFederated(loaded.scenario, loaded.swarm);
  const simulation = createSimulation(loaded.scenario, loaded.swarm, { federated: setup });
  simulation.finish();
  return { ...loaded, setup, simulation, rounds: simulation.federated!.rounds };
}

describe('federated learning over the radio (fl-mnist-iid)', () => {
  const { simulation, rounds, setup } = run(['federated.rounds=4']);
  // Two rounds at 10 % extra loss: run once for the two tests that read its books (neither changes them).
  let lossyRun: ReturnType<typeof run> | undefined;
  const lossyTwoRounds = (): ReturnType<typeof run> => (lossyRun ??= run(['federated.rounds=2', 'extraLossProbability=0.1']));

  it('learns: validation accuracy per round, exactly for seed 1', () => {
    expect(rounds.map((r) => r.validationAccuracy)).toEqual([0.823, 0.876, 0.881, 0.881]);
    expect(rounds.map((r) => r.participants)).toEqual([10, 10, 10, 10]);
    expect(setup.coordinator).toBe(0);
  });

  it('accounts every byte: the rounds\' bytes up and down and frames are the frames sent', () => {
    const frames = simulation.tracker.frames.filter((f) => f.outcome === 'sent');
    const coordinator = setup.coordinator;
    expect(rounds.reduce((s, r) => s + r.frames, 0)).toBe(frames.length);
    expect(rounds.reduce((s, r) => s + r.bytesDown, 0)).toBe(frames.filter((f) => f.sender === coordinator).reduce((s, f) => s + f.phyBytes, 0));
    expect(rounds.reduce((s, r) => s + r.bytesUp, 0)).toBe(frames.filter((f) => f.sender !== coordinator).reduce((s, f) => s + f.phyBytes, 0));
    expect(rounds.reduce((s, r) => s + r.airtimeMs, 0)).toBeCloseTo(frames.reduce((s, f) => s + f.airtimeMs, 0), 6);
    // Every frame met one fate per addressed receiver.
    const totals = simulation.tracker.totals();
    expect(Object.values(totals.fates).reduce((s, n) => s + n, 0)).toBe(totals.receptions);
    expect(totals.dutyCycleBlocked).toBe(0);
  });

  it('attributes to the rounds exactly the ledgers\' transmit, receive, compute and processing energy', () => {
    const ledgers = simulation.runtimes.reduce((sum, runtime) => {
      const e = runtime!.ledger.totals().energyByStateUj;
      return sum + e.transmit + e.receive + e.compute + e.idle;
    }, 0);
    const attributed = rounds.reduce((s, r) => s + r.energyUj.transmit + r.energyUj.receive + r.energyUj.compute + r.energyUj.idle, 0);
    expect(attributed).toBeCloseTo(ledgers, 3);
    expect(rounds.every((r) => r.energyUj.compute > 0 && r.listenUj > 0)).toBe(true);
  });

  it('recovers lost chunks, and abandons an update after the bound', () => {
    const lossy = lossyTwoRounds();
    // [aggregated, abandoned after the bound, dropped out (a download never completed, or late), chunks sent again]
    expect(lossy.rounds.map((r) => [r.participants, r.abandoned, r.dropouts, r.resentChunks])).toEqual([[10, 0, 0, 82], [8, 1, 1, 84]]);
    expect(lossy.rounds.map((r) => r.validationAccuracy)).toEqual([0.823, 0.872]);
    // Each round's frames went out within the round: nothing of a closed round is sent later.
    const fl = lossy.simulation.tracker.frames.filter((f) => f.outcome === 'sent');
    for (const r of lossy.rounds) expect(fl.filter((f) => f.atMs >= r.startMs && f.atMs <= r.endMs).length).toBe(r.frames);
  });

  it('rebuilds lost chunks from parity with erasure coding, asking again for fewer', () => {
    const plain = lossyTwoRounds();
    const coded = run(['federated.rounds=2', 'extraLossProbability=0.1', 'federated.fec={groupSize: 4}']);
    expect(coded.rounds.map((r) => [r.participants, r.resentChunks, r.recoveredChunks])).toEqual([[10, 47, 56], [10, 34, 51]]);
    expect(plain.rounds.map((r) => [r.participants, r.resentChunks, r.recoveredChunks])).toEqual([[10, 82, 0], [8, 84, 0]]);
  });

  it("rebuilds with TS004's code at 10 % extra loss: every update arrives, fewer chunks asked again than without a code or with XOR parity", () => {
    const ts004 = run(['federated.rounds=2', 'extraLossProbability=0.1', 'federated.fec={code: ts004, redundancy: 0.2}']);
    // [aggregated, abandoned, dropped out, chunks sent again, chunks rebuilt, frames]: against 82 and 84 sent again without a code, 47 and 34 with XOR (groups of 4).
    expect(ts004.rounds.map((r) => [r.participants, r.abandoned, r.dropouts, r.resentChunks, r.recoveredChunks, r.frames])).toEqual([
      [10, 0, 0, 21, 71, 483],
      [10, 0, 0, 39, 75, 502],
    ]);
  });

  it('trains declared partial models: only the last tensor moves', () => {
    const partial = run(['federated.rounds=1', 'federated.trainLastTensors=1']);
    expect(partial.setup.trainable.every((keep) => keep === 1)).toBe(true);
    expect(partial.rounds[0]!.participants).toBe(10);
    // After the round the task holds the new global model: the weights are still the initial ones, the bias moved.
    const initial = createClassifier('logistic', 784, 10, 1);
    const [weights, bias] = partial.setup.task.params;
    expect(weights!.value).toEqual(initial.params[0]!.value);
    expect(bias!.value).not.toEqual(initial.params[1]!.value);
  });

  it('runs a prepared setup twice to the same rounds: each run starts from the task\'s initial model, not the last run\'s', () => {
    const loaded = readScenario('scenarios/fl-mnist-iid.yaml', { sets: ['federated.rounds=2'] });
    const prepared = prepareFederated(loaded.scenario, loaded.swarm);
    const accuracies = [1, 2].map(() => {
      const simulation = createSimulation(loaded.scenario, loaded.swarm, { federated: prepared });
      simulation.finish();
      return simulation.federated!.rounds.map((r) => r.validationAccuracy);
    });
    expect(accuracies).toEqual([[0.823, 0.876], [0.823, 0.876]]);
  });

  it('runs FedBuff on the radio: buffers applied as updates arrive, staleness discounted', () => {
    const buffered = run(['federated.rounds=3', 'federated.strategy={kind: fedbuff, bufferSize: 4, serverLearningRate: 1}']);
    expect(buffered.rounds.map((r) => r.validationAccuracy)).toEqual([0.815, 0.892, 0.889]);
    // A buffer larger than a round's updates carries over: the first round changes nothing.
    const large = run(['federated.rounds=3', 'federated.strategy={kind: fedbuff, bufferSize: 15, serverLearningRate: 1}']);
    expect(large.rounds.map((r) => r.validationAccuracy)).toEqual([0.062, 0.838, 0.858]);
  });
});

describe('federated learning of TinySeek on the names (fl-names)', () => {
  it('lowers the validation bits per character round by round, non-IID by list', () => {
    const loaded = readScenario('scenarios/fl-names.yaml', { sets: ['federated.rounds=3'] });
    const setup = prepareFederated(loaded.scenario, loaded.swarm);
    // Dirichlet(0.5) over the three lists: boards lean to one list.
    const shares = setup.partitions.map((part) => Math.max(...[0, 1, 2].map((l) => Array.from(part).filter((i) => setup.task.labels[i] === l).length)) / part.length);
    expect(shares.filter((s) => s > 0.6).length).toBeGreaterThanOrEqual(10);
    const simulation = createSimulation(loaded.scenario, loaded.swarm, { federated: setup });
    simulation.finish();
    const bits = simulation.federated!.rounds.map((r) => Number((r.validationLoss / Math.LN2).toFixed(4)));
    expect(bits).toEqual([3.7337, 3.5116, 3.4031]);
    expect(simulation.federated!.rounds.map((r) => r.participants)).toEqual([6, 6, 6]);
  }, 60_000);
});

describe('federated setup errors', () => {
  it('refuses an impossible partition as an input error, naming the key', () => {
    const loaded = readScenario('scenarios/fl-mnist-iid.yaml', { sets: ['federated.partition={kind: shards, perClient: 1000}'] });
    expect(() => prepareFederated(loaded.scenario, loaded.swarm)).toThrow(InputError);
    expect(() => prepareFederated(loaded.scenario, loaded.swarm)).toThrow(/federated\.partition.*expected at most one shard per sample, found 20000 shards for 9000 samples/);
  });
});
