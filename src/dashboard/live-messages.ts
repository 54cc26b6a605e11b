/**
 * What a run sends live dashboards on `swarm/<run>/metrics/dashboard/…` (chunked to the run's
 * packet limit, like control messages): once, retained, the start; then deltas; `metrics/end`
 * closes the run.
 */
import type { RunFiles } from './views/run-model.ts';

/** meta.json, nodes.csv (id, group, role, position, MCU, battery) and placement.csv. */
export interface DashboardStart {
  readonly files: RunFiles;
}

/** The new rows of frames, receptions, series, tokens and rounds (each with its header). */
export interface DashboardDelta {
  /** 0, 1, 2, … in publishing order: a gap tells a viewer it missed rows (QoS 0, or it joined late). */
  readonly seq: number;
  readonly files: RunFiles;
  readonly totals: LiveTotals;
}

/** Figures a live run reports beyond the rows it sent (a viewer may join late). */
export interface LiveTotals {
  readonly atMs: number;
  readonly tokens: number;
  readonly framesSent: number;
  readonly energyJ: number;
  readonly nodesAlive: number;
  /** Federated rounds closed, and begun (a round in progress is begun, not closed). */
  readonly rounds: number;
  readonly roundsBegun?: number;
  /** The largest consumers now, flat [node, joules by state (energyStates order)…], largest first: the energy view before the first sample. */
  readonly energyTop?: readonly number[];
}

/**
 * What a dashboard server kept of a live run (served as /history.json?from=&to=): viewers
 * that joined late or missed a delta fill the gap from it.
 */
export interface DashboardHistory {
  readonly start: DashboardStart | undefined;
  /** Deltas with from ≤ seq < to that the server has. */
  readonly deltas: readonly DashboardDelta[];
  /** The run's `metrics/end`, once it came. */
  readonly end?: DashboardEnd;
}

/** `metrics/end`: when the run ended, and where its report is (or why it failed). */
export interface DashboardEnd {
  readonly atMs?: number;
  readonly report?: string;
  readonly failed?: string;
  /** The last delta's number: a page is done once it has every delta up to it. */
  readonly lastSeq?: number;
}
