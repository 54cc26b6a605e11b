/**
 * The MQTT transport: every frame crosses a broker. Each node has its own client, which
 * publishes its transmissions (and its death) on `swarm/<run>/tx/<node>` and receives its
 * deliveries on `swarm/<run>/rx/<node>`; the coordinator's client (the ether's side)
 * subscribes to every tx topic and publishes every delivery. Payloads are envelope v1
 * (envelope.ts). At each window's end the barrier waits until every message published in the
 * window has arrived (counted), then applies the inboxes in canonical order (exchange.ts), so
 * that results are byte-identical to the memory transport's whatever the socket order.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Scheduler } from '../sim/scheduler.ts';
import { createEmbeddedBroker, type EmbeddedBroker } from './broker.ts';
import { decodeEnvelope, encodeEnvelope, MalformedEnvelopeError } from './envelope.ts';
import { createExchange } from './exchange.ts';
import type { RunCredentials } from './mosquitto-setup.ts';
import { maxRunPacketBytes } from './packet-size-guard.ts';
import { runTopics } from './topics.ts';
import type { Transport, TransportEndpoints } from './transport.ts';

export interface MqttTransportOptions {
  readonly runId: string;
  readonly nodes: number;
  /** An external broker (Mosquitto) and the run's credentials; the embedded broker otherwise. */
  readonly external?: { readonly url: string; readonly credentials: RunCredentials };
  /** How long a barrier may wait for messages before the run stops with an error. */
  readonly barrierTimeoutMs?: number;
}

export interface PreparedMqttTransport {
  /** The embedded broker, or undefined with an external one. */
  readonly broker: EmbeddedBroker | undefined;
  /** Publishes a live-metrics snapshot (JSON) on `swarm/<run>/metrics/<path>` for viewers. */
  publishMetrics(path: string, snapshot: object): void;
  /** Envelopes refused as malformed, by the coordinator or the nodes. */
  readonly malformed: number;
  bind(scheduler: Scheduler, endpoints: () => TransportEndpoints): Transport;
  close(): Promise<void>;
}


/** Thrown when a barrier times out: the broker lost or withheld messages. */
export class BrokerTimeoutError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'BrokerTimeoutError';
  }
}

/** Thrown when a client's connection to the broker drops mid-run. */
export class BrokerConnectionError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'BrokerConnectionError';
  }
}

export async function prepareMqttTransport(options: MqttTransportOptions): Promise<PreparedMqttTransport> {
  const topics = runTopics(options.runId, options.nodes);
  const maxPacketBytes = maxRunPacketBytes(options.runId, options.nodes);
  const external = options.external;
  if (external && (external.credentials.runId !== options.runId || external.credentials.nodes.length !== options.nodes)) {
    throw new RangeError(`the credentials are for run ${external.credentials.runId} with ${external.credentials.nodes.length} nodes, not ${options.runId} with ${options.nodes}`);
  }
  // A WebSocket listener too, for viewers (the dashboard).
  const broker = external ? undefined : await createEmbeddedBroker({ runId: options.runId, nodes: options.nodes, maxPacketBytes, wsPort: 0, log: () => undefined });
  const url = external?.url ?? broker!.url;
  const roles = external
    ? { coordinator: external.credentials.coordinator, node: (i: number) => external.credentials.nodes[i]! }
    : { coordinator: broker!.credentials.coordinator, node: (i: number) => broker!.credentials.node(i) };
  const connect = async (credentials: { username: string; password: string }, clientId: string): Promise<MqttClient> => {
    const client = await mqtt.connectAsync(url, { ...credentials, clientId, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000 });
    // Small envelopes must not wait for Nagle's algorithm: every window waits on them.
    (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    return client;
  };
  const clients: MqttClient[] = [];
  let malformed = 0;
  try {
    const coordinator = await connect(roles.coordinator, `${options.runId}-coordinator`);
    clients.push(coordinator);
    const nodeClients: MqttClient[] = [];
    for (let i = 0; i < options.nodes; i++) {
      const client = await connect(roles.node(i), `${options.runId}-node-${i}`);
      clients.push(client);
      nodeClients.push(client);
    }
    await coordinator.subscribeAsync(topics.allTx, { qos: 0 });
    await Promise.all(nodeClients.map((client, i) => client.subscribeAsync(topics.rx(i), { qos: 0 })));

    const timeoutMs = options.barrierTimeoutMs ?? 30_000;
    let sentTx = 0;
    let receivedTx = 0;
    let sentRx = 0;
    let receivedRx = 0;
    let wake: (() => void) | undefined;
    let fail: ((error: Error) => void) | undefined;
    let closing = false;
    const settle = (): void => wake?.();
    const waitFor = (done: () => boolean, what: string): Promise<void> | undefined => {
      if (lost) return Promise.reject(lost);
      if (done()) return undefined;
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new BrokerTimeoutError(`the broker did not deliver every ${what} within ${timeoutMs} ms`)), timeoutMs);
        wake = () => {
          if (!done()) return;
          clearTimeout(timer);
          wake = fail = undefined;
          resolve();
        };
        fail = (error) => {
          clearTimeout(timer);
          wake = fail = undefined;
          reject(error);
        };
      });
    };
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
    coordinator.on('message', (topic, payload) => {
      const envelope = decode(payload);
      if (!envelope) return;
      const from = topics.parse(topic);
      const sender = envelope.kind === 'transmission' ? envelope.tx.sender : envelope.kind === 'nodeDied' ? envelope.node : -1;
      if (envelope.kind === 'delivery' || from?.kind !== 'tx' || from.node !== sender) {
        // A node may only speak for itself, and only in transmissions and deaths.
        malformed++;
        return;
      }
      receivedTx++;
      if (envelope.kind === 'transmission') bound?.addTransmission(envelope.tx);
      else bound?.addDeath(envelope.node, envelope.atMs);
      settle();
    });
    nodeClients.forEach((client) =>
      client.on('message', (_topic, payload) => {
        const envelope = decode(payload);
        if (envelope?.kind !== 'delivery') {
          if (envelope) malformed++;
          return;
        }
        receivedRx++;
        bound?.addDelivery(envelope.delivery);
        settle();
      }),
    );
    // A connection lost mid-run stops the run at the next barrier with a clear error (never a
    // hang, never a silently wrong result); the run directory is left marked partial.
    let lost: Error | undefined;
    for (const client of clients) {
      client.on('close', () => {
        if (closing || lost) return;
        lost = new BrokerConnectionError(`the connection of ${client.options.clientId ?? 'a client'} to the broker closed mid-run`);
        fail?.(lost);
      });
    }

    const close = async (): Promise<void> => {
      closing = true;
      await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
      await broker?.close();
    };

    return {
      broker,
      publishMetrics(path, snapshot) {
        coordinator.publish(topics.metrics(path), JSON.stringify(snapshot), { qos: 0 });
      },
      get malformed() {
        return malformed;
      },
      close,
      bind(scheduler, endpoints) {
        const exchange = createExchange(scheduler, endpoints);
        bound = exchange;
        return {
          kind: 'mqtt',
          asynchronous: true,
          transmit(tx) {
            sentTx++;
            nodeClients[tx.sender]!.publish(topics.tx(tx.sender), Buffer.from(encodeEnvelope({ kind: 'transmission', tx })), { qos: 0 });
          },
          nodeDied(node, atMs) {
            sentTx++;
            nodeClients[node]!.publish(topics.tx(node), Buffer.from(encodeEnvelope({ kind: 'nodeDied', node, atMs })), { qos: 0 });
          },
          deliver(delivery) {
            sentRx++;
            coordinator.publish(topics.rx(delivery.receiver), Buffer.from(encodeEnvelope({ kind: 'delivery', delivery })), { qos: 0 });
          },
          exchange() {
            throw new Error('the MQTT transport is asynchronous: use exchangeAsync');
          },
          async exchangeAsync() {
            await waitFor(() => receivedTx === sentTx, 'transmission');
            exchange.applyToEther();
            await waitFor(() => receivedRx === sentRx, 'delivery');
            exchange.applyDeliveries();
          },
          get pending() {
            return exchange.pending + (sentTx - receivedTx) + (sentRx - receivedRx);
          },
          get plumbingEvents() {
            return exchange.plumbingEvents;
          },
          close,
        };
      },
    };
  } catch (error) {
    await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
    await broker?.close();
    throw error;
  }
}
