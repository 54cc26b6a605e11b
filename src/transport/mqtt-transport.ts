/**
 * The MQTT transport: every frame crosses a broker. A node's transmissions (and its death) are
 * published on `swarm/<run>/tx/<node>` and its deliveries received on `swarm/<run>/rx/<node>`,
 * by its own client, or with the embedded broker by the one connection of the process's
 * partition of nodes (topics.ts, `partition:<ranges>`); the coordinator's client (the ether's side)
 * subscribes to every tx topic and publishes every delivery. Payloads are envelope v1
 * (envelope.ts). At each window's end the barrier waits until every message published in the
 * window has arrived (counted), then applies the inboxes in canonical order (exchange.ts), so
 * that results are byte-identical to the memory transport's whatever the socket order.
 *
 * Nodes may also run in worker processes (`loraswarm worker`, worker-session.ts): their
 * clients live there, the coordinator starts them on each window and waits for their reports
 * as well as their frames (remote-partitions.ts).
 */
import { randomInt } from 'node:crypto';
import { hostname } from 'node:os';
import type { MqttClient } from 'mqtt';
import type { Duplex } from 'node:stream';
import { connectClient, connectionsOf, connectNodeClients, subscribeInBatches } from './client-connection.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { createBarrier } from './barrier.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from './broker.ts';
import { decodeEnvelope, encodeEnvelope, MalformedEnvelopeError, type Envelope } from './envelope.ts';
import { createExchange, type ExchangeState } from './exchange.ts';
import { chunkControl, controlChunkBytes, encodeControlValue } from './control-codec.ts';
import type { RunCredentials } from './mosquitto-setup.ts';
import { maxRunPacketBytes } from './packet-size-guard.ts';
import { createCoordinatorRemote, type CoordinatorRemote, type RemoteSetup } from './remote-partitions.ts';
import { createReconnection } from './reconnection.ts';
import { createReplayOutbox, type ReplayOutbox } from './replay-outbox.ts';
import { createSeenMessages, deathKey, deliveryKey, transmissionKey } from './seen-messages.ts';
import { maxNodeRangesChars, nodeRanges, nodeRangesName } from './node-ranges.ts';
import { runTopics, type RunTopics } from './topics.ts';
import { coordinatorHeartbeatMs } from './worker-protocol.ts';
import type { Transport, TransportEndpoints } from './transport.ts';

export { BrokerTimeoutError } from './barrier.ts';
export { BrokerConnectionError } from './broker-connection-error.ts';

export interface MqttTransportOptions {
  readonly runId: string;
  readonly nodes: number;
  /** An external broker (Mosquitto) and the run's credentials; the embedded broker otherwise. */
  readonly external?: { readonly url: string; readonly credentials: RunCredentials };
  /** The embedded broker's TCP listener (default 127.0.0.1, a free port): workers on other machines need a reachable one. */
  readonly listen?: { readonly host: string; readonly port: number };
  /** How long a barrier may wait for messages before the run stops with an error. */
  readonly barrierTimeoutMs?: number;
  /** Partitions of nodes that run in `loraswarm worker` processes. */
  readonly remote?: RemoteSetup;
  /** How long the broker, or a worker whose connection closed, may stay away (default 60 s: reconnection.ts). */
  readonly reconnectWindowMs?: number;
  /** Told each time the run came back after losing the broker (reconnection.ts), with how long it was away. */
  readonly onReconnected?: (awayMs: number) => void;
  /** The embedded broker's WebSocket listener for browsers (on by default; `run` opens it only for --dashboard). */
  readonly webSocket?: boolean;
}

export interface PreparedMqttTransport {
  /** The embedded broker, or undefined with an external one. */
  readonly broker: EmbeddedBroker | undefined;
  /** The URL node clients and workers connect to. */
  readonly url: string;
  /** Publishes a live-metrics snapshot (JSON) on `swarm/<run>/metrics/<path>` for viewers. */
  publishMetrics(path: string, snapshot: object): void;
  /**
   * Publishes a JSON value of any size on `metrics/<path>` in chunks within the run's packet
   * limit (the control messages' chunk format). `retained`: each chunk goes, retained, on
   * `metrics/<path>/<i>`, so that a viewer who subscribes later still gets the whole value;
   * returns the chunk count.
   */
  publishMetricsChunked(path: string, value: unknown, retained?: boolean): number;
  /** Clears the retained chunks `metrics/<path>/0..count-1`. */
  clearRetained(path: string, count: number): void;
  /** Envelopes and control messages refused as malformed, by the coordinator or the nodes. */
  readonly malformed: number;
  /** How many times this process lost the broker and came back (reconnection.ts). */
  readonly resumptions: number;
  /** Resolves once every remote partition's worker has joined (at once without workers). */
  workersReady(): Promise<void>;
  bind(scheduler: Scheduler, endpoints: () => TransportEndpoints): Transport;
  /** Closes clients and the embedded broker; with `abortReason`, tells workers the run stopped. */
  close(abortReason?: string): Promise<void>;
}

/** A listener's URL as another machine reaches it: a wildcard host becomes this machine's name. */
export function reachableUrl(url: string): string {
  return url.replace(/^(mqtt|ws):\/\/(0\.0\.0\.0|\[::\])(?=:)/, (_, scheme: string) => `${scheme}://${hostname()}`);
}

/** Publishes a node's own envelope (a transmission, or its death) on its tx topic, from its client, kept for a replay. */
export function publishFromNode(clients: readonly (MqttClient | undefined)[], topics: RunTopics, node: number, envelope: Envelope, outbox: ReplayOutbox): void {
  outbox.publish(clients[node]!, topics.tx(node), Buffer.from(encodeEnvelope(envelope)));
}

/** The partition connection's credentials for `local`, or undefined when there is none or its name would be too long (node-ranges.ts). */
function partitionCredentials(broker: EmbeddedBroker, local: readonly number[]): { username: string; password: string } | undefined {
  if (local.length === 0 || nodeRangesName(nodeRanges(local)).length > maxNodeRangesChars) return undefined;
  return broker.credentials.partition(local);
}

export async function prepareMqttTransport(options: MqttTransportOptions): Promise<PreparedMqttTransport> {
  const topics = runTopics(options.runId, options.nodes);
  const maxPacketBytes = maxRunPacketBytes(options.runId, options.nodes);
  const external = options.external;
  if (external && (external.credentials.runId !== options.runId || external.credentials.nodes.length !== options.nodes)) {
    throw new RangeError(`the credentials are for run ${external.credentials.runId} with ${external.credentials.nodes.length} nodes, not ${options.runId} with ${options.nodes}`);
  }
  // A WebSocket listener too, for viewers (the dashboard).
  const broker = external
    ? undefined
    : await createEmbeddedBroker({
        runId: options.runId,
        nodes: options.nodes,
        maxPacketBytes,
        ...(options.webSocket !== false && { wsPort: 0 }),
        log: (entry) => process.env.LORASWARM_BROKER_LOG && process.stderr.write(`broker: ${JSON.stringify(entry)}\n`),
        ...(options.listen && { host: options.listen.host, tcpPort: options.listen.port }),
      });
  const url = external?.url ?? broker!.url;
  const roles = external
    ? { coordinator: external.credentials.coordinator, node: (i: number) => external.credentials.nodes[i]! }
    : { coordinator: broker!.credentials.coordinator, node: (i: number) => broker!.credentials.node(i) };
  const remoteNodes = new Set(options.remote?.partitions.flat() ?? []);
  const local = Array.from({ length: options.nodes }, (_, i) => i).filter((i) => !remoteNodes.has(i));
  const clients: MqttClient[] = [];
  let malformed = 0;
  try {
    // Workers learn from the coordinator's last will if it vanishes (they wait for it to come back, within bounds).
    const will = { topic: topics.ctl('run/all/gone'), payload: Buffer.from(chunkControl(0, encodeControlValue({ reason: 'the coordinator disconnected from the broker' }), maxPacketBytes)[0]!), qos: 0 as const, retain: false };
    // The embedded broker serves this process's clients over in-memory streams; workers and viewers connect by TCP or WebSocket.
    const inProcess = broker && ((): Duplex => broker.connectInProcess());
    const coordinator = await connectClient(url, roles.coordinator, `${options.runId}-coordinator`, options.remote ? { will } : {}, external ? 15_000 : 0, undefined, inProcess);
    clients.push(coordinator);
    const nodeClients: (MqttClient | undefined)[] = new Array<MqttClient | undefined>(options.nodes).fill(undefined);
    // With the embedded broker, this process's nodes share one partition connection (topics.ts);
    // an external broker's password file has one user per node, so each node connects on its own.
    const partition = broker && partitionCredentials(broker, local);
    if (partition) {
      const client = await connectClient(url, partition, `${options.runId}-partition-coordinator`, {}, 0, undefined, inProcess);
      clients.push(client);
      for (const i of local) nodeClients[i] = client;
    } else for (const [i, client] of await connectNodeClients(url, options.runId, local, roles.node, clients, inProcess)) nodeClients[i] = client;
    const nodeConnections = connectionsOf(nodeClients, local, topics);
    const barrier = createBarrier(options.barrierTimeoutMs ?? 30_000);
    // What this process published and a peer may have lost when the broker went away: the
    // window's frames and deliveries, and the workers' ops, until acknowledged (replay-outbox.ts).
    const outbox = createReplayOutbox(2);
    const seenTx = createSeenMessages();
    const seenRx = createSeenMessages();
    /** Retained metric chunks by path: a restarted broker may have lost them, and viewers need them. */
    const retainedChunks = new Map<string, Buffer[]>();
    // Chunk streams start at a random number: a retained start left by an earlier run with the
    // same id (an external broker) never mixes with this run's.
    let metricsStream = randomInt(0, 2 ** 31);
    const remote: CoordinatorRemote | undefined = options.remote && createCoordinatorRemote(coordinator, topics, options.remote, barrier, maxPacketBytes, outbox, !external, options.reconnectWindowMs, broker && ((nodes) => partitionCredentials(broker, nodes)));
    // Workers that sit windows out still hear the coordinator: a silent coordinator is a gone one.
    const heartbeat = remote ? setInterval(() => remote.alive(), coordinatorHeartbeatMs) : undefined;
    heartbeat?.unref();

    let sentTx = 0;
    let receivedTx = 0;
    let sentRx = 0;
    let receivedRx = 0;
    let closing = false;
    let bound: ReturnType<typeof createExchange> | undefined;

    // Only well-formed envelopes count towards a barrier: a malformed one (from a faulty or
    // hostile client with valid credentials) is counted and dropped, and cannot stall a window.
    const decode = (payload: Uint8Array): ReturnType<typeof decodeEnvelope> | undefined => {
      try {
        return decodeEnvelope(payload);
      } catch (error) {
        if (!(error instanceof MalformedEnvelopeError)) throw error;
        malformed++;
        return undefined;
      }
    };
    coordinator.on('message', (topic, payload, packet) => {
      const from = topics.parse(topic);
      if (from?.kind === 'ctl') {
        if (remote) remote.handle(from.path, payload);
        return;
      }
      // Frames are events: a retained one was left before this run (Mosquitto cannot refuse
      // retaining on a topic a role may write, as the embedded broker does) and is not this run's.
      if (packet.retain) {
        malformed++;
        return;
      }
      const envelope = decode(payload);
      if (!envelope) return;
      const sender = envelope.kind === 'transmission' ? envelope.tx.sender : envelope.kind === 'nodeDied' ? envelope.node : -1;
      if (envelope.kind === 'delivery' || from?.kind !== 'tx' || from.node !== sender) {
        // A node may only speak for itself, and only in transmissions and deaths.
        malformed++;
        return;
      }
      // A copy replayed after a broker blip counts once.
      if (envelope.kind === 'transmission' ? !seenTx.fresh(transmissionKey(sender, envelope.tx.seq), envelope.tx.startMs) : !seenTx.fresh(deathKey(sender), envelope.atMs)) return;
      receivedTx++;
      if (envelope.kind === 'transmission') bound?.addTransmission(envelope.tx);
      else bound?.addDeath(envelope.node, envelope.atMs);
      barrier.poke();
    });
    for (const client of nodeConnections.keys()) {
      client.on('message', (topic, payload) => {
        const envelope = decode(payload);
        // Only a delivery to the node whose topic it came on.
        const to = topics.parse(topic);
        if (envelope?.kind !== 'delivery' || to?.kind !== 'rx' || envelope.delivery.receiver !== to.node) {
          if (envelope) malformed++;
          return;
        }
        const { delivery } = envelope;
        if (!seenRx.fresh(deliveryKey(delivery.receiver, delivery.tx.sender, delivery.tx.seq, delivery.kind), delivery.atMs)) return;
        receivedRx++;
        bound?.addDelivery(envelope.delivery);
        barrier.poke();
      });
    }
    // Subscribed once the handlers are there: a message right after SUBACK (a retained one) is seen, not lost.
    const coordinatorTopics = [topics.allTx, ...(remote ? [`${topics.prefix}/ctl/workers/#`] : [])];
    await coordinator.subscribeAsync(coordinatorTopics, { qos: 0 });
    await Promise.all([...nodeConnections].map(([client, rx]) => subscribeInBatches(client, rx)));
    // A connection lost mid-run is taken up again (reconnection.ts): once every client is back,
    // workers are asked to publish again what this process may have missed, and this process
    // publishes again what they may have missed; receivers count each message once. What cannot
    // be taken up (the broker away too long, a client id taken over again and again, the
    // embedded broker gone) stops the run at the next barrier with a clear error, never a hang
    // or a silently wrong result; the run directory is left marked partial.
    const reconnection = createReconnection({
      barrier,
      brokerInRun: !external,
      ...(options.reconnectWindowMs !== undefined && { windowMs: options.reconnectWindowMs }),
      onResumed: (awayMs) => {
        options.onReconnected?.(awayMs);
        for (const [path, chunks] of retainedChunks) chunks.forEach((chunk, i) => coordinator.publish(topics.metrics(`${path}/${i}`), chunk, { qos: 0, retain: true }));
        remote?.resync();
        outbox.replay();
        barrier.poke();
      },
    });
    reconnection.watch(coordinator, coordinatorTopics);
    for (const [client, rx] of nodeConnections) reconnection.watch(client, rx);

    const close = async (abortReason?: string): Promise<void> => {
      if (closing) return;
      closing = true;
      reconnection.stop();
      clearInterval(heartbeat);
      // Whatever stopped the run (a node's connection included), workers are told while the
      // coordinator's own connection can still carry it; if it cannot, its last will does.
      if (remote && !remote.finished && coordinator.connected) remote.abort(abortReason ?? barrier.failure?.message ?? 'the coordinator stopped');
      // A client still reconnecting has no connection to say goodbye on.
      await Promise.all(clients.map((client) => client.endAsync(!client.connected).catch(() => undefined)));
      await broker?.close();
    };

    return {
      broker,
      url,
      publishMetrics(path, snapshot) {
        coordinator.publish(topics.metrics(path), JSON.stringify(snapshot), { qos: 0 });
      },
      publishMetricsChunked(path, value, retained = false) {
        const bytes = encodeControlValue(value);
        // Sized for the longest topic a chunk may take (a retained chunk's index has ≤ 10 digits).
        const chunks = chunkControl(metricsStream++, bytes, controlChunkBytes(maxPacketBytes, topics.metrics(`${path}/0000000000`)));
        const buffers = chunks.map((chunk) => Buffer.from(chunk));
        buffers.forEach((chunk, i) => coordinator.publish(topics.metrics(retained ? `${path}/${i}` : path), chunk, { qos: 0, retain: retained }));
        if (retained) retainedChunks.set(path, buffers);
        return chunks.length;
      },
      clearRetained(path, count) {
        retainedChunks.delete(path);
        for (let i = 0; i < count; i++) coordinator.publish(topics.metrics(`${path}/${i}`), Buffer.alloc(0), { qos: 0, retain: true });
      },
      get malformed() {
        return malformed + (remote?.malformed ?? 0);
      },
      get resumptions() {
        return reconnection.resumptions;
      },
      async workersReady() {
        await remote?.ready();
      },
      close,
      bind(scheduler, endpoints) {
        const exchange = createExchange(scheduler, endpoints);
        bound = exchange;
        let resolved: TransportEndpoints | undefined;
        const report = (windowReport: Parameters<NonNullable<TransportEndpoints['report']>>[0]): void => (resolved ??= endpoints()).report?.(windowReport);
        return {
          kind: 'mqtt',
          asynchronous: true,
          ...(remote && { remote }),
          transmit(tx) {
            sentTx++;
            publishFromNode(nodeClients, topics, tx.sender, { kind: 'transmission', tx }, outbox);
          },
          nodeDied(node, atMs) {
            sentTx++;
            publishFromNode(nodeClients, topics, node, { kind: 'nodeDied', node, atMs }, outbox);
          },
          deliver(delivery) {
            if (remote?.hosts(delivery.receiver)) remote.delivered(delivery.receiver, delivery.atMs);
            else sentRx++;
            const bytes = encodeEnvelope({ kind: 'delivery', delivery });
            outbox.publish(coordinator, topics.rx(delivery.receiver), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
          },
          exchange() {
            throw new Error('the MQTT transport is asynchronous: use exchangeAsync');
          },
          async exchangeAsync() {
            if (remote) await remote.collect(report);
            await barrier.wait(() => receivedTx === sentTx + (remote?.sentTx ?? 0), 'transmission');
            // The ether's deliveries leave in one burst: one socket write for all of them.
            const stream = coordinator.stream as { cork?: () => void; uncork?: () => void };
            stream.cork?.();
            try {
              exchange.applyToEther();
            } finally {
              stream.uncork?.();
            }
            await barrier.wait(() => receivedRx === sentRx, 'delivery');
            exchange.applyDeliveries();
            // Everything sent before this barrier has arrived, or (a worker's deliveries and
            // ops) will be confirmed by the next one: older messages are no longer replayed,
            // and their copies are recognised by their time.
            outbox.advance();
            seenTx.floor(scheduler.nowMs);
            seenRx.floor(scheduler.nowMs);
          },
          get pending() {
            // receivedTx counts the workers' frames too.
            return exchange.pending + (sentTx + (remote?.sentTx ?? 0) - receivedTx) + (sentRx - receivedRx);
          },
          get plumbingEvents() {
            return exchange.plumbingEvents;
          },
          close: () => close(),
          // Between windows nothing is on its way: what a checkpoint holds is the exchange's.
          ...(!remote && { checkpoint: () => exchange.checkpoint(), restore: (state: ExchangeState) => exchange.restore(state) }),
        };
      },
    };
  } catch (error) {
    await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
    await broker?.close();
    throw error;
  }
}
