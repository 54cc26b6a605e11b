/**
 * The embedded broker's connections: a loopback TCP listener for node clients, an optional
 * WebSocket listener for browsers and in-process streams, each behind the packet-size guard,
 * held in one explicit record so that the broker can drop them all or close everything.
 */
import type { Aedes } from 'aedes';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
// ws is loaded with the WebSocket listener, which a run opens only for a live dashboard.
import type { WebSocketServer } from 'ws';
import type { Enforcement } from './broker-enforcement.ts';
import { EnvironmentError } from './environment-error.ts';
import { controlPacketLimitBytes, PacketSizeGuard } from './packet-size-guard.ts';

const wsPath = '/mqtt';

/** The listeners and connections of one broker. */
export interface BrokerServers {
  readonly aedes: Aedes;
  readonly tcp: NetServer;
  http: HttpServer | undefined;
  ws: WebSocketServer | undefined;
  /** Every client connection, guarded, until it closes. */
  readonly connections: Set<Duplex>;
  /** Set when closing begins: in-process connections are refused from then on. */
  shutDown: boolean;
  /** Hands a stream to aedes as a client connection, behind the packet-size guard. */
  readonly accept: (stream: Duplex, request?: IncomingMessage) => void;
}

/**
 * The broker's TCP server (not yet listening) and the acceptor every connection goes through.
 *
 * @example
 * const servers = createBrokerServers(aedes, enforcement);
 * await listen(servers.tcp, 0, '127.0.0.1');
 */
export function createBrokerServers(aedes: Aedes, enforcement: Enforcement): BrokerServers {
  const connections = new Set<Duplex>();
  const accept = (stream: Duplex, request?: IncomingMessage): void => {
    const guard = new PacketSizeGuard(stream, { publishBytes: enforcement.maxPacketBytes, controlBytes: controlPacketLimitBytes }, (detail) => {
      enforcement.refused.oversize += 1;
      enforcement.log({ type: 'refused', reason: 'oversize', username: enforcement.users.get(client)?.username, clientId: client.id ?? undefined, topic: undefined, detail });
    });
    connections.add(guard);
    guard.once('close', () => connections.delete(guard));
    const client = aedes.handle(guard, request);
  };
  // Small frames must not wait for Nagle's algorithm: every window waits on them.
  const tcp = createNetServer((socket) => {
    socket.setNoDelay(true);
    accept(socket);
  });
  return { aedes, tcp, http: undefined, ws: undefined, connections, shutDown: false, accept };
}

/** Starts the WebSocket listener on `host`:`port` and returns its `ws://host:port/mqtt` URL. */
export async function listenWebSocket(servers: BrokerServers, enforcement: Enforcement, port: number, host: string, urlHost: string): Promise<string> {
  const http = (servers.http = createHttpServer((_request, response) => response.writeHead(426).end()));
  // ws' own message cap only bounds memory; the MQTT limits are the guard's.
  const { WebSocketServer, createWebSocketStream } = await import('ws');
  const ws = (servers.ws = new WebSocketServer({ server: http, path: wsPath, maxPayload: 2 * Math.max(enforcement.maxPacketBytes, controlPacketLimitBytes) }));
  ws.on('connection', (socket, request) => {
    socket.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        enforcement.refused.oversize += 1;
        enforcement.log({ type: 'refused', reason: 'oversize', username: undefined, clientId: undefined, topic: undefined, detail: `WebSocket message: ${error.message}` });
      }
    });
    servers.accept(createWebSocketStream(socket), request);
  });
  return `ws://${urlHost}:${await listen(http, port, host)}${wsPath}`;
}

/** Closes aedes, the listeners and every connection. */
export async function closeBrokerServers(servers: BrokerServers): Promise<void> {
  const { aedes, tcp, http, ws, connections } = servers;
  servers.shutDown = true;
  const closing = [closeServer(tcp), ...(http === undefined ? [] : [closeServer(http)])];
  ws?.close();
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
  // aedes closes the clients that completed CONNECT; these are the others.
  for (const connection of connections) connection.destroy();
  for (const socket of ws?.clients ?? []) socket.terminate();
  http?.closeAllConnections();
  await Promise.all(closing);
}

/** Why a listener could not start, in words that say what to do. */
const listenProblems: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is in use by another program: choose another port, or 0 for a free one',
  EADDRNOTAVAIL: 'the address is not one of this machine\'s: give one of its addresses, 0.0.0.0 for all of them, or leave the host out for 127.0.0.1',
  EACCES: 'this user may not listen there (ports below 1024 need privileges): choose a port above 1023',
  ENOTFOUND: 'the host name is not known: give an address or a name this machine resolves',
  EAI_AGAIN: 'the host name could not be resolved: give an address instead',
};

/** Listens on `host`:`port` and resolves with the bound port; a known failure is an EnvironmentError that says what to do. */
export function listen(server: NetServer | HttpServer, port: number, host: string): Promise<number> {
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
