/**
 * Federated learning over the swarm (issue 7): rounds run by a coordinator node, every model
 * download and every update carried in LoRa frames that meet every fate.
 *
 * A round: the coordinator picks m = max(1, round(C · available)) clients among those alive
 * with a charge above `minStateOfCharge`, broadcasts an announce (the round, the chunk count,
 * the clients) and the global model in chunks, one frame each (a broadcast reaches every client
 * in range at once). A client that has every chunk decodes the model and trains: the MCU
 * computes for computeFactor × forward MACs × samples (cost model), then the real training
 * runs (fl/local.ts) and the compressed update goes back in chunks. Whoever misses chunks asks
 * for them after `idleTimeout` of silence (`missing`), up to `retransmissions` times, then gives
 * up (the update is abandoned, counted). A client that cannot finish its epochs before the
 * deadline trains what fits (`keep`) or sends nothing (`drop`). At the deadline, or once every
 * client is done or out, the coordinator aggregates what arrived with the strategy and
 * evaluates the new model; FedBuff applies every `bufferSize` updates as they arrive.
 *
 * Every message, frame and computation carries its round as its cause, so that each round's
 * bytes, frames, airtime and ledger joules are its own.
 */
import type { NodeSpec } from '../scenario/resolve.ts';
import type { SimEvent } from '../node/events.ts';
import type { ReceivedMessage } from '../node/lora-node.ts';
import type { RandomStreamState } from '../sim/rng.ts';
import type { ClientUpdate } from './strategies.ts';
import { decodeFl, type FlMessage } from './wire.ts';
import type { ClientSide, FlHost, FlSetup, RoundState, RoundStats, RoundView } from './round-types.ts';

export type { FlHost, FlSetup, RoundStats } from './round-types.ts';
import type { OutboxState } from './outbox.ts';
import type { RoundBooksState } from './round-books.ts';
import type { Checkpointable } from '../sim/checkpoint-state.ts';
import type { StepTableState } from '../sim/step-table.ts';
import type { NodeApplication } from '../node/application.ts';
import type { SessionsState } from './sessions.ts';
import { checkpointFl, restoreFl } from './fl-checkpoint.ts';
import type { FlRun } from './fl-run.ts';
import { coordinatorDied, settleEvaluations, settleFinishedEvaluations } from './rounds.ts';
import { publishSessions, roundNewsAtExchange, type HubNews } from './round-news.ts';
import type { ListenSnapshot } from './listen-snapshots.ts';
import { flNewsFor, flReport, receiveFlReport, takeFlNews } from './fl-report.ts';
import { createFlRun } from './fl-run-parts.ts';

export interface FlEngine extends NodeApplication, Checkpointable<FlEngineState> {
  /** Every round so far, its figures complete (waiting for a training thread's evaluation if need be). */
  readonly rounds: readonly RoundStats[];
  /** The rounds whose figures are complete now, without waiting for a training thread: what a report as the run goes prints. */
  readonly settledRounds: readonly RoundStats[];
  /** Settles the rounds' evaluations and ends the training threads, if any. */
  close(): void;
  /** Ends the training threads, if any, without settling anything: a run that failed. */
  abandon(): void;
  /** The global model's parameters now (flattened). */
  readonly global: Float64Array;
  readonly malformed: number;
}

/** The engine's whole state (a checkpoint: checkpoint-state.ts). */
export interface FlEngineState {
  readonly rounds: RoundStats[];
  readonly numbers: readonly number[];
  readonly global: Float64Array;
  readonly current: RoundState | undefined;
  /** The round news (round-news.ts): the clients' view, a close not told yet, the next round's plan, drops not told yet. */
  readonly news: {
    readonly view: RoundView | undefined;
    readonly closing: RoundState | undefined;
    readonly plannedMs: number;
    readonly startDue: boolean;
    readonly anchorMs: number | undefined;
    readonly drops: readonly [number, number][];
    readonly roundStarts: readonly number[];
    readonly listen: readonly ListenSnapshot[];
    readonly outgoing: readonly HubNews[];
  };
  readonly finished: boolean;
  readonly buffer: ClientUpdate[];
  readonly tasks: StepTableState<unknown>;
  readonly clientSide: Map<number, ClientSide>;
  readonly residuals: Map<number, Float64Array | undefined>;
  readonly selection: RandomStreamState;
  readonly jitter: Map<number, RandomStreamState>;
  readonly outbox: OutboxState;
  readonly roundBooks: RoundBooksState;
  /** Scheduled rounds: the clients' clocks and sessions (absent without a schedule). */
  readonly sessions?: SessionsState;
}

export interface FlEngineOptions {
  /** Threads that train the clients while the simulation goes on (training-pool.ts); 0 or absent: none. */
  readonly trainingThreads?: number;
}

/** The engine on its run record (fl-run-parts.ts); its state is that record, which the module functions run over. */
export function createFlEngine(setup: FlSetup, specs: readonly NodeSpec[], host: FlHost, options: FlEngineOptions = {}): FlEngine {
  const run = createFlRun(setup, specs, host, options);
  const { hub, sessions, training, rounds, roundBooks, outbox, model } = run;
  return {
    onMessage: (node, received) => onFlMessage(run, node, received),
    onEvent: (event) => onFlEvent(run, event),
    causeOf: outbox.causeOf,
    frameMeta: outbox.frameMeta,
    attribute(node, cause, state, energyUj) {
      // A cause is a round that has started (frames and computations carry theirs).
      if (cause >= 1) roundBooks.energy(cause, node, state, energyUj);
    },
    exchanged: () => roundNewsAtExchange(run),
    // The coordinator's MAC sees its own process's scheduled clients as of the last exchange; a worker's, as reported.
    publishedWake: (node) => (hub && host.hosts(node) ? run.publishedSessions.get(node) : undefined),
    newsFor: (untilMs) => flNewsFor(run, untilMs),
    takeNews: (value) => takeFlNews(run, value),
    report: () => flReport(run),
    receive: (value, owns) => receiveFlReport(run, value, owns),
    start() {
      sessions?.start();
      if (!hub) return;
      run.anchorMs = 0;
      run.later({ type: 'startRound' }, 0);
    },
    checkpoint() {
      settleEvaluations(run);
      return checkpointFl(run);
    },
    restore(saved) {
      training?.clear();
      run.unevaluated.length = 0;
      restoreFl(run, saved);
      // A checkpoint follows an exchange: the sessions then are the ones published.
      run.publishedSessions.clear();
      if (hub) publishSessions(run, sessions?.all() ?? []);
      sessions?.takeChanged();
    },
    abandon() {
      training?.close();
    },
    close() {
      settleEvaluations(run);
      training?.close();
      // Every worker's listening energy is in by the run's close (its last report).
      const waiting = run.listen.state.find((snapshot) => snapshot.missing > 0);
      if (hub && waiting) throw new Error(`federated round ${waiting.round}: ${waiting.missing} nodes' listening energy at its ${waiting.sign === 1 ? 'close' : 'start'} never came`);
    },
    // The coordinator's process keeps the run going until the last round; a worker's clients wait for its news.
    get busy() {
      return hub && !run.finished;
    },
    // The rounds' figures from the nodes' parts (round-books.ts), whenever they are read.
    get rounds() {
      settleEvaluations(run);
      roundBooks.settle(rounds);
      run.listen.settle(rounds);
      return rounds;
    },
    get settledRounds() {
      settleFinishedEvaluations(run);
      roundBooks.settle(rounds);
      run.listen.settle(rounds);
      // The rounds still being evaluated are the last closed ones (and the round under way follows them); a round whose listening energy a worker has yet to report waits too.
      let settled = run.unevaluated.length === 0 ? rounds.length : rounds.length - run.unevaluated.length - (run.current && !run.current.closed ? 1 : 0);
      while (settled > 0 && run.listen.pending(rounds[settled - 1]!.round)) settled--;
      return settled === rounds.length ? rounds : rounds.slice(0, settled);
    },
    get global() {
      return model.global;
    },
    get malformed() {
      return run.malformed;
    },
  };
}

/** A message reached `node`: the coordinator's or a client's side takes it; bytes that do not decode are counted. */
function onFlMessage(run: FlRun, node: number, received: ReceivedMessage): void {
  let message: FlMessage;
  try {
    message = decodeFl(received.payload);
  } catch {
    run.malformed++;
    return;
  }
  if (node === run.setup.coordinator) run.coordinatorSide.onMessage(received.sender, message);
  else run.clients.onClient(node, message);
}

function onFlEvent(run: FlRun, event: SimEvent): void {
  run.outbox.onEvent(event);
  if (event.type === 'nodeDied' && event.node === run.setup.coordinator) coordinatorDied(run, event.atMs);
}
