import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { formatPartition } from '../../src/transport/partition.ts';
import { createSimulation, type Simulation, type SimulationResult } from '../../src/run/simulate.ts';
import type { InferenceEngine } from '../../src/inference/engine.ts';
import { prepareMqttTransport, type PreparedMqttTransport } from '../../src/transport/mqtt-transport.ts';
import { runWorkerSession } from '../../src/run/worker-session.ts';
import { inferenceFor } from '../../src/inference/load-model.ts';
import { servedModelDigest } from '../../src/inference/model-digest.ts';
import { loadScenario } from '../helpers/scenario.ts';

let prepared: PreparedMqttTransport | undefined;
afterEach(async () => {
  await prepared?.close();
  prepared = undefined;
});

/** The coordinator, with the entry, and a worker session per partition in this process, through the embedded broker. */
async function runDistributed(file: string, sets: string[], partitions: number[][]) {
  const { scenario, swarm } = loadScenario(file, sets);
  const n = swarm.nodes.length;
  prepared = await prepareMqttTransport({ runId: 'inf', nodes: n, remote: { partitions, scenarioYaml: stringify(scenario), joinTimeoutMs: 10_000, modelDigest: servedModelDigest(inferenceFor(scenario, swarm)!) } });
  const broker = prepared.broker!;
  const credentials = { runId: 'inf', worker: broker.credentials.worker, nodes: swarm.nodes.map((_, i) => broker.credentials.node(i)) };
  // Handled at once: if the run fails first, the sessions' own failure must not surface later as an unhandled rejection in another test.
  const sessions = Promise.all(partitions.map((partition) => runWorkerSession({ url: broker.url, runId: 'inf', nodes: formatPartition(partition), credentials, joinTimeoutMs: 10_000 })));
  sessions.catch(() => undefined);
  await prepared.workersReady();
  const remote = new Set(partitions.flat());
  const simulation = createSimulation(scenario, swarm, { transport: prepared.bind, inference: inferenceFor(scenario, swarm)!, hosted: swarm.nodes.map((_, i) => i).filter((i) => !remote.has(i)) });
  const result = await simulation.finishAsync();
  const workers = await sessions;
  return { simulation, result, workers };
}

function memoryRun(file: string, sets: string[]) {
  const { scenario, swarm } = loadScenario(file, sets);
  const simulation = createSimulation(scenario, swarm, { inference: inferenceFor(scenario, swarm)! });
  return { simulation, result: simulation.finish() };
}

type Run = { readonly simulation: Simulation; readonly result: SimulationResult };

/** The distributed run's records and books are the one-process run's; returns its engine. */
function expectSameServing(distributed: Run, memory: Run): InferenceEngine {
  const engine = distributed.simulation.inference!;
  const reference = memory.simulation.inference!;
  expect(engine.requests).toEqual(reference.requests);
  expect(engine.tokens).toEqual(reference.tokens);
  expect(engine.counters).toEqual(reference.counters);
  expect(engine.expertLoad).toEqual(reference.expertLoad);
  expect(engine.attributedUj).toEqual(reference.attributedUj);
  expect(distributed.result).toEqual(memory.result);
  expect(distributed.simulation.tracker.frames).toEqual(memory.simulation.tracker.frames);
  expect(distributed.simulation.tracker.receptions).toEqual(memory.simulation.tracker.receptions);
  expect(distributed.simulation.tracker.totals()).toEqual(memory.simulation.tracker.totals());
  expect(distributed.simulation.series.rows).toEqual(memory.simulation.series.rows);
  return engine;
}

describe('swarm inference with nodes in worker sessions', () => {
  it('serves the quickstart with every layer node but the entry in workers: the same tokens, requests and books', async () => {
    const memory = memoryRun('scenarios/quickstart.yaml', []);
    const partitions = [
      [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23],
      [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22],
    ];
    const distributed = await runDistributed('scenarios/quickstart.yaml', [], partitions);
    const engine = expectSameServing(distributed, memory);
    // The seeded run: 38 token passes serve the 5 requests over 328 hops; the workers' nodes ran 389 and 281 of the 1,911 events.
    expect(engine.tokens.length).toBe(38);
    expect(engine.requests.map((request) => request.status)).toEqual(new Array(5).fill('complete'));
    expect(engine.tokens.reduce((sum, token) => sum + token.hops, 0)).toBe(328);
    expect(memory.result.events).toBe(1911);
    expect(distributed.workers.map((worker) => worker.events)).toEqual([389, 281]);
  }, 60_000);

  it('has a worker refuse a run whose model differs from its own (weights or placement), saying so', async () => {
    const { scenario, swarm } = loadScenario('scenarios/quickstart.yaml', []);
    const n = swarm.nodes.length;
    // The run's digest of another model: a worker on a machine with another checkpoint under the same name.
    prepared = await prepareMqttTransport({ runId: 'other', nodes: n, remote: { partitions: [[1, 3]], scenarioYaml: stringify(scenario), joinTimeoutMs: 10_000, modelDigest: 'f'.repeat(64) } });
    const broker = prepared.broker!;
    const credentials = { runId: 'other', worker: broker.credentials.worker, nodes: swarm.nodes.map((_, i) => broker.credentials.node(i)) };
    const own = servedModelDigest(inferenceFor(scenario, swarm)!);
    await expect(runWorkerSession({ url: broker.url, runId: 'other', nodes: '1,3', credentials, joinTimeoutMs: 10_000 })).rejects.toThrow(
      `this worker's model is not run other's: its weights or placement differ (digest ${own.slice(0, 12)}, the run's ffffffffffff); give it the run's checkpoint "tinyseek-names"`,
    );
  });

  it('refuses a run whose own nodes leave out the entry, which keeps the records', () => {
    const { scenario, swarm } = loadScenario('scenarios/quickstart.yaml', []);
    const inference = inferenceFor(scenario, swarm)!;
    expect(() => createSimulation(scenario, swarm, { inference, hosted: [1, 2, 3] })).toThrow(new RangeError("the inference entry (node 0) must run in the run's process, which keeps the requests' records"));
  });

  // Boards 0 and 1 (nodes 1 and 2, one in each worker) die at 40 min: with a detection delay the
  // calls to them time out four times before the routes are repaired; without, once.
  for (const [detection, timeouts, events] of [['5min', 4, 4109], ['0', 1, 4098]] as const) {
    it(`fails over as one process does when expert holders in workers die (deathDetection ${detection})`, async () => {
      const sets = [`inference.deathDetection=${detection}`];
      const memory = memoryRun('scenarios/inference-replicas.yaml', sets);
      const partitions = [
        [1, 4, 7, 10, 13, 16, 19, 22],
        [2, 5, 8, 11, 14, 17, 20, 23],
      ];
      const distributed = await runDistributed('scenarios/inference-replicas.yaml', sets, partitions);
      const engine = expectSameServing(distributed, memory);
      expect(engine.tokens.length).toBe(102);
      expect(engine.requests.map((request) => request.status)).toEqual(new Array(13).fill('complete'));
      expect(engine.counters).toMatchObject({ timeouts, retries: timeouts, unknownMessages: 0 });
      expect(memory.result.events).toBe(events);
    }, 120_000);
  }

  // Relays, link-aware expert skipping with a node limit on the gate, speculative passes: each
  // crosses processes with the nodes but the entry split over two workers (every third node to
  // neither, every third to each).
  const paths: [title: string, file: string, sets: string[], figure: (engine: InferenceEngine) => number, expected: number][] = [
    // Packed from a corner, the activations travel hop by hop: 364 hops for 25 tokens, twice radio-aware placement's 182.
    ['relays messages hop by hop over a spread swarm (hops in all)', 'scenarios/inference-spread.yaml', ['model.placement.strategy=pack'], (e) => e.tokens.reduce((sum, t) => sum + t.hops, 0), 364],
    ['skips far experts and limits the nodes a token spans (experts skipped)', 'scenarios/inference-spread.yaml', ['inference.maxNodesPerToken=2', 'inference.skipExperts.maxCallMs=100'], (e) => e.tokens.reduce((sum, t) => sum + t.expertsSkipped, 0), 40],
    ['carries speculative passes of several positions (draft tokens)', 'scenarios/quickstart.yaml', ['inference.speculative.draft=tinyseek-names-draft'], (e) => e.tokens.reduce((sum, t) => sum + t.drafted, 0), 39],
  ];
  for (const [title, file, sets, figure, expected] of paths) {
    it(`${title}: the same tokens and books`, async () => {
      const memory = memoryRun(file, sets);
      const entry = memory.simulation.inference!.requests[0]!.entry;
      const others = memory.simulation.nodes.map((_, i) => i).filter((i) => i !== entry);
      const partitions = [0, 1].map((part) => others.filter((_, k) => k % 3 === part));
      const engine = expectSameServing(await runDistributed(file, sets, partitions), memory);
      expect(figure(engine)).toBe(expected);
    }, 120_000);
  }
});
