import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { formatPartition, splitEvenly } from '../../src/transport/partition.ts';
import { createSimulation, type Simulation, type SimulationResult } from '../../src/run/simulate.ts';
import { prepareMqttTransport, type PreparedMqttTransport } from '../../src/transport/mqtt-transport.ts';
import { runWorkerSession, type WorkerResult } from '../../src/run/worker-session.ts';
import { loadScenario } from '../helpers/scenario.ts';

let prepared: PreparedMqttTransport | undefined;
afterEach(async () => {
  await prepared?.close();
  prepared = undefined;
});

/** The coordinator and `workers` worker sessions in this process, all through the embedded broker. */
async function runDistributed(file: string, sets: string[], partitions: number[][], nodesAsked: (part: number) => string, slices = 0) {
  const { scenario, swarm } = loadScenario(file, sets);
  const scenarioYaml = stringify(scenario);
  const n = swarm.nodes.length;
  prepared = await prepareMqttTransport({ runId: 'dist', nodes: n, remote: { partitions, scenarioYaml, joinTimeoutMs: 10_000 } });
  const broker = prepared.broker!;
  const credentials = { runId: 'dist', worker: broker.credentials.worker, nodes: swarm.nodes.map((_, i) => broker.credentials.node(i)) };
  // Handled at once: if the run fails first, the sessions' own failure must not surface later as an unhandled rejection in another test.
  const sessions = Promise.all(partitions.map((_, part) => runWorkerSession({ url: broker.url, runId: 'dist', nodes: nodesAsked(part), credentials, joinTimeoutMs: 10_000 })));
  sessions.catch(() => undefined);
  await prepared.workersReady();
  const remote = new Set(partitions.flat());
  const simulation = createSimulation(scenario, swarm, { transport: prepared.bind, hosted: swarm.nodes.map((_, i) => i).filter((i) => !remote.has(i)) });
  // As the CLI drives a run (its progress bar): in slices, then to the end.
  for (let k = 1; k <= slices; k++) await simulation.advanceAsync((scenario.duration * k) / slices);
  const result = await simulation.finishAsync();
  const workers = await sessions;
  return { scenario, swarm, simulation, result, workers };
}

function expectSameBooks(distributed: { simulation: Simulation; result: SimulationResult }, memory: { simulation: Simulation; result: SimulationResult }): void {
  expect(distributed.result).toEqual(memory.result);
  expect(distributed.simulation.tracker.frames).toEqual(memory.simulation.tracker.frames);
  expect(distributed.simulation.tracker.receptions).toEqual(memory.simulation.tracker.receptions);
  expect(distributed.simulation.tracker.nodes).toEqual(memory.simulation.tracker.nodes);
  expect(distributed.simulation.tracker.totals()).toEqual(memory.simulation.tracker.totals());
  expect(distributed.simulation.series.rows).toEqual(memory.simulation.series.rows);
}

function memoryRun(file: string, sets: string[], slices = 0) {
  const { scenario, swarm } = loadScenario(file, sets);
  const simulation = createSimulation(scenario, swarm);
  for (let k = 1; k <= slices; k++) simulation.advance((scenario.duration * k) / slices);
  return { simulation, result: simulation.finish() };
}

describe('nodes in worker sessions, through the embedded broker', () => {
  it('give exactly the one-process books with sleeping peers that die, broadcasts and fragments split over two workers', async () => {
    const memory = memoryRun('test/fixtures/busy-swarm.yaml', []);
    // The seeded run: 2,103 simulation events, 363 frames sent, 620 receptions received (broadcasts
    // reach several), 510 messages delivered, all 8 sleepers dead of an empty coin cell.
    expect(memory.result.events).toBe(2103);
    expect(memory.simulation.tracker.totals()).toMatchObject({ sent: 363, messageDeliveries: 510 });
    expect(memory.simulation.tracker.totals().fates.received).toBe(620);
    expect(memory.simulation.tracker.nodes.filter((node) => node.diedAtMs !== undefined).length).toBe(8);
    // Interleaved partitions: every peer exchange crosses processes.
    const partitions = [
      [1, 3, 5, 7, 9, 11, 13, 15],
      [2, 4, 6, 8],
    ];
    const distributed = await runDistributed('test/fixtures/busy-swarm.yaml', [], partitions, (part) => formatPartition(partitions[part]!));
    expectSameBooks(distributed, memory);
    const workers: WorkerResult[] = distributed.workers;
    expect(workers.map((worker) => worker.nodes)).toEqual(['1,3,5,7,9,11,13,15', '2,4,6,8']);
    expect(workers.every((worker) => worker.events > 0 && worker.windows > 0)).toBe(true);
  });

  it('gives the same books with every node in workers that asked for any partition (auto)', async () => {
    const sets = ['duration=3min', 'groups.1.count=40'];
    const memory = memoryRun('scenarios/aloha.yaml', sets);
    const partitions = splitEvenly(41, 3);
    const distributed = await runDistributed('scenarios/aloha.yaml', sets, partitions, () => 'auto');
    expectSameBooks(distributed, memory);
    expect(distributed.result.events).toBe(322);
    expect(distributed.workers.map((worker) => worker.nodes).sort()).toEqual(['0-13', '14-27', '28-40']);
    // The MQTT path carries the traffic: one tx publish per frame sent, one rx publish per frame
    // received (the sink is a gateway: no preamble notices travel).
    const published = () => prepared!.broker!.stats.published;
    for (let i = 0; i < 100 && published().tx + published().rx < 161 + 132; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(distributed.simulation.tracker.totals()).toMatchObject({ sent: 161, fates: { received: 132 } });
    expect([prepared!.broker!.stats.published.tx, prepared!.broker!.stats.published.rx]).toEqual([161, 132]);
    expect(distributed.simulation.nodes.every((node) => node === undefined)).toBe(true);
  });
});

describe('nodes in workers when the processing delay exceeds the lookahead (deliveries land windows after their frame)', () => {
  const odd = [1, 3, 5, 7, 9, 11, 13, 15];
  it('keeps the books when the last frame\u2019s receiver runs in the coordinator', async () => {
    const sets = ['seed=3', 'processingDelayMs=50', 'duration=37s'];
    const memory = memoryRun('test/fixtures/busy-swarm.yaml', sets);
    const distributed = await runDistributed('test/fixtures/busy-swarm.yaml', sets, [odd, [2, 4, 6, 8]], () => 'auto');
    expectSameBooks(distributed, memory);
    // The last window ends after the last event: every partition takes its last sample there.
    expect(memory.simulation.scheduler.nowMs).toBeGreaterThan(memory.result.drainedUntilMs);
    expect(distributed.simulation.series.rows.at(-1)!.atMs).toBe(memory.simulation.scheduler.nowMs);
  });

  // The gateway runs in a worker; the last frame ends shortly before the duration, so its
  // delivery reaches the worker with the op of the run's last window.
  // test/fixtures/late-delivery.yaml with an SF7 sender and a longer run.
  const lateDelivery = ['duration=100034', 'groups.1.radio.sf=7'];
  it.each([0, 200])('keeps the books when the last delivery goes to a worker just before the end (%i progress slices)', async (slices) => {
    const memory = memoryRun('test/fixtures/late-delivery.yaml', lateDelivery, slices);
    expect(memory.simulation.tracker.totals().unicastMessagesDelivered).toBe(4);
    const distributed = await runDistributed('test/fixtures/late-delivery.yaml', lateDelivery, [[0]], () => '0', slices);
    expectSameBooks(distributed, memory);
  });
});

describe('joining a run', () => {
  const sets = ['duration=1min', 'groups.1.count=9'];

  it('refuses a worker that asks for a partition the run does not offer, and still takes the right one', async () => {
    const { scenario, swarm } = loadScenario('scenarios/aloha.yaml', sets);
    prepared = await prepareMqttTransport({ runId: 'join', nodes: 10, remote: { partitions: [[5, 6, 7, 8, 9]], scenarioYaml: stringify(scenario), joinTimeoutMs: 10_000 } });
    const broker = prepared.broker!;
    const credentials = { runId: 'join', worker: broker.credentials.worker, nodes: swarm.nodes.map((_, i) => broker.credentials.node(i)) };
    await expect(runWorkerSession({ url: broker.url, runId: 'join', nodes: '4-9', credentials })).rejects.toThrow(
      'the coordinator of run join refused this worker: --nodes: expected one of the partitions the run gives to workers (5-9, or auto), found 4-9',
    );
    await expect(runWorkerSession({ url: broker.url, runId: 'join', nodes: '0-99', credentials })).rejects.toThrow('found "0-99": the swarm has 10 nodes');
    const good = runWorkerSession({ url: broker.url, runId: 'join', nodes: '5-9', credentials });
    await prepared.workersReady();
    await expect(runWorkerSession({ url: broker.url, runId: 'join', nodes: 'auto', credentials })).rejects.toThrow('every partition (5-9) already has a worker');
    const simulation = createSimulation(scenario, swarm, { transport: prepared.bind, hosted: [0, 1, 2, 3, 4] });
    const result = await simulation.finishAsync();
    expect(result).toEqual(memoryRun('scenarios/aloha.yaml', sets).result);
    expect((await good).nodes).toBe('5-9');
  });

  it('stops with a clear error when no worker joins in time, and the waiting worker learns that the run stopped', async () => {
    const { scenario } = loadScenario('scenarios/aloha.yaml', sets);
    prepared = await prepareMqttTransport({ runId: 'late', nodes: 10, remote: { partitions: [[0, 1], [2, 3]], scenarioYaml: stringify(scenario), joinTimeoutMs: 1_000 } });
    const broker = prepared.broker!;
    const credentials = { runId: 'late', worker: broker.credentials.worker, nodes: Array.from({ length: 10 }, (_, i) => broker.credentials.node(i)) };
    const lone = runWorkerSession({ url: broker.url, runId: 'late', nodes: '2-3', credentials });
    const loneSettled = lone.catch((error: unknown) => error);
    await expect(prepared.workersReady()).rejects.toThrow('no worker joined for nodes 0-1 within 1 s');
    await prepared.close('no worker joined for nodes 0-1');
    prepared = undefined;
    const error = await loneSettled;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('RunAbortedError');
    expect((error as Error).message).toBe('the coordinator stopped run late: no worker joined for nodes 0-1');
  });

  it('offers a partition again when its worker fails before joining, and stops the run when a joined worker fails', async () => {
    const { scenario, swarm } = loadScenario('scenarios/aloha.yaml', sets);
    prepared = await prepareMqttTransport({ runId: 'again', nodes: 10, remote: { partitions: [[5, 6, 7, 8, 9]], scenarioYaml: stringify(scenario), joinTimeoutMs: 10_000 } });
    const broker = prepared.broker!;
    const credentials = { runId: 'again', worker: broker.credentials.worker, nodes: swarm.nodes.map((_, i) => broker.credentials.node(i)) };
    // Nine nodes' credentials for a ten-node run: the worker fails after it was assigned 5-9.
    await expect(runWorkerSession({ url: broker.url, runId: 'again', nodes: 'auto', credentials: { ...credentials, nodes: credentials.nodes.slice(0, 9) } })).rejects.toThrow(
      "--credentials: expected credentials for the run's 10 nodes, found 9",
    );
    const good = runWorkerSession({ url: broker.url, runId: 'again', nodes: 'auto', credentials });
    await prepared.workersReady();
    const simulation = createSimulation(scenario, swarm, { transport: prepared.bind, hosted: [0, 1, 2, 3, 4] });
    expect(await simulation.finishAsync()).toEqual(memoryRun('scenarios/aloha.yaml', sets).result);
    expect((await good).nodes).toBe('5-9');
  });

  it('tells a worker that no run answered', async () => {
    prepared = await prepareMqttTransport({ runId: 'other', nodes: 2 });
    const broker = prepared.broker!;
    const credentials = { runId: 'other', worker: broker.credentials.worker, nodes: [broker.credentials.node(0), broker.credentials.node(1)] };
    await expect(runWorkerSession({ url: broker.url, runId: 'other', nodes: 'auto', credentials, joinTimeoutMs: 1_500 })).rejects.toThrow(
      `no coordinator of run other answered at ${broker.url} within 1.5 s`,
    );
  });
});

/** aloha with 19 senders for 3 minutes, nodes 10–19 in a worker session: the run others attack. */
async function startHalfInWorker(runId: string) {
  const sets = ['duration=3min', 'groups.1.count=19'];
  const { scenario, swarm } = loadScenario('scenarios/aloha.yaml', sets);
  prepared = await prepareMqttTransport({ runId, nodes: 20, remote: { partitions: [[10, 11, 12, 13, 14, 15, 16, 17, 18, 19]], scenarioYaml: stringify(scenario), joinTimeoutMs: 10_000 } });
  const broker = prepared.broker!;
  const credentials = { runId, worker: broker.credentials.worker, nodes: swarm.nodes.map((_, i) => broker.credentials.node(i)) };
  const session = runWorkerSession({ url: broker.url, runId, nodes: 'auto', credentials });
  await prepared.workersReady();
  return { sets, scenario, swarm, broker, session, run: prepared };
}

describe('a rogue client with worker credentials', () => {
  it('has its thousands of malformed control messages counted and dropped while a distributed run gives the one-process books', async () => {
    const mqttLib = (await import('mqtt')).default;
    const { sets, scenario, swarm, broker, session, run } = await startHalfInWorker('rogue');
    const rogue = await mqttLib.connectAsync(broker.url, { ...broker.credentials.worker, clientId: 'rogue', reconnectPeriod: 0 });
    try {
      let state = 99;
      const random = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) & 0xff;
      const simulation = createSimulation(scenario, swarm, { transport: run.bind, hosted: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
      const running = simulation.finishAsync();
      let sent = 0;
      for (let i = 0; i < 3000; i++) {
        const kind = ['hello', 'join', 'report', 'other'][i % 4]!;
        // Random bytes, and chunk headers with a good magic but a wrong version.
        const payload = i % 2 === 0 ? Uint8Array.from({ length: (i % 60) + 1 }, random) : Uint8Array.from([0x4c, 0x43, 7, ...Array.from({ length: 20 }, random)]);
        rogue.publish(`swarm/rogue/ctl/workers/r${i % 7}/${kind}`, Buffer.from(payload));
        sent++;
      }
      // And topics outside the protocol's shape.
      for (const topic of ['swarm/rogue/ctl/workers/UPPER/hello', 'swarm/rogue/ctl/workers/x/report/extra', 'swarm/rogue/ctl/workers/x']) {
        rogue.publish(topic, 'junk');
        sent++;
      }
      const result = await running;
      expect(result).toEqual(memoryRun('scenarios/aloha.yaml', sets).result);
      for (let i = 0; i < 200 && run.malformed < sent; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(run.malformed).toBe(sent);
      expect((await session).nodes).toBe('10-19');
    } finally {
      await rogue.endAsync(true);
    }
  });

  it('keeps the one-process books and a bounded heap under 12,000 hostile messages from every role\'s credentials (issue 15)', async () => {
    const mqttLib = (await import('mqtt')).default;
    const { getHeapStatistics } = await import('node:v8');
    const { sets, scenario, swarm, broker, session, run } = await startHalfInWorker('hostile');
    const asWorker = await mqttLib.connectAsync(broker.url, { ...broker.credentials.worker, clientId: 'hostile-rogue-worker', reconnectPeriod: 0 });
    // Node 3's credential, with a client id of its own (taking node 3's would stop the run, as it should).
    const asNode = await mqttLib.connectAsync(broker.url, { ...broker.credentials.node(3), clientId: 'hostile-rogue-node', reconnectPeriod: 0 });
    const heapBefore = getHeapStatistics().used_heap_size;
    let state = 15;
    const random = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) & 0xff;
    /** A chunk header with a good magic and version, claiming up to 2^32 - 1 chunks. */
    const header = (i: number): number[] => [0x4c, 0x43, 1, random(), random(), random(), random(), 0, 0, 0, i % 3, random(), random(), random(), random()];
    try {
      const simulation = createSimulation(scenario, swarm, { transport: run.bind, hosted: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
      const running = simulation.finishAsync();
      let counted = 0;
      for (let i = 0; i < 6000; i++) {
        // Worker role: every kind of control topic, made-up and real-looking worker ids, headers claiming huge counts.
        const kind = ['hello', 'join', 'report', 'failed', 'gone', 'other'][i % 6]!;
        const body = Array.from({ length: (i % 40) + 1 }, random);
        asWorker.publish(`swarm/hostile/ctl/workers/w${i % 50}/${kind}`, Buffer.from(i % 3 === 0 ? body : [...header(i), ...body]));
        if (kind !== 'gone') counted++;
      }
      for (let i = 0; i < 6000; i++) {
        // Node role: its own tx topic (the only one it may write), with envelopes that are not.
        asNode.publish('swarm/hostile/tx/3', Buffer.from(Array.from({ length: (i % 60) + 1 }, random)));
        counted++;
      }
      const result = await running;
      expect(result).toEqual(memoryRun('scenarios/aloha.yaml', sets).result);
      for (let i = 0; i < 300 && run.malformed < counted; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(run.malformed).toBe(counted);
      expect((await session).nodes).toBe('10-19');
      // What they cost the coordinator: far below what a header's claims would have (up to 2^32 chunks each).
      expect(getHeapStatistics().used_heap_size - heapBefore).toBeLessThan(128 * 2 ** 20);
    } finally {
      await asWorker.endAsync(true);
      await asNode.endAsync(true);
    }
    // The viewer role may publish nothing: each attempt is refused and its connection closed.
    for (let i = 0; i < 20; i++) {
      const asViewer = await mqttLib.connectAsync(broker.url, { ...broker.credentials.viewer, clientId: `hostile-viewer-${i}`, reconnectPeriod: 0 });
      const closed = new Promise<void>((resolve) => asViewer.once('close', () => resolve()));
      asViewer.publish(['swarm/hostile/ctl/run/all/abort', 'swarm/hostile/tx/0', 'swarm/hostile/metrics/live'][i % 3]!, Buffer.from('x'));
      await closed;
      await asViewer.endAsync(true);
    }
    expect(broker.stats.refused.publish).toBe(20);
  });
});
