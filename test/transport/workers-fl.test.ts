import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { formatPartition } from '../../src/transport/partition.ts';
import { createSimulation, type Simulation, type SimulationResult } from '../../src/run/simulate.ts';
import { prepareMqttTransport, type PreparedMqttTransport } from '../../src/transport/mqtt-transport.ts';
import { runWorkerSession } from '../../src/run/worker-session.ts';
import { prepareFederated } from '../../src/fl/setup.ts';
import { federatedTaskDigest } from '../../src/fl/task-digest.ts';
import { loadScenario } from '../helpers/scenario.ts';

let prepared: PreparedMqttTransport | undefined;
afterEach(async () => {
  await prepared?.close();
  prepared = undefined;
});

/** The coordinator, with the federated coordinator node, and a worker session per partition in this process, through the embedded broker. */
async function runDistributed(file: string, sets: string[], partitions: number[][], trainingThreads = 0) {
  const { scenario, swarm } = loadScenario(file, sets);
  const n = swarm.nodes.length;
  prepared = await prepareMqttTransport({ runId: 'fl', nodes: n, remote: { partitions, scenarioYaml: stringify(scenario), joinTimeoutMs: 10_000, taskDigest: federatedTaskDigest(prepareFederated(scenario, swarm)) } });
  const broker = prepared.broker!;
  const credentials = { runId: 'fl', worker: broker.credentials.worker, nodes: swarm.nodes.map((_, i) => broker.credentials.node(i)) };
  // Handled at once: if the run fails first, the sessions' own failure must not surface later as an unhandled rejection in another test.
  const sessions = Promise.all(partitions.map((partition) => runWorkerSession({ url: broker.url, runId: 'fl', nodes: formatPartition(partition), credentials, joinTimeoutMs: 10_000, trainingThreads })));
  sessions.catch(() => undefined);
  await prepared.workersReady();
  const remote = new Set(partitions.flat());
  const simulation = createSimulation(scenario, swarm, { transport: prepared.bind, federated: prepareFederated(scenario, swarm), hosted: swarm.nodes.map((_, i) => i).filter((i) => !remote.has(i)) });
  const result = await simulation.finishAsync();
  const workers = await sessions;
  return { simulation, result, workers };
}

/** The whole run in this process over the embedded broker (every frame through it). */
async function mqttRun(file: string, sets: string[]) {
  const { scenario, swarm } = loadScenario(file, sets);
  prepared = await prepareMqttTransport({ runId: 'fl1', nodes: swarm.nodes.length });
  const simulation = createSimulation(scenario, swarm, { transport: prepared.bind, federated: prepareFederated(scenario, swarm) });
  return { simulation, result: await simulation.finishAsync() };
}

function memoryRun(file: string, sets: string[]) {
  const { scenario, swarm } = loadScenario(file, sets);
  const simulation = createSimulation(scenario, swarm, { federated: prepareFederated(scenario, swarm) });
  return { simulation, result: simulation.finish() };
}

type Run = { readonly simulation: Simulation; readonly result: SimulationResult };

function expectSameRounds(distributed: Run, memory: Run): void {
  expect(distributed.simulation.federated!.rounds).toEqual(memory.simulation.federated!.rounds);
  expect(distributed.simulation.federated!.global).toEqual(memory.simulation.federated!.global);
  expect(distributed.result).toEqual(memory.result);
  expect(distributed.simulation.tracker.frames).toEqual(memory.simulation.tracker.frames);
  expect(distributed.simulation.tracker.receptions).toEqual(memory.simulation.tracker.receptions);
  expect(distributed.simulation.tracker.totals()).toEqual(memory.simulation.tracker.totals());
  expect(distributed.simulation.series.rows).toEqual(memory.simulation.series.rows);
}

describe('federated learning with clients in worker sessions', () => {
  it('trains fl-mnist-iid with its clients split over two workers, each training on a thread of its own: the same rounds, model and books', async () => {
    const sets = ['federated.rounds=2'];
    const memory = memoryRun('scenarios/fl-mnist-iid.yaml', sets);
    const partitions = [
      [1, 3, 5, 7, 9, 11, 13, 15, 17, 19],
      [2, 4, 6, 8, 10, 12, 14, 16, 18, 20],
    ];
    const distributed = await runDistributed('scenarios/fl-mnist-iid.yaml', sets, partitions, 1);
    expectSameRounds(distributed, memory);
    const rounds = distributed.simulation.federated!.rounds;
    expect(rounds.map((r) => [r.participants, r.validationAccuracy])).toEqual([[10, 0.823], [10, 0.876]]);
    // The seeded run: the workers' clients ran 2,970 and 3,322 of the 7,227 events.
    expect(memory.result.events).toBe(7227);
    expect(distributed.workers.map((worker) => worker.events)).toEqual([2970, 3322]);
  }, 120_000);

  /** Every node but the coordinator in one of two workers, alternately. */
  function alternate(file: string, sets: string[]): number[][] {
    const { scenario, swarm } = loadScenario(file, sets);
    const coordinator = prepareFederated(scenario, swarm).coordinator;
    const others = swarm.nodes.map((_, i) => i).filter((i) => i !== coordinator);
    return [others.filter((_, k) => k % 2 === 0), others.filter((_, k) => k % 2 === 1)];
  }

  // [file, sets, what the seeded run shows: per round [selected, participants, drop-outs, abandoned, stragglers, chunks resent, validation accuracy]]
  const cases: [string, string, string[], number[][]][] = [
    ['clients drop out (too slow to train): the coordinator learns it at the exchange', 'scenarios/fl-mnist-iid.yaml', ['federated.rounds=2', 'federated.stragglers=drop', 'federated.computeFactor=200000'], [[10, 0, 0, 0, 10, 0, 0.062], [10, 0, 0, 0, 10, 0, 0.062]]],
    ['frames are lost: chunks asked for again, an update abandoned', 'scenarios/fl-mnist-iid.yaml', ['federated.rounds=2', 'extraLossProbability=0.1'], [[10, 10, 0, 0, 0, 82, 0.823], [10, 8, 1, 1, 0, 84, 0.872]]],
    ['rounds are scheduled, with sleeping clients and slotted uplinks: their sessions reach the run\'s ether', 'scenarios/fl-scheduled.yaml', ['federated.rounds=2', 'duration=80min'], [[10, 10, 0, 0, 0, 0, 0.823], [10, 10, 0, 0, 0, 0, 0.876]]],
    ['a client and then the coordinator die: the round under way ends there', 'scenarios/fl-mnist-iid.yaml', ['federated.rounds=4', 'faults=[{node: board-4, at: 30min}, {node: gateway, at: 100min}]'], [[10, 10, 0, 0, 0, 34, 0.823], [10, 10, 0, 0, 0, 9, 0.871], [10, 0, 0, 0, 0, 0, Number.NaN]]],
    ['clients are below the charge asked for: each worker says which of its clients may be picked', 'scenarios/fl-mnist-iid.yaml', ['federated.rounds=3', 'federated.minStateOfCharge=0.9995'], [[10, 10, 0, 0, 0, 34, 0.823], [0, 0, 0, 0, 0, 0, 0.823], [0, 0, 0, 0, 0, 0, 0.823]]],
    ['erasure-coded chunks are lost and rebuilt from parity', 'scenarios/fl-scheduled.yaml', ['federated.rounds=3', 'duration=120min', 'extraLossProbability=0.2'], [[10, 0, 5, 5, 0, 58, 0.062], [10, 2, 2, 6, 0, 84, 0.82], [10, 1, 3, 6, 0, 100, 0.845]]],
    ['updates are top-k compressed with error feedback', 'scenarios/fl-compression.yaml', ['federated.rounds=2'], [[10, 10, 0, 0, 0, 6, 0.781], [10, 10, 0, 0, 0, 4, 0.855]]],
  ];
  it('rebuilds erasure-coded chunks over the broker in one process as in memory: a received frame is the receiver\'s own copy', async () => {
    // A frame's bytes were a view into the MQTT packet, and rebuilding a chunk from parity rewrote the kept parity: the next rebuild failed to decode.
    const sets = ['federated.rounds=3', 'duration=120min', 'extraLossProbability=0.2'];
    const memory = memoryRun('scenarios/fl-scheduled.yaml', sets);
    expect(memory.simulation.federated!.rounds.map((r) => r.recoveredChunks)).toEqual([33, 65, 53]);
    expectSameRounds(await mqttRun('scenarios/fl-scheduled.yaml', sets), memory);
  }, 120_000);

  it('has a worker refuse a run whose federated task differs from its own (data, partitions, initial model), saying so', async () => {
    const { scenario, swarm } = loadScenario('scenarios/fl-mnist-iid.yaml', []);
    // The run's digest of another task: a worker with another loraswarm version's data or partitioner.
    prepared = await prepareMqttTransport({ runId: 'other', nodes: swarm.nodes.length, remote: { partitions: [[1, 3]], scenarioYaml: stringify(scenario), joinTimeoutMs: 10_000, taskDigest: 'f'.repeat(64) } });
    const broker = prepared.broker!;
    const credentials = { runId: 'other', worker: broker.credentials.worker, nodes: swarm.nodes.map((_, i) => broker.credentials.node(i)) };
    const own = federatedTaskDigest(prepareFederated(scenario, swarm));
    await expect(runWorkerSession({ url: broker.url, runId: 'other', nodes: '1,3', credentials, joinTimeoutMs: 10_000 })).rejects.toThrow(
      `this worker's federated task is not run other's: its data, partitions or initial model differ (digest ${own.slice(0, 12)}, the run's ffffffffffff); run the same loraswarm version as the run`,
    );
    // The task's digest is the same each time it is prepared, and another seed's partitions give another.
    expect(federatedTaskDigest(prepareFederated(scenario, swarm))).toBe(own);
    const reseeded = loadScenario('scenarios/fl-mnist-iid.yaml', ['seed=2']);
    expect(federatedTaskDigest(prepareFederated(reseeded.scenario, reseeded.swarm))).not.toBe(own);
  });

  for (const [what, file, sets, expected] of cases) {
    it(`gives the one-process rounds when ${what}`, async () => {
      const memory = memoryRun(file, sets);
      const rounds = memory.simulation.federated!.rounds;
      expect(rounds.map((r) => [r.selected, r.participants, r.dropouts, r.abandoned, r.stragglers, r.resentChunks, r.validationAccuracy])).toEqual(expected);
      expectSameRounds(await runDistributed(file, sets, alternate(file, sets)), memory);
    }, 120_000);
  }
});
