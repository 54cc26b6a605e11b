/**
 * The MQTT transport: every frame crosses a broker. Each node has its own client, which
 * publishes its transmissions (and its death) on `swarm/<run>/tx/<node>` and receives its
 * deliveries on `swarm/<run>/rx/<node>`; the coordinator's client (the ether's side)
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
import mqtt, { type MqttClient } from 'mqtt';
import type { Scheduler } from '../sim/scheduler.ts';
import { createBarrier } from './barrier.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from './broker.ts';
import { decodeEnvelope, encodeEnvelope, MalformedEnvelopeError, type Envelope } from './envelope.ts';
import { createExchange } from './exchange.ts';
import { chunkControl, controlChunkBytes, encodeControlValue } from './control-codec.ts';
import type { RunCredentials } from './mosquitto-setup.ts';
import { maxRunPacketBytes } from './packet-size-guard.ts';
import { createCoordinatorRemote, type CoordinatorRemote, type RemoteSetup } from './remote-partitions.ts';
import { runTopics, type RunTopics } from './topics.ts';
import { coordinatorHeartbeatMs } from './worker-protocol.ts';
import type { Transport, TransportEndpoints } from './transport.ts';

export { BrokerTimeoutError } from './barrier.ts';

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
  /** Resolves once every remote partition's worker has joined (at once without workers). */
  workersReady(): Promise<void>;
  bind(scheduler: Scheduler, endpoints: () => TransportEndpoints): Transport;
  /** Closes clients and the embedded broker; with `abortReason`, tells workers the run stopped. */
  close(abortReason?: string): Promise<void>;
}

/** Thrown when a client's connection to the broker drops mid-run. */
export class BrokerConnectionError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'BrokerConnectionError';
  }
}

/** A listener's URL as another machine reaches it: a wildcard host becomes this machine's name. */
export function reachableUrl(url: string): string {
  return url.replace(/^(mqtt|ws):\/\/(0\.0\.0\.0|\[::\])(?=:)/, (_, scheme: string) => `${scheme}://${hostname()}`);
}

/**
 * Connects one client with the run's settings (MQTT 3.1.1, no reconnection, no Nagle delay).
 * `retryForMs` keeps trying while nothing listens yet (a broker starting beside the run, as in
 * docker-compose.yml), unless `signal` aborts; a refusal by the broker itself is final.
 */
export async function connectClient(url: string, credentials: { username: string; password: string }, clientId: string, extra: mqtt.IClientOptions = {}, retryForMs = 0, signal?: AbortSignal): Promise<MqttClient> {
  let client: MqttClient;
  const deadline = Date.now() + retryForMs;
  for (;;) {
    signal?.throwIfAborted();
    try {
      client = await mqtt.connectAsync(url, { ...credentials, clientId, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000, ...extra });
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
  // Small envelopes must not wait for Nagle's algorithm: every window waits on them.
  (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  return client;
}

/** Publishes a node's own envelope (a transmission, or its death) on its tx topic, from its client. */
export function publishFromNode(clients: readonly (MqttClient | undefined)[], topics: RunTopics, node: number, envelope: Envelope): void {
  clients[node]!.publish(topics.tx(node), Buffer.from(encodeEnvelope(envelope)), { qos: 0 });
}

/**
 * Connects one client per node, 32 at a time. Every client that connected is pushed to
 * `into` (so that it is closed whatever happens), then the first failure is thrown.
 */
export async function connectNodeClients(url: string, runId: string, nodes: readonly number[], credentials: (node: number) => { username: string; password: string }, into: MqttClient[]): Promise<Map<number, MqttClient>> {
  const byNode = new Map<number, MqttClient>();
  for (let start = 0; start < nodes.length; start += 32) {
    const batch = nodes.slice(start, start + 32);
    const settled = await Promise.allSettled(batch.map((i) => connectClient(url, credentials(i), `${runId}-node-${i}`)));
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
    // Workers learn from the coordinator's last will if it vanishes (they would otherwise wait for it).
    const will = { topic: topics.ctl('run/all/abort'), payload: Buffer.from(chunkControl(0, encodeControlValue({ reason: 'the coordinator disconnected from the broker' }), maxPacketBytes)[0]!), qos: 0 as const, retain: false };
    const coordinator = await connectClient(url, roles.coordinator, `${options.runId}-coordinator`, options.remote ? { will } : {}, external ? 15_000 : 0);
    clients.push(coordinator);
    const nodeClients: (MqttClient | undefined)[] = new Array<MqttClient | undefined>(options.nodes).fill(undefined);
    for (const [i, client] of await connectNodeClients(url, options.runId, local, roles.node, clients)) nodeClients[i] = client;
    const barrier = createBarrier(options.barrierTimeoutMs ?? 30_000);
    // Chunk streams start at a random number: a retained start left by an earlier run with the
    // same id (an external broker) never mixes with this run's.
    let metricsStream = randomInt(0, 2 ** 31);
    const remote: CoordinatorRemote | undefined = options.remote && createCoordinatorRemote(coordinator, topics, options.remote, barrier, maxPacketBytes);
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
      receivedTx++;
      if (envelope.kind === 'transmission') bound?.addTransmission(envelope.tx);
      else bound?.addDeath(envelope.node, envelope.atMs);
      barrier.poke();
    });
    for (const i of local) {
      nodeClients[i]!.on('message', (_topic, payload) => {
        const envelope = decode(payload);
        if (envelope?.kind !== 'delivery') {
          if (envelope) malformed++;
          return;
        }
        receivedRx++;
        bound?.addDelivery(envelope.delivery);
        barrier.poke();
      });
    }
    // Subscribed once the handlers are there: a message right after SUBACK (a retained one) is seen, not lost.
    await coordinator.subscribeAsync(topics.allTx, { qos: 0 });
    if (remote) await coordinator.subscribeAsync(`${topics.prefix}/ctl/workers/#`, { qos: 0 });
    await Promise.all(local.map((i) => nodeClients[i]!.subscribeAsync(topics.rx(i), { qos: 0 })));
    // A connection lost mid-run stops the run at the next barrier with a clear error (never a
    // hang, never a silently wrong result); the run directory is left marked partial.
    for (const client of clients) {
      client.on('close', () => {
        if (closing) return;
        barrier.fail(new BrokerConnectionError(`the connection of ${client.options.clientId ?? 'a client'} to the broker closed mid-run (the broker stopped or dropped it, or another client connected with the same client id)`));
      });
    }

    const close = async (abortReason?: string): Promise<void> => {
      if (closing) return;
      closing = true;
      clearInterval(heartbeat);
      // Whatever stopped the run (a node's connection included), workers are told while the
      // coordinator's own connection can still carry it; if it cannot, its last will does.
      if (remote && !remote.finished && coordinator.connected) remote.abort(abortReason ?? barrier.failure?.message ?? 'the coordinator stopped');
      await Promise.all(clients.map((client) => client.endAsync(false).catch(() => undefined)));
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
        chunks.forEach((chunk, i) => coordinator.publish(topics.metrics(retained ? `${path}/${i}` : path), Buffer.from(chunk), { qos: 0, retain: retained }));
        return chunks.length;
      },
      clearRetained(path, count) {
        for (let i = 0; i < count; i++) coordinator.publish(topics.metrics(`${path}/${i}`), Buffer.alloc(0), { qos: 0, retain: true });
      },
      get malformed() {
        return malformed + (remote?.malformed ?? 0);
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
            publishFromNode(nodeClients, topics, tx.sender, { kind: 'transmission', tx });
          },
          nodeDied(node, atMs) {
            sentTx++;
            publishFromNode(nodeClients, topics, node, { kind: 'nodeDied', node, atMs });
          },
          deliver(delivery) {
            if (remote?.hosts(delivery.receiver)) remote.delivered(delivery.receiver, delivery.atMs);
            else sentRx++;
            const bytes = encodeEnvelope({ kind: 'delivery', delivery });
            coordinator.publish(topics.rx(delivery.receiver), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { qos: 0 });
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
          },
          get pending() {
            // receivedTx counts the workers' frames too.
            return exchange.pending + (sentTx + (remote?.sentTx ?? 0) - receivedTx) + (sentRx - receivedRx);
          },
          get plumbingEvents() {
            return exchange.plumbingEvents;
          },
          close: () => close(),
        };
      },
    };
  } catch (error) {
    await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
    await broker?.close();
    throw error;
  }
}
