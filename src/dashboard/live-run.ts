/**
 * `run … --dashboard`: serves the live page on 127.0.0.1, relays it to the embedded broker's
 * WebSocket listener, and publishes the run's start and deltas as it goes; with a pace, holds
 * virtual time to at most `pace` × wall time so that people can watch.
 */
import type { PreparedMqttTransport } from '../transport/mqtt-transport.ts';
import type { ResolvedSwarm } from '../scenario/resolve.ts';
import type { Simulation } from '../scenario/simulation-types.ts';
import type { Plan } from '../placement/place.ts';
import { dashboardScript } from './bundle.ts';
import { createLiveFeed } from './live-feed.ts';
import { dashboardHtml } from './report-html.ts';
import { serveDashboard } from './server.ts';
import { createLiveHistory } from './live-history.ts';
import type { DashboardDelta } from './live-messages.ts';

export interface LiveDashboard {
  /** The page to open. */
  readonly url: string;
  /** How to follow the run from another process or machine (`loraswarm dashboard --attach …`). */
  readonly attach: string;
  /** Publishes what happened up to `atMs`, then, when paced, waits for the wall clock. */
  step(atMs: number): Promise<void>;
  /** Publishes every row left (the run's drain included). */
  finish(atMs: number): void;
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
  readonly port: number;
  /** Virtual ms per wall ms; undefined runs as fast as it can. */
  readonly pace?: number;
}

const startPath = 'dashboard/start';

export async function startLiveDashboard(options: LiveDashboardOptions): Promise<LiveDashboard> {
  const { mqtt, runId } = options;
  const broker = mqtt.broker;
  if (!broker?.wsUrl) throw new Error('the live dashboard needs the embedded broker\'s WebSocket listener');
  const viewer = broker.credentials.viewer;
  const html = dashboardHtml(await dashboardScript('live'), { live: { wsUrl: '/mqtt', runId, username: viewer.username, password: viewer.password } }, `${options.title} (live)`);
  const history = createLiveHistory();
  const server = await serveDashboard({ host: '127.0.0.1', port: options.port, page: () => html, relayTo: broker.wsUrl, history });
  const feed = createLiveFeed(options.title, options.durationMs, options.swarm, options.simulation, options.served);
  const start = feed.start();
  history.setStart(start);
  const startChunks = mqtt.publishMetricsChunked(startPath, start, true);
  const publish = (delta: DashboardDelta): void => {
    history.add(delta);
    mqtt.publishMetricsChunked('dashboard/delta', delta);
  };
  const wallStart = performance.now();
  return {
    url: server.url,
    attach: `loraswarm dashboard --attach ${broker.wsUrl} --run ${runId} --user ${viewer.username} --password ${viewer.password}`,
    async step(atMs) {
      publish(feed.delta(atMs));
      if (options.pace === undefined) return;
      const due = wallStart + atMs / options.pace - performance.now();
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    },
    finish(atMs) {
      publish(feed.delta(atMs, true));
      mqtt.clearRetained(startPath, startChunks);
    },
    async settle() {
      if (server.relayed() > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    },
    close: () => server.close(),
  };
}
