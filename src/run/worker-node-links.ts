/**
 * A worker's links for its nodes: the MQTT clients its nodes publish and receive on (one
 * connection for the partition, or one per node), the deliveries that arrive for them, and the
 * transport its simulation sends through.
 */
import type { MqttClient } from 'mqtt';
import { controlChunkBytes } from '../transport/control-codec.ts';
import { decodeEnvelope, MalformedEnvelopeError } from '../transport/envelope.ts';
import { createExchange, type Exchange } from '../transport/exchange.ts';
import { connectionsOf, connectNodeClients, connectPartitions, subscribeInBatches } from '../transport/client-connection.ts';
import { publishFromNode } from '../transport/mqtt-transport.ts';
import { createSeenMessages, deliveryKey, type SeenMessages } from '../transport/seen-messages.ts';
import { maxRunPacketBytes } from '../transport/packet-size-guard.ts';
import { partitionUsersFor } from '../transport/partition-users.ts';
import { runTopics, type RunTopics } from '../transport/topics.ts';
import type { Transport, TransportEndpoints } from '../transport/transport.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { sendTo, type WorkerControl } from './worker-control.ts';
import type { Assignment, HostedPartition } from './worker-join.ts';

export interface NodeLinks {
  readonly topics: RunTopics;
  /** The chunk size of this worker's control messages once it knows the run's node count. */
  readonly chunkBytes: number;
  /** Each hosted node's client, by index. */
  readonly nodeClients: (MqttClient | undefined)[];
  /** Deliveries already taken (a replay after a blip comes again). */
  readonly seen: SeenMessages;
  /** Envelopes the hosted nodes published. */
  sentTx: number;
  /** Deliveries that arrived for the hosted nodes. */
  received: number;
  /** The simulation's exchange, once the simulation is built. */
  exchange: Exchange | undefined;
}

/** Connects the hosted nodes' clients and takes the deliveries that arrive for them. */
export async function connectNodeLinks(worker: WorkerControl, assigned: Assignment, partition: HostedPartition): Promise<NodeLinks> {
  const { options, workerId, clients } = worker;
  const { nodeCount, hosted } = partition;
  const topics = runTopics(options.runId, nodeCount);
  const chunkBytes = controlChunkBytes(maxRunPacketBytes(options.runId, nodeCount), topics.ctl(`workers/${workerId}/report`));
  const links: NodeLinks = { topics, chunkBytes, nodeClients: new Array<MqttClient | undefined>(nodeCount).fill(undefined), seen: createSeenMessages(), sentTx: 0, received: 0, exchange: undefined };
  const { nodeClients } = links;
  // One connection for the partition when the run's embedded broker gave its credentials; one
  // per chunk of nodes when an external broker's credentials hold them (partition-users.ts);
  // else one per node.
  const partitions = assigned.partition ? [{ nodes: hosted, ...assigned.partition }] : partitionUsersFor(options.credentials, hosted);
  if (partitions) await connectPartitions(options.url, partitions, `${options.runId}-partition-${workerId}`, nodeClients, clients);
  else for (const [i, client] of await connectNodeClients(options.url, options.runId, hosted, (i) => options.credentials.nodes[i]!, clients)) nodeClients[i] = client;
  const nodeConnections = connectionsOf(nodeClients, hosted, topics);
  for (const client of nodeConnections.keys()) client.on('message', (topic, payload) => onNodeMessage(worker, links, client, topic, payload));
  // An external broker (Mosquitto) holds SUBSCRIBE packets to the run's packet limit too (client-connection.ts).
  const subscribeBytes = assigned.brokerInRun ? undefined : maxRunPacketBytes(options.runId, nodeCount);
  await Promise.all([...nodeConnections].map(([client, rx]) => subscribeInBatches(client, rx, subscribeBytes)));
  for (const [client, rx] of nodeConnections) worker.reconnection.watch(client, rx, subscribeBytes);
  const resyncTopic = topics.ctl(`workers/${workerId}/resync`);
  // Back from a blip: ask the coordinator for what this worker missed, and publish again what it may have.
  worker.resumed = () => {
    sendTo(worker, resyncTopic, {}, chunkBytes);
    worker.outbox.replay();
    worker.barrier.poke();
  };
  worker.answerResync = () => {
    worker.outbox.replay();
    sendTo(worker, topics.ctl(`workers/${workerId}/here`), {}, chunkBytes);
  };
  return links;
}

function onNodeMessage(worker: WorkerControl, links: NodeLinks, client: MqttClient, topic: string, payload: Buffer): void {
  let envelope;
  try {
    envelope = decodeEnvelope(payload);
  } catch (error) {
    if (error instanceof MalformedEnvelopeError) return;
    throw error;
  }
  // Only a delivery to the node whose topic it came on.
  const to = links.topics.parse(topic);
  if (envelope.kind !== 'delivery' || to?.kind !== 'rx' || envelope.delivery.receiver !== to.node || links.nodeClients[to.node] !== client) return;
  const { delivery } = envelope;
  if (!links.seen.fresh(deliveryKey(to.node, delivery.tx.sender, delivery.tx.seq, delivery.kind), delivery.atMs)) return;
  links.received++;
  links.exchange!.addDelivery(envelope.delivery);
  worker.barrier.poke();
}

/** The transport of a worker's simulation: its nodes publish on their own topics; deliveries come in through the exchange. */
export function workerTransport(worker: WorkerControl, links: NodeLinks, scheduler: Scheduler, endpoints: () => TransportEndpoints): Transport {
  const { nodeClients, topics } = links;
  const { outbox } = worker;
  const ex = (links.exchange = createExchange(scheduler, endpoints));
  return {
    kind: 'mqtt',
    asynchronous: true,
    transmit(tx) {
      links.sentTx++;
      publishFromNode(nodeClients, topics, tx.sender, { kind: 'transmission', tx }, outbox);
    },
    nodeDied(node, atMs) {
      links.sentTx++;
      publishFromNode(nodeClients, topics, node, { kind: 'nodeDied', node, atMs }, outbox);
    },
    deliver() {
      throw new Error('internal error: a worker runs no ether');
    },
    exchange() {
      throw new Error('internal error: a worker exchanges through op messages');
    },
    get pending() {
      return ex.pending;
    },
    get plumbingEvents() {
      return ex.plumbingEvents;
    },
    async close() {
      ex.clear();
    },
  };
}
