/**
 * The MAC of one node: a bounded FIFO of frames, half-duplex transmitter, and duty-cycle
 * budget per sub-band. Plain code (the radio hot path), not an xstate machine.
 *
 * Duty cycle: after a transmission of airtime T in a sub-band with duty cycle dc, that
 * sub-band stays closed to this node for T·(1/dc − 1) after the frame ends (LoRaMac-node
 * band off-time; ns-3 lorawan-mac-helper.cc). A frame is sent on a channel, drawn uniformly
 * from those whose sub-band is open (LoRaWAN channel hopping); when none is open it waits for
 * the first to reopen. A frame that finds the queue full, or whose wait would pass its
 * deadline, is never sent: it is `dutyCycleBlocked`.
 *
 * The queue's capacity counts messages, not frames: the fragments of one message are admitted
 * or refused together (a node buffers the message it is sending, whatever its size).
 */
import type { RandomStream } from '../sim/rng.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { timeOnAir, type AirtimeParams } from '../radio/airtime.ts';
import { dutyCycleOffTimeMs, subBandOf, type Region } from '../radio/regions.ts';
import type { Transmission } from '../radio/transmission.ts';
import type { BlockReason, EmitEvent } from './events.ts';

export interface MacConfig {
  readonly node: number;
  readonly scheduler: Scheduler;
  readonly region: Region;
  readonly channelsHz: readonly number[];
  /** Stream for channel choice. */
  readonly rng: RandomStream;
  /** Messages the queue holds at most (all fragments of a message count as one). */
  readonly queueCapacity: number;
  readonly airtime: Omit<AirtimeParams, 'payloadBytes'>;
  readonly txPowerDbm: number;
  readonly txCurrentMa: number;
  readonly supplyV: number;
  /**
   * Hands a frame to the radio at its start time; false when the node cannot transmit it (it
   * browned out or is dead), which stops the MAC.
   */
  readonly transmit: (tx: Transmission) => boolean;
  readonly emit: EmitEvent;
  /**
   * Earliest time at or after `atMs` at which `destination` can catch a frame (its next
   * rendezvous window); `atMs` when it listens now or the frame is a broadcast.
   */
  readonly receiverReadyAtMs?: (destination: number, atMs: number) => number;
  /** Preamble symbols for frames to `destination` (longer for preamble-sampling receivers). */
  readonly preambleSymbolsFor?: (destination: number) => number;
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

interface QueuedFrame extends OutgoingFrame {
  readonly queuedAtMs: number;
  readonly preambleSymbols: number;
  /** When it became first in line with the transmitter free (NaN until then). */
  headSinceMs: number;
  /** When it started waiting for its receiver's rendezvous window (NaN if it never did). */
  wakeWaitSinceMs: number;
}

export interface Mac {
  /** Queues a frame (or blocks it at once when the queue is full). */
  submit(frame: OutgoingFrame): void;
  /** The node died: every queued frame is reported unsent and nothing more is sent. */
  kill(): void;
  readonly queueLength: number;
  /** Frames sent so far: the next frame's seq. */
  readonly framesSent: number;
  /** Whether frames are queued or one is on the air. */
  readonly busy: boolean;
}

export function createMac(config: MacConfig): Mac {
  const { scheduler, region } = config;
  const bandIndexOf = config.channelsHz.map((channelHz) => {
    const band = subBandOf(region, channelHz);
    if (!band) throw new RangeError(`channel ${channelHz} Hz lies in no sub-band of ${region.id}`);
    return region.subBands.indexOf(band);
  });
  const bandOpenAtMs = region.subBands.map(() => Number.NEGATIVE_INFINITY);
  const queue: QueuedFrame[] = [];
  /** Messages admitted whose last fragment has not left the queue yet. */
  let queuedMessages = 0;
  /** The message whose first fragment was refused: its other fragments are refused too. */
  let refusedMessageId = -1;
  let transmitterFreeAtMs = Number.NEGATIVE_INFINITY;
  let wakePending = false;
  let seq = 0;
  let dead = false;
  const defaultPreamble = config.airtime.preambleSymbols ?? 8;
  const airtimeCache = new Map<number, ReturnType<typeof timeOnAir>>();

  function airtimeOf(bytes: number, preambleSymbols: number): ReturnType<typeof timeOnAir> {
    const key = preambleSymbols * 256 + bytes;
    let result = airtimeCache.get(key);
    if (!result) airtimeCache.set(key, (result = timeOnAir({ ...config.airtime, preambleSymbols, payloadBytes: bytes })));
    return result;
  }

  function unsent(frame: QueuedFrame): void {
    config.emit({
      type: 'txUnsent',
      atMs: scheduler.nowMs,
      sender: config.node,
      destination: frame.destination,
      messageId: frame.messageId,
      fragmentIndex: frame.fragmentIndex,
      fragmentCount: frame.fragmentCount,
      queuedAtMs: frame.queuedAtMs,
    });
  }

  /** Takes the head off the queue; a message frees its place when its last fragment leaves. */
  function dequeue(): QueuedFrame {
    const head = queue.shift()!;
    if (head.fragmentIndex === head.fragmentCount - 1) queuedMessages--;
    return head;
  }

  function block(frame: OutgoingFrame, queuedAtMs: number, reason: BlockReason): void {
    config.emit({
      type: 'txBlocked',
      atMs: scheduler.nowMs,
      sender: config.node,
      destination: frame.destination,
      reason,
      phyBytes: frame.bytes.length,
      sf: config.airtime.sf,
      messageId: frame.messageId,
      fragmentIndex: frame.fragmentIndex,
      fragmentCount: frame.fragmentCount,
      queuedAtMs,
    });
  }

  function service(): void {
    const nowMs = scheduler.nowMs;
    if (dead || wakePending || transmitterFreeAtMs > nowMs) return;
    while (queue.length > 0) {
      const head = queue[0]!;
      if (Number.isNaN(head.headSinceMs)) head.headSinceMs = nowMs;
      const open: number[] = [];
      let reopenMs = Number.POSITIVE_INFINITY;
      for (let c = 0; c < bandIndexOf.length; c++) {
        const openAt = bandOpenAtMs[bandIndexOf[c]!]!;
        if (openAt <= nowMs) open.push(c);
        else reopenMs = Math.min(reopenMs, openAt);
      }
      // A rendezvous receiver is waited for, like a closed sub-band.
      const readyMs = config.receiverReadyAtMs ? config.receiverReadyAtMs(head.destination, nowMs) : nowMs;
      if (readyMs > nowMs) {
        if (Number.isNaN(head.wakeWaitSinceMs)) head.wakeWaitSinceMs = nowMs;
        reopenMs = Math.max(readyMs, open.length > 0 ? readyMs : reopenMs);
        open.length = 0;
      }
      if (open.length === 0) {
        if (reopenMs > head.deadlineMs) {
          dequeue();
          block(head, head.queuedAtMs, 'deadline');
          continue;
        }
        wakePending = true;
        scheduler.at(reopenMs, () => {
          wakePending = false;
          service();
        });
        return;
      }
      if (nowMs > head.deadlineMs) {
        dequeue();
        block(head, head.queuedAtMs, 'deadline');
        continue;
      }
      const channel = open.length === 1 ? open[0]! : open[config.rng.int(0, open.length - 1)]!;
      send(head, channel);
      return;
    }
  }

  function send(frame: QueuedFrame, channel: number): void {
    const startMs = scheduler.nowMs;
    const airtime = airtimeOf(frame.bytes.length, frame.preambleSymbols);
    const tx: Transmission = {
      sender: config.node,
      seq,
      destination: frame.destination,
      startMs,
      airtimeMs: airtime.airtimeMs,
      endMs: startMs + airtime.airtimeMs,
      channelHz: config.channelsHz[channel]!,
      sf: config.airtime.sf,
      bandwidthHz: config.airtime.bandwidthHz,
      codingRate: config.airtime.codingRate,
      preambleSymbols: frame.preambleSymbols,
      symbolMs: airtime.symbolMs,
      txPowerDbm: config.txPowerDbm,
      bytes: frame.bytes,
      messageId: frame.messageId,
      fragmentIndex: frame.fragmentIndex,
      fragmentCount: frame.fragmentCount,
      messageCreatedAtMs: frame.messageCreatedAtMs,
    };
    if (!config.transmit(tx)) {
      // The radio browned out as it started: the frame never went out, nor will the rest.
      kill();
      return;
    }
    seq++;
    dequeue();
    const band = bandIndexOf[channel]!;
    bandOpenAtMs[band] = tx.endMs + dutyCycleOffTimeMs(tx.airtimeMs, region.subBands[band]!.dutyCycle);
    transmitterFreeAtMs = tx.endMs;
    const wakeWaitMs = Number.isNaN(frame.wakeWaitSinceMs) ? 0 : startMs - frame.wakeWaitSinceMs;
    config.emit({
      type: 'txStarted',
      atMs: startMs,
      tx,
      queuedAtMs: frame.queuedAtMs,
      queueWaitMs: frame.headSinceMs - frame.queuedAtMs,
      dutyCycleWaitMs: startMs - frame.headSinceMs - wakeWaitMs,
      wakeWaitMs,
      // mA × ms × V = µJ
      energyUj: config.txCurrentMa * tx.airtimeMs * config.supplyV,
    });
    scheduler.at(tx.endMs, service);
  }

  function kill(): void {
    if (dead) return;
    dead = true;
    while (queue.length > 0) unsent(queue.shift()!);
  }

  return {
    kill,
    submit(frame) {
      const nowMs = scheduler.nowMs;
      if (dead) {
        // A node that died while handing over a message's fragments leaves them unsent.
        config.emit({
          type: 'txUnsent', atMs: nowMs, sender: config.node, destination: frame.destination, messageId: frame.messageId,
          fragmentIndex: frame.fragmentIndex, fragmentCount: frame.fragmentCount, queuedAtMs: nowMs,
        });
        return;
      }
      const continuesMessage = frame.fragmentIndex > 0;
      if (continuesMessage ? frame.messageId === refusedMessageId : queuedMessages >= config.queueCapacity) {
        if (!continuesMessage) refusedMessageId = frame.messageId;
        block(frame, nowMs, 'queueFull');
        return;
      }
      if (!continuesMessage) {
        refusedMessageId = -1;
        queuedMessages++;
      }
      // Built field by field: object spread is a slow path in V8 on this hot path.
      queue.push({
        bytes: frame.bytes,
        destination: frame.destination,
        messageId: frame.messageId,
        fragmentIndex: frame.fragmentIndex,
        fragmentCount: frame.fragmentCount,
        messageCreatedAtMs: frame.messageCreatedAtMs,
        deadlineMs: frame.deadlineMs,
        queuedAtMs: nowMs,
        preambleSymbols: config.preambleSymbolsFor ? config.preambleSymbolsFor(frame.destination) : defaultPreamble,
        // Set when the frame first stands at the head with the transmitter free.
        headSinceMs: Number.NaN,
        wakeWaitSinceMs: Number.NaN,
      });
      service();
    },
    get queueLength() {
      return queue.length;
    },
    get framesSent() {
      return seq;
    },
    get busy() {
      return queue.length > 0 || transmitterFreeAtMs > scheduler.nowMs;
    },
  };
}
