/**
 * A federated round's start and close (swarm.ts): the coordinator picks its clients, announces
 * the round and broadcasts the global model in chunks; at the deadline, or once every client is
 * done or out, what arrived is aggregated and the new model evaluated, and the next round is
 * planned. A round starts at a window exchange, as the clients' sides learn of it; they learn
 * of its close at the first exchange after it, when the next round's start is set
 * (round-news.ts).
 */
import { broadcastDestination } from '../radio/transmission.ts';
import { encodeUpdate } from './compression.ts';
import { selectClients } from './federation.ts';
import type { FlRun } from './fl-run.ts';
import type { RoundState, RoundStats } from './round-types.ts';
import type { HubNews } from './round-news.ts';
import { chunk, type FlMessage } from './wire.ts';

/**
 * The round starts now (an exchange), with the clients `eligible` says are alive and charged
 * enough; `tell` hands its news to the clients' sides before the coordinator sends anything.
 */
export function startRound(run: FlRun, eligible: (node: number) => boolean, tell: (news: HubNews) => void): void {
  const { setup, host, model, deadlineMs } = run;
  const { settings, coordinator, clients } = setup;
  const { scheduler } = host;
  const post = run.outbox.post;
  const schedule = settings.schedule;
  const number = run.rounds.length + 1;
  if (number > settings.rounds || scheduler.nowMs >= setup.durationMs || !host.alive(coordinator)) {
    run.finished = true;
    return;
  }
  const available = clients.filter((node) => eligible(node) && (setup.trainable[run.clientIndex.get(node)!] ?? 1) > 0);
  const picked = available.length === 0 ? [] : selectClients(available.length, settings.fraction, run.selection).map((i) => available[i]!);
  const plannedMs = run.plannedMs;
  const stats: RoundStats = {
    round: number, startMs: scheduler.nowMs, endMs: Number.NaN, selected: picked.length, participants: 0, dropouts: 0, stragglers: 0, abandoned: 0, resentChunks: 0, recoveredChunks: 0,
    bytesUp: 0, bytesDown: 0, frames: 0, airtimeMs: 0, energyUj: { transmit: 0, receive: 0, compute: 0, idle: 0 }, listenUj: 0, trainLoss: Number.NaN, validationLoss: Number.NaN, validationAccuracy: Number.NaN,
  };
  run.rounds.push(stats);
  // Scheduled rounds keep to their schedule: round k is planned for (k − 1) periods, and starts at the exchange that ends the window of that time.
  const nextStartMs = plannedMs + (schedule?.period ?? 0);
  const { bytes } = encodeUpdate(model.global, { bits: settings.downlinkBits, topK: 1, errorFeedback: false });
  const chunks = chunk(bytes, run.chunkBytes);
  const state: RoundState = { stats, selected: picked, global: model.global, chunks, server: new Map(picked.map((n) => [n, { received: undefined, parities: [], lastLength: -1, attempts: 0, timer: 0, status: 'pending' }])), updates: [], startVersion: model.version, closed: false };
  run.current = state;
  const planNext = schedule && number < settings.rounds && nextStartMs < setup.durationMs;
  tell({ kind: 'start', round: number, startMs: stats.startMs, selected: picked, ...(planNext && { next: [number + 1, nextStartMs] as const }) });
  // A round nobody can join still lasts until its deadline (no burst of empty rounds).
  run.later({ type: 'close', state }, stats.startMs + deadlineMs);
  if (picked.length === 0) return;
  const announce: FlMessage = { kind: 'announce', round: number, chunks: chunks.length, clients: picked };
  post(coordinator, broadcastDestination, announce, number);
  chunks.forEach((bytesOfChunk, i) => post(coordinator, broadcastDestination, { kind: 'model', round: number, chunk: i, chunks: chunks.length, bytes: bytesOfChunk }, number));
  run.parity.postParity(coordinator, broadcastDestination, number, chunks);
  // Once more at the end, for clients that missed it: they kept the chunks they heard.
  post(coordinator, broadcastDestination, announce, number);
}

export function closeRound(run: FlRun, state: RoundState): void {
  const { setup, host, model } = run;
  const { settings } = setup;
  const { scheduler } = host;
  const schedule = settings.schedule;
  if (state.closed) return;
  state.closed = true;
  // What the coordinator had not handed to its MAC yet is not sent (the clients' outboxes are purged as they learn of the close); what sits in a MAC expires at the deadline.
  run.outbox.purge(state.stats.round, (node) => node === setup.coordinator);
  const { stats } = state;
  for (const [, side] of state.server) if (side.status === 'pending') stats.dropouts++;
  model.close(state);
  // The new model's validation decides nothing here: a training thread may do it (settleEvaluations).
  if (run.training) {
    run.training.evaluate(evaluationKey(stats), model.global, scheduler.nowMs);
    run.unevaluated.push(stats);
  } else {
    const evaluation = setup.task.evaluate(model.global);
    stats.validationAccuracy = evaluation.accuracy;
    stats.validationLoss = evaluation.loss;
  }
  stats.endMs = scheduler.nowMs;
  run.closing = state;
  run.plannedMs = schedule ? Math.max(scheduler.nowMs, run.plannedMs + schedule.period) : scheduler.nowMs + settings.roundGap;
}

/** The round closes early once no selected client is pending. */
export function checkDone(run: FlRun, state: RoundState): void {
  if (![...state.server.values()].some((side) => side.status === 'pending')) closeRound(run, state);
}

/** The coordinator died: the round under way ends there, and no other starts. */
export function coordinatorDied(run: FlRun, atMs: number): void {
  const { current } = run;
  if (!current || current.closed) return;
  current.closed = true;
  current.stats.endMs = atMs;
  run.closing = current;
  run.finished = true;
}

const evaluationKey = (stats: RoundStats): string => `evaluate/${stats.round}`;

/** The closed rounds' validation figures, from the training threads (or done here): before the rounds are read. */
export function settleEvaluations(run: FlRun): void {
  for (const stats of run.unevaluated) settle(run, stats);
  run.unevaluated.length = 0;
}

/** The first closed rounds whose evaluation a thread has finished, without waiting for the others. */
export function settleFinishedEvaluations(run: FlRun): void {
  while (run.unevaluated.length > 0 && run.training!.settled(evaluationKey(run.unevaluated[0]!))) settle(run, run.unevaluated.shift()!);
}

function settle(run: FlRun, stats: RoundStats): void {
  const evaluation = run.training!.evaluation(evaluationKey(stats));
  stats.validationAccuracy = evaluation.accuracy;
  stats.validationLoss = evaluation.loss;
}
