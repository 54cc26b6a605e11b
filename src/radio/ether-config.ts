/** What the ether is given (its nodes and channel model), what it tells, what it offers (ether.ts) and what a checkpoint of it holds. */
import type { Checkpointable } from '../sim/checkpoint-state.ts';
import type { CollisionModelId } from './collision/index.ts';
import type { PathLossModel } from './path-loss.ts';
import type { SensitivityTableId } from './sensitivity.ts';
import type { Delivery, Fate, Transmission } from './transmission.ts';
import type { WakeSchedule } from './wake-schedule.ts';

export interface EtherNode {
  /** Stable key of the node (from its id), for the keyed draws of shadowing and extra loss. */
  readonly key: number;
  readonly xM: number;
  readonly yM: number;
  readonly antennaGainDbi: number;
  /** A sink: a gateway that hears uplinks addressed to every gateway (gatewaysDestination). */
  readonly gateway?: boolean;
  readonly sensitivityTable: SensitivityTableId;
  readonly noiseFigureDb: number;
  /** Frames this receiver can demodulate at once; Infinity when unlimited. */
  readonly receivePaths: number;
  /** When its receiver is on. */
  readonly wake: WakeSchedule;
  /** Whether it wants an `rxStart` when it catches a frame (a concentrator does not). */
  readonly notifiesRxStart: boolean;
  /** A LoRaWAN class A device: its radio is on only in the receive windows after its uplinks. */
  readonly classA?: boolean;
  /** A LoRaWAN device (class A or C): a frame it caught but did not receive is reported (`rxError`). */
  readonly reportsRxError?: boolean;
  /** The peer MAC's wait for an ACK: whatever its schedule, the radio listens this long after each frame it sends (ms). */
  readonly listensAfterTxMs?: number;
}

/**
 * Class A receive windows (lorawan/receive-windows.ts): RX1 opens `delay1Ms` after the end of
 * a device's uplink, RX2 `delay2Ms` after it, each for `windowMs(symbol time)` of the frame's
 * data rate; a frame caught in RX1 means no RX2 for that uplink.
 */
export interface ClassAWindows {
  readonly delay1Ms: number;
  readonly delay2Ms: number;
  readonly windowMs: (symbolMs: number) => number;
}

export type ShadowingMode = 'per-frame' | 'per-link';

export type UndetectableInterference = 'always' | 'never' | 'earlier';

export interface EtherConfig {
  readonly nodes: readonly EtherNode[];
  readonly pathLoss: PathLossModel;
  readonly shadowingMode: ShadowingMode;
  readonly collision: CollisionModelId;
  /**
   * Whether frames too weak for a receiver to detect interfere there: `always`; `never`
   * (LoRaSim only tracks packets above the sink's sensitivity, `packetsAtBS`, in both of its
   * collision models); `earlier`, only with frames that start after them (LoRaSim's multi-sink
   * loraDirMulBS.py: a packet under a sink's sensitivity is still in that sink's list and
   * collides with the packets that arrive while it lasts, but it collides with nothing when it
   * arrives itself). Default: `never` with the lorasim collision model, else `always`.
   */
  readonly undetectableInterfere?: UndetectableInterference;
  /** Probability that an otherwise received frame is lost anyway (extra loss model). */
  readonly extraLossProbability: number;
  /** Radio interrupt and FIFO read-out between a frame's end and its receiver acting on it. */
  readonly processingDelayMs: number;
  /**
   * The longest a transmission may wait after its start before the ether takes it: the longest
   * window (run/window-length.ts); the processing delay by default.
   */
  readonly windowMs?: number;
  /** Seed of the keyed draws (shadowing, extra loss). */
  readonly seed: number;
  /**
   * A broadcast addresses every node whose mean received power is at least sensitivity minus
   * this margin (3σ of the shadowing is added).
   */
  readonly broadcastMarginDb: number;
  /** When class A devices listen (required when any node is `classA`). */
  readonly classAWindows?: ClassAWindows;
  /**
   * Whether a sender's own event at the end of each frame it sends (its radio's end) is in this
   * scheduler: a node of this process. Its frames then need no end marker of the ether's to keep
   * the windows going until their fates are decided. Absent: no sender's is.
   */
  readonly endsTimedHere?: (sender: number) => boolean;
}

export interface ReceptionEvent {
  readonly type: 'reception';
  readonly atMs: number;
  readonly tx: Transmission;
  readonly receiver: number;
  readonly fate: Fate;
  readonly rxPowerDbm: number;
  readonly snrDb: number;
}

export interface EtherOutput {
  /** The fate of a frame at one receiver (at the frame's end). */
  reception(tx: Transmission, receiver: number, fate: Fate, rxPowerDbm: number, snrDb: number): void;
  deliver(delivery: Delivery): void;
}

/** Frames on the air and the receivers' recent past (a checkpoint: checkpoint-state.ts). */
export interface EtherState {
  readonly byChannel: Map<number, { items: unknown[]; pruneAtLength: number }>;
  readonly ownTx: (number[] | undefined)[];
  /** Each node's last transmission, [start, end] at 2 · node (absent in checkpoints written before it had a column). */
  readonly lastOwnTx?: Float64Array;
  readonly pathLocks: (number[] | undefined)[];
  /** Per finite-path receiver, the claims not resolved yet (frame-start.ts; absent in checkpoints written before them). */
  readonly pathClaims?: (unknown[] | undefined)[];
  readonly deadFromMs: Float64Array;
  /** Per class A device: the end of its last uplink, then the uplink end whose RX1 caught a frame. */
  readonly receiveWindows: Float64Array;
  readonly pending: unknown[];
  readonly numbers: readonly number[];
}

export interface Ether extends Checkpointable<EtherState> {
  /**
   * Puts a frame on the air; call in (startMs, sender, seq) order, at a time between its start
   * and its start plus the processing delay (the end of the window it started in).
   */
  transmit(tx: Transmission): void;
  /**
   * Decides the fates of every frame that ended at or before `nowMs`, in (end, start order).
   * Called at each window's end, once the window's transmissions are in: every interferer of
   * such a frame started before it ended, so it is known.
   */
  decideUntil(nowMs: number): void;
  /** A node died: its receiver is off from `atMs` on. */
  nodeDied(node: number, atMs: number): void;
  /**
   * Channel activity detection: whether a frame on `channelHz` at `sf` that `node` could
   * detect (not its own) had its preamble on the air during [fromMs, toMs].
   */
  channelBusy(node: number, channelHz: number, sf: number, fromMs: number, toMs: number): boolean;
  /** The earliest end among frames on the air whose fates are not decided yet (Infinity: none). */
  readonly firstUndecidedEndMs: number;
  /** Frames on the air whose fates are not decided yet. */
  readonly undecided: number;
  /** Frames on the air or recent enough to interfere with an undecided one. */
  readonly trackedTransmissions: number;
  /** End markers run so far (scheduler events that are plumbing, not simulation: `endsTimedHere`). */
  readonly markerEvents: number;
}
