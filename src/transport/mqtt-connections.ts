/**
 * The MQTT transport's broker and clients (mqtt-transport.ts): the embedded broker unless the
 * run has an external one, the coordinator's client (the ether's side), and the clients of
 * this process's nodes.
 */
import type { Duplex } from 'node:stream';
import type { BrokerClient } from './broker-client.ts';
import { connectClient, connectionsOf, connectNodeClients, connectPartitions } from './client-connection.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from './broker.ts';
import { chunkControl, encodeControlValue } from './control-codec.ts';
import type { MqttTransportOptions } from './mqtt-transport.ts';
import { maxNodeRangesChars, nodeRanges, nodeRangesName } from './node-ranges.ts';
import type { RunTopics } from './topics.ts';
import { partitionUsersFor } from './partition-users.ts';

export interface MqttConnections {
  readonly coordinator: BrokerClient;
  /** Per node, the client that publishes its frames (undefined for a remote node). */
  readonly nodeClients: (BrokerClient | undefined)[];
  /** Each node client's rx topics. */
  readonly nodeConnections: Map<BrokerClient, string[]>;
  /** Whether every client is a direct one (direct-client.ts): none can lose its connection. */
  readonly direct: boolean;
}

/** The embedded broker (undefined with an external one), with a WebSocket listener too, for viewers (the dashboard). */
export async function startBroker(options: MqttTransportOptions, maxPacketBytes: number): Promise<EmbeddedBroker | undefined> {
  const external = options.external;
  if (external && (external.credentials.runId !== options.runId || external.credentials.nodes.length !== options.nodes)) {
    throw new RangeError(`the credentials are for run ${external.credentials.runId} with ${external.credentials.nodes.length} nodes, not ${options.runId} with ${options.nodes}`);
  }
  return external
    ? undefined
    : await createEmbeddedBroker({
        runId: options.runId,
        nodes: options.nodes,
        maxPacketBytes,
        ...(options.webSocket !== false && { wsPort: 0 }),
        log: (entry) => process.env.LORASWARM_BROKER_LOG && process.stderr.write(`broker: ${JSON.stringify(entry)}\n`),
        ...(options.listen && { host: options.listen.host, tcpPort: options.listen.port }),
      });
}

/** Connects the coordinator's client and the local nodes' clients to `url`; every client connected is pushed on `clients` (closed on a failure). */
export async function connectMqttClients(options: MqttTransportOptions, topics: RunTopics, maxPacketBytes: number, url: string, broker: EmbeddedBroker | undefined, clients: BrokerClient[]): Promise<MqttConnections> {
  if (broker && options.inProcessClients !== 'streams') return connectDirectClients(options, topics, broker, clients);
  const external = options.external;
  const roles = external
    ? { coordinator: external.credentials.coordinator, node: (i: number) => external.credentials.nodes[i]! }
    : { coordinator: broker!.credentials.coordinator, node: (i: number) => broker!.credentials.node(i) };
  const local = localNodes(options);
  // Workers learn from the coordinator's last will if it vanishes (they wait for it to come back, within bounds).
  const will = { topic: topics.ctl('run/all/gone'), payload: Buffer.from(chunkControl(0, encodeControlValue({ reason: 'the coordinator disconnected from the broker' }), maxPacketBytes)[0]!), qos: 0 as const, retain: false };
  // The embedded broker serves this process's clients over in-memory streams; workers and viewers connect by TCP or WebSocket.
  const inProcess = broker && ((): Duplex => broker.connectInProcess());
  const coordinator = await connectClient(url, roles.coordinator, `${options.runId}-coordinator`, options.remote ? { will } : {}, external ? 15_000 : 0, undefined, inProcess);
  clients.push(coordinator);
  const nodeClients: (BrokerClient | undefined)[] = new Array<BrokerClient | undefined>(options.nodes).fill(undefined);
  // This process's nodes share partition connections (topics.ts): with the embedded broker one,
  // whose credentials it makes; with an external broker one per chunk of nodes, when
  // broker-setup was told how the run splits its nodes (partition-users.ts). Otherwise each
  // node connects on its own.
  const embedded = broker && partitionCredentials(broker, local);
  const partitions = embedded ? [{ nodes: local, ...embedded }] : external && partitionUsersFor(external.credentials, local);
  if (partitions) await connectPartitions(url, partitions, `${options.runId}-partition-coordinator`, nodeClients, clients, inProcess);
  else for (const [i, client] of await connectNodeClients(url, options.runId, local, roles.node, clients, inProcess)) nodeClients[i] = client;
  return { coordinator, nodeClients, nodeConnections: connectionsOf(nodeClients, local, topics), direct: false };
}

/**
 * The embedded broker's clients in its own process through aedes' API (direct-client.ts): the
 * coordinator's, and the partition connection of this process's nodes (a client per node when
 * the partition's name would be too long). They need no last will: the broker lives and dies
 * with the coordinator.
 */
function connectDirectClients(options: MqttTransportOptions, topics: RunTopics, broker: EmbeddedBroker, clients: BrokerClient[]): MqttConnections {
  const local = localNodes(options);
  const coordinator = broker.connectDirect(broker.credentials.coordinator, `${options.runId}-coordinator`);
  clients.push(coordinator);
  const nodeClients = new Array<BrokerClient | undefined>(options.nodes).fill(undefined);
  const partition = partitionCredentials(broker, local);
  if (partition) {
    const client = broker.connectDirect(partition, `${options.runId}-partition-coordinator`);
    clients.push(client);
    for (const i of local) nodeClients[i] = client;
  } else {
    for (const i of local) clients.push((nodeClients[i] = broker.connectDirect(broker.credentials.node(i), `${options.runId}-node-${i}`)));
  }
  return { coordinator, nodeClients, nodeConnections: connectionsOf(nodeClients, local, topics), direct: true };
}

/** The nodes of the run that this process holds (those no worker does). */
function localNodes(options: MqttTransportOptions): number[] {
  const remoteNodes = new Set(options.remote?.partitions.flat() ?? []);
  return Array.from({ length: options.nodes }, (_, i) => i).filter((i) => !remoteNodes.has(i));
}

/** The partition connection's credentials for `local`, or undefined when there is none or its name would be too long (node-ranges.ts). */
export function partitionCredentials(broker: EmbeddedBroker, local: readonly number[]): { username: string; password: string } | undefined {
  if (local.length === 0 || nodeRangesName(nodeRanges(local)).length > maxNodeRangesChars) return undefined;
  return broker.credentials.partition(local);
}
