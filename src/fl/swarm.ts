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
import { createRandomStreams, type RandomStreamState } from '../sim/rng.ts';
import type { Compressor } from './compression.ts';
import type { ClientUpdate } from './strategies.ts';
import { decodeFl, flHeaderBytes, parityHeaderBytes, type FlMessage } from './wire.ts';
import type { ClientSide, FlHost, FlSetup, RoundState, RoundStats, RoundView } from './round-types.ts';

export type { FlHost, FlSetup, RoundStats } from './round-types.ts';
import { createOutbox, type Outbox, type OutboxState } from './outbox.ts';
import { createRoundBooks, type RoundBooks, type RoundBooksState } from './round-books.ts';
import { createFlClients } from './client-side.ts';
import type { Checkpointable } from '../sim/checkpoint-state.ts';
import { createStepTable, type StepTableState } from '../sim/step-table.ts';
import { createAggregator } from './aggregator.ts';
import { createCoordinatorSide } from './coordinator-side.ts';
import type { NodeApplication } from '../node/application.ts';
import { createClientSessions, type ClientSessions, type SessionsState } from './sessions.ts';
import { uplinkSlots } from './uplink-slots.ts';
import { chunkParity } from './chunk-parity.ts';
import { checkpointFl, restoreFl } from './fl-checkpoint.ts';
import type { FlRun, FlStep } from './fl-run.ts';
import { createJitterStreams } from './jitter-streams.ts';
import { checkDone, closeRound, coordinatorDied, settleEvaluations, settleFinishedEvaluations } from './rounds.ts';
import { roundNewsAtExchange } from './round-news.ts';
import { createListenSnapshots, type ListenSnapshot } from './listen-snapshots.ts';
import { flNewsFor, flReport, receiveFlReport, takeFlNews } from './fl-report.ts';
import { createTrainingPool } from './training-pool.ts';

export interface FlEngine extends NodeApplication, Checkpointable<FlEngineState> {
  /** Every round so far, its figures complete (waiting for a training thread's evaluation if need be). */
  readonly rounds: readonly RoundStats[];
  /** The rounds whose figures are complete now, without waiting for a training thread: what a report as the run goes prints. */
  readonly settledRounds: readonly RoundStats[];
  /** Settles the rounds' evaluations and ends the training threads, if any. */
  close(): void;
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

/** The engine's parts are wired here; its state is an explicit record (fl-run.ts) that the module functions run over. */
export function createFlEngine(setup: FlSetup, specs: readonly NodeSpec[], host: FlHost, options: FlEngineOptions = {}): FlEngine {
  const { settings } = setup;
  const { scheduler } = host;
  const coordinator = setup.coordinator;
  const streams = createRandomStreams(setup.seed);
  const selection = streams.stream('fl/selection');
  const clientIndex = new Map(setup.clients.map((node, i) => [node, i]));
  const compressors = new Map<number, Compressor>();
  const clientSide = new Map<number, ClientSide>();
  const rounds: RoundStats[] = [];
  // The coordinator runs the rounds; a process without it (a worker) runs clients only and reports their parts.
  const hub = host.hosts(coordinator);
  const roundBooks = createRoundBooks(!hub);
  /** When each round started, as this process's clients' side learnt it (round-news.ts). */
  const roundStarts: number[] = [];
  const model = createAggregator(setup);
  const jitter = createJitterStreams(streams, settings.uplinkJitter);
  /** What comes next (FlStep): at a time, or after a computation. */
  const tasks = createStepTable<FlStep>(scheduler, (step) => runFlStep(run, step));
  const later = (step: FlStep, atMs?: number) => tasks.later(step, atMs);
  const payloadBytes = setup.clients.reduce((least, n) => Math.min(least, host.maxAppBytes(n)), host.maxAppBytes(coordinator)) - flHeaderBytes;
  // With erasure coding, chunks leave room for the parity message's longer header.
  const chunkBytes = settings.fec ? payloadBytes - (parityHeaderBytes - flHeaderBytes) : payloadBytes;
  const schedule = settings.schedule;
  // With a schedule a round closes by the next one's start.
  const deadlineMs = schedule ? Math.min(settings.roundDeadline, schedule.period) : settings.roundDeadline;
  // Each process wakes and puts to sleep its own clients.
  const sessions = schedule ? createClientSessions({ schedule, settings, clients: setup.clients.filter((node) => host.hosts(node)), specs, streams, nowMs: () => scheduler.nowMs, later: (step, atMs) => later(step, atMs) }) : undefined;
  const slots = sessions && schedule?.uplinkSlots ? uplinkSlots({ clients: setup.clients, coordinator, messageBytes: payloadBytes + flHeaderBytes, host, clocks: sessions, current: () => run.view }) : undefined;
  const outbox = roundOutbox(setup, host, roundStarts, roundBooks, deadlineMs, sessions, slots);
  const { post } = outbox;
  const count = roundBooks.count;
  const parity = chunkParity(settings.fec, chunkBytes, post, (round, node, chunks) => count(round, node, 'recoveredChunks', chunks));
  const current = (): RoundState | undefined => run.current;
  const done = (state: RoundState): void => checkDone(run, state);
  const loss = (round: number, node: number, value: number): void => roundBooks.loss(round, node, value);
  const drop = (node: number, round: number): void => void run.drops.push([node, round]);
  const { postParity, rebuild } = parity;
  const jitterOf = jitter.jitterOf;
  const source = setup.task.source;
  const training = source && (options.trainingThreads ?? 0) > 0 ? createTrainingPool(setup.task, source, options.trainingThreads!) : undefined;
  const clients = createFlClients({ setup, specs, host, clientSide, compressors, training, clientIndex, payloadBytes, chunkBytes, deadlineMs, sessions, jitterOf, later, post, postParity, rebuild, count, loss, drop, current: () => run.view, global: () => model.global });
  const malformed = (): void => void run.malformed++;
  const coordinatorSide = createCoordinatorSide({ setup, host, aggregator: model, clientIndex, payloadBytes, current, post, rebuild, count, checkDone: done, later, malformed, uplinkSlotMs: slots?.periodMs });
  const run: FlRun = { setup, host, streams, selection, jitter, clientIndex, clientSide, compressors, model, tasks, later, chunkBytes, deadlineMs, sessions, outbox, parity, clients, coordinatorSide, training, unevaluated: [], rounds, roundBooks, roundStarts, nodeCount: specs.length, specs, current: undefined, view: undefined, closing: undefined, plannedMs: 0, startDue: false, anchorMs: undefined, outgoing: [], listen: createListenSnapshots(specs.length), remoteEligible: new Map(), toReport: { listen: [], table: false, malformedReported: 0 }, drops: [], finished: false, malformed: 0 };

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
    newsFor: (untilMs) => flNewsFor(run, untilMs),
    takeNews: (value) => takeFlNews(run, value),
    report: () => flReport(run),
    receive: (value, owns) => receiveFlReport(run, value, owns),
    start() {
      sessions?.start();
      if (!hub) return;
      run.anchorMs = 0;
      later({ type: 'startRound' }, 0);
    },
    checkpoint() {
      settleEvaluations(run);
      return checkpointFl(run);
    },
    restore(saved) {
      training?.clear();
      run.unevaluated.length = 0;
      restoreFl(run, saved);
    },
    close() {
      settleEvaluations(run);
      training?.close();
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

function runFlStep(run: FlRun, step: FlStep): void {
  switch (step.type) {
    case 'close':
      return closeRound(run, step.state);
    case 'startRound':
      // The round starts at this window's exchange (round-news.ts).
      run.startDue = true;
      return;
    case 'clientTimer':
    case 'trained':
    case 'upload':
      return run.clients.runStep(step);
    case 'serverTimer':
      return run.coordinatorSide.timer(step);
    case 'wake':
    case 'sleep':
      return run.sessions!.run(step, (node, round) => {
        const side = run.clientSide.get(node);
        return side !== undefined && side.round === round && side.selected;
      });
  }
}

/** The outbox of the rounds' messages: each frame counted in its round's figures, a round's frames expiring at its deadline. */
function roundOutbox(setup: FlSetup, host: FlHost, roundStarts: readonly number[], roundBooks: RoundBooks, deadlineMs: number, sessions: ClientSessions | undefined, slots: Parameters<typeof createOutbox>[0]['slots']): Outbox {
  return createOutbox({
    scheduler: host.scheduler,
    send: host.send,
    alive: host.alive,
    roundEndMs: (round) => (roundStarts[round - 1] ?? 0) + deadlineMs,
    onFrame: (round, tx) => roundBooks.frame(round, tx.sender, tx.airtimeMs, tx.bytes.length, tx.sender === setup.coordinator),
    onDrained: (node, tx) => sessions?.sent(node, tx.endMs),
    ...(slots && { slots }),
  });
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
