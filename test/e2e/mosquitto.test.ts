import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSimulation } from '../../src/run/simulate.ts';
import { inferenceFor } from '../../src/inference/load-model.ts';
import { writeMosquittoSetup } from '../../src/transport/mosquitto-setup.ts';
import { prepareMqttTransport, type PreparedMqttTransport } from '../../src/transport/mqtt-transport.ts';
import { loadScenario } from '../helpers/scenario.ts';
import { freePort, startMosquitto as startBroker, stopProcess } from '../helpers/mosquitto.ts';

let dir: string;
let broker: ChildProcess | undefined;
let prepared: PreparedMqttTransport | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'loraswarm-mosquitto-'));
});

afterEach(async () => {
  await prepared?.close();
  prepared = undefined;
  await stopProcess(broker);
  broker = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function startMosquitto(runId: string, nodes: number, partitions?: readonly (readonly number[])[]) {
  const port = await freePort();
  const credentials = writeMosquittoSetup({ dir, runId, nodes, port, ...(partitions && { partitions }) });
  broker = await startBroker(join(dir, 'mosquitto.conf'), port);
  return { url: `mqtt://127.0.0.1:${port}`, credentials };
}

describe('an external Mosquitto broker with the repository\u2019s config and ACL template', () => {
  it('gives exactly the memory transport\u2019s books', async () => {
    const { scenario, swarm } = loadScenario('scenarios/aloha.yaml', ['duration=5min', 'groups.1.count=20']);
    const memory = createSimulation(scenario, swarm);
    const memoryResult = memory.finish();
    const external = await startMosquitto('mosq', swarm.nodes.length);
    prepared = await prepareMqttTransport({ runId: 'mosq', nodes: swarm.nodes.length, external });
    const simulation = createSimulation(scenario, swarm, { transport: prepared.bind });
    expect(await simulation.finishAsync()).toEqual(memoryResult);
    expect(simulation.tracker.frames).toEqual(memory.tracker.frames);
    expect(simulation.tracker.totals()).toEqual(memory.tracker.totals());
  });

  it('serves the quickstart model with exactly the memory transport\u2019s tokens', { timeout: 60_000 }, async () => {
    const { scenario, swarm } = loadScenario('scenarios/quickstart.yaml');
    const setup = inferenceFor(scenario, swarm)!;
    const memory = createSimulation(scenario, swarm, { inference: setup });
    const memoryResult = memory.finish();
    const external = await startMosquitto('mosq-q', swarm.nodes.length);
    prepared = await prepareMqttTransport({ runId: 'mosq-q', nodes: swarm.nodes.length, external });
    const simulation = createSimulation(scenario, swarm, { transport: prepared.bind, inference: setup });
    expect(await simulation.finishAsync()).toEqual(memoryResult);
    const rows = (s: typeof memory): string[] => s.inference!.tokens.map((t) => `${t.request}/${t.position} ${t.output} ${t.endMs} ${JSON.stringify(t.components)} ${JSON.stringify(t.energyUj)}`);
    expect(rows(simulation)).toEqual(rows(memory));
    expect(simulation.inference!.requests.map((r) => r.text)).toEqual(['constance', 'galven', 'jeromia', 'harley', 'bonny']);
  });

  it('enforces the same rules: no anonymous client, a node cannot read another node\u2019s rx topic, a viewer cannot publish', async () => {
    const { url, credentials } = await startMosquitto('acl', 3);
    await expect(mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 2000 })).rejects.toThrow();
    const node1 = await mqtt.connectAsync(url, { ...credentials.nodes[1]!, reconnectPeriod: 0 });
    const coordinator = await mqtt.connectAsync(url, { ...credentials.coordinator, reconnectPeriod: 0 });
    const viewer = await mqtt.connectAsync(url, { ...credentials.viewer, reconnectPeriod: 0 });
    try {
      const seenByNode1: string[] = [];
      node1.on('message', (topic) => seenByNode1.push(topic));
      await node1.subscribeAsync(['swarm/acl/rx/1', 'swarm/acl/rx/2']);
      const seenByCoordinator: string[] = [];
      coordinator.on('message', (topic) => seenByCoordinator.push(topic));
      await coordinator.subscribeAsync(['swarm/acl/tx/+', 'swarm/acl/metrics/#']);
      await coordinator.publishAsync('swarm/acl/rx/1', 'for 1');
      await coordinator.publishAsync('swarm/acl/rx/2', 'for 2');
      await node1.publishAsync('swarm/acl/tx/1', 'own');
      await node1.publishAsync('swarm/acl/tx/2', 'impersonation');
      await viewer.publishAsync('swarm/acl/metrics/live', 'forged');
      // The viewer may send nothing to mark its end, but Mosquitto answers its SUBSCRIBE only once
      // it has handled the PUBLISH before it: a forged message let through is queued by then.
      await viewer.subscribeAsync('swarm/acl/metrics/#');
      // Markers each client may send, after what it may not: Mosquitto keeps a client's messages
      // in order, so once a marker is in, what was denied before it would be in too.
      await coordinator.publishAsync('swarm/acl/rx/1', 'end');
      await node1.publishAsync('swarm/acl/tx/1', 'end');
      await vi.waitFor(() => expect([seenByNode1.length, seenByCoordinator.length]).toEqual([2, 2]), { timeout: 10_000, interval: 20 });
      // Mosquitto drops what the ACL denies (it does not disconnect, unlike aedes).
      expect(seenByNode1).toEqual(['swarm/acl/rx/1', 'swarm/acl/rx/1']);
      expect(seenByCoordinator).toEqual(['swarm/acl/tx/1', 'swarm/acl/tx/1']);
    } finally {
      await Promise.all([node1.endAsync(true), coordinator.endAsync(true), viewer.endAsync(true)]);
    }
  });
});

describe('partition users on Mosquitto (issue 22: one connection for a process\u2019s nodes)', () => {
  it('lets a partition publish and read only for the nodes its name lists (Mosquitto drops the rest without a word: it logs a denial only at debug level)', async () => {
    const { url, credentials } = await startMosquitto('pacl', 6, [[0, 1, 2], [3, 4, 5]]);
    expect(credentials.partitions!.map(({ nodes, username }) => [nodes, username])).toEqual([
      ['0-2', 'pacl-partition-0-2'],
      ['3-5', 'pacl-partition-3-5'],
    ]);
    const low = await mqtt.connectAsync(url, { username: credentials.partitions![0]!.username, password: credentials.partitions![0]!.password, reconnectPeriod: 0 });
    const coordinator = await mqtt.connectAsync(url, { ...credentials.coordinator, reconnectPeriod: 0 });
    try {
      const seenByLow: string[] = [];
      low.on('message', (topic) => seenByLow.push(topic));
      // Mosquitto grants a subscription it will not serve: the ACL is checked per message.
      await low.subscribeAsync(['swarm/pacl/rx/1', 'swarm/pacl/rx/4', 'swarm/pacl/tx/+', 'swarm/pacl/ctl/#']);
      const seenByCoordinator: string[] = [];
      coordinator.on('message', (topic) => seenByCoordinator.push(topic));
      // The coordinator also hears the workers' reports, so a forged one let through would show.
      await coordinator.subscribeAsync(['swarm/pacl/tx/+', 'swarm/pacl/ctl/workers/#']);
      for (const node of [1, 4]) await coordinator.publishAsync(`swarm/pacl/rx/${node}`, `for ${node}`);
      await coordinator.publishAsync('swarm/pacl/ctl/run/all/op', 'op');
      for (const node of [0, 2, 3, 5]) await low.publishAsync(`swarm/pacl/tx/${node}`, `from ${node}`);
      await low.publishAsync('swarm/pacl/ctl/workers/w/report', 'forged');
      // Markers after what was denied (a client's messages stay in order): once they are in, so would the rest be.
      await coordinator.publishAsync('swarm/pacl/rx/1', 'end');
      await low.publishAsync('swarm/pacl/tx/0', 'end');
      await vi.waitFor(() => expect([seenByLow.length, seenByCoordinator.length]).toEqual([2, 3]), { timeout: 10_000, interval: 20 });
      expect(seenByLow).toEqual(['swarm/pacl/rx/1', 'swarm/pacl/rx/1']);
      expect(seenByCoordinator).toEqual(['swarm/pacl/tx/0', 'swarm/pacl/tx/2', 'swarm/pacl/tx/0']);
    } finally {
      await Promise.all([low.endAsync(true), coordinator.endAsync(true)]);
    }
  });
});

describe('the Mosquitto config refuses packets from the size the embedded broker does (issue 15, finding 13)', () => {
  it('ignores a frame retained on a node\'s tx topic before the run (Mosquitto accepts the retain; the run counts it as malformed)', async () => {
    const { encodeEnvelope } = await import('../../src/transport/envelope.ts');
    const { scenario, swarm } = loadScenario('scenarios/aloha.yaml', ['duration=5min', 'groups.1.count=5']);
    const memory = createSimulation(scenario, swarm);
    const memoryResult = memory.finish();
    const external = await startMosquitto('retained', swarm.nodes.length);
    // A node's credential leaves a well-formed transmission of its own, retained.
    const node = await mqtt.connectAsync(external.url, { ...external.credentials.nodes[3]!, clientId: 'retained-planter', reconnectPeriod: 0 });
    const tx = {
      sender: 3, seq: 999, destination: 0, startMs: 0, airtimeMs: 50, endMs: 50, channelHz: 868_100_000, sf: 7, bandwidthHz: 125_000, codingRate: 1,
      preambleSymbols: 8, symbolMs: 1.024, txPowerDbm: 14, bytes: new Uint8Array(12), messageId: 0, fragmentIndex: 0, fragmentCount: 1, messageCreatedAtMs: 0, meta: undefined,
    } as const;
    await node.publishAsync('swarm/retained/tx/3', Buffer.from(encodeEnvelope({ kind: 'transmission', tx })), { retain: true });
    await node.endAsync();
    prepared = await prepareMqttTransport({ runId: 'retained', nodes: swarm.nodes.length, external });
    const simulation = createSimulation(scenario, swarm, { transport: prepared.bind });
    expect(await simulation.finishAsync()).toEqual(memoryResult);
    expect(simulation.tracker.totals()).toEqual(memory.tracker.totals());
    expect(prepared.malformed).toBe(1);
  });

  it('delivers a PUBLISH of exactly the run\'s packet limit and refuses one byte more', async () => {
    const { maxRunPacketBytes, publishPacketBytes } = await import('../../src/transport/packet-size-guard.ts');
    const { runTopics } = await import('../../src/transport/topics.ts');
    const external = await startMosquitto('limit', 3);
    const limit = maxRunPacketBytes('limit', 3);
    const topic = runTopics('limit', 3).tx(0);
    const payloadFor = (total: number): number => {
      let bytes = total;
      while (publishPacketBytes(topic, bytes, 0) > total) bytes--;
      return bytes;
    };
    expect(publishPacketBytes(topic, payloadFor(limit), 0)).toBe(limit);
    const coordinator = await mqtt.connectAsync(external.url, { ...external.credentials.coordinator, clientId: 'limit-c', reconnectPeriod: 0 });
    const received: number[] = [];
    coordinator.on('message', (_topic, payload) => received.push(payload.length));
    await coordinator.subscribeAsync(runTopics('limit', 3).allTx);
    const closedSenders: boolean[] = [];
    for (const total of [limit, limit + 1, limit + 2]) {
      const node = await mqtt.connectAsync(external.url, { ...external.credentials.nodes[0]!, clientId: `limit-n-${total}`, reconnectPeriod: 0 });
      const closed = new Promise<boolean>((resolve) => node.once('close', () => resolve(true)));
      node.publish(topic, Buffer.alloc(payloadFor(total)));
      if (total === limit) {
        // The fitting packet arrives, and its sender is still connected after it.
        await vi.waitFor(() => expect(received).toHaveLength(1), { timeout: 10_000, interval: 20 });
        // A round trip after it: a broker that refused it would have closed the connection first.
        await node.subscribeAsync(runTopics('limit', 3).rx(0));
        closedSenders.push(!node.connected);
      } else {
        closedSenders.push(await Promise.race([closed, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000))]));
      }
      await node.endAsync(true);
    }
    await coordinator.endAsync(true);
    // Only the packet within the limit arrived; each larger one closed its sender's connection.
    expect(received).toEqual([payloadFor(limit)]);
    expect(closedSenders).toEqual([false, true, true]);
  });
});

describe('loraswarm broker-setup and run --broker', () => {
  it('writes the per-run files, and a run through Mosquitto writes the same result files as memory', async () => {
    const { runCli } = await import('../helpers/cli.ts');
    const { readFileSync, writeFileSync } = await import('node:fs');
    const port = await freePort();
    const setup = await runCli(['broker-setup', '--run', 'cli-run', '--nodes', '21', '--dir', join(dir, 'broker'), '--port', String(port)]);
    expect(setup.status).toBe(0);
    expect(setup.stdout).toContain(`--broker mqtt://127.0.0.1:${port}`);
    broker = await startBroker(join(dir, 'broker', 'mosquitto.conf'), port);
    const sets = ['--set', 'duration=5min', '--set', 'groups.1.count=20'];
    const viaMemory = await runCli(['run', 'scenarios/aloha.yaml', ...sets, '--out', join(dir, 'memory'), '--quiet']);
    const viaMosquitto = await runCli(['run', 'scenarios/aloha.yaml', ...sets, '--out', join(dir, 'mosquitto'), '--quiet', '--broker', `mqtt://127.0.0.1:${port}`, '--credentials', join(dir, 'broker', 'credentials.json')]);
    expect(viaMemory.status).toBe(0);
    expect(viaMosquitto.stderr).toBe('');
    expect(viaMosquitto.status).toBe(0);
    for (const file of ['summary.json', 'frames.csv', 'receptions.csv', 'nodes.csv']) {
      expect(readFileSync(join(dir, 'mosquitto', file), 'utf8'), file).toBe(readFileSync(join(dir, 'memory', file), 'utf8'));
    }
    // The run's 21 nodes on one connection, as the partition user broker-setup wrote for them.
    const users = [...readFileSync(join(dir, 'broker', 'mosquitto.conf.log'), 'utf8').matchAll(/ u'([^']+)'/g)].map((match) => match[1]);
    expect(users.sort()).toEqual(['cli-run-coordinator', 'cli-run-partition-0-20']);
    const credentials = JSON.parse(readFileSync(join(dir, 'broker', 'credentials.json'), 'utf8'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...credentials, partitions: [{ ...credentials.partitions[0], nodes: '0-21' }] }));
    const badPartition = await runCli(['run', 'scenarios/aloha.yaml', ...sets, '--out', join(dir, 'y'), '--broker', `mqtt://127.0.0.1:${port}`, '--credentials', join(dir, 'bad.json')]);
    expect(badPartition.status).toBe(2);
    expect(badPartition.stderr).toContain('--credentials: expected partitions[0] to have "nodes" (canonical ranges of nodes 0..20, e.g. "0-99"), "username" and "password", found {"nodes":"0-21"');
    const wrong = await runCli(['run', 'scenarios/aloha.yaml', '--set', 'groups.1.count=5', '--out', join(dir, 'x'), '--broker', `mqtt://127.0.0.1:${port}`, '--credentials', join(dir, 'broker', 'credentials.json')]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/--credentials: expected credentials for the scenario's 6 nodes, found 21/);
  });

  it('refuses a split the run would refuse (--workers, --remote), writing nothing', async () => {
    const { runCli } = await import('../helpers/cli.ts');
    const { existsSync } = await import('node:fs');
    const base = ['broker-setup', '--run', 'bad', '--nodes', '10', '--dir', join(dir, 'bad')];
    const zero = await runCli([...base, '--workers', '0']);
    expect(zero.status).toBe(2);
    expect(zero.stderr).toBe('loraswarm: --workers: expected a whole number 1..9 (the coordinator keeps a share), found "0"\n');
    const overlap = await runCli([...base, '--remote', '2-5', '--remote', '5-7']);
    expect(overlap.status).toBe(2);
    expect(overlap.stderr).toBe('loraswarm: --remote: expected partitions that do not overlap, found node 5 again in "5-7"\n');
    const both = await runCli([...base, '--remote', '2-5', '--workers', '1']);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('--remote and --workers both say which nodes workers run');
    expect(existsSync(join(dir, 'bad'))).toBe(false);
    const split = await runCli([...base, '--remote', '2-5', '--remote', '9']);
    expect(split.status).toBe(0);
    expect(split.stdout).toContain('(10 nodes, 3 processes: a connection per 64 nodes)');
  });

  it('runs 1,201 nodes through Mosquitto under ulimit -n 1024 on a partition connection per 64 nodes, where a socket per node would not fit', async () => {
    const { runCli, repoRoot } = await import('../helpers/cli.ts');
    const { spawnSync } = await import('node:child_process');
    const { readFileSync } = await import('node:fs');
    const port = await freePort();
    const sets = ['--set', 'groups.1.count=1200', '--set', 'duration=1min'];
    expect((await runCli(['broker-setup', '--run', 'many', '--scenario', 'scenarios/aloha.yaml', ...sets, '--dir', join(dir, 'broker'), '--port', String(port)])).status).toBe(0);
    broker = await startBroker(join(dir, 'broker', 'mosquitto.conf'), port);
    const out = join(dir, 'run');
    const args = ['run', 'scenarios/aloha.yaml', ...sets, '--out', out, '--quiet', '--broker', `mqtt://127.0.0.1:${port}`, '--credentials', join(dir, 'broker', 'credentials.json')];
    const result = spawnSync('bash', ['-c', 'ulimit -n 1024 && exec "$0" bin/loraswarm.js "$@"', process.execPath, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 50_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const users = [...readFileSync(join(dir, 'broker', 'mosquitto.conf.log'), 'utf8').matchAll(/ u'([^']+)'/g)].map((match) => match[1]);
    expect(users.filter((user) => !user!.includes('-partition-'))).toEqual(['many-coordinator']);
    expect(users.filter((user) => user!.includes('-partition-'))).toHaveLength(19);
    expect(users).toContain('many-partition-1152-1200');
  });

  it('stops a run with a clear error and a partial directory when Mosquitto stops mid-run and is not back within --reconnect-timeout; a rerun succeeds', async () => {
    const { runCli, spawnCli } = await import('../helpers/cli.ts');
    const { existsSync, readFileSync } = await import('node:fs');
    const port = await freePort();
    expect((await runCli(['broker-setup', '--run', 'restart', '--scenario', 'scenarios/aloha.yaml', '--dir', join(dir, 'broker'), '--port', String(port)])).status).toBe(0);
    const config = join(dir, 'broker', 'mosquitto.conf');
    broker = await startBroker(config, port);
    const out = join(dir, 'run');
    const args = ['run', 'scenarios/aloha.yaml', '--out', out, '--broker', `mqtt://127.0.0.1:${port}`, '--credentials', join(dir, 'broker', 'credentials.json')];
    // A viewer follows the run: its first live snapshots prove the run is under way.
    const watch = spawnCli(['watch', '--broker', `mqtt://127.0.0.1:${port}`, '--run', 'restart', '--credentials', join(dir, 'broker', 'credentials.json')]);
    const run = spawnCli([...args, '--set', 'duration=12h', '--set', 'sampling.interval=10min', '--reconnect-timeout', '2']);
    try {
      await watch.waitForStdout(/"atMs":600000,/);
      expect(run.child.exitCode).toBeNull();
      const stoppedAt = Date.now();
      await stopProcess(broker);
      expect(await run.exited).toBe(1);
      expect(await watch.exited).toBe(1);
      expect(Date.now() - stoppedAt).toBeLessThan(15_000);
      broker = await startBroker(config, port);
    } finally {
      for (const child of [run, watch]) {
        if (child.child.exitCode === null) child.child.kill('SIGKILL');
        await child.exited;
      }
    }
    expect(watch.stderr()).toMatch(/loraswarm: watch: the connection to mqtt:\/\/127\.0\.0\.1:\d+ closed before run restart ended/);
    expect(run.stderr()).toMatch(/loraswarm: the run stopped: the connection of restart-(coordinator|node-\d+|partition-coordinator(-\d+)?) to the broker closed mid-run and the broker was not back within 2 s \(last error: [^)]*ECONNREFUSED[^)]*\); its directory is left as <out>\.partial with FAILED\.txt/);
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(join(`${out}.partial`, 'FAILED.txt'), 'utf8')).toMatch(/closed mid-run/);
    const rerun = await runCli([...args, '--set', 'duration=5min', '--quiet']);
    expect(rerun.status).toBe(0);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('tells its worker when one of its own connections is taken over again and again (the viewer credential with a node\'s client id), so the worker stops at once instead of waiting (issue 15, findings 2 and 12)', async () => {
    const { runCli, spawnCli } = await import('../helpers/cli.ts');
    const { readFileSync } = await import('node:fs');
    const port = await freePort();
    expect((await runCli(['broker-setup', '--run', 'hijack', '--scenario', 'scenarios/aloha.yaml', '--dir', join(dir, 'broker'), '--port', String(port)])).status).toBe(0);
    broker = await startBroker(join(dir, 'broker', 'mosquitto.conf'), port);
    const credentialsFile = join(dir, 'broker', 'credentials.json');
    const url = `mqtt://127.0.0.1:${port}`;
    const run = spawnCli(['run', 'scenarios/aloha.yaml', '--out', join(dir, 'run'), '--broker', url, '--credentials', credentialsFile, '--remote', '51-100', '--set', 'duration=30d']);
    const worker = spawnCli(['worker', '--broker', url, '--run', 'hijack', '--nodes', 'auto', '--credentials', credentialsFile]);
    let hijacker: mqtt.MqttClient | undefined;
    try {
      await run.waitForStderr(/every worker joined/, 30_000);
      const { viewer } = JSON.parse(readFileSync(credentialsFile, 'utf8')) as { viewer: { username: string; password: string } };
      // Mosquitto lets any user take over a client id: the coordinator's node 3 is kicked off,
      // takes its id back (a one-off takeover is survived like a broker blip), and is kicked off
      // again each time the hijacker reconnects, until the run stops.
      hijacker = await mqtt.connectAsync(url, { ...viewer, clientId: 'hijack-node-3', reconnectPeriod: 20 });
      const started = Date.now();
      expect(await run.exited).toBe(1);
      expect(await worker.exited).toBe(1);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await hijacker?.endAsync(true);
      for (const child of [run, worker]) {
        if (child.child.exitCode === null) child.child.kill('SIGKILL');
        await child.exited;
      }
    }
    expect(run.stderr()).toMatch(/the run stopped: the connection of hijack-node-3 to the broker was closed 6 times within 60 s \(another client keeps connecting with its client id, or the broker keeps dropping it\)/);
    expect(worker.stderr()).toMatch(/loraswarm: the worker stopped: the coordinator stopped run hijack: the connection of hijack-node-3 to the broker was closed 6 times/);
  }, 60_000);
});
