/**
 * The swarm's peer-to-peer MAC (scenario key `peerMac`, off by default): link-layer
 * acknowledgements with retransmission for frames addressed to one node, in columns.
 *
 * - The receiver of a unicast data frame answers at once, one processing delay after the
 *   frame's end, with an ACK frame (port `portAck`, the acknowledged frame's 16-bit seq as
 *   payload) on the same channel, ahead of its queue, within its duty cycle; when it cannot
 *   (transmitting, or the sub-band closed) the ACK is not sent. A frame received twice (its
 *   ACK was lost) is acknowledged again and handed on once.
 * - The sender holds its transmitter after the frame and listens for the ACK until
 *   `ackTimeout` = the frame's end + two processing delays + the ACK's airtime + a margin; on
 *   time-out it sends the frame again after a random back-off, up to `maxTransmissions` in all,
 *   then gives up.
 *
 * Listen before talk (channel activity detection before each frame) is the MAC's
 * (macs.ts, `ListenBeforeTalk`).
 */
import { replaceArray, restoreInto, type Checkpointable } from '../sim/checkpoint-state.ts';
import { generatorState, setGeneratorState, uniform, type RandomGenerator } from '../sim/rng.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { encodeFrame, framePayload, framePort, portAck, type FramingId } from '../radio/framing.ts';
import type { Delivery, Transmission } from '../radio/transmission.ts';
import type { LinkHooks, Macs, OutgoingFrame } from './macs.ts';
import type { NodeRuntimes } from './node-runtimes.ts';

export interface PeerMacSettings {
  readonly ack: boolean;
  readonly maxTransmissions: number;
  readonly ackMarginMs: number;
  readonly backoffMinMs: number;
  readonly backoffMaxMs: number;
}

export interface PeerNode {
  readonly index: number;
  /** The node's stream (back-offs). */
  readonly rng: RandomGenerator;
  /** Airtime of an ACK frame at the node's modulation (ms). */
  readonly ackAirtimeMs: number;
}

export interface PeerLinksConfig {
  readonly scheduler: Scheduler;
  readonly settings: PeerMacSettings;
  readonly framing: FramingId;
  /** Every node by index; those with the peer MAC that run here are defined. */
  readonly nodes: readonly (PeerNode | undefined)[];
  readonly macs: () => Macs;
  readonly runtimes: NodeRuntimes;
  readonly processingDelayMs: number;
}

/** What the peer MAC counted (summary.json's `peerMac`). */
export interface PeerCounts {
  /** Data frames sent that wanted an ACK (first transmissions). */
  readonly framesAwaitingAck: number;
  readonly acked: number;
  readonly retransmissions: number;
  /** Frames given up after `maxTransmissions` without an ACK. */
  readonly failed: number;
  readonly acksSent: number;
  /** ACKs a receiver could not send (transmitting, or its sub-band closed). */
  readonly acksNotSent: number;
  /** Data frames received again (their ACK was lost) and dropped. */
  readonly duplicates: number;
  /** Channel activity detections that found the channel busy (listen before talk). */
  readonly channelBusy: number;
}

export interface PeerLinksState {
  readonly columns: readonly Float64Array[];
  readonly current: (OutgoingFrame | undefined)[];
  readonly lastReceived: (Map<number, number> | undefined)[];
  readonly rngs: (number[] | undefined)[];
  readonly counts: PeerCounts;
}

export interface PeerLinks extends Checkpointable<PeerLinksState> {
  readonly hooks: LinkHooks;
  /** A frame delivered to `node`: true when the peer MAC took it (an ACK, or a duplicate), false when the radio stack should. */
  deliver(node: number, delivery: Delivery): boolean;
  counts(): PeerCounts;
  /** A random back-off from the node's stream (ms). */
  backoffMs(node: number): number;
  /** Listen before talk found the channel busy. */
  channelWasBusy(node: number): void;
}

/** Whether a frame is a peer MAC acknowledgement. */
export function isAckFrame(framing: FramingId, tx: Transmission): boolean {
  return framePort(framing, tx.bytes) === portAck;
}

export function createPeerLinks(config: PeerLinksConfig): PeerLinks {
  const { scheduler, settings, framing, nodes, runtimes } = config;
  const n = nodes.length;
  const column = (fill: number) => new Float64Array(n).fill(fill);
  /** The frame awaiting its ACK: its destination (−1: none), seq and when the wait ends. */
  const awaiting = column(-1);
  const awaitedSeq = column(0);
  const timeoutAtMs = column(Number.NaN);
  const retryAtMs = column(Number.NaN);
  const transmissions = column(0);
  const current: (OutgoingFrame | undefined)[] = new Array<OutgoingFrame | undefined>(n);
  /** Per receiver: the last data frame handed on from each sender (messageId · 65536 + fragment). */
  const lastReceived: (Map<number, number> | undefined)[] = new Array<Map<number, number> | undefined>(n);
  const columns = [awaiting, awaitedSeq, timeoutAtMs, retryAtMs, transmissions];
  const counts = { framesAwaitingAck: 0, acked: 0, retransmissions: 0, failed: 0, acksSent: 0, acksNotSent: 0, duplicates: 0, channelBusy: 0 };
  const backoffMs = (i: number): number => settings.backoffMinMs + (settings.backoffMaxMs - settings.backoffMinMs) * uniform(nodes[i]!.rng);

  const wantsAck = (tx: Transmission): boolean => settings.ack && tx.destination >= 0 && nodes[tx.sender] !== undefined && !isAckFrame(framing, tx);

  const timeoutKind = scheduler.kind((i) => {
    if (awaiting[i]! < 0 || timeoutAtMs[i] !== scheduler.nowMs) return;
    awaiting[i] = -1;
    if (!runtimes.alive(i)) return;
    if (transmissions[i]! >= settings.maxTransmissions) {
      counts.failed++;
      config.macs().resume(i);
      return;
    }
    retryAtMs[i] = scheduler.nowMs + backoffMs(i);
    scheduler.atKind(retryAtMs[i]!, retryKind, i);
  });

  const retryKind = scheduler.kind((i) => {
    if (retryAtMs[i] !== scheduler.nowMs) return;
    retryAtMs[i] = Number.NaN;
    const macs = config.macs();
    macs.retransmit(i, current[i]!);
    macs.resume(i);
  });

  /** Listens for the ACK from the frame's end to the time-out (the energy ledger books it). */
  const listenKind = scheduler.kind((i) => {
    if (awaiting[i]! >= 0) runtimes.rxWindow(i, timeoutAtMs[i]!);
  });

  const hooks: LinkHooks = {
    frameBytes: (_i, frame) => frame.bytes,
    sent(i, tx, frame) {
      if (!wantsAck(tx)) return false;
      if (current[i]?.bytes !== frame.bytes) {
        current[i] = frame;
        transmissions[i] = 0;
        counts.framesAwaitingAck++;
      }
      transmissions[i]!++;
      if (transmissions[i]! > 1) counts.retransmissions++;
      awaiting[i] = tx.destination;
      awaitedSeq[i] = tx.seq % 0x10000;
      timeoutAtMs[i] = tx.endMs + 2 * config.processingDelayMs + nodes[i]!.ackAirtimeMs + settings.ackMarginMs;
      scheduler.atKind(tx.endMs, listenKind, i);
      scheduler.atKind(timeoutAtMs[i]!, timeoutKind, i);
      return true;
    },
  };

  /** Answers a data frame addressed to `i` with an ACK; false when it is a duplicate. */
  function acknowledge(i: number, tx: Transmission): boolean {
    const seq = tx.seq % 0x10000;
    const bytes = encodeFrame(framing, { source: i, destination: tx.sender, seq: config.macs().framesSent(i), port: portAck }, Uint8Array.of(seq & 0xff, seq >>> 8));
    if (config.macs().sendNow(i, bytes, tx.sender, tx.channelHz, -1)) counts.acksSent++;
    else counts.acksNotSent++;
    const key = tx.messageId * 0x10000 + tx.fragmentIndex;
    const seen = (lastReceived[i] ??= new Map());
    if (seen.get(tx.sender) === key) {
      counts.duplicates++;
      return false;
    }
    seen.set(tx.sender, key);
    return true;
  }

  return {
    hooks,
    deliver(i, delivery) {
      const { tx } = delivery;
      if (delivery.kind !== 'frame' || nodes[i] === undefined) return false;
      if (isAckFrame(framing, tx)) {
        const payload = framePayload(framing, tx.bytes);
        const seq = payload.length >= 2 ? payload[0]! | (payload[1]! << 8) : -1;
        if (tx.destination === i && awaiting[i] === tx.sender && awaitedSeq[i] === seq) {
          awaiting[i] = -1;
          counts.acked++;
          config.macs().resume(i);
        }
        return true;
      }
      if (!settings.ack || tx.destination !== i || nodes[tx.sender] === undefined) return false;
      return !acknowledge(i, tx);
    },
    counts: () => ({ ...counts }),
    backoffMs,
    channelWasBusy: () => void counts.channelBusy++,
    checkpoint: () => ({ columns: columns.map((c) => c.slice()), current: [...current], lastReceived, rngs: nodes.map((node) => node && generatorState(node.rng)), counts: { ...counts } }),
    restore(state) {
      columns.forEach((c, k) => restoreInto(c, state.columns[k]!, 'peer MAC'));
      replaceArray(current, state.current);
      replaceArray(lastReceived, state.lastReceived);
      nodes.forEach((node, i) => node && setGeneratorState(node.rng, state.rngs[i]!));
      Object.assign(counts, state.counts);
    },
  };
}
