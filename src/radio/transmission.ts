/**
 * What travels: a frame on the air (its real bytes plus the metadata the ether needs), the
 * closed union of reception fates, and the deliveries from the ether to receivers.
 */
import type { CodingRate } from './modulation.ts';

/** Destination index meaning "every node in range". */
export const broadcastDestination = -1;

/**
 * Destination index of a LoRaWAN uplink heard by every gateway in range ("gateway diversity"):
 * each sink that could detect it gets a fate, and the network server counts the message once.
 */
export const gatewaysDestination = -2;

export interface Transmission {
  /** Index of the sending node. */
  readonly sender: number;
  /** The sender's frame counter, from 0, one per transmitted frame. */
  readonly seq: number;
  /** Index of the addressed node, or {@link broadcastDestination}. */
  readonly destination: number;
  readonly startMs: number;
  readonly airtimeMs: number;
  readonly endMs: number;
  readonly channelHz: number;
  readonly sf: number;
  readonly bandwidthHz: number;
  readonly codingRate: CodingRate;
  readonly preambleSymbols: number;
  readonly symbolMs: number;
  readonly txPowerDbm: number;
  /** The frame's real bytes (PHY payload: framing header, payload, MIC). */
  readonly bytes: Uint8Array;
  /** Application message this frame belongs to. */
  readonly messageId: number;
  readonly fragmentIndex: number;
  readonly fragmentCount: number;
  /** When the message was handed to the MAC. */
  readonly messageCreatedAtMs: number;
  /**
   * What the sender's application attaches to the frame for the simulation, not on the air
   * (swarm inference: the token and its latency so far, inference/frame-meta.ts), so that a
   * receiver in another process reads it with the frame; at most {@link maxFrameMetaBytes}.
   */
  readonly meta: Uint8Array | undefined;
}

/** The most simulation metadata a frame carries (envelope.ts bounds it with this). */
export const maxFrameMetaBytes = 255;

/** Every fate a sent frame can meet at one addressed receiver. */
export const fates = ['received', 'underSensitivity', 'collided', 'lostHalfDuplex', 'asleep', 'noReceivePath', 'dropped'] as const;
export type Fate = (typeof fates)[number];

/**
 * What the ether hands to a receiver:
 * - `rxStart`, when its radio locks on a frame addressed to it (the preamble was caught): the
 *   radio stays in receive until the frame ends, whatever the frame's fate;
 * - `frame`, a received frame, one processing delay after it ends;
 * - `rxError`, to a class A device only: the frame its window caught was not received (bad
 *   CRC, collision, too weak), one processing delay after it ends (the radio's error interrupt).
 */
export interface Delivery {
  readonly kind: 'rxStart' | 'frame' | 'rxError';
  readonly atMs: number;
  readonly receiver: number;
  readonly tx: Transmission;
  readonly rxPowerDbm: number;
  readonly snrDb: number;
}
