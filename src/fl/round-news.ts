/**
 * What the coordinator and the clients learn of each other between frames, at the window
 * exchange (issue 22): the clients' sides never read the coordinator's round, nor the
 * coordinator a client's state, within a window, so that a round runs the same whichever
 * process each node runs in.
 *
 * At each exchange, the coordinator (in the run's process), in this order:
 * 1. learns which clients dropped out in the window (too little time to train): they are out,
 *    and the round closes now if no client is left pending;
 * 2. tells the clients' sides of a round that closed in the window (deadline, last update, its
 *    own death) or just now: their view closes, their outboxes drop the round's messages not
 *    yet in a MAC, and the next round's start is planned for max(planned, now), an event
 *    (`startRound`) so that a window holds it;
 * 3. starts a round whose planned time came in the window, picking among the clients alive and
 *    charged now (every process says so of its own clients at this exchange), and tells the
 *    clients' sides its number, start, clients and the next round's plan.
 *
 * Each process's clients' side takes the news at the exchange (a worker with its next op,
 * fl-report.ts), and reads its nodes' listening energy for the round's figures at each start and
 * close (listen-snapshots.ts). A training loss travels in the round's books (round-books.ts);
 * the frames carry their round (frame-round.ts). In one process this costs at most a window (≤
 * the processing delay) on each news; every exchange falls at the same instants however the
 * run is sliced (window-protocol.ts) or split.
 */
import type { FlRun } from './fl-run.ts';
import { checkDone, startRound } from './rounds.ts';
import type { RoundView } from './round-types.ts';

/** What the coordinator tells the clients' sides at an exchange. */
export type HubNews =
  | { readonly kind: 'close'; readonly round: number }
  | { readonly kind: 'start'; readonly round: number; readonly startMs: number; readonly selected: readonly number[]; readonly next?: readonly [round: number, atMs: number] };

/** Where a clients' side puts its nodes' listening energy for a round's start (−1) or close (+1). */
export type ListenSink = (round: number, sign: 1 | -1, local: (node: number) => number | undefined) => void;

/** The coordinator's side of the window's exchange: drops, then a close, then a start. */
export function roundNewsAtExchange(run: FlRun): void {
  if (!run.host.hosts(run.setup.coordinator)) return;
  const tell = (news: HubNews): void => {
    run.outgoing.push(news);
    takeHubNews(run, [news], (round, sign, local) => run.listen.open(round, sign, local));
  };
  publishSessions(run, run.sessions?.takeChanged() ?? []);
  takeDrops(run);
  const closing = run.closing;
  if (closing) {
    run.closing = undefined;
    tell({ kind: 'close', round: closing.stats.round });
    if (!run.finished) {
      run.anchorMs = Math.max(run.plannedMs, run.host.scheduler.nowMs);
      run.later({ type: 'startRound' }, run.anchorMs);
    }
  }
  if (run.startDue) {
    run.startDue = false;
    run.anchorMs = undefined;
    startRound(run, eligibleNow(run), tell);
  }
}

/** The coordinator's process: its clients' sessions as of this exchange are what its nodes' MACs see until the next (a worker's clients' arrive with its report). */
export function publishSessions(run: FlRun, rows: readonly (readonly [number, readonly number[]])[]): void {
  for (const [node, sessions] of rows) run.publishedSessions.set(node, { mode: 'sessions', sessions: [...sessions] });
}

/** A clients' side takes the coordinator's news: the view, its outboxes, the clients' sessions, its nodes' listening energy. */
export function takeHubNews(run: FlRun, news: readonly HubNews[], listen: ListenSink): void {
  const { host, setup } = run;
  const local = (node: number): number | undefined => (host.hosts(node) ? host.listenUj(node) : undefined);
  for (const item of news) {
    if (item.kind === 'close') {
      listen(item.round, 1, local);
      if (run.view?.round === item.round) run.view.closed = true;
      run.outbox.purge(item.round, (node) => node !== setup.coordinator);
      continue;
    }
    const view: RoundView = { round: item.round, startMs: item.startMs, selected: item.selected, closed: false };
    run.view = view;
    run.roundStarts[item.round - 1] = item.startMs;
    if (item.next) run.sessions?.planNext(item.next[0], item.next[1]);
    listen(item.round, -1, local);
  }
}

/** Whether a client of this process may be picked now: alive, and charged at least as asked. */
export function eligibleHere(run: FlRun, node: number): boolean {
  return run.host.alive(node) && run.host.stateOfCharge(node) >= run.setup.settings.minStateOfCharge;
}

/** Whether each client may be picked now: this process's from its nodes, a worker's from its report of this exchange. */
function eligibleNow(run: FlRun): (node: number) => boolean {
  const { host } = run;
  const remote = new Map(run.remoteEligible);
  run.remoteEligible.clear();
  run.eligibilityAsked = false;
  return (node) => {
    if (host.hosts(node)) return eligibleHere(run, node);
    const eligible = remote.get(node);
    // Each worker's report of the window was checked to name each of its clients (fl-report-checks.ts): only a worker that sent no report at all can leave one out.
    if (eligible === undefined) throw new Error(`federated round ${run.rounds.length + 1}: the worker that runs client ${node} did not report whether it is alive and charged`);
    return eligible;
  };
}

/** The clients that dropped out of the round under way are out; the round closes if none is pending. */
function takeDrops(run: FlRun): void {
  const state = run.current;
  let changed = false;
  for (const [node, round] of run.drops) {
    const side = state && !state.closed && state.stats.round === round ? state.server.get(node) : undefined;
    if (side?.status !== 'pending') continue;
    side.status = 'out';
    changed = true;
  }
  run.drops.length = 0;
  if (changed) checkDone(run, state!);
}
