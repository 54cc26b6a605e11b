/**
 * Federated learning across processes (issue 22): what a worker's clients' side tells the
 * coordinator after each window, and what the coordinator tells every worker with its next op.
 *
 * - Report (worker → coordinator): the clients that dropped out in the window, the round-book
 *   parts its nodes changed (whole), its nodes' listening energy read at the last news, its
 *   clients' eligibility at the window's end when the op asked for it, and the malformed
 *   messages it counted. Checked before it is used: a report crossed the network.
 * - News (coordinator → workers): the rounds closed and started (round-news.ts), and whether
 *   this window's end is a round's start, for which every worker reports its clients'
 *   eligibility. News goes to every worker, with or without work in the window.
 */
import type { FlRun } from './fl-run.ts';
import type { RoundPartRow } from './round-books.ts';
import { newsProblem, reportProblem } from './fl-report-checks.ts';
import { eligibleHere, takeHubNews, type HubNews } from './round-news.ts';
import type { NodeSpec } from '../scenario/resolve.ts';

/** Listening energy a worker read at the news: [round, −1 start / +1 close, [node, µJ]…]. */
export type ListenRows = [number, 1 | -1, [number, number][]];

/** What a worker keeps for its next report. */
export interface FlToReport {
  readonly listen: ListenRows[];
  /** The op asked for the clients' eligibility at the window's end. */
  table: boolean;
  /** Malformed messages already reported. */
  malformedReported: number;
}

export interface FlReport {
  readonly drops: [number, number][];
  readonly parts: RoundPartRow[];
  /** [node, 1 eligible / 0 not] of each of its clients, when asked. */
  readonly eligible?: [number, number][];
  readonly listen: ListenRows[];
  readonly malformed: number;
  /** Scheduled rounds: its clients' listening sessions, where they changed ([node, [start, end)…]): the run's ether reads them. */
  readonly sessions?: [number, number[]][];
}

export interface FlNews {
  readonly news: HubNews[];
  readonly table: boolean;
}

/** A worker's report of the window just run; undefined when it has nothing to say. */
export function flReport(run: FlRun): FlReport | undefined {
  const { host, setup, toReport } = run;
  const eligible = toReport.table ? setup.clients.filter((node) => host.hosts(node)).map((node): [number, number] => [node, eligibleHere(run, node) ? 1 : 0]) : undefined;
  toReport.table = false;
  const sessions = run.sessions?.takeChanged() ?? [];
  const report: FlReport = {
    drops: run.drops.splice(0),
    parts: run.roundBooks.takeChanged(),
    ...(eligible && { eligible }),
    listen: toReport.listen.splice(0),
    malformed: run.malformed - toReport.malformedReported,
    ...(sessions.length > 0 && { sessions }),
  };
  toReport.malformedReported = run.malformed;
  const empty = report.drops.length === 0 && report.parts.length === 0 && !eligible && report.listen.length === 0 && report.malformed === 0 && sessions.length === 0;
  return empty ? undefined : report;
}

/** The coordinator takes a worker's report in; what is wrong with it instead, when it is malformed or speaks for a node the worker does not run. */
export function receiveFlReport(run: FlRun, value: unknown, owns: (node: number) => boolean): string | undefined {
  const problem = reportProblem(run, value, owns);
  if (problem) return problem;
  const report = value as FlReport;
  for (const [node, round] of report.drops) run.drops.push([node, round]);
  for (const row of report.parts) run.roundBooks.put(row);
  for (const [node, eligible] of report.eligible ?? []) run.remoteEligible.set(node, eligible === 1);
  for (const [round, sign, rows] of report.listen) run.listen.put(round, sign, rows);
  run.malformed += report.malformed;
  for (const [node, sessions] of report.sessions ?? []) {
    const wake = run.specs[node]!.wake as Extract<NodeSpec['wake'], { mode: 'sessions' }>;
    wake.sessions.length = 0;
    for (const atMs of sessions) wake.sessions.push(atMs);
  }
  return undefined;
}

/** The coordinator's news for the workers' next op (taken: told once); undefined when there is none. */
export function flNewsFor(run: FlRun, untilMs: number): FlNews | undefined {
  const table = run.anchorMs !== undefined && run.anchorMs <= untilMs;
  // The reports of this window must say, of each of a worker's clients, whether it may be picked.
  if (table) run.eligibilityAsked = true;
  if (run.outgoing.length === 0 && !table) return undefined;
  return { news: run.outgoing.splice(0), table };
}

/** A worker takes the coordinator's news (its clock at the exchange that made it); what is wrong with it instead. */
export function takeFlNews(run: FlRun, value: unknown): string | undefined {
  const problem = newsProblem(run, value);
  if (problem) return problem;
  const { news, table } = value as FlNews;
  takeHubNews(run, news, (round, sign, local) => {
    const rows: [number, number][] = [];
    for (let node = 0; node < run.nodeCount; node++) {
      const uj = local(node);
      if (uj !== undefined) rows.push([node, uj]);
    }
    run.toReport.listen.push([round, sign, rows]);
  });
  run.toReport.table = table;
  return undefined;
}
