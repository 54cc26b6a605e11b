/**
 * What the coordinator and the clients learn of each other between frames, at the window
 * exchange (issue 22): the clients' sides never read the coordinator's round, nor the
 * coordinator a client's state, within a window, so that a round runs the same whichever
 * process each node runs in.
 *
 * At each exchange, in this order:
 * 1. the coordinator learns which clients dropped out in the window (too little time to train):
 *    they are out, and the round closes now if no client is left pending;
 * 2. a round that closed in the window (deadline, last update, coordinator's death) or just now
 *    is told to the clients' side: the view closes, the clients' outboxes drop the round's
 *    messages not yet in a MAC, every node's listening energy is read for the round's
 *    figures, and the next round's planned time is set: max(planned, now), an event (`startRound`)
 *    so that a window holds it;
 * 3. a round whose planned time came in the window starts now: the coordinator picks among the
 *    clients alive and charged now, and the clients' side learns its number, start and clients.
 *
 * A training loss travels in the round's books (round-books.ts); the frames carry their round
 * (frame-round.ts). Within one process this costs at most a window (≤ the processing delay) on
 * each news; every exchange falls at the same instants however the run is sliced
 * (window-protocol.ts).
 */
import type { FlRun } from './fl-run.ts';
import { checkDone, startRound } from './rounds.ts';

/** The window's exchange: drops, then a close, then a start. */
export function roundNewsAtExchange(run: FlRun): void {
  takeDrops(run);
  const closing = run.closing;
  if (closing) {
    run.closing = undefined;
    closing.stats.listenUj += run.host.listenEnergyUj();
    if (run.view?.round === closing.stats.round) run.view.closed = true;
    run.outbox.purge(closing.stats.round, (node) => node !== run.setup.coordinator);
    if (!run.finished) run.later({ type: 'startRound' }, Math.max(run.plannedMs, run.host.scheduler.nowMs));
  }
  if (run.startDue) {
    run.startDue = false;
    startRound(run);
  }
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
