import { once } from 'node:events';
import { connect as connectTcp, type Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmbeddedBroker, publishPacketBytes, type BrokerLogEntry, type EmbeddedBroker, type EmbeddedBrokerOptions } from '../../src/transport/broker.ts';
import { parseRole, runTopics, type Role } from '../../src/transport/topics.ts';

const runId = 'run-42';
const topics = runTopics(runId, 3);
const timeoutMs = 5_000;

let broker: EmbeddedBroker | undefined;
let log: BrokerLogEntry[] = [];
let logWaiters: { readonly predicate: (entry: BrokerLogEntry) => boolean; readonly resolve: (entry: BrokerLogEntry) => void }[] = [];
const clients: MqttClient[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
  for (const socket of sockets.splice(0)) socket.destroy();
  await broker?.close();
  broker = undefined;
  log = [];
  logWaiters = [];
});

async function startBroker(options: Partial<EmbeddedBrokerOptions> = {}): Promise<EmbeddedBroker> {
  broker = await createEmbeddedBroker({
    runId,
    nodes: 3,
    maxPacketBytes: 1024,
    wsPort: 0,
    log: (entry) => {
      log.push(entry);
      logWaiters = logWaiters.filter((waiter) => !(waiter.predicate(entry) && (waiter.resolve(entry), true)));
    },
    ...options,
  });
  return broker;
}

/** Rejects after `timeoutMs`, so that no test waits forever on an event that never comes. */
function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function logged(predicate: (entry: BrokerLogEntry) => boolean, what: string): Promise<BrokerLogEntry> {
  const seen = log.find(predicate);
  if (seen !== undefined) return Promise.resolve(seen);
  return bounded(new Promise((resolve) => logWaiters.push({ predicate, resolve })), what);
}

function refusal(reason: string): (entry: BrokerLogEntry) => boolean {
  return (entry) => entry.type === 'refused' && entry.reason === reason;
}

/** A client that does not reconnect; resolves on CONNACK, rejects with the refusal. */
function open(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: timeoutMs, ...options });
  clients.push(client);
  return bounded(
    new Promise((resolve, reject) => {
      client.once('connect', () => resolve(client));
      client.once('error', reject);
    }),
    `CONNACK from ${url}`,
  );
}

/** The return code the broker granted for one filter: 0..2, or 128 for a failure. */
function subscribe(client: MqttClient, filter: string): Promise<number> {
  return bounded(
    new Promise((resolve, reject) => {
      client.subscribe(filter, { qos: 0 }, (error, granted) => {
        // mqtt.js reports a failure code as an error carrying the SUBACK packet.
        const suback = (error as (Error & { packet?: { granted?: unknown[] } }) | null)?.packet;
        if (suback?.granted !== undefined) resolve(Number(suback.granted[0]));
        else if (error) reject(error);
        else resolve(granted?.[0]?.qos ?? -1);
      });
    }),
    `SUBACK for ${filter}`,
  );
}

function nextMessage(client: MqttClient): Promise<{ topic: string; payload: Buffer }> {
  return bounded(
    new Promise((resolve) => client.once('message', (topic, payload) => resolve({ topic, payload }))),
    'a message',
  );
}

function closed(client: MqttClient): Promise<void> {
  return bounded(new Promise((resolve) => client.once('close', () => resolve())), 'the connection to close');
}

describe('createEmbeddedBroker', () => {
  it('carries a node publish on its own tx topic to the coordinator and counts it', async () => {
    const b = await startBroker();
    const coordinator = await open(b.url, b.credentials.coordinator);
    expect(await subscribe(coordinator, topics.allTx)).toBe(0);
    const node = await open(b.url, b.credentials.node(1));
    const received = nextMessage(coordinator);
    node.publish(topics.tx(1), Buffer.from([1, 2, 3]));
    const message = await received;
    expect(message.topic).toBe('swarm/run-42/tx/1');
    expect([...message.payload]).toEqual([1, 2, 3]);
    await vi.waitFor(() => expect(b.stats.published.tx).toBe(1), { timeout: timeoutMs });
    expect(b.stats.refused).toEqual({ connect: 0, publish: 0, subscribe: 0, oversize: 0, forward: 0 });
  });

  it('refuses a client without credentials, with a wrong password or an unknown user, and counts each', async () => {
    const b = await startBroker();
    const attempts: IClientOptions[] = [
      {},
      { username: 'node:0', password: `${b.credentials.node(0).password}x` },
      { username: 'node:0', password: b.credentials.node(1).password },
      { username: 'node:3', password: b.credentials.node(0).password },
    ];
    for (const attempt of attempts) {
      await expect(open(b.url, attempt)).rejects.toMatchObject({ code: 4 });
    }
    expect(b.stats.refused.connect).toBe(4);
    expect(log.filter(refusal('connect')).map((entry) => entry.detail)).toEqual([
      'no credentials',
      'bad user name or password',
      'bad user name or password',
      'bad user name or password',
    ]);
  });

  it('gives each run its own random passwords', async () => {
    const first = await startBroker();
    const firstPassword = first.credentials.coordinator.password;
    await first.close();
    const second = await startBroker();
    expect(second.credentials.coordinator.password).not.toBe(firstPassword);
    await expect(open(second.url, { username: 'coordinator', password: firstPassword })).rejects.toMatchObject({ code: 4 });
  });

  it('refuses, counts and disconnects node 1 publishing on node 2\'s tx topic; the frame reaches no one', async () => {
    const b = await startBroker();
    const coordinator = await open(b.url, b.credentials.coordinator);
    await subscribe(coordinator, topics.allTx);
    const node1 = await open(b.url, b.credentials.node(1));
    const node1Closed = closed(node1);
    node1.publish(topics.tx(2), 'forged');
    const entry = await logged(refusal('publish'), 'the publish refusal');
    expect(entry).toMatchObject({ username: 'node:1', topic: 'swarm/run-42/tx/2' });
    await node1Closed;

    const node2 = await open(b.url, b.credentials.node(2));
    const received = nextMessage(coordinator);
    node2.publish(topics.tx(2), 'genuine');
    expect((await received).payload.toString()).toBe('genuine');
    expect(b.stats.refused.publish).toBe(1);
    await vi.waitFor(() => expect(b.stats.published.tx).toBe(1), { timeout: timeoutMs });
  });

  it('answers 128 to a node subscribing to another node\'s rx or to wildcards that reach it, and keeps the connection', async () => {
    const b = await startBroker();
    const node1 = await open(b.url, b.credentials.node(1));
    const forbidden = [topics.rx(2), 'swarm/run-42/#', '#', 'swarm/run-42/rx/+', 'swarm/+/rx/1', '+/run-42/rx/1', 'swarm/run-42/tx/1', '$SYS/#', topics.allCtl, 'swarm/run-42/ctl/workers/+/report'];
    for (const filter of forbidden) expect(await subscribe(node1, filter)).toBe(128);
    expect(b.stats.refused.subscribe).toBe(forbidden.length);
    expect(log.filter(refusal('subscribe')).map((entry) => entry.type === 'refused' && entry.topic)).toEqual(forbidden);
    expect(await subscribe(node1, topics.rx(1))).toBe(0);
    expect(node1.connected).toBe(true);
  });

  it('lets a worker publish only under ctl/workers/ and read only ctl/run/ (not the other workers\' reports); anything else is refused and counted', async () => {
    const b = await startBroker();
    const worker = await open(b.url, b.credentials.worker);
    for (const filter of [topics.allTx, topics.rx(0), topics.allMetrics, '#', 'swarm/run-42/+/0', topics.allCtl, 'swarm/run-42/ctl/workers/#']) expect(await subscribe(worker, filter)).toBe(128);
    expect(await subscribe(worker, 'swarm/run-42/ctl/run/#')).toBe(0);
    const coordinator = await open(b.url, b.credentials.coordinator);
    await subscribe(coordinator, 'swarm/run-42/ctl/workers/#');
    const received = nextMessage(coordinator);
    worker.publish(topics.ctl('workers/abc/hello'), 'hello');
    expect((await received).topic).toBe('swarm/run-42/ctl/workers/abc/hello');
    const workerClosed = closed(worker);
    worker.publish(topics.ctl('run/abc/op'), 'forged op');
    expect(await logged(refusal('publish'), 'the publish refusal')).toMatchObject({ username: 'worker', topic: 'swarm/run-42/ctl/run/abc/op' });
    await workerClosed;
    for (const topic of [topics.tx(0), topics.rx(0), topics.metrics('live')]) {
      const again = await open(b.url, b.credentials.worker);
      const againClosed = closed(again);
      again.publish(topic, 'x');
      await againClosed;
    }
    // A node may not speak for a worker either.
    const node0 = await open(b.url, b.credentials.node(0));
    const node0Closed = closed(node0);
    node0.publish(topics.ctl('workers/abc/report'), 'forged report');
    await node0Closed;
    expect(b.stats.refused.publish).toBe(5);
    expect(b.stats.refused.subscribe).toBe(7);
  });

  it('accepts a publish of exactly maxPacketBytes and refuses one byte more, from the packet header', async () => {
    const maxPacketBytes = 200;
    const b = await startBroker({ maxPacketBytes });
    const coordinator = await open(b.url, b.credentials.coordinator);
    await subscribe(coordinator, topics.allTx);
    const node = await open(b.url, b.credentials.node(0));
    // 200 bytes = 1 (type) + 2 (remaining length 197) + 2 + 17 (topic) + 178 (payload).
    const fitting = 178;
    expect(publishPacketBytes(topics.tx(0), fitting, 0)).toBe(maxPacketBytes);

    const received = nextMessage(coordinator);
    node.publish(topics.tx(0), Buffer.alloc(fitting, 7));
    expect((await received).payload.length).toBe(fitting);

    const nodeClosed = closed(node);
    node.publish(topics.tx(0), Buffer.alloc(fitting + 1, 7));
    const entry = await logged(refusal('oversize'), 'the oversize refusal');
    expect(entry.detail).toBe('publish of 201 bytes, limit 200');
    await nodeClosed;
    expect(b.stats.refused.oversize).toBe(1);
    await vi.waitFor(() => expect(b.stats.published.tx).toBe(1), { timeout: timeoutMs });
  });

  it('refuses an oversize packet as soon as its header announces it, before the body is sent', async () => {
    const b = await startBroker();
    const node = await open(b.url, b.credentials.node(0));
    const nodeClosed = closed(node);
    // PUBLISH, QoS 0, remaining length 268,435,455 (the MQTT maximum); no body follows.
    node.stream.write(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]));
    expect((await logged(refusal('oversize'), 'the oversize refusal')).detail).toBe('publish of 268435460 bytes, limit 1024');
    await nodeClosed;
  });

  it('lets a viewer read metrics over WebSocket but not publish, nor read tx or rx', async () => {
    const b = await startBroker();
    expect(b.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
    const viewer = await open(b.wsUrl ?? '', b.credentials.viewer);
    expect(await subscribe(viewer, topics.allMetrics)).toBe(0);
    for (const filter of [topics.allTx, topics.allRx, topics.rx(0), topics.allCtl]) expect(await subscribe(viewer, filter)).toBe(128);
    expect(b.stats.refused.subscribe).toBe(4);

    const coordinator = await open(b.url, b.credentials.coordinator);
    const received = nextMessage(viewer);
    coordinator.publish(topics.metrics('radio'), '{"sent":3}');
    expect(await received).toMatchObject({ topic: 'swarm/run-42/metrics/radio' });
    expect((await received).payload.toString()).toBe('{"sent":3}');

    const viewerClosed = closed(viewer);
    viewer.publish(topics.metrics('radio'), '{"sent":0}');
    expect(await logged(refusal('publish'), 'the viewer publish refusal')).toMatchObject({ username: 'viewer', topic: 'swarm/run-42/metrics/radio' });
    await viewerClosed;
    expect(b.stats.refused.publish).toBe(1);
    await vi.waitFor(() => expect(b.stats.published.metrics).toBe(1), { timeout: timeoutMs });
  });

  it('counts accepted publishes per topic kind, matching what the clients sent', async () => {
    const b = await startBroker();
    const coordinator = await open(b.url, b.credentials.coordinator);
    await subscribe(coordinator, topics.allTx);
    const node0 = await open(b.url, b.credentials.node(0));
    const node1 = await open(b.url, b.credentials.node(1));
    await subscribe(node0, topics.rx(0));

    const sent = { tx: 5, rx: 4, ctl: 2, metrics: 3 };
    const toCoordinator = countMessages(coordinator, sent.tx);
    const toNode0 = countMessages(node0, sent.rx);
    for (let i = 0; i < 3; i++) node0.publish(topics.tx(0), `a${i}`, { qos: 1 });
    for (let i = 0; i < 2; i++) node1.publish(topics.tx(1), `b${i}`);
    for (let i = 0; i < sent.rx; i++) coordinator.publish(topics.rx(0), `r${i}`);
    for (let i = 0; i < sent.ctl; i++) coordinator.publish(topics.ctl(`window/${i}`), 'w');
    for (let i = 0; i < sent.metrics; i++) coordinator.publish(topics.metrics('radio'), 'm');
    await Promise.all([toCoordinator, toNode0]);
    await vi.waitFor(() => expect(b.stats.published).toEqual(sent), { timeout: timeoutMs });
    expect(b.stats.refused).toEqual({ connect: 0, publish: 0, subscribe: 0, oversize: 0, forward: 0 });
    expect(b.stats.clientErrors).toBe(0);
  });

  it('lets only the coordinator retain: a worker\'s retained message is refused, so made-up ids cannot grow the store (issue 15, finding 14)', async () => {
    const b = await startBroker();
    const worker = await open(b.url, b.credentials.worker);
    const workerClosed = closed(worker);
    worker.publish(topics.ctl('workers/made-up-1/hello'), 'x', { retain: true });
    expect(await logged(refusal('publish'), 'the retain refusal')).toMatchObject({ username: 'worker', topic: 'swarm/run-42/ctl/workers/made-up-1/hello', detail: 'worker may not retain messages' });
    await workerClosed;
    const coordinator = await open(b.url, b.credentials.coordinator);
    coordinator.publish(topics.metrics('live/start/0'), 'kept', { retain: true });
    const viewer = await open(b.url, b.credentials.viewer);
    const received = nextMessage(viewer);
    await subscribe(viewer, topics.allMetrics);
    expect((await received).payload.toString()).toBe('kept');
    expect(b.stats.refused.publish).toBe(1);
  });

  it('refuses a client id already used by another role, so a viewer cannot take over the coordinator\'s session', async () => {
    const b = await startBroker();
    const coordinator = await open(b.url, { ...b.credentials.coordinator, clientId: 'ether' });
    await expect(open(b.url, { ...b.credentials.viewer, clientId: 'ether' })).rejects.toMatchObject({ code: 2 });
    expect(b.stats.refused.connect).toBe(1);
    expect(coordinator.connected).toBe(true);
  });

  it('refuses retained frames on tx topics', async () => {
    const b = await startBroker();
    const node = await open(b.url, b.credentials.node(0));
    const nodeClosed = closed(node);
    node.publish(topics.tx(0), 'x', { retain: true });
    expect((await logged(refusal('publish'), 'the retain refusal')).detail).toBe('frames are events and may not be retained');
    await nodeClosed;
  });

  it('processes the packets a client sent before closing its socket at once', async () => {
    const b = await startBroker();
    const coordinator = await open(b.url, b.credentials.coordinator);
    await subscribe(coordinator, topics.allTx);
    const received = nextMessage(coordinator);
    const { username, password } = b.credentials.node(0);
    const socket = connectTcp(Number(new URL(b.url).port), '127.0.0.1');
    sockets.push(socket);
    await bounded(once(socket, 'connect'), 'the raw socket to connect');
    socket.end(Buffer.concat([connectPacket('raw', username, password), publishPacket(topics.tx(0), 'last words')]));
    expect((await received).payload.toString()).toBe('last words');
  });

  it('close() ends every connection, including one that never sent CONNECT', async () => {
    const b = await startBroker();
    const client = await open(b.url, b.credentials.coordinator);
    const wsClient = await open(b.wsUrl ?? '', b.credentials.viewer);
    const port = Number(new URL(b.url).port);
    const silent = connectTcp(port, '127.0.0.1');
    sockets.push(silent);
    await bounded(once(silent, 'connect'), 'the raw socket to connect');
    const ended = [closed(client), closed(wsClient), bounded(once(silent, 'close'), 'the raw socket to close')];
    await b.close();
    await Promise.all(ended);
    await b.close(); // idempotent
  });

  it('rejects bad options with a RangeError naming the value', async () => {
    await expect(createEmbeddedBroker({ runId: 'a/b', nodes: 1, maxPacketBytes: 100 })).rejects.toThrow(RangeError);
    await expect(createEmbeddedBroker({ runId: 'r', nodes: 1, maxPacketBytes: 0 })).rejects.toThrow('maxPacketBytes must be a positive integer, got 0');
    const b = await startBroker();
    expect(() => b.credentials.node(3)).toThrow('node must be an integer in 0..2, got 3');
  });
});

/** MQTT 3.1.1 packets by hand (sections 3.1 and 3.3), for a client that is not mqtt.js. */
function mqttString(text: string): Buffer {
  const bytes = Buffer.from(text);
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
}

function withFixedHeader(typeByte: number, body: Buffer): Buffer {
  if (body.length > 127) throw new RangeError(`test packets stay under 128 bytes, got ${body.length}`);
  return Buffer.concat([Buffer.from([typeByte, body.length]), body]);
}

function connectPacket(clientId: string, username: string, password: string): Buffer {
  // protocol name, level 4, flags: user name, password, clean session; keep alive 60 s
  const header = Buffer.concat([mqttString('MQTT'), Buffer.from([4, 0xc2, 0, 60])]);
  return withFixedHeader(0x10, Buffer.concat([header, mqttString(clientId), mqttString(username), mqttString(password)]));
}

function publishPacket(topic: string, payload: string): Buffer {
  return withFixedHeader(0x30, Buffer.concat([mqttString(topic), Buffer.from(payload)]));
}

function countMessages(client: MqttClient, count: number): Promise<void> {
  let seen = 0;
  return bounded(
    new Promise<void>((resolve) => {
      const onMessage = (): void => {
        seen += 1;
        if (seen === count) {
          client.off('message', onMessage);
          resolve();
        }
      };
      client.on('message', onMessage);
    }),
    `${count} messages`,
  );
}

describe('runTopics', () => {
  const coordinator: Role = { kind: 'coordinator' };
  const node1: Role = { kind: 'node', node: 1 };
  const viewer: Role = { kind: 'viewer' };

  it('names the run\'s topics', () => {
    expect([topics.tx(0), topics.rx(2), topics.ctl('window'), topics.metrics('radio/rssi')]).toEqual([
      'swarm/run-42/tx/0',
      'swarm/run-42/rx/2',
      'swarm/run-42/ctl/window',
      'swarm/run-42/metrics/radio/rssi',
    ]);
    expect(() => topics.ctl('a/#')).toThrow(RangeError);
    expect(() => topics.tx(1.5)).toThrow(RangeError);
  });

  it('parses only the run\'s own topics', () => {
    expect(topics.parse('swarm/run-42/tx/2')).toEqual({ kind: 'tx', node: 2 });
    expect(topics.parse('swarm/run-42/metrics/a/b')).toEqual({ kind: 'metrics', path: 'a/b' });
    for (const topic of ['swarm/run-42/tx/3', 'swarm/run-42/tx/01', 'swarm/run-42/tx/1/x', 'swarm/run-43/tx/1', 'swarm/run-42/ctl', 'swarm/run-42/other/1']) {
      expect(topics.parse(topic)).toBeUndefined();
    }
  });

  it('lets a node publish only on its own tx, the coordinator on rx, ctl and metrics, the viewer nowhere', () => {
    expect(topics.mayPublish(node1, 'swarm/run-42/tx/1')).toBe(true);
    expect(topics.mayPublish(node1, 'swarm/run-42/tx/2')).toBe(false);
    expect(topics.mayPublish(node1, 'swarm/run-42/ctl/window')).toBe(false);
    expect(['tx/0', 'rx/0', 'ctl/w', 'metrics/m'].map((t) => topics.mayPublish(coordinator, `swarm/run-42/${t}`))).toEqual([false, true, true, true]);
    expect(topics.mayPublish(viewer, 'swarm/run-42/metrics/m')).toBe(false);
    const worker: Role = { kind: 'worker' };
    expect(['tx/0', 'rx/0', 'ctl/workers/w1/report', 'ctl/run/w1/op', 'metrics/m'].map((t) => topics.mayPublish(worker, `swarm/run-42/${t}`))).toEqual([false, false, true, false, false]);
  });

  it('allows a subscription only when every topic its filter matches is readable', () => {
    const allowed = (role: Role, filter: string): boolean => topics.maySubscribe(role, filter);
    expect(allowed(node1, 'swarm/run-42/rx/1')).toBe(true);
    // Nodes read no control traffic: workers' reports carry other nodes' frames (issue 15, finding 14).
    expect(allowed(node1, 'swarm/run-42/ctl/#')).toBe(false);
    expect(allowed(node1, 'swarm/run-42/ctl/+/x')).toBe(false);
    expect(allowed({ kind: 'worker' }, 'swarm/run-42/ctl/run/#')).toBe(true);
    expect(allowed({ kind: 'worker' }, 'swarm/run-42/ctl/workers/+/report')).toBe(false);
    expect(allowed(node1, 'swarm/run-42/rx/1/#')).toBe(false);
    expect(allowed(node1, 'swarm/run-42/+/1')).toBe(false);
    expect(allowed(coordinator, 'swarm/run-42/tx/+')).toBe(true);
    expect(allowed(coordinator, 'swarm/run-42/#')).toBe(false);
    expect(allowed(viewer, 'swarm/run-42/metrics/#')).toBe(true);
    expect(allowed(viewer, 'swarm/run-42/+/radio')).toBe(false);
  });

  it('maps user names to roles within the run', () => {
    expect(parseRole('node:2', 3)).toEqual({ kind: 'node', node: 2 });
    expect(parseRole('node:3', 3)).toBeUndefined();
    expect(parseRole('node:02', 3)).toBeUndefined();
    expect(parseRole('admin', 3)).toBeUndefined();
    expect(parseRole('worker', 3)).toEqual({ kind: 'worker' });
  });
});
