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
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { EnvironmentError } from './environment-error.ts';
import { controlPacketLimitBytes, PacketSizeGuard, publishPacketBytes } from './packet-size-guard.ts';

export { controlPacketLimitBytes, publishPacketBytes } from './packet-size-guard.ts';
import { nodeRanges } from './node-ranges.ts';
import { parseRole, roleName, runTopics, type Role, type TopicKind } from './topics.ts';

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
   * keeps listening (the reconnection tests use it).
   */
  dropConnections(): number;
  /**
   * A connection for a client in this process, over an in-memory stream pair instead of a
   * loopback socket: the same packets through the same hooks and packet-size guard.
   */
  connectInProcess(): Duplex;
  /** Closes aedes, the listeners and every connection. */
  close(): Promise<void>;
}

/** A refusal decided by our hooks, told apart from protocol errors in aedes' error events. */
class BrokerRefusal extends Error {
  readonly returnCode: number;
  constructor(detail: string, returnCode = 5) {
    super(detail);
    this.name = 'BrokerRefusal';
    this.returnCode = returnCode;
  }
}

const wsPath = '/mqtt';

function defaultLog(entry: BrokerLogEntry): void {
  const who = `${entry.username ?? '(no user)'}${entry.clientId === undefined ? '' : ` [${entry.clientId}]`}`;
  const what = entry.type === 'refused' ? `refused ${entry.reason}${entry.topic === undefined ? '' : ` on ${entry.topic}`}` : 'client error';
  process.stderr.write(`loraswarm broker: ${what} from ${who}: ${entry.detail}\n`);
}

/** Why a listener could not start, in words that say what to do. */
const listenProblems: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is in use by another program: choose another port, or 0 for a free one',
  EADDRNOTAVAIL: 'the address is not one of this machine\'s: give one of its addresses, 0.0.0.0 for all of them, or leave the host out for 127.0.0.1',
  EACCES: 'this user may not listen there (ports below 1024 need privileges): choose a port above 1023',
  ENOTFOUND: 'the host name is not known: give an address or a name this machine resolves',
  EAI_AGAIN: 'the host name could not be resolved: give an address instead',
};

function listen(server: NetServer | HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const problem = listenProblems[error.code ?? ''];
      reject(problem === undefined ? error : new EnvironmentError(`cannot listen on ${host.includes(':') ? `[${host}]` : host}:${port}: ${problem}`));
    });
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

function closeServer(server: NetServer | HttpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
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
  const topics = runTopics(runId, nodes);
  if (!Number.isInteger(maxPacketBytes) || maxPacketBytes < 1) throw new RangeError(`maxPacketBytes must be a positive integer, got ${maxPacketBytes}`);
  const host = options.host ?? '127.0.0.1';
  const tcpPort = checkPort('tcpPort', options.tcpPort ?? 0);
  const wsPort = options.wsPort === undefined ? undefined : checkPort('wsPort', options.wsPort);
  const log = options.log ?? defaultLog;

  // One random secret per run; each role's password is derived from it, so a thousand-node
  // run stores nothing per node and an external broker's password file can be generated.
  const secret = randomBytes(32);
  const passwordOf = (username: string): string => createHmac('sha256', secret).update(username).digest('base64url');
  const credentialsOf = (role: Role): Credentials => {
    const username = roleName(role);
    return { username, password: passwordOf(username) };
  };

  const refused: Record<RefusalReason, number> = { connect: 0, publish: 0, subscribe: 0, oversize: 0, forward: 0 };
  const published: Record<TopicKind, number> = { tx: 0, rx: 0, ctl: 0, metrics: 0 };
  let clientErrors = 0;

  const users = new WeakMap<Client, { readonly role: Role; readonly username: string }>();
  // A client id belongs, for the whole run, to the first user that connected with it, so that
  // no role can take over another role's session [MQTT-3.1.4-2].
  const clientIdOwners = new Map<string, string>();
  const connections = new Set<Duplex>();

  const refuse = (reason: RefusalReason, client: Client | null, topic: string | undefined, detail: string): void => {
    refused[reason] += 1;
    const username = client === null ? undefined : users.get(client)?.username;
    log({ type: 'refused', reason, username, clientId: client?.id ?? undefined, topic, detail });
  };

  const aedes = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      const refuseConnect = (detail: string, returnCode: number): void => {
        refused.connect += 1;
        log({ type: 'refused', reason: 'connect', username, clientId: client.id ?? undefined, topic: undefined, detail });
        done(new BrokerRefusal(detail, returnCode) as AuthenticateError, null);
      };
      if (username === undefined || password === undefined) return refuseConnect('no credentials', 4);
      const role = parseRole(username, nodes);
      const expected = Buffer.from(passwordOf(username));
      if (role === undefined || password.length !== expected.length || !timingSafeEqual(password, expected)) {
        return refuseConnect('bad user name or password', 4);
      }
      const owner = clientIdOwners.get(client.id);
      if (owner !== undefined && owner !== username) return refuseConnect(`client id ${client.id} belongs to ${owner}`, 2);
      clientIdOwners.set(client.id, username);
      users.set(client, { role, username });
      done(null, true);
    },

    authorizePublish(client, packet, done) {
      const user = client === null ? undefined : users.get(client);
      const topic = packet.topic;
      const payloadBytes = typeof packet.payload === 'string' ? Buffer.byteLength(packet.payload) : packet.payload.length;
      const packetBytes = publishPacketBytes(topic, payloadBytes, packet.qos);
      const kind = topics.parse(topic)?.kind;
      let refusal: [RefusalReason, string] | undefined;
      if (user === undefined) refusal = ['publish', 'publish without an authenticated client (stale will)'];
      else if (!topics.mayPublish(user.role, topic)) refusal = ['publish', `${user.username} may not publish here`];
      else if (packet.retain && (kind === 'tx' || kind === 'rx')) refusal = ['publish', 'frames are events and may not be retained'];
      // Only the coordinator retains (the live metrics' start, for viewers that join late): a
      // worker's retained messages under made-up ids would grow the broker's store without bound.
      else if (packet.retain && user.role.kind !== 'coordinator') refusal = ['publish', `${user.username} may not retain messages`];
      // The guard already refused oversize packets on the wire; this catches wills, which
      // arrive inside CONNECT and are published later.
      else if (packetBytes > maxPacketBytes) refusal = ['oversize', `publish of ${packetBytes} bytes, limit ${maxPacketBytes}`];
      if (refusal === undefined) return done(null);
      refuse(refusal[0], client, topic, refusal[1]);
      done(new BrokerRefusal(refusal[1]));
    },

    authorizeSubscribe(client, subscription, done) {
      const user = users.get(client);
      if (user !== undefined && topics.maySubscribe(user.role, subscription.topic)) return done(null, subscription);
      refuse('subscribe', client, subscription.topic, `${user?.username ?? 'unauthenticated client'} may not subscribe here`);
      // A null subscription is answered with return code 0x80 and keeps the connection [MQTT-3.9.3].
      done(null, null);
    },

    // Subscriptions are already checked; this also covers messages queued for a persistent
    // session and retained messages, which reach a client without a new SUBSCRIBE.
    authorizeForward(client, packet) {
      const user = users.get(client);
      if (user !== undefined && topics.maySubscribe(user.role, packet.topic)) return packet;
      refuse('forward', client, packet.topic, `${user?.username ?? 'unauthenticated client'} may not read this topic`);
      return null;
    },
  });

  aedes.on('publish', (packet, client) => {
    if (client === null) return; // aedes' own $SYS messages
    const parsed = topics.parse(packet.topic);
    if (parsed !== undefined) published[parsed.kind] += 1;
  });
  const onClientError = (client: Client, error: Error): void => {
    if (error instanceof BrokerRefusal) return; // counted where it was decided
    clientErrors += 1;
    log({ type: 'clientError', username: users.get(client)?.username, clientId: client.id ?? undefined, detail: error.message });
  };
  aedes.on('clientError', onClientError);
  aedes.on('connectionError', onClientError);
  // Persistence failures surface here; an unhandled 'error' event would crash the process.
  (aedes as EventEmitter).on('error', (error: Error) => log({ type: 'clientError', username: undefined, clientId: undefined, detail: `broker: ${error.message}` }));

  const accept = (stream: Duplex, request?: IncomingMessage): void => {
    const guard = new PacketSizeGuard(stream, { publishBytes: maxPacketBytes, controlBytes: controlPacketLimitBytes }, (detail) => {
      refused.oversize += 1;
      log({ type: 'refused', reason: 'oversize', username: users.get(client)?.username, clientId: client.id ?? undefined, topic: undefined, detail });
    });
    connections.add(guard);
    guard.once('close', () => connections.delete(guard));
    const client = aedes.handle(guard, request);
  };

  // Small frames must not wait for Nagle's algorithm: every window waits on them.
  const tcpServer = createNetServer((socket) => {
    socket.setNoDelay(true);
    accept(socket);
  });
  let httpServer: HttpServer | undefined;
  let wsServer: WebSocketServer | undefined;
  let shutDown = false;
  const closeAll = async (): Promise<void> => {
    shutDown = true;
    const closing = [closeServer(tcpServer), ...(httpServer === undefined ? [] : [closeServer(httpServer)])];
    wsServer?.close();
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    // aedes closes the clients that completed CONNECT; these are the others.
    for (const connection of connections) connection.destroy();
    for (const socket of wsServer?.clients ?? []) socket.terminate();
    httpServer?.closeAllConnections();
    await Promise.all(closing);
  };

  try {
    const boundTcpPort = await listen(tcpServer, tcpPort, host);
    const urlHost = host.includes(':') ? `[${host}]` : host;
    let wsUrl: string | undefined;
    if (wsPort !== undefined) {
      httpServer = createHttpServer((_request, response) => response.writeHead(426).end());
      // ws' own message cap only bounds memory; the MQTT limits are the guard's.
      wsServer = new WebSocketServer({ server: httpServer, path: wsPath, maxPayload: 2 * Math.max(maxPacketBytes, controlPacketLimitBytes) });
      wsServer.on('connection', (socket, request) => {
        socket.on('error', (error: Error & { code?: string }) => {
          if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
            refused.oversize += 1;
            log({ type: 'refused', reason: 'oversize', username: undefined, clientId: undefined, topic: undefined, detail: `WebSocket message: ${error.message}` });
          }
        });
        accept(createWebSocketStream(socket), request);
      });
      wsUrl = `ws://${urlHost}:${await listen(httpServer, wsPort, host)}${wsPath}`;
    }
    let closed: Promise<void> | undefined;
    return {
      url: `mqtt://${urlHost}:${boundTcpPort}`,
      ...(wsUrl === undefined ? {} : { wsUrl }),
      credentials: {
        coordinator: credentialsOf({ kind: 'coordinator' }),
        worker: credentialsOf({ kind: 'worker' }),
        viewer: credentialsOf({ kind: 'viewer' }),
        node: (index: number) => {
          topics.tx(index); // throws RangeError for an index outside the run
          return credentialsOf({ kind: 'node', node: index });
        },
        partition: (indices: readonly number[]) => {
          for (const index of indices) topics.tx(index); // throws RangeError for an index outside the run
          if (indices.length === 0) throw new RangeError('a partition must hold at least one node');
          return credentialsOf({ kind: 'partition', nodes: nodeRanges(indices) });
        },
      },
      get stats(): BrokerStats {
        return { refused: { ...refused }, published: { ...published }, clientErrors, clients: aedes.connectedClients };
      },
      connectInProcess() {
        const [client, server] = duplexPair();
        // A closed broker refuses, as its closed TCP port would (a client reconnecting learns the run is gone).
        if (shutDown) process.nextTick(() => client.destroy(Object.assign(new Error('connect ECONNREFUSED: the embedded broker is closed'), { code: 'ECONNREFUSED' })));
        else accept(server);
        return client;
      },
      dropConnections() {
        const dropped = connections.size;
        for (const connection of connections) connection.destroy();
        return dropped;
      },
      close: () => (closed ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
