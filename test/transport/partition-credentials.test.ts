import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmbeddedBroker, type BrokerLogEntry, type EmbeddedBroker } from '../../src/transport/broker.ts';
import { prepareMqttTransport } from '../../src/transport/mqtt-transport.ts';
import { maxNodeRangesChars, nodeRanges, nodeRangesName, parseNodeRanges, rangesInclude } from '../../src/transport/node-ranges.ts';
import { parseRole, roleName, runTopics } from '../../src/transport/topics.ts';

const runId = 'parts';
const topics = runTopics(runId, 6);
let broker: EmbeddedBroker | undefined;
const clients: MqttClient[] = [];
const log: BrokerLogEntry[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
  await broker?.close();
  broker = undefined;
  log.length = 0;
});

async function connect(credentials: { username: string; password: string }, clientId: string): Promise<MqttClient> {
  const client = await mqtt.connectAsync(broker!.url, { ...credentials, clientId, reconnectPeriod: 0, connectTimeout: 5_000 });
  clients.push(client);
  return client;
}

/** The SUBACK code the broker granted a filter: 0, or 128 for a refusal. */
async function granted(client: MqttClient, filter: string): Promise<number> {
  try {
    const result = await client.subscribeAsync(filter, { qos: 0 });
    return result[0]!.qos;
  } catch (error) {
    return Number((error as { packet?: { granted?: number[] } }).packet?.granted?.[0] ?? -1);
  }
}

describe('node ranges (a partition user name)', () => {
  it('writes one canonical name per set and reads only that name back', () => {
    const ranges = nodeRanges([5, 0, 1, 2, 9, 3, 2]);
    expect(ranges).toEqual([0, 3, 5, 5, 9, 9]);
    expect(nodeRangesName(ranges)).toBe('0-3,5,9');
    expect(parseNodeRanges('0-3,5,9', 10)).toEqual(ranges);
    expect([0, 3, 5, 9].map((node) => rangesInclude(ranges, node))).toEqual([true, true, true, true]);
    expect([4, 6, 8, 10, -1].map((node) => rangesInclude(ranges, node))).toEqual([false, false, false, false, false]);
    // Not canonical, malformed, empty, outside the run or too long: no set.
    for (const name of ['0-1,2', '2,0', '3-3', '4-2', '01', '1,,2', '-1', '', '0-10', 'a', '1 ', '0-3,4']) expect(parseNodeRanges(name, 10)).toBeUndefined();
    const long = Array.from({ length: 1000 }, (_, i) => String(2 * i)).join(',');
    expect(long.length).toBeGreaterThan(maxNodeRangesChars);
    expect(parseNodeRanges(long, 5000)).toBeUndefined();
  });

  it('is a role of the run only for nodes of the run', () => {
    expect(parseRole('partition:0-2,4', 6)).toEqual({ kind: 'partition', nodes: [0, 2, 4, 4] });
    expect(roleName({ kind: 'partition', nodes: [0, 2, 4, 4] })).toBe('partition:0-2,4');
    expect(parseRole('partition:0-6', 6)).toBeUndefined();
    expect(parseRole('partition:', 6)).toBeUndefined();
  });
});

describe('partition credentials on the embedded broker', () => {
  it('lets a partition publish and read only for the nodes its name lists, and counts every refusal', async () => {
    broker = await createEmbeddedBroker({ runId, nodes: 6, maxPacketBytes: 1024, log: (entry) => log.push(entry) });
    const credentials = broker.credentials.partition([2, 0, 3]);
    expect(credentials.username).toBe('partition:0,2-3');
    expect(() => broker!.credentials.partition([1, 6])).toThrow(RangeError);
    expect(() => broker!.credentials.partition([])).toThrow(RangeError);

    const coordinator = await connect(broker.credentials.coordinator, 'c');
    expect(await granted(coordinator, topics.allTx)).toBe(0);
    const partition = await connect(credentials, 'p');
    // Its own nodes' deliveries, each by its exact topic; nothing wider, nothing else.
    for (const node of [0, 2, 3]) expect(await granted(partition, topics.rx(node))).toBe(0);
    for (const filter of [topics.rx(1), topics.allRx, `swarm/${runId}/#`, topics.tx(0), topics.allCtl, topics.allMetrics]) expect(await granted(partition, filter)).toBe(128);

    const heard: string[] = [];
    coordinator.on('message', (topic) => heard.push(topic));
    for (const node of [0, 2, 3]) partition.publish(topics.tx(node), Buffer.from([node]));
    await vi.waitFor(() => expect(heard).toEqual([topics.tx(0), topics.tx(2), topics.tx(3)]), { timeout: 10_000 });

    // A delivery to one of its nodes reaches it; one to another node does not.
    const delivered: string[] = [];
    partition.on('message', (topic) => delivered.push(topic));
    coordinator.publish(topics.rx(1), Buffer.from([1]));
    coordinator.publish(topics.rx(2), Buffer.from([2]));
    await vi.waitFor(() => expect(delivered).toEqual([topics.rx(2)]), { timeout: 10_000 });

    // Speaking for a node it does not hold, or on any other topic, is refused: the message is
    // dropped and the connection closed (MQTT 3.1.1 has no other answer to a refused PUBLISH).
    const forbidden = [topics.tx(1), topics.tx(4), topics.tx(5), topics.rx(0), topics.ctl('workers/w1/report')];
    for (const [k, topic] of forbidden.entries()) {
      const rogue = await connect(credentials, `p-${k}`);
      const closed = new Promise<void>((resolve) => rogue.once('close', () => resolve()));
      rogue.publish(topic, Buffer.from([k]));
      await closed;
    }
    expect(heard).toHaveLength(3);
    expect(broker.stats.refused).toEqual({ connect: 0, publish: 5, subscribe: 6, oversize: 0, forward: 0 });
    expect(log.filter((entry) => entry.type === 'refused' && entry.reason === 'publish').map((entry) => entry.type === 'refused' && entry.topic)).toEqual([
      topics.tx(1),
      topics.tx(4),
      topics.tx(5),
      topics.rx(0),
      topics.ctl('workers/w1/report'),
    ]);
  });

  it('refuses a partition name changed to hold more nodes, or written another way, and counts each', async () => {
    broker = await createEmbeddedBroker({ runId, nodes: 6, maxPacketBytes: 1024, log: (entry) => log.push(entry) });
    const { password } = broker.credentials.partition([0, 2]);
    for (const username of ['partition:0-2', 'partition:0,2-3', 'partition:2,0', 'partition:0,02', 'node:0']) {
      await expect(mqtt.connectAsync(broker.url, { username, password, clientId: `x-${username}`, reconnectPeriod: 0, connectTimeout: 5_000 })).rejects.toMatchObject({ code: 4 });
    }
    expect(broker.stats.refused.connect).toBe(5);
    // The name it was given still connects.
    await connect({ username: 'partition:0,2', password }, 'ok');
  });
});

describe('a run on the embedded broker', () => {
  it('connects its own nodes as one partition: two clients for 40 nodes, every node with its rx topic', async () => {
    const prepared = await prepareMqttTransport({ runId: 'one', nodes: 40, webSocket: false });
    try {
      expect(prepared.broker!.stats.clients).toBe(2);
      expect(prepared.broker!.stats.refused).toEqual({ connect: 0, publish: 0, subscribe: 0, oversize: 0, forward: 0 });
    } finally {
      await prepared.close();
    }
  });
});
