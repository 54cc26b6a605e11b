/**
 * MQTT benchmark (printed, never asserted), run in its own process by bench/run.ts:
 * - raw aedes QoS 0 publish/subscribe throughput on loopback, with envelope-sized payloads,
 *   through the same embedded broker (credentials, ACLs, packet-size guard);
 * - one message's way from a publisher to a subscriber in the broker's own process (ping-pong,
 *   the next message sent once the last arrived): mqtt.js clients over in-memory streams
 *   against the broker's direct clients (direct-client.ts);
 * - frames per second through loraswarm's MQTT path, and city-sink's wall time over memory and
 *   over MQTT, side by side.
 */
import mqtt, { MqttClient } from 'mqtt';
import type { BrokerClient } from '../src/transport/broker-client.ts';
import { createEmbeddedBroker } from '../src/transport/broker.ts';
import { prepareMqttTransport } from '../src/transport/mqtt-transport.ts';
import { readScenario } from '../src/scenario/read-scenario.ts';
import { createSimulation } from '../src/run/simulate.ts';

async function rawThroughput(messages: number): Promise<number> {
  const broker = await createEmbeddedBroker({ runId: 'raw', nodes: 1, maxPacketBytes: 1024, log: () => undefined });
  const publisher = await mqtt.connectAsync(broker.url, { ...broker.credentials.node(0), clientId: 'pub', reconnectPeriod: 0 });
  const subscriber = await mqtt.connectAsync(broker.url, { ...broker.credentials.coordinator, clientId: 'sub', reconnectPeriod: 0 });
  await subscriber.subscribeAsync('swarm/raw/tx/+', { qos: 0 });
  const payload = Buffer.alloc(120, 7);
  let received = 0;
  const start = performance.now();
  const done = new Promise<void>((resolve) => {
    subscriber.on('message', () => {
      if (++received === messages) resolve();
    });
  });
  for (let i = 0; i < messages; i++) publisher.publish('swarm/raw/tx/0', payload, { qos: 0 });
  await done;
  const perSecond = messages / ((performance.now() - start) / 1000);
  await publisher.endAsync(true);
  await subscriber.endAsync(true);
  await broker.close();
  return perSecond;
}

/** µs for a message to reach a subscriber in the broker's process, one at a time, over stream clients or direct ones. */
async function pingPongUs(kind: 'streams' | 'direct', messages: number): Promise<number> {
  const broker = await createEmbeddedBroker({ runId: 'pp', nodes: 1, maxPacketBytes: 1024, log: () => undefined });
  const connect = (credentials: { username: string; password: string }, clientId: string): Promise<BrokerClient> =>
    kind === 'direct'
      ? Promise.resolve(broker.connectDirect(credentials, clientId))
      : new Promise((resolve, reject) => {
          const client = new MqttClient(() => broker.connectInProcess(), { ...credentials, clientId, protocolVersion: 4, reconnectPeriod: 0 });
          client.once('connect', () => resolve(client));
          client.once('error', reject);
        });
  const publisher = await connect(broker.credentials.node(0), 'pub');
  const subscriber = await connect(broker.credentials.coordinator, 'sub');
  await subscriber.subscribeAsync('swarm/pp/tx/+', { qos: 0 });
  let arrived: () => void = () => undefined;
  subscriber.on('message', () => arrived());
  const payload = Buffer.alloc(120, 7);
  const start = performance.now();
  for (let i = 0; i < messages; i++) {
    const next = new Promise<void>((resolve) => (arrived = resolve));
    publisher.publish('swarm/pp/tx/0', payload, { qos: 0 });
    await next;
  }
  const us = ((performance.now() - start) * 1000) / messages;
  await Promise.all([publisher.endAsync(true), subscriber.endAsync(true)]);
  await broker.close();
  return us;
}

/** Raw fan-out: one publisher to `subscribers` clients, each on its own rx topic, as the ether publishes deliveries. */
async function rawFanout(subscribers: number, messages: number): Promise<number> {
  const broker = await createEmbeddedBroker({ runId: 'fan', nodes: subscribers, maxPacketBytes: 1024, log: () => undefined });
  const publisher = await mqtt.connectAsync(broker.url, { ...broker.credentials.coordinator, clientId: 'pub', reconnectPeriod: 0 });
  const clients = [];
  let received = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  for (let i = 0; i < subscribers; i++) {
    const client = await mqtt.connectAsync(broker.url, { ...broker.credentials.node(i), clientId: `n${i}`, reconnectPeriod: 0 });
    (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    await client.subscribeAsync(`swarm/fan/rx/${i}`, { qos: 0 });
    client.on('message', () => {
      if (++received === messages) resolveDone();
    });
    clients.push(client);
  }
  const payload = Buffer.alloc(120, 7);
  const start = performance.now();
  // In bursts, as the ether publishes a window's deliveries.
  for (let sent = 0; sent < messages; ) {
    const burst = Math.min(1000, messages - sent);
    for (let j = 0; j < burst; j++, sent++) publisher.publish(`swarm/fan/rx/${sent % subscribers}`, payload, { qos: 0 });
    await new Promise((resolve) => setImmediate(resolve));
  }
  await done;
  const perSecond = messages / ((performance.now() - start) / 1000);
  await Promise.all([publisher, ...clients].map((client) => client.endAsync(true)));
  await broker.close();
  return perSecond;
}

/** dense-broadcast (every frame fans out to ~300 receivers) over memory and over MQTT: envelopes per second. */
async function denseOver(): Promise<{ memoryS: number; mqttS: number; messages: number; frames: number }> {
  const { scenario, swarm } = readScenario('bench/dense-broadcast.yaml', { sets: ['duration=2min'] });
  let start = performance.now();
  const memory = createSimulation(scenario, swarm);
  memory.finish();
  const memoryS = (performance.now() - start) / 1000;
  const prepared = await prepareMqttTransport({ runId: 'bench-dense', nodes: swarm.nodes.length });
  try {
    start = performance.now();
    const simulation = createSimulation(scenario, swarm, { transport: prepared.bind });
    await simulation.finishAsync();
    const mqttS = (performance.now() - start) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { tx, rx } = prepared.broker!.stats.published;
    return { memoryS, mqttS, messages: tx + rx, frames: simulation.tracker.totals().sent };
  } finally {
    await prepared.close();
  }
}

async function cityOver(transport: 'memory' | 'mqtt'): Promise<{ wallS: number; frames: number }> {
  const { scenario, swarm } = readScenario('scenarios/city-sink.yaml');
  const start = performance.now();
  if (transport === 'memory') {
    const simulation = createSimulation(scenario, swarm);
    simulation.finish();
    return { wallS: (performance.now() - start) / 1000, frames: simulation.tracker.totals().sent };
  }
  const prepared = await prepareMqttTransport({ runId: 'bench-city', nodes: swarm.nodes.length });
  try {
    const simulation = createSimulation(scenario, swarm, { transport: prepared.bind });
    await simulation.finishAsync();
    return { wallS: (performance.now() - start) / 1000, frames: simulation.tracker.totals().sent };
  } finally {
    await prepared.close();
  }
}

const viaStreams = await pingPongUs('streams', 40_000);
const viaDirect = await pingPongUs('direct', 40_000);
const raw = await rawThroughput(50_000);
const fanout = await rawFanout(300, 150_000);
const dense = await denseOver();
const memory = await cityOver('memory');
const overMqtt = await cityOver('mqtt');
const rate = (x: number): string => Math.round(x).toLocaleString('en');
// Each frame sent crosses the broker at least twice (tx to the ether, rx to the receiver).
console.log(`one message to a subscriber in the broker's process (ping-pong, 40,000 messages of 120 bytes): ${viaStreams.toFixed(1)} µs with mqtt.js clients over in-memory streams, ${viaDirect.toFixed(1)} µs with direct clients`);
console.log(`raw aedes QoS 0 publish→subscribe (120-byte payloads, loopback): ${rate(raw)} messages/s with 1 subscriber; ${rate(fanout)} messages/s fanned out to 300 subscribers on their own topics`);
console.log(
  `dense-broadcast (300 nodes in range of each other, 2 simulated minutes, ${dense.frames} frames → ${rate(dense.messages)} envelopes): memory ${dense.memoryS.toFixed(2)} s, MQTT ${dense.mqttS.toFixed(2)} s wall; ` +
    `MQTT path ${rate(dense.messages / dense.mqttS)} envelopes/s overall, ${rate(dense.messages / (dense.mqttS - dense.memoryS))} envelopes/s of transport time (MQTT wall − memory wall)`,
);
console.log(
  `city-sink (401 nodes, 6 simulated hours, ${memory.frames} frames): memory ${memory.wallS.toFixed(2)} s, MQTT ${overMqtt.wallS.toFixed(2)} s wall; ` +
    `MQTT path ${Math.round(overMqtt.frames / overMqtt.wallS).toLocaleString('en')} frames/s`,
);
