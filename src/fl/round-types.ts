/**
 * The shapes of federated learning on the radio: what the engine is given (setup, host), what
 * it records per round, and its state per round, per client and per client at the coordinator.
 */
import type { FederatedSettings } from '../scenario/federated-settings.ts';
import type { Continuation, Scheduler } from '../sim/scheduler.ts';
import type { ClientUpdate } from './strategies.ts';
import type { FlTask } from './task.ts';

export interface FlSetup {
  readonly settings: FederatedSettings;
  readonly task: FlTask;
  /** Node index of each client, and its samples. */
  readonly clients: readonly number[];
  readonly partitions: readonly Int32Array[];
  readonly coordinator: number;
  /** Parameters (from the last) each client can train with its SRAM; all when absent. */
  readonly trainable: readonly number[];
  readonly seed: number;
  readonly durationMs: number;
}

export interface FlHost {
  readonly scheduler: Scheduler;
  send(node: number, destination: number, payload: Uint8Array, deadlineMs: number): void;
  compute(node: number, durationMs: number, then: Continuation, cause: number): void;
  alive(node: number): boolean;
  stateOfCharge(node: number): number;
  maxAppBytes(node: number): number;
  /** `node`'s listening energy so far (µJ), booked up to now (a node of this process). */
  listenUj(node: number): number;
  /** Whether `node` runs in this process (issue 22: the rest run in workers). */
  hosts(node: number): boolean;
  /** The least time between two frames of `appBytes` from `node`: time on air over its sub-band's duty cycle. */
  frameGapMs(node: number, appBytes: number): number;
}

export interface RoundStats {
  readonly round: number;
  readonly startMs: number;
  endMs: number;
  readonly selected: number;
  participants: number;
  dropouts: number;
  stragglers: number;
  abandoned: number;
  /** Chunks sent again after a receiver asked for them. */
  resentChunks: number;
  /** Chunks a receiver rebuilt from parity (erasure coding) instead of asking again. */
  recoveredChunks: number;
  bytesUp: number;
  bytesDown: number;
  frames: number;
  airtimeMs: number;
  readonly energyUj: Record<'transmit' | 'receive' | 'compute' | 'idle', number>;
  /** Every node's listening energy during the round (background the round kept awake). */
  listenUj: number;
  trainLoss: number;
  validationLoss: number;
  validationAccuracy: number;
}

export interface ClientSide {
  readonly round: number;
  parities: (Uint8Array | undefined)[];
  lastLength: number;
  /** Whether the announce named it (chunks are kept before that). */
  readonly selected: boolean;
  chunks: (Uint8Array | undefined)[];
  attempts: number;
  timer: number;
  update: Uint8Array[] | undefined;
  done: boolean;
}

export interface CoordinatorSide {
  received: (Uint8Array | undefined)[] | undefined;
  parities: (Uint8Array | undefined)[];
  lastLength: number;
  attempts: number;
  timer: number;
  status: 'pending' | 'complete' | 'out';
}

/**
 * What the clients' side of a process knows of the round under way (issue 22): its number, start
 * and clients from the coordinator when it starts, and whether it has closed, told at the first
 * window exchange at or after the close (round-news.ts). Clients read this, never the
 * coordinator's RoundState.
 */
export interface RoundView {
  readonly round: number;
  readonly startMs: number;
  readonly selected: readonly number[];
  closed: boolean;
}

export interface RoundState {
  readonly stats: RoundStats;
  readonly selected: readonly number[];
  readonly global: Float64Array;
  readonly chunks: readonly Uint8Array[];
  readonly server: Map<number, CoordinatorSide>;
  readonly updates: ClientUpdate[];
  /** Global versions applied before the round began (FedBuff's staleness counts from it). */
  readonly startVersion: number;
  closed: boolean;
}
