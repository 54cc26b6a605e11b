/**
 * The embedded MQTT broker of a run: aedes in-process, a loopback TCP listener for node clients
 * and an optional WebSocket listener for browsers. It enforces per-run credentials, the topic
 * ACLs of topics.ts and a maximum packet size; whatever it refuses is logged and counted by
 * reason, never silently dropped.
 *
 * aedes 1.2.0 speaks MQTT 3.1.1 only. Its hooks answer through callbacks and never throw.
 * A refused PUBLISH closes the client's connection: MQTT 3.1.1 has no negative
 * acknowledgement for it, and aedes takes the "close the Network Connection" branch of
 * [MQTT-3.3.5-2]. A refused SUBSCRIBE is answered with return code 0x80 [MQTT-3.9.3] and the
 * connection stays open.
 */
import { duplexPair } from './in-process-stream.ts';
import type { Duplex } from 'node:stream';
import { Aedes } from 'aedes';
import { closeBrokerServers, createBrokerServers, listen, listenWebSocket, type BrokerServers } from './broker-servers.ts';
import { nodeRanges } from './node-ranges.ts';
import type { TopicKind } from './topics.ts';
import { BrokerRefusal, createEnforcement, credentialsOf, enforcementHooks, refuseConnect, statsOf, watchBroker, type Enforcement } from './broker-enforcement.ts';
import { connectDirectClient, type DirectClient } from './direct-client.ts';

export { controlPacketLimitBytes, publishPacketBytes } from './packet-size-guard.ts';

export type RefusalReason = 'connect' | 'publish' | 'subscribe' | 'oversize' | 'forward';

export interface BrokerStats {
  /** Refusals by reason; `forward` counts deliveries withheld from a client that may not read them. */
  readonly refused: Readonly<Record<RefusalReason, number>>;
  /** Accepted client publishes by topic kind. */
  readonly published: Readonly<Record<TopicKind, number>>;
  /** Connections that ended on a protocol error, a timeout or a reset (not a refusal). */
  readonly clientErrors: number;
  /** Clients connected now (authenticated). */
  readonly clients: number;
}

export type BrokerLogEntry =
  | {
      readonly type: 'refused';
      readonly reason: RefusalReason;
      readonly username: string | undefined;
      readonly clientId: string | undefined;
      readonly topic: string | undefined;
      readonly detail: string;
    }
  | { readonly type: 'clientError'; readonly username: string | undefined; readonly clientId: string | undefined; readonly detail: string };

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export interface EmbeddedBrokerOptions {
  readonly runId: string;
  readonly nodes: number;
  /** Largest PUBLISH accepted, as a whole MQTT packet (fixed header, topic, payload), like Mosquitto's `max_packet_size`. */
  readonly maxPacketBytes: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly tcpPort?: number;
  /** 0 picks a free port; leave out for no WebSocket listener. */
  readonly wsPort?: number;
  /** Receives every refusal and client error; the default writes one line to stderr. */
  readonly log?: (entry: BrokerLogEntry) => void;
}

export interface EmbeddedBroker {
  /** `mqtt://host:port` */
  readonly url: string;
  /** `ws://host:port/mqtt`, when a WebSocket listener was asked for. */
  readonly wsUrl?: string;
  readonly credentials: {
    readonly coordinator: Credentials;
    readonly worker: Credentials;
    readonly viewer: Credentials;
    node(index: number): Credentials;
    /** One connection for several nodes (topics.ts, `partition:<ranges>`): their tx and rx topics only. */
    partition(nodes: readonly number[]): Credentials;
  };
  /** A snapshot of the counts. */
  readonly stats: BrokerStats;
  /**
   * Drops every client connection at once, as a network blip or a broker restart would, and
   * keeps listening (the reconnection tests use it). Direct clients (connectDirect) have no
   * connection to drop.
   */
  dropConnections(): number;
  /**
   * A connection for a client in this process, over an in-memory stream pair instead of a
   * loopback socket: the same packets through the same hooks and packet-size guard.
   */
  connectInProcess(): Duplex;
  /**
   * A client in this process that publishes and subscribes through aedes' own API
   * (direct-client.ts): the same credentials, ACLs, packet limit and counts, no packets
   * encoded. Throws a BrokerRefusal for credentials the broker refuses, or once it is closed.
   */
  connectDirect(credentials: Credentials, clientId: string): DirectClient;
  /** Closes aedes, the listeners and every connection. */
  close(): Promise<void>;
}

function defaultLog(entry: BrokerLogEntry): void {
  const who = `${entry.username ?? '(no user)'}${entry.clientId === undefined ? '' : ` [${entry.clientId}]`}`;
  const what = entry.type === 'refused' ? `refused ${entry.reason}${entry.topic === undefined ? '' : ` on ${entry.topic}`}` : 'client error';
  process.stderr.write(`loraswarm broker: ${what} from ${who}: ${entry.detail}\n`);
}

function checkPort(name: string, port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`${name} must be an integer in 0..65535, got ${port}`);
  return port;
}

/**
 * Starts aedes with the run's enforcement and its listeners.
 * @example
 * const broker = await createEmbeddedBroker({ runId: 'r1', nodes: 2, maxPacketBytes: 512, wsPort: 0 });
 * const client = mqtt.connect(broker.url, { ...broker.credentials.node(0) });
 * // …
 * await broker.close();
 */
export async function createEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { runId, nodes, maxPacketBytes } = options;
  const enforcement = createEnforcement(runId, nodes, maxPacketBytes, options.log ?? defaultLog);
  if (!Number.isInteger(maxPacketBytes) || maxPacketBytes < 1) throw new RangeError(`maxPacketBytes must be a positive integer, got ${maxPacketBytes}`);
  const host = options.host ?? '127.0.0.1';
  const tcpPort = checkPort('tcpPort', options.tcpPort ?? 0);
  const wsPort = options.wsPort === undefined ? undefined : checkPort('wsPort', options.wsPort);
  const aedes = await Aedes.createBroker(enforcementHooks(enforcement));
  watchBroker(aedes, enforcement);
  const servers = createBrokerServers(aedes, enforcement);
  try {
    const boundTcpPort = await listen(servers.tcp, tcpPort, host);
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const wsUrl = wsPort === undefined ? undefined : await listenWebSocket(servers, enforcement, wsPort, host, urlHost);
    return brokerHandle(enforcement, servers, `mqtt://${urlHost}:${boundTcpPort}`, wsUrl);
  } catch (error) {
    await closeBrokerServers(servers);
    throw error;
  }
}

/** The broker's interface over its enforcement and its servers. */
function brokerHandle(enforcement: Enforcement, servers: BrokerServers, url: string, wsUrl: string | undefined): EmbeddedBroker {
  let closed: Promise<void> | undefined;
  /** The live direct clients, by client id. */
  const direct = new Map<string, DirectClient>();
  return {
    url,
    ...(wsUrl === undefined ? {} : { wsUrl }),
    credentials: {
      coordinator: credentialsOf(enforcement, { kind: 'coordinator' }),
      worker: credentialsOf(enforcement, { kind: 'worker' }),
      viewer: credentialsOf(enforcement, { kind: 'viewer' }),
      node: (index: number) => {
        enforcement.topics.tx(index); // throws RangeError for an index outside the run
        return credentialsOf(enforcement, { kind: 'node', node: index });
      },
      partition: (indices: readonly number[]) => {
        for (const index of indices) enforcement.topics.tx(index); // throws RangeError for an index outside the run
        if (indices.length === 0) throw new RangeError('a partition must hold at least one node');
        return credentialsOf(enforcement, { kind: 'partition', nodes: nodeRanges(indices) });
      },
    },
    get stats(): BrokerStats {
      return statsOf(enforcement, servers.aedes.connectedClients + direct.size);
    },
    connectInProcess() {
      const [client, server] = duplexPair();
      // A closed broker refuses, as its closed TCP port would (a client reconnecting learns the run is gone).
      if (servers.shutDown) process.nextTick(() => client.destroy(Object.assign(new Error('connect ECONNREFUSED: the embedded broker is closed'), { code: 'ECONNREFUSED' })));
      else servers.accept(server);
      return client;
    },
    connectDirect(credentials, clientId) {
      if (servers.shutDown) throw new BrokerRefusal('the embedded broker is closed', 3);
      // No takeover between direct clients: a second one with the id of a live one is refused.
      if (direct.has(clientId)) {
        refuseConnect(enforcement, credentials.username, clientId, `client id ${clientId} is in use`);
        throw new BrokerRefusal(`client id ${clientId} is in use`, 2);
      }
      const client = connectDirectClient(servers.aedes, enforcement, credentials, clientId, (ended) => direct.delete(ended.id));
      direct.set(clientId, client);
      return client;
    },
    dropConnections() {
      const dropped = servers.connections.size;
      for (const connection of servers.connections) connection.destroy();
      return dropped;
    },
    close: () => {
      for (const client of direct.values()) client.brokerClosed();
      return (closed ??= closeBrokerServers(servers));
    },
  };
}
