/**
 * A worker's driver of its partition (`Simulation.partition`): it runs the local events of each
 * window the coordinator orders, keeps a failure for the window's report, and hands over what
 * the coordinator needs of the window (node events, series rows, sample shares) and, at the
 * end, the partition's totals.
 */
import type { PartitionDriver } from './simulation-types.ts';
import type { SimulationParts } from './simulation-parts.ts';
import { takeSample } from './run-samples.ts';
import { localEvents, localTotals } from './close-books.ts';
import { busyHere } from './window-driving.ts';

export function createPartitionDriver(parts: SimulationParts): PartitionDriver {
  const { scheduler, series, state } = parts;
  return {
    run(untilMs) {
      // A worker reports its failure with the window's report, then stops.
      if (state.failure !== undefined) return;
      try {
        scheduler.runUntil(untilMs);
      } catch (error) {
        state.failure = error instanceof Error ? error : new Error(String(error));
      }
    },
    get failure() {
      return state.failure;
    },
    peekTimeMs: () => scheduler.peekTimeMs(),
    busy: () => busyHere(parts),
    get lastEventMs() {
      return scheduler.lastEventMs;
    },
    takeReport() {
      const events = state.reportedEvents;
      state.reportedEvents = [];
      const rows = series.rows.slice(state.reportedSeriesRows);
      state.reportedSeriesRows = series.rows.length;
      const app = parts.app?.report?.();
      return { events, series: rows, samples: state.samplePartials.splice(0), ...(app !== undefined && { app }) };
    },
    deathKnown(node, atMs, knownAtMs) {
      parts.app?.deathKnown?.(node, atMs, knownAtMs);
    },
    moveClockTo(atMs) {
      // Events at the exchange's instant are due only at the run's start (time 0), where the clock already is.
      const next = scheduler.peekTimeMs();
      const nowMs = scheduler.nowMs;
      if (atMs < nowMs || (next !== undefined && (next < atMs || (next === atMs && nowMs < atMs)))) return `news of the exchange at ${atMs} ms, with this partition at ${nowMs} ms and its next event at ${String(next)} ms`;
      if (nowMs < atMs) scheduler.runUntil(atMs);
      return undefined;
    },
    takeNews(value) {
      const takeNews = parts.app?.takeNews;
      return takeNews ? takeNews(value) : 'news for a node application, in a run without one';
    },
    close(untilMs) {
      if (scheduler.nowMs < untilMs) scheduler.runUntil(untilMs);
      // No client trains after the close: a worker's training threads end.
      parts.federation?.close();
      takeSample(parts);
      return { events: localEvents(parts), nodes: localTotals(parts) };
    },
  };
}
