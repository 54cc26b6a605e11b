/**
 * The live page's entry point: fetches what the dashboard server kept of the run, connects to
 * the run's broker over MQTT-over-WebSocket as the read-only viewer, takes the run's start
 * (nodes, placement, sub-bands; retained, so a late viewer gets it too) and then each delta
 * (the new rows of the result files and the running totals), and redraws at most twice a
 * second.
 */
import mqtt from 'mqtt';
import { createControlAssembler } from '../../transport/control-codec.ts';
import { appendFiles, emptyModel, parseRun, type RunFiles } from '../views/run-model.ts';
import { createApp, embeddedData, type App } from './app.ts';
import type { LiveConfig } from '../report-html.ts';
import type { DashboardDelta, DashboardEnd, DashboardHistory, DashboardStart, LiveTotals } from '../live-messages.ts';

const { live } = embeddedData<{ live: LiveConfig }>();
const prefix = `swarm/${live.runId}/metrics/`;
const url = new URL(live.wsUrl, location.href);
url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;

let app: App = createApp(emptyModel({ title: `run ${live.runId}`, subBands: [] }), true);
app.status(`connecting to ${url.href} as ${live.username}…`);
let started = false;
let finished = false;
let end: DashboardEnd | undefined;
const starts = createControlAssembler();
const deltas = createControlAssembler();
let dirty: LiveTotals | undefined;
// Deltas are applied in order. A gap (the page joined late, or a QoS 0 message was lost) is
// filled from the dashboard server's history before the deltas after it; what the server does
// not have either is skipped, and the page says so. The end names the last delta, so a page
// knows when it has them all.
let nextSeq = 0;
const pending = new Map<number, DashboardDelta>();
let fetching = false;
let failures = 0;
const maxFailures = 5;
let skipped = 0;

const decode = (bytes: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(bytes));
/** Where the gap before the next delta in hand (or the end's last delta) closes, if there is one. */
const gapEnd = (): number | undefined => {
  let min = Number.POSITIVE_INFINITY;
  for (const seq of pending.keys()) min = Math.min(min, seq);
  if (Number.isFinite(min)) return min;
  return end?.lastSeq !== undefined && nextSeq <= end.lastSeq ? end.lastSeq + 1 : undefined;
};
const missing = (): string => (skipped > 0 ? ` (${skipped} updates were lost before this page could fetch them: some rows are missing)` : '');
const following = (): string => `live: following run ${live.runId} through ${url.href}${missing()}`;

function begin(start: DashboardStart): void {
  if (started) return;
  started = true;
  document.body.replaceChildren();
  app = createApp(parseRun(start.files as RunFiles), true);
  app.status(following());
  dirty ??= { atMs: 0, tokens: 0, framesSent: 0, energyJ: 0, nodesAlive: app.model.nodes.length, rounds: 0 };
}

/** Jumps over a gap the server cannot fill. */
function skipTo(seq: number): void {
  skipped += seq - nextSeq;
  nextSeq = seq;
  if (!finished) app.status(following());
}

function drain(): void {
  if (!started) return;
  for (let delta = pending.get(nextSeq); delta !== undefined; delta = pending.get(nextSeq)) {
    pending.delete(nextSeq++);
    appendFiles(app.model, delta.files);
    dirty = delta.totals;
  }
  const gap = gapEnd();
  if (gap !== undefined) {
    if (failures >= maxFailures) {
      skipTo(gap);
      return drain();
    }
    fill(nextSeq, gap);
  } else if (end) finish(end);
}

/** Asks the server for the start, the deltas from ≤ seq < to, and the end if it came. */
function fill(from: number, to: number): void {
  if (fetching) return;
  fetching = true;
  fetch(new URL(`history.json?from=${from}&to=${to}`, location.href))
    .then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json() as Promise<DashboardHistory>;
    })
    .then((history) => {
      failures = 0;
      if (history.start) begin(history.start);
      if (history.end) end ??= history.end;
      for (const delta of history.deltas) if (delta.seq >= nextSeq) pending.set(delta.seq, delta);
      // The server was asked for the whole gap: what it lacks of it is gone.
      const gap = gapEnd();
      if (started && !pending.has(nextSeq) && from <= nextSeq && gap !== undefined && gap <= to) skipTo(gap);
      fetching = false;
      drain();
    })
    .catch((error: Error) => {
      fetching = false;
      failures++;
      if (!finished) app.status(`the dashboard server's history could not be read (${error.message})${failures < maxFailures ? '; trying again' : ''}`, 'problem');
      // Back off: 0.5 s, 1 s, 2 s, 4 s; then the page goes on without the history.
      setTimeout(() => (started ? drain() : failures < maxFailures && fill(nextSeq, Number.MAX_SAFE_INTEGER)), failures < maxFailures ? 250 * 2 ** failures : 0);
    });
}

function finish(value: DashboardEnd): void {
  if (finished) return;
  finished = true;
  if (dirty) app.follow(dirty);
  dirty = undefined;
  if (value.failed !== undefined) app.status(`the run failed: ${value.failed}${missing()}`, 'problem');
  else app.status(`run finished at ${((value.atMs ?? 0) / 60_000).toFixed(1)} min of virtual time${value.report ? `; its full report: ${value.report}` : ''}${missing()}`, 'done');
  document.body.dataset.finished = 'true';
  // The run's server waits for its pages to hang up before it closes.
  client.end(true);
}

// No credentials here: the dashboard server's relay puts the viewer's into this CONNECT.
const client = mqtt.connect(url.href, { protocolVersion: 4, clientId: `${live.runId}-viewer-web-${Math.random().toString(36).slice(2, 10)}`, reconnectPeriod: 0 });
client.on('connect', () => {
  if (!finished) app.status(following());
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
      end ??= decode(payload) as DashboardEnd;
      drain();
    }
  } catch (error) {
    app.status(`a live message could not be read: ${(error as Error).message}`, 'problem');
  }
});
client.on('error', (error) => !finished && app.status(`live connection: ${error.message}`, 'problem'));
client.on('close', () => {
  if (!finished) app.status(`the connection to ${url.href} closed: the run ended or stopped${missing()}`, 'problem');
});
// What happened before this page connected (everything, when it opens after the run's end).
fill(0, Number.MAX_SAFE_INTEGER);
setInterval(() => {
  if (dirty === undefined) return;
  const totals = dirty;
  dirty = undefined;
  app.follow(totals);
}, 500);
