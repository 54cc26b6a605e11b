/** What the radio tracker records and hands on: frame and reception rows, and the run's totals. */
import type { BlockReason } from '../node/events.ts';
import type { Fate } from '../radio/transmission.ts';
import type { FrameRows, FrameStore } from './frame-rows.ts';

export interface FrameRecord {
  readonly sender: number;
  /** Sender's frame counter; -1 for a frame that was never sent. */
  readonly seq: number;
  readonly destination: number;
  readonly outcome: 'sent' | 'dutyCycleBlocked';
  readonly blockReason: BlockReason | '';
  readonly queuedAtMs: number;
  /** Start of transmission, or the time the MAC gave up. */
  readonly atMs: number;
  readonly queueWaitMs: number;
  readonly dutyCycleWaitMs: number;
  /** Time spent waiting for the receiver's rendezvous window. */
  readonly wakeWaitMs: number;
  readonly airtimeMs: number;
  readonly channelHz: number;
  readonly sf: number;
  readonly bandwidthHz: number;
  readonly txPowerDbm: number;
  readonly phyBytes: number;
  readonly messageId: number;
  readonly fragmentIndex: number;
  readonly fragmentCount: number;
  readonly energyUj: number;
  /** Addressed receivers whose fate is known, and how many of them received the frame. */
  receivers: number;
  received: number;
  /** The fate when exactly one receiver was addressed. */
  fate: Fate | '';
  /** 1 for a frame's first transmission, n for its (n − 1)th retransmission. */
  readonly transmission: number;
}

export interface ReceptionRecord {
  readonly sender: number;
  readonly seq: number;
  readonly receiver: number;
  readonly atMs: number;
  readonly fate: Fate;
  readonly rxPowerDbm: number;
  readonly snrDb: number;
}

/** Where final records go, in canonical order. */
export interface RecordSink {
  /** A final frame record: slot `slot` of `rows` (valid during the call only; `store.record(slot)` makes it an object). */
  frame?(rows: FrameRows, slot: number, store: FrameStore): void;
  reception?(sender: number, seq: number, receiver: number, atMs: number, fate: Fate, rxPowerDbm: number, snrDb: number): void;
}

export interface RadioTotals {
  readonly attempts: number;
  readonly sent: number;
  readonly dutyCycleBlocked: number;
  readonly dutyCycleBlockedBy: Readonly<Record<BlockReason, number>>;
  /** Queued frames that never got an outcome because their node died (not attempts). */
  readonly unsentAtDeath: number;
  readonly receptions: number;
  readonly fates: Readonly<Record<Fate, number>>;
  readonly airtimeMs: number;
  readonly airtimeBySfMs: ReadonlyMap<number, number>;
  readonly airtimeByChannelMs: ReadonlyMap<number, number>;
  readonly txEnergyUj: number;
  readonly messagesSent: number;
  readonly unicastMessagesSent: number;
  readonly unicastMessagesDelivered: number;
  readonly messageDeliveries: number;
  readonly latencyMs: { readonly p50?: number; readonly p95?: number; readonly p99?: number; readonly mean?: number };
  /** Frames sent to every gateway in range (gateway diversity) by how many gateways received each: index k counts the frames k gateways received. */
  readonly uplinksByGatewaysReceived: readonly number[];
}
