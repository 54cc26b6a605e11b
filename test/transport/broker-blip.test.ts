/**
 * Issue 15, finding 15: a broker blip does not stop a run. The embedded broker drops every
 * connection again and again mid-run (while frames, deliveries, ops and reports are on their
 * way); the run and its workers reconnect, publish again what may have been lost, count every
 * message once, and finish with exactly the books of an undisturbed run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createSimulation, type Simulation, type SimulationResult } from '../../src/run/simulate.ts';
import { runWorkerSession } from '../../src/run/worker-session.ts';
import { prepareMqttTransport, type PreparedMqttTransport } from '../../src/transport/mqtt-transport.ts';
import { loadScenario } from '../helpers/scenario.ts';

let prepared: PreparedMqttTransport | undefined;
afterEach(async () => {
  await prepared?.close();
  prepared = undefined;
});

function memoryBooks(file: string, sets: string[]) {
  const { scenario, swarm } = loadScenario(file, sets);
  const simulation = createSimulation(scenario, swarm);
  return { simulation, result: simulation.finish() };
}

/** The disturbed run's books are exactly the undisturbed memory run's. */
function expectSameBooks(simulation: Simulation, result: SimulationResult, memory: ReturnType<typeof memoryBooks>): void {
  expect(result).toEqual(memory.result);
  expect(simulation.tracker.frames).toEqual(memory.simulation.tracker.frames);
  expect(simulation.tracker.receptions).toEqual(memory.simulation.tracker.receptions);
  expect(simulation.tracker.nodes).toEqual(memory.simulation.tracker.nodes);
  expect(simulation.series.rows).toEqual(memory.simulation.series.rows);
}

/**
 * Drops every connection each `everyMs` while `running` lasts, at most four times (a fifth
 * drop of one connection within a minute would be taken for a client id taken over again and
 * again, and stop the run: reconnection.ts); returns how many drops found connections.
 */
async function dropWhile(p: PreparedMqttTransport, running: Promise<unknown>, everyMs: number): Promise<number> {
  let drops = 0;
  let done = false;
  void running.finally(() => (done = true)).catch(() => undefined);
  while (!done && drops < 4) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    if (!done && p.broker!.dropConnections() > 0) drops++;
  }
  return drops;
}

describe('a run through a broker that drops every connection mid-run', () => {
  it('reconnects and gives exactly the undisturbed books, every node in the run\u2019s process', async () => {
    // Long enough (about a second over MQTT) for several drops whatever the machine's speed.
    const sets = ['duration=1h', 'groups.1.count=40'];
    const memory = memoryBooks('scenarios/aloha.yaml', sets);
    const { scenario, swarm } = loadScenario('scenarios/aloha.yaml', sets);
    prepared = await prepareMqttTransport({ runId: 'blip', nodes: swarm.nodes.length, inProcessClients: 'streams' });
    const simulation = createSimulation(scenario, swarm, { transport: prepared.bind });
    const running = simulation.finishAsync();
    const drops = await dropWhile(prepared, running, 120);
    const result = await running;
    expect(drops).toBeGreaterThanOrEqual(2);
    // Every drop that found connections was come back from (a drop during a reconnection merges with it).
    expect(prepared.resumptions).toBeGreaterThanOrEqual(1);
    expect(prepared.resumptions).toBeLessThanOrEqual(drops);
    expectSameBooks(simulation, result, memory);
  }, 60_000);

  // The run's own clients over in-memory streams (the path an external broker's clients take)
  // lose their connections and come back; direct clients (the default) have none to lose, and
  // only the workers reconnect.
  it.each([
    ['streams', 'reconnects the run and its two workers'],
    ['direct', 'keeps the run going (its clients have no connection to lose) while its two workers reconnect'],
  ] as const)('%s: %s, and gives exactly the one-process books', async (inProcessClients, _what) => {
    const memory = memoryBooks('test/fixtures/busy-swarm.yaml', []);
    const { scenario, swarm } = loadScenario('test/fixtures/busy-swarm.yaml', []);
    const partitions = [
      [1, 3, 5, 7, 9, 11, 13, 15],
      [2, 4, 6, 8],
    ];
    const runId = `blip${inProcessClients}`;
    prepared = await prepareMqttTransport({ runId, nodes: swarm.nodes.length, inProcessClients, remote: { partitions, scenarioYaml: stringify(scenario), joinTimeoutMs: 10_000 } });
    const broker = prepared.broker!;
    const credentials = { runId, worker: broker.credentials.worker, nodes: swarm.nodes.map((_, i) => broker.credentials.node(i)) };
    const sessions = Promise.all(partitions.map(() => runWorkerSession({ url: broker.url, runId, nodes: 'auto', credentials, joinTimeoutMs: 10_000 })));
    // Handled at once: if the run fails first, this must not surface later as an unhandled rejection in another test.
    sessions.catch(() => undefined);
    await prepared.workersReady();
    const remote = new Set(partitions.flat());
    const simulation = createSimulation(scenario, swarm, { transport: prepared.bind, hosted: swarm.nodes.map((_, i) => i).filter((i) => !remote.has(i)) });
    const running = Promise.all([simulation.finishAsync(), sessions]);
    const drops = await dropWhile(prepared, running, 150);
    const [result, workers] = await running;
    expect(drops).toBeGreaterThanOrEqual(2);
    if (inProcessClients === 'streams') expect(prepared.resumptions).toBeGreaterThanOrEqual(1);
    else expect(prepared.resumptions).toBe(0);
    expect(workers.every((worker) => worker.resumptions >= 1)).toBe(true);
    expectSameBooks(simulation, result, memory);
  }, 60_000);
});
