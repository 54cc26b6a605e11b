import type { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { subscribeInBatches } from '../../src/transport/client-connection.ts';
import { createRunCredentials } from '../../src/transport/mosquitto-setup.ts';
import { runTopics } from '../../src/transport/topics.ts';
import { partitionUsersFor } from '../../src/transport/partition-users.ts';

/** A client that records each SUBSCRIBE's topics and answers it. */
function recordingClient(): { client: MqttClient; packets: string[][] } {
  const packets: string[][] = [];
  const client = { subscribeAsync: async (topics: string[]) => void packets.push(topics) } as unknown as MqttClient;
  return { client, packets };
}

/** A SUBSCRIBE packet's bytes (MQTT 3.1.1, 3.8): fixed header, packet id, then length, topic and QoS byte each. */
function subscribeBytes(topics: readonly string[]): number {
  const remaining = 2 + topics.reduce((sum, topic) => sum + 3 + Buffer.byteLength(topic), 0);
  return 1 + (remaining < 128 ? 1 : remaining < 16_384 ? 2 : 3) + remaining;
}

describe('subscribing to a partition\u2019s rx topics', () => {
  const topics = Array.from({ length: 1000 }, (_, i) => runTopics('r1', 1000).rx(i));

  it('keeps every SUBSCRIBE within the packet limit (Mosquitto\u2019s max_packet_size), all topics once and in order', async () => {
    const { client, packets } = recordingClient();
    await subscribeInBatches(client, topics, 300);
    expect(packets.flat()).toEqual(topics);
    expect(Math.max(...packets.map(subscribeBytes))).toBeLessThanOrEqual(300);
    // As full as the limit allows: adding the next topic to any packet would pass it.
    for (let k = 0; k < packets.length - 1; k++) expect(subscribeBytes([...packets[k]!, packets[k + 1]![0]!])).toBeGreaterThan(300);
    expect(packets.length).toBe(63);
  });

  it('sends at most 256 topics a packet under the embedded broker\u2019s control limit', async () => {
    const { client, packets } = recordingClient();
    await subscribeInBatches(client, topics);
    expect(packets.map((packet) => packet.length)).toEqual([256, 256, 256, 232]);
  });
});

describe('partition users in a Mosquitto setup', () => {
  it('holds each process\u2019s nodes in users of at most 64, which a process finds again from its nodes alone', () => {
    const credentials = createRunCredentials('r1', 300, [Array.from({ length: 150 }, (_, i) => 2 * i), Array.from({ length: 150 }, (_, i) => 2 * i + 1)]);
    expect(credentials.partitions!.map((user) => user.nodes.split(',').length)).toEqual([64, 64, 22, 64, 64, 22]);
    expect(credentials.partitions![2]!.username).toBe(`r1-partition-${Array.from({ length: 22 }, (_, i) => 256 + 2 * i).join(',')}`);
    const odd = partitionUsersFor(credentials, Array.from({ length: 150 }, (_, i) => 299 - 2 * i));
    expect(odd!.map((user) => [user.nodes.length, user.username])).toEqual(credentials.partitions!.slice(3).map((user) => [user.nodes.split(',').length, user.username]));
    // Split another way than broker-setup was told: no partition user holds the chunks.
    expect(partitionUsersFor(credentials, Array.from({ length: 100 }, (_, i) => i))).toBeUndefined();
  });

  it('names each process\u2019s nodes once, canonically, and refuses a node outside the run', () => {
    const credentials = createRunCredentials('r1', 10, [[3, 1, 2, 0], [4, 5, 6, 9, 8, 7], [], [0, 1, 2, 3]]);
    expect(credentials.partitions!.map(({ nodes, username }) => `${nodes} ${username}`)).toEqual(['0-3 r1-partition-0-3', '4-9 r1-partition-4-9']);
    expect(new Set(credentials.partitions!.map((user) => user.password)).size).toBe(2);
    expect(createRunCredentials('r1', 10).partitions).toBeUndefined();
    expect(() => createRunCredentials('r1', 10, [[8, 10]])).toThrow('a partition must name nodes 0..9, got 8,10');
  });
});
