/**
 * The federated engine's parts wired over its run record (swarm.ts, fl-run.ts): the streams,
 * the step table, the outbox and parity coder, the clients' and the coordinator's sides, the
 * clients' sessions and the training threads. A process without the coordinator (a worker)
 * runs clients only and reports their parts.
 */
import type { NodeSpec } from '../scenario/resolve.ts';
import { createRandomStreams } from '../sim/rng.ts';
import type { Compressor } from './compression.ts';
import { flHeaderBytes, parityHeaderBytes } from './wire.ts';
import type { ClientSide, FlHost, FlSetup, RoundState, RoundStats } from './round-types.ts';
import { createOutbox, type Outbox } from './outbox.ts';
import { createRoundBooks, type RoundBooks } from './round-books.ts';
import { createFlClients } from './client-side.ts';
import { createStepTable } from '../sim/step-table.ts';
import { createAggregator } from './aggregator.ts';
import { createCoordinatorSide } from './coordinator-side.ts';
import { createClientSessions, type ClientSessions } from './sessions.ts';
import { uplinkSlots } from './uplink-slots.ts';
import { chunkParity } from './chunk-parity.ts';
import type { FlRun, FlStep } from './fl-run.ts';
import { createJitterStreams } from './jitter-streams.ts';
import { checkDone, closeRound } from './rounds.ts';
import { createListenSnapshots } from './listen-snapshots.ts';
import { createTrainingPool } from './training-pool.ts';
import type { FlEngineOptions } from './swarm.ts';

/** The federated engine's parts, wired over one explicit record (fl-run.ts). */
export function createFlRun(setup: FlSetup, specs: readonly NodeSpec[], host: FlHost, options: FlEngineOptions = {}): FlRun {
  const { settings } = setup;
  const { scheduler } = host;
  const coordinator = setup.coordinator;
  const streams = createRandomStreams(setup.seed);
  const selection = streams.stream('fl/selection');
  const clientIndex = new Map(setup.clients.map((node, i) => [node, i]));
  const compressors = new Map<number, Compressor>();
  const clientSide = new Map<number, ClientSide>();
  const rounds: RoundStats[] = [];
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
  const run: FlRun = {
    setup, host, hub, streams, selection, jitter, clientIndex, clientSide, compressors, model, tasks, later, chunkBytes, deadlineMs, sessions, outbox, parity, clients, coordinatorSide, training,
    unevaluated: [], rounds, roundBooks, roundStarts, nodeCount: specs.length, specs,
    current: undefined, view: undefined, closing: undefined, plannedMs: 0, startDue: false, anchorMs: undefined, drops: [],
    outgoing: [], listen: createListenSnapshots(specs.length), eligibilityAsked: false, remoteEligible: new Map(), publishedSessions: new Map(), toReport: { listen: [], table: false, malformedReported: 0 },
    finished: false, malformed: 0,
  };
  return run;
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
