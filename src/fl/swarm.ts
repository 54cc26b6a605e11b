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
import { broadcastDestination } from '../radio/transmission.ts';
import type { NodeSpec } from '../scenario/resolve.ts';
import { createRandomStreams, type RandomStreamState } from '../sim/rng.ts';
import { createCompressor, encodeUpdate, type Compressor } from './compression.ts';
import { selectClients } from './federation.ts';
import type { ClientUpdate } from './strategies.ts';
import { chunk, decodeFl, flHeaderBytes, parityHeaderBytes, type FlMessage } from './wire.ts';
import type { ClientSide, FlHost, FlSetup, RoundState, RoundStats } from './round-types.ts';

export type { FlHost, FlSetup, RoundStats } from './round-types.ts';
import { createOutbox, type OutboxState } from './outbox.ts';
import { createFlClients, type ClientStep } from './client-side.ts';
import { replaceArray, replaceMap, type Checkpointable } from '../sim/checkpoint-state.ts';
import type { Continuation } from '../sim/scheduler.ts';
import { createStepTable, type StepTableState } from '../sim/step-table.ts';
import { encodeRedundancy, recoverWith } from './fec.ts';
import { createAggregator } from './aggregator.ts';
import { createCoordinatorSide, type ServerTimerStep } from './coordinator-side.ts';
import type { NodeApplication } from '../node/application.ts';
import { createClientSessions, type SessionStep, type SessionsState } from './sessions.ts';
import { uplinkSlots } from './uplink-slots.ts';

export interface FlEngine extends NodeApplication, Checkpointable<FlEngineState> {
  readonly rounds: readonly RoundStats[];
  /** The global model's parameters now (flattened). */
  readonly global: Float64Array;
  readonly malformed: number;
}

/**
 * What the engine does next, as data (a checkpoint holds it): a round's deadline, the next
 * round, a client's or the coordinator's idle timer, a client's training done, its upload after
 * the jitter. Each is an integer event (or a computation's continuation) whose argument is its id.
 */
type FlStep =
  | { readonly type: 'close'; readonly state: RoundState }
  | { readonly type: 'startRound' }
  | ServerTimerStep
  | ClientStep
  | SessionStep;

/** The engine's whole state (a checkpoint: checkpoint-state.ts). */
export interface FlEngineState {
  readonly rounds: RoundStats[];
  readonly numbers: readonly number[];
  readonly global: Float64Array;
  readonly current: RoundState | undefined;
  readonly finished: boolean;
  readonly buffer: ClientUpdate[];
  readonly tasks: StepTableState<unknown>;
  readonly clientSide: Map<number, ClientSide>;
  readonly residuals: Map<number, Float64Array | undefined>;
  readonly selection: RandomStreamState;
  readonly jitter: Map<number, RandomStreamState>;
  readonly outbox: OutboxState;
  /** Scheduled rounds: the clients' clocks and sessions (absent without a schedule). */
  readonly sessions?: SessionsState;
}

export function createFlEngine(setup: FlSetup, specs: readonly NodeSpec[], host: FlHost): FlEngine {
  const { settings, scheduler } = { settings: setup.settings, scheduler: host.scheduler };
  const coordinator = setup.coordinator;
  const streams = createRandomStreams(setup.seed);
  const selection = streams.stream('fl/selection');
  const clientIndex = new Map(setup.clients.map((node, i) => [node, i]));
  const compressors = new Map<number, Compressor>();
  const clientSide = new Map<number, ClientSide>();
  const rounds: RoundStats[] = [];
  let malformed = 0;
  const task = setup.task;
  const model = createAggregator(setup);
  let current: RoundState | undefined;
  let finished = false;
  const jitterStreams = new Map<number, ReturnType<typeof streams.stream>>();
  /** What comes next (FlStep): at a time, or after a computation. */
  const tasks = createStepTable(scheduler, runTask);
  const later = (task: FlStep, atMs?: number): Continuation => tasks.later(task, atMs);
  function runTask(task: FlStep): void {
    switch (task.type) {
      case 'close':
        return close(task.state);
      case 'startRound':
        return startRound();
      case 'clientTimer':
      case 'trained':
      case 'upload':
        return clients.runStep(task);
      case 'serverTimer':
        return coordinatorSide.timer(task);
      case 'wake':
      case 'sleep':
        return sessions!.run(task, (node, round) => {
          const side = clientSide.get(node);
          return side !== undefined && side.round === round && side.selected;
        });
    }
  }
  /** A client's random delay before it transmits, from its own stream. */
  function jitterOf(node: number): number {
    let stream = jitterStreams.get(node);
    if (!stream) jitterStreams.set(node, (stream = streams.stream(`fl/jitter/${node}`)));
    return stream.next() * settings.uplinkJitter;
  }
  const payloadBytes = setup.clients.reduce((least, n) => Math.min(least, host.maxAppBytes(n)), host.maxAppBytes(coordinator)) - flHeaderBytes;
  const fec = settings.fec;
  // With erasure coding, chunks leave room for the parity message's longer header.
  const chunkBytes = fec ? payloadBytes - (parityHeaderBytes - flHeaderBytes) : payloadBytes;
  /** Sends a message's parity chunks after its data chunks. */
  function postParity(node: number, destination: number, round: number, chunks: readonly Uint8Array[]): void {
    if (!fec) return;
    const parities = encodeRedundancy(fec, chunks);
    const lastLength = chunks[chunks.length - 1]!.length;
    parities.forEach((bytes, group) => post(node, destination, { kind: 'parity', round, group, groups: parities.length, lastLength, bytes }, round));
  }
  /** Rebuilds what parity allows, counting it. */
  function rebuild(chunks: (Uint8Array | undefined)[], parities: readonly (Uint8Array | undefined)[], lastLength: number, stats: RoundStats): void {
    if (!fec || lastLength < 0) return;
    stats.recoveredChunks += recoverWith(fec, chunks, parities, chunkBytes, lastLength);
  }
  const schedule = settings.schedule;
  // With a schedule a round closes by the next one's start.
  const deadlineMs = schedule ? Math.min(settings.roundDeadline, schedule.period) : settings.roundDeadline;
  const sessions = schedule ? createClientSessions({ schedule, settings, clients: setup.clients, specs, streams, nowMs: () => scheduler.nowMs, later: (step, atMs) => later(step, atMs) }) : undefined;
  const slots = sessions && schedule?.uplinkSlots ? uplinkSlots({ clients: setup.clients, coordinator, messageBytes: payloadBytes + flHeaderBytes, host, clocks: sessions, current: () => current }) : undefined;
  const outbox = createOutbox({
    scheduler,
    send: host.send,
    alive: host.alive,
    roundEndMs: (round) => (rounds[round - 1]?.startMs ?? 0) + deadlineMs,
    onFrame(round, tx) {
      const stats = rounds[round - 1]!;
      stats.frames++;
      stats.airtimeMs += tx.airtimeMs;
      if (tx.sender === coordinator) stats.bytesDown += tx.bytes.length;
      else stats.bytesUp += tx.bytes.length;
    },
    onDrained: (node, tx) => sessions?.sent(node, tx.endMs),
    ...(slots && { slots }),
  });
  const post = outbox.post;
  const clients = createFlClients({
    setup,
    specs,
    host,
    clientSide,
    compressors,
    streams,
    clientIndex,
    payloadBytes,
    chunkBytes,
    deadlineMs,
    sessions,
    jitterOf,
    later,
    post,
    postParity,
    rebuild,
    checkDone,
    current: () => current,
    global: () => model.global,
  });
  const coordinatorSide = createCoordinatorSide({
    setup,
    host,
    aggregator: model,
    clientIndex,
    payloadBytes,
    current: () => current,
    post,
    rebuild,
    checkDone,
    later,
    malformed: () => void malformed++,
    uplinkSlotMs: slots?.periodMs,
  });

  function startRound(): void {
    const number = rounds.length + 1;
    if (number > settings.rounds || scheduler.nowMs >= setup.durationMs || !host.alive(coordinator)) {
      finished = true;
      return;
    }
    const available = setup.clients.filter((node) => host.alive(node) && host.stateOfCharge(node) >= settings.minStateOfCharge && (setup.trainable[clientIndex.get(node)!] ?? 1) > 0);
    const picked = available.length === 0 ? [] : selectClients(available.length, settings.fraction, selection).map((i) => available[i]!);
    const stats: RoundStats = {
      round: number, startMs: scheduler.nowMs, endMs: Number.NaN, selected: picked.length, participants: 0, dropouts: 0, stragglers: 0, abandoned: 0, resentChunks: 0, recoveredChunks: 0,
      bytesUp: 0, bytesDown: 0, frames: 0, airtimeMs: 0, energyUj: { transmit: 0, receive: 0, compute: 0, idle: 0 }, listenUj: -host.listenEnergyUj(), trainLoss: Number.NaN, validationLoss: Number.NaN, validationAccuracy: Number.NaN,
    };
    rounds.push(stats);
    const nextStartMs = stats.startMs + (schedule?.period ?? 0);
    if (sessions && number < settings.rounds && nextStartMs < setup.durationMs) sessions.planNext(number + 1, nextStartMs);
    const { bytes } = encodeUpdate(model.global, { bits: settings.downlinkBits, topK: 1, errorFeedback: false });
    const chunks = chunk(bytes, chunkBytes);
    const state: RoundState = { stats, selected: picked, global: model.global, chunks, server: new Map(picked.map((n) => [n, { received: undefined, parities: [], lastLength: -1, attempts: 0, timer: 0, status: 'pending' }])), losses: [], updates: [], startVersion: model.version, closed: false };
    current = state;
    // A round nobody can join still lasts until its deadline (no burst of empty rounds).
    later({ type: 'close', state }, stats.startMs + deadlineMs);
    if (picked.length === 0) return;
    const announce: FlMessage = { kind: 'announce', round: number, chunks: chunks.length, clients: picked };
    post(coordinator, broadcastDestination, announce, number);
    chunks.forEach((bytesOfChunk, i) => post(coordinator, broadcastDestination, { kind: 'model', round: number, chunk: i, chunks: chunks.length, bytes: bytesOfChunk }, number));
    postParity(coordinator, broadcastDestination, number, chunks);
    // Once more at the end, for clients that missed it: they kept the chunks they heard.
    post(coordinator, broadcastDestination, announce, number);
  }

  function close(state: RoundState): void {
    if (state.closed) return;
    state.closed = true;
    // What the round had not handed to a MAC yet is not sent; what sits in a MAC expires at the deadline.
    outbox.purge(state.stats.round);
    const { stats } = state;
    for (const [, side] of state.server) if (side.status === 'pending') stats.dropouts++;
    model.close(state);
    const evaluation = task.evaluate(model.global);
    stats.validationAccuracy = evaluation.accuracy;
    stats.validationLoss = evaluation.loss;
    stats.trainLoss = state.losses.length > 0 ? state.losses.reduce((s, v) => s + v, 0) / state.losses.length : Number.NaN;
    stats.endMs = scheduler.nowMs;
    stats.listenUj += host.listenEnergyUj();
    later({ type: 'startRound' }, schedule ? Math.max(scheduler.nowMs, stats.startMs + schedule.period) : scheduler.nowMs + settings.roundGap);
  }

  function checkDone(state: RoundState): void {
    if (![...state.server.values()].some((side) => side.status === 'pending')) close(state);
  }

  return {
    onMessage(node, received) {
      let message: FlMessage;
      try {
        message = decodeFl(received.payload);
      } catch {
        malformed++;
        return;
      }
      if (node === coordinator) coordinatorSide.onMessage(received.sender, message);
      else clients.onClient(node, message);
    },
    onEvent(event) {
      outbox.onEvent(event);
      if (event.type === 'nodeDied' && event.node === coordinator && current && !current.closed) {
        current.closed = true;
        current.stats.endMs = event.atMs;
        current.stats.listenUj += host.listenEnergyUj();
        finished = true;
      }
    },
    causeOf: outbox.causeOf,
    attribute(_node, cause, state, energyUj) {
      const stats = rounds[cause - 1];
      if (stats && (state === 'transmit' || state === 'receive' || state === 'compute' || state === 'idle')) stats.energyUj[state] += energyUj;
    },
    start() {
      sessions?.start();
      later({ type: 'startRound' }, 0);
    },
    checkpoint: () => ({
      rounds,
      numbers: [malformed, model.version],
      global: model.global,
      current,
      finished,
      buffer: model.buffer,
      tasks: tasks.checkpoint(),
      clientSide,
      residuals: new Map([...compressors].map(([node, compressor]) => [node, compressor.residual])),
      selection: selection.checkpoint(),
      jitter: new Map([...jitterStreams].map(([node, stream]) => [node, stream.checkpoint()])),
      outbox: outbox.checkpoint(),
      ...(sessions && { sessions: sessions.checkpoint() }),
    }),
    restore(saved) {
      replaceArray(rounds, saved.rounds);
      const [savedMalformed, version] = saved.numbers as [number, number];
      malformed = savedMalformed;
      model.restore({ global: saved.global, version, buffer: saved.buffer });
      ({ current, finished } = saved);
      tasks.restore(saved.tasks as StepTableState<FlStep>);
      replaceMap(clientSide, saved.clientSide);
      compressors.clear();
      for (const [node, residual] of saved.residuals) {
        const compressor = createCompressor(settings.compression);
        compressor.restoreResidual(residual);
        compressors.set(node, compressor);
      }
      selection.restore(saved.selection);
      jitterStreams.clear();
      for (const [node, state] of saved.jitter) {
        const stream = streams.stream(`fl/jitter/${node}`);
        stream.restore(state);
        jitterStreams.set(node, stream);
      }
      outbox.restore(saved.outbox);
      if (sessions && saved.sessions) sessions.restore(saved.sessions);
    },
    get busy() {
      return !finished;
    },
    rounds,
    get global() {
      return model.global;
    },
    get malformed() {
      return malformed;
    },
  };
}
