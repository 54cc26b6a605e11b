/**
 * How this process's MQTT clients connect (the run's settings: MQTT 3.1.1, no automatic
 * reconnection, no Nagle delay): over TCP or WebSocket to a URL, or, for the embedded broker's
 * own process, over an in-memory stream pair (broker.connectInProcess).
 */
// mqtt.js is loaded when a client connects: a run whose clients are all direct (direct-client.ts) never loads it.
import type mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import type { Duplex } from 'node:stream';
import type { BrokerClient } from './broker-client.ts';
import { BrokerConnectionError } from './broker-connection-error.ts';
import { controlPacketLimitBytes, remainingLengthBytes } from './packet-size-guard.ts';

/**
 * Connects one client with the run's settings (MQTT 3.1.1, no reconnection, no Nagle delay).
 * `retryForMs` keeps trying while nothing listens yet (a broker starting beside the run, as in
 * docker-compose.yml), unless `signal` aborts; a refusal by the broker itself is final.
 */
export async function connectClient(url: string, credentials: { username: string; password: string }, clientId: string, extra: mqtt.IClientOptions = {}, retryForMs = 0, signal?: AbortSignal, inProcess?: () => Duplex): Promise<MqttClient> {
  let client: MqttClient;
  const deadline = Date.now() + retryForMs;
  const library = await import('mqtt');
  for (;;) {
    signal?.throwIfAborted();
    try {
      const options = { ...credentials, clientId, protocolVersion: 4 as const, reconnectPeriod: 0, connectTimeout: 10_000, ...extra };
      client = inProcess ? await connectInProcess(library.MqttClient, inProcess, options) : await library.default.connectAsync(url, options);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      throw new BrokerConnectionError(`cannot connect to ${url} as ${credentials.username}: ${(error as Error).message}`);
    }
  }
  // Small envelopes must not wait for Nagle's algorithm: every window waits on them. A
  // reconnection (reconnection.ts) opens a new socket, which needs it again.
  const noDelay = (): void => (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  noDelay();
  client.on('connect', noDelay);
  return client;
}

/** A client of the embedded broker in this process, over an in-memory stream pair (broker.ts); a reconnection opens a new pair. */
function connectInProcess(Client: typeof MqttClient, open: () => Duplex, options: mqtt.IClientOptions): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = new Client(() => open(), options);
    const fail = (error: Error): void => {
      client.end(true);
      reject(error);
    };
    client.once('error', fail);
    client.once('connect', () => {
      client.off('error', fail);
      resolve(client);
    });
  });
}

/**
 * Connects one client per node, 32 at a time. Every client that connected is pushed to
 * `into` (so that it is closed whatever happens), then the first failure is thrown.
 */
export async function connectNodeClients(url: string, runId: string, nodes: readonly number[], credentials: (node: number) => { username: string; password: string }, into: BrokerClient[], inProcess?: () => Duplex): Promise<Map<number, MqttClient>> {
  const byNode = new Map<number, MqttClient>();
  for (let start = 0; start < nodes.length; start += 32) {
    const batch = nodes.slice(start, start + 32);
    const settled = await Promise.allSettled(batch.map((i) => connectClient(url, credentials(i), `${runId}-node-${i}`, {}, 0, undefined, inProcess)));
    let failure: unknown;
    settled.forEach((result, k) => {
      if (result.status === 'fulfilled') {
        into.push(result.value);
        byNode.set(batch[k]!, result.value);
      } else failure ??= result.reason;
    });
    if (failure !== undefined) throw failure;
  }
  return byNode;
}

/**
 * Connects one client per partition (a process's nodes, or a chunk of them: partition-users.ts)
 * and puts it in `nodeClients` for each of its nodes; the first keeps `clientId` as it is, the
 * others get `-1`, `-2`, …. Every client connected is pushed on `clients`.
 */
export async function connectPartitions(url: string, partitions: readonly { readonly nodes: readonly number[]; readonly username: string; readonly password: string }[], clientId: string, nodeClients: (BrokerClient | undefined)[], clients: BrokerClient[], inProcess?: () => Duplex): Promise<void> {
  for (const [k, partition] of partitions.entries()) {
    const client = await connectClient(url, partition, k === 0 ? clientId : `${clientId}-${k}`, {}, 0, undefined, inProcess);
    clients.push(client);
    for (const i of partition.nodes) nodeClients[i] = client;
  }
}

/** At most this many topics per SUBSCRIBE packet. */
const subscribeBatch = 256;

/**
 * Subscribes to many exact topics at QoS 0: at most 256 per SUBSCRIBE packet, and no packet over
 * `packetBytes` (MQTT 3.1.1, 3.8: a packet identifier, then per topic its length, its bytes and
 * a QoS byte). The embedded broker takes control packets up to `controlPacketLimitBytes`
 * (packet-size-guard.ts); Mosquitto's `max_packet_size`, the run's limit, holds for every packet.
 */
export async function subscribeInBatches(client: BrokerClient, topics: readonly string[], packetBytes = controlPacketLimitBytes): Promise<void> {
  const batches: Promise<unknown>[] = [];
  let start = 0;
  while (start < topics.length) {
    let end = start;
    let remaining = 2;
    while (end < topics.length && end - start < subscribeBatch) {
      const more = remaining + 3 + Buffer.byteLength(topics[end]!);
      // One topic always goes, whatever its size: the broker then says what it thinks of it.
      if (end > start && 1 + remainingLengthBytes(more) + more > packetBytes) break;
      remaining = more;
      end++;
    }
    batches.push(client.subscribeAsync(topics.slice(start, end), { qos: 0 }));
    start = end;
  }
  await Promise.all(batches);
}

/** Each distinct connection among the nodes' clients, and the rx topics of the nodes it carries. */
export function connectionsOf<Client extends BrokerClient>(nodeClients: readonly (Client | undefined)[], nodes: readonly number[], topics: { rx(node: number): string }): Map<Client, string[]> {
  const connections = new Map<Client, string[]>();
  for (const i of nodes) {
    const client = nodeClients[i]!;
    const rx = connections.get(client);
    if (rx) rx.push(topics.rx(i));
    else connections.set(client, [topics.rx(i)]);
  }
  return connections;
}
