/**
 * The MAC's contract (macs.ts): each node's settings, the link layers and listen before talk
 * around it, the frames it queues, its checkpoint and its operations.
 */
import type { Checkpointable } from '../sim/checkpoint-state.ts';
import type { RandomGenerator } from '../sim/rng.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import type { AirtimeParams } from '../radio/airtime.ts';
import type { Region } from '../radio/regions.ts';
import type { Transmission } from '../radio/transmission.ts';
import type { EventSink } from './events.ts';

/** One node's MAC settings. */
export interface MacNode {
  readonly index: number;
  readonly channelsHz: readonly number[];
  /** Generator of the node's channel choices. */
  readonly rng: RandomGenerator;
  /** Messages the queue holds at most (all fragments of a message count as one). */
  readonly queueCapacity: number;
  readonly airtime: Omit<AirtimeParams, 'payloadBytes'>;
  readonly txPowerDbm: number;
  readonly txCurrentMa: number;
  readonly supplyV: number;
  /**
   * A node with a link layer above its MAC (a LoRaWAN class A device, or the peer MAC's
   * acknowledgements): `link.sent` says after each frame whether the transmitter is held until
   * the link layer `resume`s it.
   */
  readonly linked?: boolean;
  /** Listen before talk: a channel activity detection before each transmission (`lbt`). */
  readonly listensBeforeTalk?: boolean;
}

/** What a link layer (node/lorawan-devices.ts, node/peer-links.ts) does around each frame. */
export interface LinkHooks {
  /** The frame's bytes as they go out now (a LoRaWAN device's MHDR, FCtrl and FOpts of this moment). */
  frameBytes(node: number, frame: OutgoingFrame): Uint8Array;
  /** The frame went on the air; true when the transmitter is held (receive windows, an ACK awaited) until `resume`. */
  sent(node: number, tx: Transmission, frame: OutgoingFrame): boolean;
}

/**
 * Listen before talk by channel activity detection (SX1276 datasheet §4.1.6): before a frame
 * the radio listens for a preamble on the chosen channel at its SF for `cad(node).rxOnMs`; the
 * result is known `cad(node).resultMs` after the start. A busy channel defers the frame by a
 * random back-off, at most `maxBackoffs` times; then it goes anyway.
 */
export interface ListenBeforeTalk {
  cad(node: number, sf: number): { readonly rxOnMs: number; readonly resultMs: number };
  /** Whether a frame this node could detect, on `channelHz` at `sf`, had its preamble on the air in [fromMs, toMs]. */
  channelBusy(node: number, channelHz: number, sf: number, fromMs: number, toMs: number): boolean;
  backoffMs(node: number): number;
  readonly maxBackoffs: number;
  /** The radio listens from now to `untilMs` (the energy ledger books it). */
  listen(node: number, untilMs: number): void;
  /** A detection found the channel busy (for the books). */
  busy(node: number): void;
}

export interface MacsConfig {
  readonly scheduler: Scheduler;
  readonly region: Region;
  /** The MAC of every node that runs here, by node index (others undefined). */
  readonly nodes: readonly (MacNode | undefined)[];
  /**
   * Hands a frame to the radio at its start time; false when the node cannot transmit it (it
   * browned out or is dead), which stops its MAC.
   */
  readonly transmit: (tx: Transmission) => boolean;
  readonly events: EventSink;
  /**
   * Earliest time at or after `atMs` at which `destination` can catch a frame (its next
   * rendezvous window); `atMs` when it listens now or the frame is a broadcast.
   */
  readonly receiverReadyAtMs?: (destination: number, atMs: number) => number;
  /** Preamble symbols for frames from `node` to `destination` (longer for preamble-sampling receivers). */
  readonly preambleSymbolsFor?: (node: number, destination: number) => number;
  readonly link?: LinkHooks;
  readonly lbt?: ListenBeforeTalk;
  /**
   * The application's metadata of a queued frame about to go on the air (Transmission.meta),
   * from the frame's message and timing; not asked for frames sent ahead of the queue (`sendNow`).
   */
  readonly frameMeta?: (node: number, messageId: number, timing: FrameTiming) => Uint8Array | undefined;
}

/** A frame's waits and time on the air, as `txStarted` reports them. */
export interface FrameTiming {
  readonly queuedAtMs: number;
  /** Behind other frames in the queue. */
  readonly queueWaitMs: number;
  /** For the sub-band's duty-cycle budget. */
  readonly dutyCycleWaitMs: number;
  /** For the receiver's rendezvous window. */
  readonly wakeWaitMs: number;
  readonly startMs: number;
  readonly airtimeMs: number;
  readonly endMs: number;
}

export interface OutgoingFrame {
  readonly bytes: Uint8Array;
  readonly destination: number;
  readonly messageId: number;
  readonly fragmentIndex: number;
  readonly fragmentCount: number;
  readonly messageCreatedAtMs: number;
  /** Latest virtual time at which the frame may still start; Infinity when none. */
  readonly deadlineMs: number;
}

export interface QueuedFrame extends OutgoingFrame {
  readonly queuedAtMs: number;
  preambleSymbols: number;
  /** When it became first in line with the transmitter free (NaN until then). */
  headSinceMs: number;
  /** When it started waiting for its receiver's rendezvous window (NaN if it never did). */
  wakeWaitSinceMs: number;
}

/** The MACs' queues, duty-cycle books and channel draws (a checkpoint: checkpoint-state.ts). */
export interface MacsState {
  readonly columns: readonly (Float64Array | Uint8Array | Int32Array)[];
  readonly queues: (QueuedFrame[] | undefined)[];
  readonly busyNodes: number;
  readonly rngs: (number[] | undefined)[];
}

export interface Macs extends Checkpointable<MacsState> {
  /** Queues a frame of `node` (or blocks it at once when the queue is full); `deadlineMs` is the latest start, Infinity for none. */
  submit(node: number, bytes: Uint8Array, destination: number, messageId: number, fragmentIndex: number, fragmentCount: number, messageCreatedAtMs: number, deadlineMs: number): void;
  /** `node` died: every queued frame is reported unsent and nothing more is sent. */
  kill(node: number): void;
  queueLength(node: number): number;
  /** Frames `node` sent so far: its next frame's seq. */
  framesSent(node: number): number;
  /** Whether `node` has frames queued or one on the air. */
  busy(node: number): boolean;
  /** Whether any node is busy. */
  anyBusy(): boolean;
  /** A class A device's receive windows are over: its transmitter is free again. */
  resume(node: number): void;
  /** Puts a frame sent before back at the head of `node`'s queue (a retransmission: same bytes' content, a new transmission). */
  retransmit(node: number, frame: OutgoingFrame): void;
  /**
   * Sends `bytes` now on `channelHz`, ahead of the queue (a link-layer ACK); false when it
   * cannot: the node is dead or transmitting, or the channel's sub-band is closed.
   */
  sendNow(node: number, bytes: Uint8Array, destination: number, channelHz: number, messageId: number): boolean;
  /** The next frame counter of `node` for a frame sent outside the queue (a gateway's downlink). */
  takeSeq(node: number): number;
  /** New data rate and power for `node`'s next frames (ADR). */
  setRadio(node: number, sf: number, txPowerDbm: number, txCurrentMa: number): void;
  /** The SF and power `node` sends with now. */
  radioOf(node: number): { readonly sf: number; readonly txPowerDbm: number };
}
