/**
 * `loraswarm dashboard [RUN_DIR]`: serves a finished run's dashboard on 127.0.0.1 (rebuilt
 * from the directory on every load; an empty, unfinished or failed directory shows why).
 * `loraswarm dashboard --attach WS_URL --run ID …`: serves the live page for a run in progress,
 * relayed to that broker's WebSocket listener, with the viewer's credentials. Both serve until
 * interrupted (Ctrl-C).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardScript } from '../../dashboard/bundle.ts';
import { reportHtml } from '../../dashboard/report.ts';
import { dashboardHtml } from '../../dashboard/report-html.ts';
import { serveDashboard, type DashboardServer } from '../../dashboard/server.ts';
import { runIdPattern } from '../../transport/topics.ts';
import { StoppedError, UsageError } from '../exit.ts';
import { followRun, type LiveHistory } from '../../dashboard/live-history.ts';
import { portOption } from './options.ts';
import { readViewerCredentials } from './watch.ts';

export interface DashboardCommandOptions {
  readonly port: string;
  readonly host: string;
  readonly attach?: string;
  readonly run?: string;
  readonly credentials?: string;
  readonly user?: string;
  readonly password?: string;
}

/** Serves until `untilStopped()` resolves (SIGINT or SIGTERM from the CLI), asked once the server listens: a refused command waits for nothing. */
export async function dashboardCommand(runDir: string | undefined, options: DashboardCommandOptions, print: (text: string) => void, untilStopped: () => Promise<void>): Promise<void> {
  const port = portOption('--port', options.port);
  let server: DashboardServer;
  let stop: Promise<void>;
  let stopFollowing: (() => Promise<void>) | undefined;
  if (options.attach !== undefined) {
    if (runDir !== undefined) throw new UsageError('--attach follows a live run: leave out RUN_DIR');
    if (!/^wss?:\/\/[^/]+/.test(options.attach)) throw new UsageError(`--attach: expected the broker's MQTT-over-WebSocket URL, ws://host:port/mqtt, found ${JSON.stringify(options.attach)}`);
    if (options.run === undefined || !runIdPattern.test(options.run)) throw new UsageError(`--run: expected the run id that \`run\` printed (letters, digits, ".", "_" or "-"), found ${JSON.stringify(options.run ?? '')}`);
    const viewer = viewerOf(options, options.run);
    const html = dashboardHtml(await dashboardScript('live'), { live: { wsUrl: '/mqtt', runId: options.run, username: viewer.username } }, `run ${options.run} (live)`);
    // The port first (a busy one is an input error and costs nothing), then this server
    // follows the run too, from now on, so that pages opened later see it from here.
    let history: LiveHistory | undefined;
    server = await listen({ host: options.host, port, page: () => html, relayTo: options.attach, relayCredentials: viewer, history: () => history });
    stop = untilStopped();
    // Ctrl-C while it still waits for the broker stops it at once.
    const abort = new AbortController();
    void stop.then(() => abort.abort());
    try {
      const followed = await followRun(options.attach, options.run, viewer, abort.signal);
      history = followed.history;
      stopFollowing = followed.close;
    } catch (error) {
      await server.close();
      if (abort.signal.aborted) return;
      throw new StoppedError(`dashboard --attach: ${(error as Error).message}`);
    }
    print(`dashboard: ${server.url} (following run ${options.run} through ${options.attach}; Ctrl-C stops it)\n`);
  } else {
    if (options.run !== undefined || options.credentials !== undefined || options.user !== undefined || options.password !== undefined) throw new UsageError('--run, --credentials, --user and --password go with --attach');
    const dir = runDir ?? latestRun();
    const shown = existsSync(dir) ? dir : existsSync(`${dir}.partial`) ? `${dir}.partial` : undefined;
    if (shown === undefined || !statSync(shown).isDirectory()) throw new UsageError(`RUN_DIR: expected a run directory, found nothing at ${dir}`);
    server = await listen({ host: options.host, port, page: () => reportHtml(shown) });
    stop = untilStopped();
    print(`dashboard of ${shown}: ${server.url} (Ctrl-C stops it)\n`);
  }
  await stop;
  await server.close();
  await stopFollowing?.();
}

function viewerOf(options: DashboardCommandOptions, runId: string): { username: string; password: string } {
  if (options.credentials !== undefined) {
    if (options.user !== undefined || options.password !== undefined) throw new UsageError('give the viewer\'s credentials once: --credentials FILE, or --user and --password');
    return readViewerCredentials(options.credentials, runId);
  }
  if (options.user === undefined || options.password === undefined) throw new UsageError('--attach needs the viewer\'s credentials: --credentials FILE as `run --dashboard` printed it, or --user and --password');
  return { username: options.user, password: options.password };
}

async function listen(options: Parameters<typeof serveDashboard>[0]): Promise<DashboardServer> {
  try {
    return await serveDashboard(options);
  } catch (error) {
    throw new UsageError(`--port/--host: cannot listen on ${options.host}:${options.port} (${(error as Error).message})`);
  }
}

/** The most recently written run directory under runs/. */
function latestRun(): string {
  const root = 'runs';
  const runs = existsSync(root)
    ? readdirSync(root)
        .map((name) => join(root, name))
        .filter((path) => statSync(path).isDirectory() && existsSync(join(path, 'summary.json')))
        .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
    : [];
  if (runs.length === 0) throw new UsageError('RUN_DIR: none given and no run under runs/; run one with `loraswarm run <scenario>` first');
  return runs[0]!;
}
