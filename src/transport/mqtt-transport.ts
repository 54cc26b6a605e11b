/**
 * The MQTT transport: every frame crosses a broker. A node's transmissions (and its death) are
 * published on `swarm/<run>/tx/<node>` and its deliveries received on `swarm/<run>/rx/<node>`,
 * by its own client, or by the one connection of the process's partition of nodes (topics.ts,
 * `partition:<ranges>`); the coordinator's client (the ether's side)
 * subscribes to every tx topic and publishes every delivery. With the embedded broker this
 * process's clients are direct clients (direct-client.ts: aedes' own API, the same ACLs and
 * counts, no packets encoded); with an external broker, mqtt.js clients. Payloads are envelope v1
 * (envelope.ts). At each window's end the barrier waits until every message published in the
 * window has arrived (counted), then applies the inboxes in canonical order (exchange.ts), so
 * that results are byte-identical to the memory transport's whatever the socket order.
 *
 * Nodes may also run in worker processes (`loraswarm worker`, worker-session.ts): their
 * clients live there, the coordinator starts them on each window and waits for their reports
 * as well as their frames (remote-partitions.ts).
 */
import { hostname } from 'node:os';
import type { MqttClient } from 'mqtt';
import type { BrokerClient } from './broker-client.ts';
import { BrokerConnectionError } from './broker-connection-error.ts';
import { isDirectClient } from './direct-client.ts';
import { subscribeInBatches } from './client-connection.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { createBarrier } from './barrier.ts';
import type { EmbeddedBroker } from './broker.ts';
import type { RunCredentials } from './mosquitto-setup.ts';
import { createMetricsPublisher, type MetricsPublisher } from './metrics-publisher.ts';
import { bindMqttTransport } from './mqtt-binding.ts';
import { connectMqttClients, partitionCredentials, startBroker, type MqttConnections } from './mqtt-connections.ts';
import { handleCoordinatorMessage, handleNodeMessage } from './mqtt-messages.ts';
import type { MqttRun } from './mqtt-run.ts';
import { maxRunPacketBytes } from './packet-size-guard.ts';
import { createCoordinatorRemote, type RemoteSetup } from './remote-partitions.ts';
import { createReconnection, type Reconnection } from './reconnection.ts';
import { createReplayOutbox } from './replay-outbox.ts';
import { createSeenMessages } from './seen-messages.ts';
import { runTopics } from './topics.ts';
import { coordinatorHeartbeatMs } from './worker-protocol.ts';
import type { Transport, TransportEndpoints } from './transport.ts';

export { BrokerTimeoutError } from './barrier.ts';
export { BrokerConnectionError } from './broker-connection-error.ts';
export { publishFromNode } from './publish-from-node.ts';

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
  /**
   * How this process's clients reach the embedded broker: through aedes' own API (`direct`, the
   * default: direct-client.ts), or as mqtt.js clients over in-memory streams (`streams`), whose
   * connections the broker can drop and which reconnect (the reconnection tests use them).
   */
  readonly inProcessClients?: 'direct' | 'streams';
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

export async function prepareMqttTransport(options: MqttTransportOptions): Promise<PreparedMqttTransport> {
  const topics = runTopics(options.runId, options.nodes);
  const maxPacketBytes = maxRunPacketBytes(options.runId, options.nodes);
  const external = options.external;
  const broker = await startBroker(options, maxPacketBytes);
  const url = external?.url ?? broker!.url;
  const clients: BrokerClient[] = [];
  try {
    const connections = await connectMqttClients(options, topics, maxPacketBytes, url, broker, clients);
    const { coordinator } = connections;
    const barrier = createBarrier(options.barrierTimeoutMs ?? 30_000);
    const copies = options.remote !== undefined || !connections.direct;
    const outbox = createReplayOutbox(copies ? 2 : 0);
    const run: MqttRun = {
      topics,
      coordinator,
      nodeClients: connections.nodeClients,
      barrier,
      outbox,
      copies,
      seenTx: createSeenMessages(),
      seenRx: createSeenMessages(),
      remote: options.remote && createCoordinatorRemote(coordinator, topics, options.remote, barrier, maxPacketBytes, outbox, !external, options.reconnectWindowMs, broker && ((nodes) => partitionCredentials(broker, nodes))),
      counts: { sentTx: 0, receivedTx: 0, sentRx: 0, receivedRx: 0, malformed: 0 },
      bound: undefined,
    };
    const metrics = createMetricsPublisher(coordinator, topics, maxPacketBytes);
    const remote = run.remote;
    // Workers that sit windows out still hear the coordinator: a silent coordinator is a gone one.
    const heartbeat = remote ? setInterval(() => remote.alive(), coordinatorHeartbeatMs) : undefined;
    heartbeat?.unref();
    const reconnection = await listen(run, connections, options, metrics);
    let closing = false;
    const close = async (abortReason?: string): Promise<void> => {
      if (closing) return;
      closing = true;
      await closeMqtt(run, reconnection, heartbeat, clients, broker, abortReason);
    };
    return {
      broker,
      url,
      publishMetrics: metrics.publishMetrics,
      publishMetricsChunked: metrics.publishMetricsChunked,
      clearRetained: metrics.clearRetained,
      get malformed() {
        return run.counts.malformed + (remote?.malformed ?? 0);
      },
      get resumptions() {
        return reconnection.resumptions;
      },
      async workersReady() {
        await remote?.ready();
      },
      close,
      bind: (scheduler, endpoints) => bindMqttTransport(run, scheduler, endpoints, () => close()),
    };
  } catch (error) {
    await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
    await broker?.close();
    throw error;
  }
}

/** Puts the message handlers on every client, then subscribes, and watches every connection (reconnection.ts). */
async function listen(run: MqttRun, connections: MqttConnections, options: MqttTransportOptions, metrics: MetricsPublisher): Promise<Reconnection> {
  const { topics, coordinator, remote, barrier, outbox } = run;
  const { nodeConnections } = connections;
  coordinator.on('message', (topic, payload, packet) => handleCoordinatorMessage(run, topic, payload, packet));
  for (const client of nodeConnections.keys()) client.on('message', (topic, payload) => handleNodeMessage(run, topic, payload));
  // Subscribed once the handlers are there: a message right after SUBACK (a retained one) is seen, not lost.
  const coordinatorTopics = [topics.allTx, ...(remote ? [`${topics.prefix}/ctl/workers/#`] : [])];
  await coordinator.subscribeAsync(coordinatorTopics, { qos: 0 });
  // Mosquitto's packet limit holds for SUBSCRIBE packets too (client-connection.ts).
  const subscribeBytes = options.external ? maxRunPacketBytes(options.runId, options.nodes) : undefined;
  await Promise.all([...nodeConnections].map(([client, rx]) => subscribeInBatches(client, rx, subscribeBytes)));
  // A connection lost mid-run is taken up again (reconnection.ts): once every client is back,
  // workers are asked to publish again what this process may have missed, and this process
  // publishes again what they may have missed; receivers count each message once. What cannot
  // be taken up (the broker away too long, a client id taken over again and again, the
  // embedded broker gone) stops the run at the next barrier with a clear error, never a hang
  // or a silently wrong result; the run directory is left marked partial.
  const reconnection = createReconnection({
    barrier,
    brokerInRun: !options.external,
    ...(options.reconnectWindowMs !== undefined && { windowMs: options.reconnectWindowMs }),
    onResumed: (awayMs) => {
      options.onReconnected?.(awayMs);
      metrics.republishRetained();
      remote?.resync();
      outbox.replay();
      barrier.poke();
    },
  });
  const watch = (client: BrokerClient, subscriptions: readonly string[], packetBytes?: number): void => {
    // A direct client has no connection to lose: it ends only when the broker refuses what it published.
    if (isDirectClient(client)) client.on('error', (error) => barrier.fail(new BrokerConnectionError(error.message)));
    else reconnection.watch(client as MqttClient, subscriptions, packetBytes);
  };
  watch(coordinator, coordinatorTopics);
  for (const [client, rx] of nodeConnections) watch(client, rx, subscribeBytes);
  return reconnection;
}

/** Closes clients and the embedded broker; with `abortReason`, tells workers the run stopped. */
async function closeMqtt(run: MqttRun, reconnection: Reconnection, heartbeat: NodeJS.Timeout | undefined, clients: readonly BrokerClient[], broker: EmbeddedBroker | undefined, abortReason?: string): Promise<void> {
  const { remote, coordinator, barrier } = run;
  reconnection.stop();
  clearInterval(heartbeat);
  // Whatever stopped the run (a node's connection included), workers are told while the
  // coordinator's own connection can still carry it; if it cannot, its last will does.
  if (remote && !remote.finished && coordinator.connected) remote.abort(abortReason ?? barrier.failure?.message ?? 'the coordinator stopped');
  // A client still reconnecting has no connection to say goodbye on.
  await Promise.all(clients.map((client) => client.endAsync(!client.connected).catch(() => undefined)));
  await broker?.close();
}
