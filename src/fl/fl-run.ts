/**
 * The federated engine's explicit state (swarm.ts): what it reads (the setup, the host, its
 * sizes and deadline) and its parts (the outbox, the parity coder, the client and coordinator
 * sides, the clients' sessions), and what it keeps (the rounds, the round under way, the
 * streams, the clients' sides and compressors, the steps to come: a checkpoint holds these,
 * fl-checkpoint.ts). The rounds' start and close are module functions over it (rounds.ts).
 */
import type { RoundBooks } from './round-books.ts';
import type { NodeSpec } from '../scenario/resolve.ts';
import type { WakeSchedule } from '../radio/wake-schedule.ts';
import type { RandomStreams, SavableStream } from '../sim/rng.ts';
import type { Continuation } from '../sim/scheduler.ts';
import type { StepTable } from '../sim/step-table.ts';
import type { Aggregator } from './aggregator.ts';
import type { ChunkParity } from './chunk-parity.ts';
import type { ClientStep, FlClients } from './client-side.ts';
import type { Compressor } from './compression.ts';
import type { CoordinatorReceiver, ServerTimerStep } from './coordinator-side.ts';
import type { JitterStreams } from './jitter-streams.ts';
import type { Outbox } from './outbox.ts';
import type { ClientSide, FlHost, FlSetup, RoundState, RoundStats, RoundView } from './round-types.ts';
import type { ClientSessions, SessionStep } from './sessions.ts';
import type { TrainingPool } from './training-pool.ts';
import type { HubNews } from './round-news.ts';
import type { ListenSnapshots } from './listen-snapshots.ts';
import type { FlToReport } from './fl-report.ts';

/**
 * What the engine does next, as data (a checkpoint holds it): a round's deadline, the next
 * round, a client's or the coordinator's idle timer, a client's training done, its upload after
 * the jitter. Each is an integer event (or a computation's continuation) whose argument is its id.
 */
export type FlStep =
  | { readonly type: 'close'; readonly state: RoundState }
  | { readonly type: 'startRound' }
  | ServerTimerStep
  | ClientStep
  | SessionStep;

export interface FlRun {
  readonly setup: FlSetup;
  /** Nodes in the run (all processes). */
  readonly nodeCount: number;
  /** The run's nodes (the coordinator's process keeps the wake sessions a worker's clients report there). */
  readonly specs: readonly NodeSpec[];
  readonly host: FlHost;
  /** Whether the coordinator runs in this process (else a worker's: clients only). */
  readonly hub: boolean;
  readonly streams: RandomStreams;
  readonly selection: SavableStream;
  readonly jitter: JitterStreams;
  readonly clientIndex: ReadonlyMap<number, number>;
  readonly clientSide: Map<number, ClientSide>;
  readonly compressors: Map<number, Compressor>;
  readonly model: Aggregator;
  readonly tasks: StepTable<FlStep>;
  later(step: FlStep, atMs?: number): Continuation;
  /** Application bytes per model chunk. */
  readonly chunkBytes: number;
  /** How long after its start a round closes. */
  readonly deadlineMs: number;
  readonly sessions: ClientSessions | undefined;
  readonly outbox: Outbox;
  readonly parity: ChunkParity;
  readonly clients: FlClients;
  readonly coordinatorSide: CoordinatorReceiver;
  /** Threads that train the clients ahead, if any (training-pool.ts). */
  readonly training: TrainingPool | undefined;
  /** Closed rounds whose evaluation a training thread may still be doing (rounds.ts, settleEvaluations). */
  readonly unevaluated: RoundStats[];
  readonly rounds: RoundStats[];
  /** What the nodes add to the rounds' figures (round-books.ts). */
  readonly roundBooks: RoundBooks;
  /** When each round started, as this process's clients' side learnt it (its messages' deadline). */
  readonly roundStarts: number[];
  /** The coordinator's round under way (or last closed). */
  current: RoundState | undefined;
  /** The round under way as the clients' side of this process knows it (round-news.ts). */
  view: RoundView | undefined;
  /** A round closed in the window under way: the clients' side learns of it at the exchange. */
  closing: RoundState | undefined;
  /** When the next round is planned (the current one's while it runs): it starts at the first exchange at or after. */
  plannedMs: number;
  /** The next round's planned time has come: it starts at this window's exchange. */
  startDue: boolean;
  /** When the next round's `startRound` event is (its clients' charge is read at the exchange after it), if planned. */
  anchorMs: number | undefined;
  /** The coordinator's news not yet sent to the workers (round-news.ts). */
  readonly outgoing: HubNews[];
  /** The rounds' listening energy, as the processes read it (listen-snapshots.ts). */
  readonly listen: ListenSnapshots;
  /** The op of the window under way asked the workers for their clients' eligibility (a round starts at its end). */
  eligibilityAsked: boolean;
  /** Whether each of a worker's clients may be picked, as reported at this exchange. */
  readonly remoteEligible: Map<number, boolean>;
  /** Scheduled rounds: this process's clients' listening sessions as of the last exchange, what another node's MAC sees (round-news.ts). */
  readonly publishedSessions: Map<number, WakeSchedule>;
  /** A worker's: what its next report carries besides its books (fl-report.ts). */
  readonly toReport: FlToReport;
  /** Clients that dropped out of a round in the window under way: the coordinator learns it at the exchange. */
  readonly drops: [node: number, round: number][];
  finished: boolean;
  malformed: number;
}
