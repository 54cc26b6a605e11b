/**
 * MQTT benchmark (printed, never asserted), run in its own process by bench/run.ts:
 * - raw aedes QoS 0 publish/subscribe throughput on loopback, with envelope-sized payloads,
 *   through the same embedded broker (credentials, ACLs, packet-size guard);
 * - frames per second through loraswarm's MQTT path, and city-sink's wall time over memory and
 *   over MQTT, side by side.
 */
import mqtt from 'mqtt';
import { createEmbeddedBroker } from '../src/transport/broker.ts';
import { prepareMqttTransport } from '../src/transport/mqtt-transport.ts';
import { readScenario } from '../src/cli/read-scenario.ts';
import { createSimulation } from '../src/scenario/simulate.ts';

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

const raw = await rawThroughput(50_000);
const memory = await cityOver('memory');
const overMqtt = await cityOver('mqtt');
// Each frame sent crosses the broker at least twice (tx to the ether, rx to the receiver).
console.log(`raw aedes QoS 0 publish→subscribe (120-byte payloads, loopback): ${Math.round(raw).toLocaleString('en')} messages/s`);
console.log(
  `city-sink (401 nodes, 6 simulated hours, ${memory.frames} frames): memory ${memory.wallS.toFixed(2)} s, MQTT ${overMqtt.wallS.toFixed(2)} s wall; ` +
    `MQTT path ${Math.round(overMqtt.frames / overMqtt.wallS).toLocaleString('en')} frames/s`,
);
