/**
 * The live page's entry point: connects to the run's broker over MQTT-over-WebSocket as the
 * read-only viewer, takes the run's start (nodes, placement, sub-bands; retained, so a late
 * viewer gets it too) and then each delta (the new rows of the result files and the running
 * totals), and redraws at most twice a second.
 */
import mqtt from 'mqtt';
import { createControlAssembler } from '../../transport/control-codec.ts';
import { appendFiles, emptyModel, parseRun, type RunFiles } from '../views/run-model.ts';
import { createApp, embeddedData, type App, type LiveTotals } from './app.ts';
import type { LiveConfig } from '../report-html.ts';
import type { DashboardDelta, DashboardHistory, DashboardStart } from '../live-messages.ts';

const { live } = embeddedData<{ live: LiveConfig }>();
const prefix = `swarm/${live.runId}/metrics/`;
const url = new URL(live.wsUrl, location.href);
url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;

let app: App = createApp(emptyModel({ title: `run ${live.runId}`, subBands: [] }), true);
app.status(`connecting to ${url.href} as ${live.username}…`);
let started = false;
const starts = createControlAssembler();
const deltas = createControlAssembler();
let dirty: LiveTotals | undefined;
// Deltas are applied in order; a gap (joined late, or a QoS 0 message lost) is filled from
// the dashboard server's history before the deltas after it.
let nextSeq = 0;
const pending = new Map<number, DashboardDelta>();
let fetching = false;
let skipped = 0;

const decode = (bytes: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(bytes));
const following = (): string => `live: following run ${live.runId} through ${url.href}${skipped > 0 ? ` (${skipped} early updates were not available: the rows before them are missing)` : ''}`;

function begin(start: DashboardStart): void {
  if (started) return;
  started = true;
  document.body.replaceChildren();
  app = createApp(parseRun(start.files as RunFiles), true);
  app.status(following());
  dirty ??= { atMs: 0, tokens: 0, framesSent: 0, energyJ: 0, nodesAlive: app.model.nodes.length, rounds: 0 };
}

function drain(): void {
  if (!started) return fill(nextSeq, Math.min(...pending.keys(), nextSeq + 1));
  for (let delta = pending.get(nextSeq); delta !== undefined; delta = pending.get(nextSeq)) {
    pending.delete(nextSeq++);
    appendFiles(app.model, delta.files);
    dirty = delta.totals;
  }
  if (pending.size > 0) fill(nextSeq, Math.min(...pending.keys()));
}

/** Asks the server for the start and the deltas from ≤ seq < to. */
function fill(from: number, to: number): void {
  if (fetching) return;
  fetching = true;
  fetch(new URL(`history.json?from=${from}&to=${to}`, location.href))
    .then((response) => response.json() as Promise<DashboardHistory>)
    .then((history) => {
      if (history.start) begin(history.start);
      for (const delta of history.deltas) if (delta.seq >= nextSeq) pending.set(delta.seq, delta);
      // What the server does not have is gone: go on from the next delta in hand.
      if (started && !pending.has(nextSeq) && pending.size > 0) {
        const next = Math.min(...pending.keys());
        skipped += next - nextSeq;
        nextSeq = next;
        app.status(following());
      }
    })
    .catch((error: Error) => app.status(`the dashboard server's history could not be read: ${error.message}`, 'problem'))
    .finally(() => {
      fetching = false;
      if (started) drain();
    });
}

const client = mqtt.connect(url.href, { username: live.username, password: live.password, protocolVersion: 4, clientId: `${live.runId}-viewer-web-${Math.random().toString(36).slice(2, 10)}`, reconnectPeriod: 0 });
client.on('connect', () => {
  app.status(following());
  client.subscribe(`${prefix}#`, { qos: 0 });
});
client.on('message', (topic, payload) => {
  if (payload.length === 0) return; // a cleared retained message
  const path = topic.slice(prefix.length);
  try {
    if (path.startsWith('dashboard/start/')) {
      const whole = starts.add(payload);
      if (whole !== undefined) {
        begin(decode(whole) as DashboardStart);
        drain();
      }
    } else if (path === 'dashboard/delta') {
      const whole = deltas.add(payload);
      if (whole === undefined) return;
      const delta = decode(whole) as DashboardDelta;
      if (delta.seq >= nextSeq) pending.set(delta.seq, delta);
      drain();
    } else if (path === 'end') {
      if (dirty) app.follow(dirty);
      dirty = undefined;
      const end = decode(payload) as { atMs?: number; report?: string };
      app.status(`run finished at ${((end.atMs ?? 0) / 60_000).toFixed(1)} min of virtual time${end.report ? `; its full report: ${end.report}` : ''}`, 'done');
      document.body.dataset.finished = 'true';
      client.end(true);
    }
  } catch (error) {
    app.status(`a live message could not be read: ${(error as Error).message}`, 'problem');
  }
});
client.on('error', (error) => app.status(`live connection: ${error.message}`, 'problem'));
client.on('close', () => {
  if (document.body.dataset.finished !== 'true') app.status(`the connection to ${url.href} closed: the run ended or stopped`, 'problem');
});
setInterval(() => {
  if (dirty === undefined) return;
  const totals = dirty;
  dirty = undefined;
  app.follow(totals);
}, 500);
