/**
 * The dashboard's HTTP server: `/` serves the page (a finished run's report, rebuilt per
 * request, or the live page), and, for a live page, `/mqtt` relays the browser's
 * MQTT-over-WebSocket connection to the broker's WebSocket listener byte for byte, except for
 * the page's CONNECT, into which it puts the viewer's credentials (connect-rewrite.ts): the page
 * holds no secret. The browser still speaks MQTT to the broker, as the viewer and under the
 * broker's ACL; the relay also spares it a second address (the broker may sit on a private
 * network, as in docker-compose).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { createConnectRewrite } from './connect-rewrite.ts';
import type { LiveHistory } from './live-history.ts';

export interface DashboardServer {
  readonly url: string;
  /** Browser connections relayed to the broker now. */
  relayed(): number;
  close(): Promise<void>;
}

export interface ViewerCredentials {
  readonly username: string;
  readonly password: string;
}

export interface DashboardServerOptions {
  readonly host: string;
  readonly port: number;
  /** The page's HTML. */
  readonly page: () => Promise<string> | string;
  /** The broker's MQTT-over-WebSocket URL that `/mqtt` relays to (read per connection). */
  readonly relayTo?: string | (() => string | undefined);
  /** The viewer's credentials, which the relay puts into each page's CONNECT (read per connection). */
  readonly relayCredentials?: ViewerCredentials | (() => ViewerCredentials | undefined);
  /** A live run's history, served as /history.json?from=&to= (a page fills gaps from it). */
  readonly history?: LiveHistory | (() => LiveHistory | undefined);
}

export async function serveDashboard(options: DashboardServerOptions): Promise<DashboardServer> {
  const relayUrl = (): string | undefined => (typeof options.relayTo === 'function' ? options.relayTo() : options.relayTo);
  const historyOf = (): LiveHistory | undefined => (typeof options.history === 'function' ? options.history() : options.history);
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (request.method === 'GET' && path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (request.method === 'GET' && path === '/history.json' && options.history !== undefined) {
      const from = Number(url.searchParams.get('from') ?? 0);
      const to = Number(url.searchParams.get('to') ?? Number.MAX_SAFE_INTEGER);
      // A server still connecting to the run has nothing yet: an empty history, not an error.
      const history = historyOf();
      const body = JSON.stringify(history ? history.slice(Number.isFinite(from) ? from : 0, Number.isFinite(to) ? to : Number.MAX_SAFE_INTEGER) : { start: undefined, deltas: [] });
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
      return;
    }
    if (request.method !== 'GET' || (path !== '/' && path !== '/index.html')) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path} (the dashboard is at /)\n`);
      return;
    }
    Promise.resolve(options.page()).then(
      (html) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`the dashboard could not be built: ${error.message}\n`),
    );
  });
  const relay = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false) });
  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const upstream = relayUrl();
    if (upstream === undefined || path !== '/mqtt') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const credentials = typeof options.relayCredentials === 'function' ? options.relayCredentials() : options.relayCredentials;
    relay.handleUpgrade(request, socket, head, (browser) => relayTo(browser, upstream, credentials));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/`,
    relayed: () => relay.clients.size,
    async close() {
      for (const client of relay.clients) client.terminate();
      relay.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const bufferOf = (data: RawData): Buffer => (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));

/** Pipes one browser connection to the broker and back (its CONNECT given `credentials`); either side closing closes both. */
function relayTo(browser: WebSocket, upstreamUrl: string, credentials: ViewerCredentials | undefined): void {
  const upstream = new WebSocket(upstreamUrl, 'mqtt');
  const pending: Buffer[] = [];
  const rewrite = credentials && createConnectRewrite(credentials);
  browser.on('message', (data) => {
    let bytes: Buffer | undefined = bufferOf(data);
    try {
      bytes = rewrite ? rewrite.take(bytes) : bytes;
    } catch {
      closeBoth();
      return;
    }
    if (bytes === undefined) return;
    if (upstream.readyState === WebSocket.OPEN) upstream.send(bytes);
    else pending.push(bytes);
  });
  upstream.on('open', () => {
    for (const data of pending.splice(0)) upstream.send(data);
  });
  upstream.on('message', (data) => browser.readyState === WebSocket.OPEN && browser.send(data));
  const closeBoth = (): void => {
    browser.terminate();
    upstream.terminate();
  };
  upstream.on('close', closeBoth);
  upstream.on('error', closeBoth);
  browser.on('close', closeBoth);
  browser.on('error', closeBoth);
}
