/**
 * `run … --dashboard`: publishes the run's start and deltas as it goes and, on the embedded
 * broker, serves the live page on 127.0.0.1, relayed to the broker's WebSocket listener; with
 * a pace, holds virtual time to at most `pace` × wall time so that people can watch; after the
 * run, the same address serves the finished run until Ctrl-C.
 */
import { reachableUrl, type PreparedMqttTransport } from '../transport/mqtt-transport.ts';
import type { ResolvedSwarm } from '../scenario/resolve.ts';
import type { Simulation } from '../run/simulation-types.ts';
import type { Plan } from '../placement/place.ts';
import { dashboardScript } from './bundle.ts';
import { createLiveFeed } from './live-feed.ts';
import { dashboardHtml } from './report-html.ts';
import { reportHtml } from './report.ts';
import { serveDashboard, type ViewerCredentials, type DashboardServer } from './server.ts';
import { createLiveHistory, type LiveHistory } from './live-history.ts';
import type { DashboardDelta } from './live-messages.ts';

export interface LiveDashboard {
  /** The page to open, when this process serves it (the embedded broker). */
  readonly url: string | undefined;
  /** How to follow the run from another process or machine (`loraswarm dashboard --attach …`). */
  readonly attach: string;
  /** Publishes what happened up to `atMs`, then, when paced, waits for the wall clock. */
  step(atMs: number): Promise<void>;
  /**
   * Publishes every row left and keeps the end (when, the report's path, the last delta's
   * number) for late pages; returns what `metrics/end` should add for live pages.
   */
  finish(atMs: number, report: string): { report: string; lastSeq: number };
  /** The run failed: viewers learn why, and the retained start is cleared. */
  abort(reason: string): void;
  /** Gives browsers a moment to take the last messages (the broker closes next). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface LiveDashboardOptions {
  readonly mqtt: PreparedMqttTransport;
  readonly runId: string;
  readonly title: string;
  readonly durationMs: number;
  readonly swarm: ResolvedSwarm;
  readonly simulation: Simulation;
  readonly served?: { readonly plan: Plan; readonly symbols: readonly string[] };
  /** A federated run's target accuracy (0..1), for the accuracy charts. */
  readonly accuracyTarget?: number;
  /** The server opened beforehand (`listenForLiveDashboard`), with the embedded broker. */
  readonly slot?: LiveServerSlot;
  /** Virtual ms per wall ms; undefined runs as fast as it can. */
  readonly pace?: number;
  /** With the embedded broker: the file the run wrote the viewer's credentials to (for the --attach hint). */
  readonly viewerCredentialsFile?: string;
  /** With an external broker: the credentials file that holds the viewer (for the --attach hint). */
  readonly credentialsFile?: string;
}

const startPath = 'dashboard/start';

/** A dashboard server listening before the run starts (so that a busy port costs nothing), its page set later. */
export interface LiveServerSlot {
  readonly server: DashboardServer;
  readonly options: { page: () => string | Promise<string>; relayTo?: string | undefined; relayCredentials?: ViewerCredentials | undefined; history?: LiveHistory | undefined };
}

export async function listenForLiveDashboard(port: number): Promise<LiveServerSlot> {
  const options: LiveServerSlot['options'] = { page: () => '<!doctype html><title>loraswarm</title><p>The run is starting; reload in a moment.</p>' };
  const server = await serveDashboard({
    host: '127.0.0.1',
    port,
    page: () => options.page(),
    relayTo: () => options.relayTo,
    relayCredentials: () => options.relayCredentials,
    history: () => options.history,
  });
  return { server, options };
}

/**
 * After the run: the same address serves the finished run's dashboard (its run directory,
 * rebuilt on every load, as `loraswarm dashboard DIR` does) until `stop`, so that the URL the
 * run printed still answers when someone opens it late.
 */
export async function serveFinishedRun(slot: LiveServerSlot, runDir: string, note: (text: string) => void, stop: Promise<void>): Promise<void> {
  Object.assign(slot.options, { page: () => reportHtml(runDir), relayTo: undefined, relayCredentials: undefined, history: undefined });
  note(`dashboard: the run is over; ${slot.server.url} shows its results until Ctrl-C\n`);
  await stop;
  await slot.server.close();
}

export async function startLiveDashboard(options: LiveDashboardOptions): Promise<LiveDashboard> {
  const { mqtt, runId } = options;
  const broker = mqtt.broker;
  const history = createLiveHistory();
  // With the embedded broker this process serves the page; with an external one (Mosquitto),
  // it publishes the feed and `loraswarm dashboard --attach` serves it, next to the broker.
  let server: DashboardServer | undefined;
  let attach = `loraswarm dashboard --attach ws://<broker host>:<its WebSocket port>/mqtt --run ${runId} --credentials ${options.credentialsFile ?? '<credentials.json>'}`;
  if (broker?.wsUrl && options.slot) {
    const viewer = broker.credentials.viewer;
    // The page holds no secret: the server's relay puts the viewer's credentials into its CONNECT.
    const html = dashboardHtml(await dashboardScript('live'), { live: { wsUrl: '/mqtt', runId, username: viewer.username } }, `${options.title} (live)`);
    Object.assign(options.slot.options, { page: () => html, relayTo: broker.wsUrl, relayCredentials: viewer, history });
    server = options.slot.server;
    // And no password on a command line (other users see it in `ps`): the viewer's credentials file.
    attach = `loraswarm dashboard --attach ${reachableUrl(broker.wsUrl)} --run ${runId} --credentials ${options.viewerCredentialsFile ?? '<the run\'s viewer credentials>'}`;
  }
  const feed = createLiveFeed(options.title, options.durationMs, options.swarm, options.simulation, options.served, options.accuracyTarget);
  const start = feed.start();
  history.setStart(start);
  const startChunks = mqtt.publishMetricsChunked(startPath, start, true);
  let published = 0;
  const publish = (delta: DashboardDelta): void => {
    published = delta.seq + 1;
    history.add(delta);
    mqtt.publishMetricsChunked('dashboard/delta', delta);
  };
  const wallStart = performance.now();
  let lastStepMs = 0;
  return {
    url: server?.url,
    attach,
    async step(atMs) {
      lastStepMs = atMs;
      publish(feed.delta(atMs));
      if (options.pace === undefined) return;
      const due = wallStart + atMs / options.pace - performance.now();
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    },
    finish(atMs, report) {
      // The page's clock does not go back: the last drain step may lie past the last event.
      const last = feed.delta(Math.max(atMs, lastStepMs), true);
      publish(last);
      mqtt.clearRetained(startPath, startChunks);
      history.setEnd({ atMs, report, lastSeq: last.seq });
      return { report, lastSeq: last.seq };
    },
    abort(reason) {
      const end = { failed: reason.split('\n')[0]!, lastSeq: published - 1 };
      history.setEnd(end);
      try {
        mqtt.publishMetrics('end', end);
        mqtt.clearRetained(startPath, startChunks);
      } catch {
        // The broker may be what failed: the page learns it from the closed connection.
      }
    },
    async settle() {
      // Pages hang up once they have the end and every row (they may still fill a gap from the
      // history); at most 5 s.
      const deadline = performance.now() + 5000;
      while (server && server.relayed() > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    },
    close: async () => server?.close(),
  };
}
