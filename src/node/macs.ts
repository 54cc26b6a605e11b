/**
 * The MAC of every node, in columns: a bounded FIFO of frames, a half-duplex transmitter, and
 * a duty-cycle budget per sub-band. Plain code (the radio hot path): each node's state is a few
 * typed-array entries, its queue an array made when it first queues, its timers integer events.
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
import { replaceArray, restoreInto } from '../sim/checkpoint-state.ts';
import { generatorState, setGeneratorState, uniformInt } from '../sim/rng.ts';
import { timeOnAir } from '../radio/airtime.ts';
import { dutyCycleOffTimeMs, subBandOf } from '../radio/regions.ts';
import type { Transmission } from '../radio/transmission.ts';
import type { BlockReason } from './events.ts';

export type { LinkHooks, ListenBeforeTalk, MacNode, Macs, MacsConfig, MacsState, OutgoingFrame } from './mac-types.ts';
import type { Macs, MacsConfig, QueuedFrame } from './mac-types.ts';

type Airtime = ReturnType<typeof timeOnAir>;

export function createMacs(config: MacsConfig): Macs {
  const { scheduler, region, nodes } = config;
  const count = nodes.length;
  const bandCount = region.subBands.length;
  const bandOpenAtMs = new Float64Array(count * bandCount).fill(Number.NEGATIVE_INFINITY);
  const transmitterFreeAtMs = new Float64Array(count).fill(Number.NEGATIVE_INFINITY);
  const wakePending = new Uint8Array(count);
  const seqs = new Float64Array(count);
  const sfs = Float64Array.from(nodes, (node) => node?.airtime.sf ?? 0);
  const txPowers = Float64Array.from(nodes, (node) => node?.txPowerDbm ?? 0);
  const txCurrents = Float64Array.from(nodes, (node) => node?.txCurrentMa ?? 0);
  const dead = new Uint8Array(count);
  /** Messages admitted whose last fragment has not left the queue yet. */
  const queuedMessages = new Int32Array(count);
  /** The message whose first fragment was refused: its other fragments are refused too. */
  const refusedMessageId = new Int32Array(count).fill(-1);
  const queues: (QueuedFrame[] | undefined)[] = new Array<QueuedFrame[] | undefined>(count);
  /** Sub-band of each of a node's channels, shared by nodes with the same channel list. */
  const bandsOf: (Int8Array | undefined)[] = new Array<Int8Array | undefined>(count);
  /** Airtimes by (preamble, bytes), shared by nodes with the same modulation. */
  const airtimesOf: (Map<number, Airtime> | undefined)[] = new Array<Map<number, Airtime> | undefined>(count);
  const bandsByChannels = new Map<readonly number[], Int8Array>();
  const airtimesByModulation = new Map<string, Map<number, Airtime>>();
  for (const node of nodes) {
    if (!node) continue;
    let bands = bandsByChannels.get(node.channelsHz);
    if (!bands) {
      bands = Int8Array.from(node.channelsHz, (channelHz) => {
        const band = subBandOf(region, channelHz);
        if (!band) throw new RangeError(`channel ${channelHz} Hz lies in no sub-band of ${region.id}`);
        return region.subBands.indexOf(band);
      });
      bandsByChannels.set(node.channelsHz, bands);
    }
    bandsOf[node.index] = bands;
    const modulation = JSON.stringify(node.airtime);
    let airtimes = airtimesByModulation.get(modulation);
    if (!airtimes) airtimesByModulation.set(modulation, (airtimes = new Map()));
    airtimesOf[node.index] = airtimes;
  }
  /** Channels open now, for one service step: `open[0 .. openCount)`. */
  const open = new Int32Array(nodes.reduce((most, node) => Math.max(most, node?.channelsHz.length ?? 0), 1));
  let busyNodes = 0;
  const wakeKind = scheduler.kind((i) => {
    wakePending[i] = 0;
    service(i);
  });
  const doneKind = scheduler.kind(service);
  const cadKind = scheduler.kind(detected);
  /** Listen before talk: the channel detected on, when, for how long, and the back-offs of the head frame so far. */
  const cadChannel = new Int32Array(count);
  const cadStartMs = new Float64Array(count);
  const cadRxOnMs = new Float64Array(count);
  const backoffs = new Int32Array(count);
  /** The end of the node's last frame on the air (its own or an ACK sent ahead of the queue). */
  const onAirUntilMs = new Float64Array(count).fill(Number.NEGATIVE_INFINITY);

  function airtimeOf(i: number, bytes: number, preambleSymbols: number): Airtime {
    const sf = sfs[i]!;
    const key = (sf * 65536) + preambleSymbols * 256 + bytes;
    const cache = airtimesOf[i]!;
    let result = cache.get(key);
    if (!result) cache.set(key, (result = timeOnAir({ ...nodes[i]!.airtime, sf, preambleSymbols, payloadBytes: bytes })));
    return result;
  }

  function unsent(i: number, frame: QueuedFrame): void {
    config.events.txUnsent(scheduler.nowMs, i, frame.destination, frame.messageId, frame.fragmentIndex, frame.fragmentCount, frame.queuedAtMs);
  }

  /** Takes the head off the queue; a message frees its place when its last fragment leaves. */
  function dequeue(i: number): QueuedFrame {
    const head = queues[i]!.shift()!;
    if (head.fragmentIndex === head.fragmentCount - 1) queuedMessages[i]!--;
    return head;
  }

  function block(i: number, frame: QueuedFrame, reason: BlockReason): void {
    config.events.txBlocked(scheduler.nowMs, i, frame.destination, reason, frame.bytes.length, nodes[i]!.airtime.sf, frame.messageId, frame.fragmentIndex, frame.fragmentCount, frame.queuedAtMs);
  }

  function service(i: number): void {
    const nowMs = scheduler.nowMs;
    if (dead[i] || wakePending[i] || transmitterFreeAtMs[i]! > nowMs) return;
    const queue = queues[i];
    const bands = bandsOf[i]!;
    while (queue !== undefined && queue.length > 0) {
      const head = queue[0]!;
      if (Number.isNaN(head.headSinceMs)) head.headSinceMs = nowMs;
      let openCount = 0;
      let reopenMs = Number.POSITIVE_INFINITY;
      for (let c = 0; c < bands.length; c++) {
        const openAt = bandOpenAtMs[i * bandCount + bands[c]!]!;
        if (openAt <= nowMs) open[openCount++] = c;
        else reopenMs = Math.min(reopenMs, openAt);
      }
      // A rendezvous receiver is waited for, like a closed sub-band.
      const readyMs = config.receiverReadyAtMs ? config.receiverReadyAtMs(head.destination, nowMs) : nowMs;
      if (readyMs > nowMs) {
        if (Number.isNaN(head.wakeWaitSinceMs)) head.wakeWaitSinceMs = nowMs;
        reopenMs = Math.max(readyMs, openCount > 0 ? readyMs : reopenMs);
        openCount = 0;
      }
      if (openCount === 0) {
        if (reopenMs > head.deadlineMs) {
          dequeue(i);
          block(i, head, 'deadline');
          continue;
        }
        wakePending[i] = 1;
        scheduler.atKind(reopenMs, wakeKind, i);
        return;
      }
      if (nowMs > head.deadlineMs) {
        dequeue(i);
        block(i, head, 'deadline');
        continue;
      }
      const channel = openCount === 1 ? open[0]! : open[uniformInt(nodes[i]!.rng, 0, openCount - 1)]!;
      if (config.lbt && nodes[i]!.listensBeforeTalk) return detect(i, channel);
      send(i, head, channel);
      return;
    }
  }

  /** A channel activity detection on `channel` before the head frame goes; its result at `resultMs`. */
  function detect(i: number, channel: number): void {
    const lbt = config.lbt!;
    const { rxOnMs, resultMs } = lbt.cad(i, sfs[i]!);
    const nowMs = scheduler.nowMs;
    cadChannel[i] = channel;
    cadStartMs[i] = nowMs;
    cadRxOnMs[i] = rxOnMs;
    transmitterFreeAtMs[i] = nowMs + resultMs;
    lbt.listen(i, nowMs + rxOnMs);
    scheduler.atKind(nowMs + resultMs, cadKind, i);
  }

  /** The detection's result: a busy channel defers the frame by a random back-off, else it goes now. */
  function detected(i: number): void {
    if (dead[i] || transmitterFreeAtMs[i] !== scheduler.nowMs) return;
    const head = queues[i]?.[0];
    if (!head) return;
    const lbt = config.lbt!;
    const channelHz = nodes[i]!.channelsHz[cadChannel[i]!]!;
    if (lbt.channelBusy(i, channelHz, sfs[i]!, cadStartMs[i]!, cadStartMs[i]! + cadRxOnMs[i]!) && backoffs[i]! < lbt.maxBackoffs) {
      backoffs[i]!++;
      lbt.busy(i);
      transmitterFreeAtMs[i] = scheduler.nowMs + lbt.backoffMs(i);
      scheduler.atKind(transmitterFreeAtMs[i]!, doneKind, i);
      return;
    }
    backoffs[i] = 0;
    send(i, head, cadChannel[i]!);
  }

  /**
   * Puts a frame of `i` on the air now on its `channel`-th channel: the radio starts it (a node
   * that browns out doing so dies, and undefined is returned), the frame counter moves on, the
   * sub-band closes for its off-time.
   */
  function goOnAir(i: number, bytes: Uint8Array, destination: number, channel: number, preambleSymbols: number, messageId: number, fragmentIndex: number, fragmentCount: number, messageCreatedAtMs: number): Transmission | undefined {
    const node = nodes[i]!;
    const startMs = scheduler.nowMs;
    const airtime = airtimeOf(i, bytes.length, preambleSymbols);
    const tx: Transmission = {
      sender: i,
      seq: seqs[i]!,
      destination,
      startMs,
      airtimeMs: airtime.airtimeMs,
      endMs: startMs + airtime.airtimeMs,
      channelHz: node.channelsHz[channel]!,
      sf: sfs[i]!,
      bandwidthHz: node.airtime.bandwidthHz,
      codingRate: node.airtime.codingRate,
      preambleSymbols,
      symbolMs: airtime.symbolMs,
      txPowerDbm: txPowers[i]!,
      bytes,
      messageId,
      fragmentIndex,
      fragmentCount,
      messageCreatedAtMs,
    };
    if (!config.transmit(tx)) {
      // The radio browned out as it started: the frame never went out, nor will the rest.
      kill(i);
      return undefined;
    }
    seqs[i]!++;
    const band = bandsOf[i]![channel]!;
    bandOpenAtMs[i * bandCount + band] = tx.endMs + dutyCycleOffTimeMs(tx.airtimeMs, region.subBands[band]!.dutyCycle);
    onAirUntilMs[i] = tx.endMs;
    return tx;
  }

  /** The transmitter is free at `tx`'s end (the next frame may go then). */
  function freeAfter(i: number, tx: Transmission): void {
    transmitterFreeAtMs[i] = tx.endMs;
    scheduler.atKind(tx.endMs, doneKind, i);
  }

  function send(i: number, frame: QueuedFrame, channel: number): void {
    const node = nodes[i]!;
    const link = node.linked ? config.link : undefined;
    const bytes = link ? link.frameBytes(i, frame) : frame.bytes;
    const tx = goOnAir(i, bytes, frame.destination, channel, frame.preambleSymbols, frame.messageId, frame.fragmentIndex, frame.fragmentCount, frame.messageCreatedAtMs);
    if (!tx) return;
    dequeue(i);
    const startMs = tx.startMs;
    const wakeWaitMs = Number.isNaN(frame.wakeWaitSinceMs) ? 0 : startMs - frame.wakeWaitSinceMs;
    // Energy: mA × ms × V = µJ.
    config.events.txStarted(tx, frame.queuedAtMs, frame.headSinceMs - frame.queuedAtMs, startMs - frame.headSinceMs - wakeWaitMs, wakeWaitMs, txCurrents[i]! * tx.airtimeMs * node.supplyV);
    if (link?.sent(i, tx, frame)) {
      // Held through the receive windows or the wait for an ACK; the link layer resumes it.
      transmitterFreeAtMs[i] = Number.POSITIVE_INFINITY;
      return;
    }
    freeAfter(i, tx);
  }

  /** A frame ahead of the queue (a link-layer ACK): see `Macs.sendNow`. */
  function sendNow(i: number, bytes: Uint8Array, destination: number, channelHz: number, messageId: number): boolean {
    const nowMs = scheduler.nowMs;
    const node = nodes[i];
    const channel = node ? node.channelsHz.indexOf(channelHz) : -1;
    // A transmitter held for an ACK or receive windows may still send; one on the air or detecting may not.
    const held = transmitterFreeAtMs[i] === Number.POSITIVE_INFINITY;
    if (!node || dead[i] || onAirUntilMs[i]! > nowMs || (!held && transmitterFreeAtMs[i]! > nowMs) || channel < 0) return false;
    if (bandOpenAtMs[i * bandCount + bandsOf[i]![channel]!]! > nowMs) return false;
    const tx = goOnAir(i, bytes, destination, channel, node.airtime.preambleSymbols ?? 8, messageId, 0, 1, nowMs);
    if (!tx) return false;
    config.events.txStarted(tx, nowMs, 0, 0, 0, txCurrents[i]! * tx.airtimeMs * node.supplyV);
    if (!held) freeAfter(i, tx);
    return true;
  }

  function kill(i: number): void {
    if (dead[i]) return;
    dead[i] = 1;
    // A transmitter held for receive windows is no longer busy.
    if (transmitterFreeAtMs[i] === Number.POSITIVE_INFINITY) transmitterFreeAtMs[i] = scheduler.nowMs;
    const queue = queues[i];
    while (queue !== undefined && queue.length > 0) unsent(i, queue.shift()!);
  }

  const columns = [bandOpenAtMs, transmitterFreeAtMs, wakePending, seqs, dead, queuedMessages, refusedMessageId, sfs, txPowers, txCurrents, cadChannel, cadStartMs, cadRxOnMs, backoffs, onAirUntilMs];
  const isBusy = (i: number): boolean => (queues[i]?.length ?? 0) > 0 || transmitterFreeAtMs[i]! > scheduler.nowMs;

  return {
    kill,
    checkpoint: () => ({ columns: columns.map((column) => column.slice()), queues: queues.map((queue) => queue && [...queue]), busyNodes, rngs: nodes.map((node) => node && generatorState(node.rng)) }),
    restore(state) {
      columns.forEach((column, k) => restoreInto(column, state.columns[k]!, 'MACs'));
      replaceArray(queues, state.queues);
      busyNodes = state.busyNodes;
      nodes.forEach((node, i) => node && setGeneratorState(node.rng, state.rngs[i]!));
    },
    submit(i, bytes, destination, messageId, fragmentIndex, fragmentCount, messageCreatedAtMs, deadlineMs) {
      const nowMs = scheduler.nowMs;
      const frame: QueuedFrame = {
        bytes,
        destination,
        messageId,
        fragmentIndex,
        fragmentCount,
        messageCreatedAtMs,
        deadlineMs,
        queuedAtMs: nowMs,
        preambleSymbols: 0,
        // Set when the frame first stands at the head with the transmitter free.
        headSinceMs: Number.NaN,
        wakeWaitSinceMs: Number.NaN,
      };
      // A node that died while handing over a message's fragments leaves them unsent.
      if (dead[i]) return unsent(i, frame);
      const continuesMessage = fragmentIndex > 0;
      if (continuesMessage ? messageId === refusedMessageId[i] : queuedMessages[i]! >= nodes[i]!.queueCapacity) {
        if (!continuesMessage) refusedMessageId[i] = messageId;
        return block(i, frame, 'queueFull');
      }
      if (!continuesMessage) {
        refusedMessageId[i] = -1;
        queuedMessages[i]!++;
      }
      frame.preambleSymbols = config.preambleSymbolsFor ? config.preambleSymbolsFor(i, destination) : (nodes[i]!.airtime.preambleSymbols ?? 8);
      (queues[i] ??= []).push(frame);
      service(i);
    },
    resume(i) {
      if (transmitterFreeAtMs[i] !== Number.POSITIVE_INFINITY) return;
      transmitterFreeAtMs[i] = scheduler.nowMs;
      service(i);
    },
    retransmit(i, frame) {
      if (dead[i]) return;
      const nowMs = scheduler.nowMs;
      if (frame.fragmentIndex === frame.fragmentCount - 1) queuedMessages[i]!++;
      const preambleSymbols = config.preambleSymbolsFor ? config.preambleSymbolsFor(i, frame.destination) : (nodes[i]!.airtime.preambleSymbols ?? 8);
      (queues[i] ??= []).unshift({ ...frame, queuedAtMs: nowMs, preambleSymbols, headSinceMs: Number.NaN, wakeWaitSinceMs: Number.NaN });
    },
    sendNow,
    takeSeq: (i) => seqs[i]!++,
    setRadio(i, sf, txPowerDbm, txCurrentMa) {
      sfs[i] = sf;
      txPowers[i] = txPowerDbm;
      txCurrents[i] = txCurrentMa;
    },
    radioOf: (i) => ({ sf: sfs[i]!, txPowerDbm: txPowers[i]! }),
    queueLength: (i) => queues[i]?.length ?? 0,
    framesSent: (i) => seqs[i]!,
    busy: isBusy,
    anyBusy() {
      for (let i = busyNodes; i < count; i++) {
        if (nodes[i] && isBusy(i)) {
          busyNodes = i;
          return true;
        }
      }
      for (let i = 0; i < busyNodes; i++) {
        if (nodes[i] && isBusy(i)) {
          busyNodes = i;
          return true;
        }
      }
      return false;
    },
  };
}
