/**
 * A live run's messages as a dashboard server keeps them: the start and every delta, so that a
 * page that joins late, or misses a delta (MQTT QoS 0), fills the gap over HTTP. The run's own
 * server keeps what it publishes; `loraswarm dashboard --attach` follows the run as its viewer
 * and keeps what it hears from the moment it started.
 */
import { connectClient } from '../transport/client-connection.ts';
import { createControlAssembler } from '../transport/control-codec.ts';
import type { DashboardDelta, DashboardEnd, DashboardHistory, DashboardStart } from './live-messages.ts';

export interface LiveHistory {
  /** A new start begins the history again (a rerun with the same run id). */
  setStart(start: DashboardStart): void;
  add(delta: DashboardDelta): void;
  setEnd(end: DashboardEnd): void;
  /** The start and the deltas with from ≤ seq < to. */
  slice(from: number, to: number): DashboardHistory;
}

export function createLiveHistory(): LiveHistory {
  let start: DashboardStart | undefined;
  let end: DashboardEnd | undefined;
  const deltas = new Map<number, DashboardDelta>();
  return {
    setStart(value) {
      if (start !== undefined && JSON.stringify(start) !== JSON.stringify(value)) {
        deltas.clear();
        end = undefined;
      }
      start = value;
    },
    add(delta) {
      deltas.set(delta.seq, delta);
    },
    setEnd(value) {
      end = value;
    },
    slice(from, to) {
      const found: DashboardDelta[] = [];
      for (let seq = Math.max(0, from); seq < to && seq < from + 100_000; seq++) {
        const delta = deltas.get(seq);
        if (delta) found.push(delta);
      }
      return { start, deltas: found, ...(end && { end }) };
    },
  };
}

/**
 * Follows run `runId` on the broker at `url` (ws:// or mqtt://) as the viewer, keeping its
 * history. It waits up to 15 s for a broker that does not listen yet, unless `signal` aborts.
 */
export async function followRun(url: string, runId: string, viewer: { username: string; password: string }, signal?: AbortSignal): Promise<{ history: LiveHistory; close(): Promise<void> }> {
  const history = createLiveHistory();
  const prefix = `swarm/${runId}/metrics/`;
  const starts = createControlAssembler();
  const deltas = createControlAssembler();
  const client = await connectClient(url, viewer, `${runId}-viewer-dashboard-${process.pid}`, {}, 15_000, signal);
  client.on('message', (topic, payload) => {
    if (payload.length === 0) return;
    const path = topic.slice(prefix.length);
    try {
      if (path.startsWith('dashboard/start/')) {
        const whole = starts.add(payload);
        if (whole) history.setStart(JSON.parse(new TextDecoder().decode(whole)) as DashboardStart);
      } else if (path === 'dashboard/delta') {
        const whole = deltas.add(payload);
        if (whole) history.add(JSON.parse(new TextDecoder().decode(whole)) as DashboardDelta);
      } else if (path === 'end') {
        history.setEnd(JSON.parse(payload.toString('utf8')) as DashboardEnd);
      }
    } catch {
      // A malformed message is the page's to report; the history keeps what it could read.
    }
  });
  try {
    signal?.throwIfAborted();
    await client.subscribeAsync(`${prefix}#`, { qos: 0 });
  } catch (error) {
    await client.endAsync(true).catch(() => undefined);
    if (signal?.aborted) throw error;
    throw new Error(`the broker refused to let ${viewer.username} follow run ${runId} (${(error as Error).message}): check --run and the credentials`, { cause: error });
  }
  return { history, close: () => client.endAsync(true).then(() => undefined) };
}
