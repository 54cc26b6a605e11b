/**
 * The radio tracker: subscribes to node and ether events and keeps the books — every attempt
 * (sent or dutyCycleBlocked), every fate per addressed receiver, airtime, transmit energy,
 * application messages and their latency — per run and per node.
 *
 * Records stream: a frame's record is final once every addressed receiver's fate is known
 * (the ether decides all of a frame's fates when it has ended: `decided`), and final records go
 * to the sinks (the result writers, a live dashboard, an in-memory list for tests) in the
 * canonical order — frames by (atMs, sender, seq, queuedAtMs, messageId, fragmentIndex),
 * receptions by (atMs, sender, seq, receiver) — whatever order the events arrived in. Nothing
 * is kept per frame once it is written, so a day of a city costs no memory here. Every
 * floating-point sum is taken in that canonical order, so the totals do not depend on the
 * transport either.
 */
import { replaceArray, type Checkpointable } from '../sim/checkpoint-state.ts';
import { createAirtimeBooks, type AirtimeBooksState } from './airtime-books.ts';
import { createReceptionBatch, type ReceptionBatchState } from './reception-batch.ts';
import { dispatchEvent, type BlockReason, type EventSink, type SimEvent } from '../node/events.ts';
import { fates, gatewaysDestination, type Fate, type Transmission } from '../radio/transmission.ts';
import { createFrameStore, fateNumber, type FrameStoreState } from './frame-rows.ts';
import { createNodeTallies, type NodeTalliesState, type NodeTally } from './node-tallies.ts';
import { createMessageBooks } from './message-books.ts';
import { createOnAirSlots } from './on-air-slots.ts';
import { putAt } from './reused-list.ts';

export type { NodeTally } from './node-tallies.ts';
export type { FrameRecord, RadioTotals, ReceptionRecord, RecordSink } from './radio-records.ts';
import type { FrameRecord, RadioTotals, ReceptionRecord, RecordSink } from './radio-records.ts';

export interface RadioTrackerOptions {
  /** Keep every record in memory (`frames`, `receptions`), for tests and small runs; off for city runs. */
  readonly keepRecords?: boolean;
  readonly sinks?: readonly RecordSink[];
}

/** The books so far and the frames not yet written (a checkpoint: checkpoint-state.ts). */
export interface RadioTrackerState {
  readonly tallies: NodeTalliesState;
  readonly store: FrameStoreState;
  readonly lists: readonly unknown[][];
  readonly receptions: ReceptionBatchState;
  readonly airtime: AirtimeBooksState;
  readonly fateCounts: Record<Fate, number>;
  readonly blockedBy: Record<BlockReason, number>;
  readonly latencies: Float64Array;
  readonly pending: number[];
  readonly onAir: (number[] | undefined)[];
  readonly numbers: readonly number[];
  /** Uplinks to every gateway by gateways that received them (absent in checkpoints of runs without). */
  readonly uplinksByGatewaysReceived?: readonly number[];
  /** Each sender's last frame key and its transmissions (absent in older checkpoints). */
  readonly transmissions?: readonly [Float64Array, Int32Array];
}

export interface RadioTracker extends EventSink, Checkpointable<RadioTrackerState> {
  /** A node event or a reception as an object (a worker's report, a test). */
  handle(event: SimEvent): void;
  /** The ether decided a frame's fate at one receiver. */
  reception(tx: Transmission, receiver: number, fate: Fate, rxPowerDbm: number, snrDb: number): void;
  /** The ether has decided every frame that ended at or before `untilMs`: their records are final. */
  decided(untilMs: number): void;
  /** Adds a sink for the final records from now on. */
  addSink(sink: RecordSink): void;
  /** Finalises every record left (call once, after the run's drain). */
  finalize(): void;
  /** Every record, when kept (`keepRecords`); empty otherwise. */
  readonly frames: readonly FrameRecord[];
  readonly receptions: readonly ReceptionRecord[];
  /** One node's figures. */
  node(index: number): NodeTally;
  /** Every node's figures (made on each call). */
  readonly nodes: readonly NodeTally[];
  totals(): RadioTotals;
}

export function createRadioTracker(nodeCount: number, options: RadioTrackerOptions = {}): RadioTracker {
  const tallies = createNodeTallies(nodeCount);
  const { counts } = tallies;
  const store = createFrameStore();
  const sinks: RecordSink[] = [...(options.sinks ?? [])];
  const frames: FrameRecord[] = [];
  const receptions: ReceptionRecord[] = [];
  if (options.keepRecords ?? true) {
    sinks.push({
      frame: (_rows, slot) => frames.push(store.record(slot)),
      reception: (sender, seq, receiver, atMs, fate, rxPowerDbm, snrDb) => receptions.push({ sender, seq, receiver, atMs, fate, rxPowerDbm, snrDb }),
    });
  }
  const fateCounts = Object.fromEntries(fates.map((fate) => [fate, 0])) as Record<Fate, number>;
  const blockedBy: Record<BlockReason, number> = { deadline: 0, queueFull: 0 };
  const airtimeBooks = createAirtimeBooks();
  const receptionBatch = createReceptionBatch();
  const messages = createMessageBooks(tallies);
  let sent = 0;
  let blocked = 0;
  let airtimeMs = 0;
  let txEnergyUj = 0;
  const uplinksByGatewaysReceived: number[] = [];
  let unsentAtDeath = 0;
  /**
   * Slots of frames that arrived since the last decision, not yet in canonical order (the
   * first `batched`). Both lists are reused, never emptied (reused-list.ts).
   */
  const frameBatch: number[] = [];
  let batched = 0;
  /** Slots in canonical order whose fates may still be coming, from `head` to `tail`. */
  const pending: number[] = [];
  let head = 0;
  let tail = 0;
  const onAir = createOnAirSlots(nodeCount);

  /** Canonical order of frame records: by time, sender, then the sender's own order. */
  const compareSlots = (a: number, b: number): number => {
    const r = store.rows;
    return r.atMs[a]! - r.atMs[b]! || r.sender[a]! - r.sender[b]! || r.seq[a]! - r.seq[b]! || r.queuedAtMs[a]! - r.queuedAtMs[b]! || r.messageId[a]! - r.messageId[b]! || r.fragmentIndex[a]! - r.fragmentIndex[b]!;
  };

  /** A final record: its sums (in canonical order), the sinks, and its slot back. */
  function release(slot: number): void {
    const r = store.rows;
    if (r.outcome[slot] === 0) {
      onAir.remove(r.sender[slot]!, slot);
      const airtime = r.airtimeMs[slot]!;
      airtimeMs += airtime;
      txEnergyUj += r.energyUj[slot]!;
      airtimeBooks.add(r.sf[slot]!, r.channelHz[slot]!, airtime);
      tallies.addFrame(r.sender[slot]!, r.channelHz[slot]!, airtime, r.energyUj[slot]!);
    }
    if (r.outcome[slot] === 0 && r.destination[slot] === gatewaysDestination) {
      const k = r.received[slot]!;
      while (uplinksByGatewaysReceived.length <= k) uplinksByGatewaysReceived.push(0);
      uplinksByGatewaysReceived[k]!++;
    }
    for (const sink of sinks) sink.frame?.(r, slot, store);
    store.free(slot);
  }

  function decided(untilMs: number): void {
    if (batched > 0) {
      if (batched > 1) {
        // Sorting needs an array of exactly the batch.
        if (frameBatch.length !== batched) frameBatch.length = batched;
        frameBatch.sort(compareSlots);
      }
      if (head > 4096 && head * 2 > tail) {
        pending.copyWithin(0, head, tail);
        tail -= head;
        head = 0;
      }
      for (let i = 0; i < batched; i++) putAt(pending, tail++, frameBatch[i]!);
      batched = 0;
    }
    receptionBatch.flush(sinks);
    const r = store.rows;
    while (head < tail) {
      const slot = pending[head]!;
      if (r.outcome[slot] === 0 && r.atMs[slot]! + r.airtimeMs[slot]! > untilMs) break;
      head++;
      release(slot);
    }
    if (head === tail) head = tail = 0;
  }

  function batch(slot: number): void {
    putAt(frameBatch, batched++, slot);
  }

  /**
   * Which transmission of a frame each record is: a sender's frame with the same message,
   * fragment and destination as its last one sent is a retransmission (LoRaWAN repetitions and
   * retries go out back to back, before the sender's next frame). Per sender: the last key and
   * its count.
   */
  const lastKey = new Float64Array(nodeCount).fill(Number.NaN);
  const lastCount = new Int32Array(nodeCount);
  function transmissionOf(sender: number, destination: number, messageId: number, fragmentIndex: number, sent: boolean): number {
    const key = (destination + 3) * 2 ** 32 + messageId * 65536 + fragmentIndex;
    const count = lastKey[sender] === key ? lastCount[sender]! + 1 : 1;
    if (sent) {
      lastKey[sender] = key;
      lastCount[sender] = count;
    }
    return count;
  }

  /** Fills a slot's columns for a frame. */
  function fill(slot: number, sender: number, seq: number, destination: number, outcome: number, blockReason: number, queuedAtMs: number, atMs: number, sf: number, phyBytes: number, messageId: number, fragmentIndex: number, fragmentCount: number): void {
    const r = store.rows;
    r.sender[slot] = sender;
    r.seq[slot] = seq;
    r.destination[slot] = destination;
    r.outcome[slot] = outcome;
    r.blockReason[slot] = blockReason;
    r.queuedAtMs[slot] = queuedAtMs;
    r.atMs[slot] = atMs;
    r.sf[slot] = sf;
    r.phyBytes[slot] = phyBytes;
    r.messageId[slot] = messageId;
    r.fragmentIndex[slot] = fragmentIndex;
    r.fragmentCount[slot] = fragmentCount;
    r.transmission[slot] = transmissionOf(sender, destination, messageId, fragmentIndex, outcome === 0);
  }

  const lists = (): unknown[][] => [frames, receptions, frameBatch.slice(0, batched)];
  const tracker: RadioTracker = {
    get frames() {
      return frames;
    },
    checkpoint: () => ({
      tallies: tallies.checkpoint(),
      store: store.checkpoint(),
      lists: lists(),
      receptions: receptionBatch.checkpoint(),
      airtime: airtimeBooks.checkpoint(),
      fateCounts,
      blockedBy,
      latencies: messages.latencies(),
      pending: pending.slice(0, tail),
      onAir: onAir.lists(),
      numbers: [head, sent, blocked, airtimeMs, txEnergyUj, ...messages.counts(), unsentAtDeath],
      uplinksByGatewaysReceived,
      transmissions: [lastKey, lastCount],
    }),
    restore(state) {
      tallies.restore(state.tallies);
      store.restore(state.store);
      replaceArray(frames, state.lists[0]!);
      replaceArray(receptions, state.lists[1]!);
      replaceArray(frameBatch, state.lists[2]!);
      batched = frameBatch.length;
      receptionBatch.restore(state.receptions);
      airtimeBooks.restore(state.airtime);
      Object.assign(fateCounts, state.fateCounts);
      Object.assign(blockedBy, state.blockedBy);
      messages.restore(state.latencies, state.numbers.slice(5, 9));
      replaceArray(pending, state.pending);
      tail = pending.length;
      onAir.restore(state.onAir);
      replaceArray(uplinksByGatewaysReceived, state.uplinksByGatewaysReceived ?? []);
      if (state.transmissions) {
        lastKey.set(state.transmissions[0]);
        lastCount.set(state.transmissions[1]);
      }
      [head, sent, blocked, airtimeMs, txEnergyUj] = state.numbers as [number, number, number, number, number];
      unsentAtDeath = state.numbers[9]!;
    },
    get receptions() {
      return receptions;
    },
    node: (index) => tallies.tally(index),
    get nodes() {
      return Array.from({ length: nodeCount }, (_, i) => tallies.tally(i));
    },
    addSink(sink) {
      sinks.push(sink);
    },
    decided,
    handle(event) {
      if (event.type === 'reception') tracker.reception(event.tx, event.receiver, event.fate, event.rxPowerDbm, event.snrDb);
      else dispatchEvent(tracker, event);
    },
    txStarted(tx, queuedAtMs, queueWaitMs, dutyCycleWaitMs, wakeWaitMs, energyUj) {
      const slot = store.allocate();
      fill(slot, tx.sender, tx.seq, tx.destination, 0, 0, queuedAtMs, tx.startMs, tx.sf, tx.bytes.length, tx.messageId, tx.fragmentIndex, tx.fragmentCount);
      const r = store.rows;
      r.queueWaitMs[slot] = queueWaitMs;
      r.dutyCycleWaitMs[slot] = dutyCycleWaitMs;
      r.wakeWaitMs[slot] = wakeWaitMs;
      r.airtimeMs[slot] = tx.airtimeMs;
      r.channelHz[slot] = tx.channelHz;
      r.bandwidthHz[slot] = tx.bandwidthHz;
      r.txPowerDbm[slot] = tx.txPowerDbm;
      r.energyUj[slot] = energyUj;
      batch(slot);
      onAir.add(tx.sender, slot);
      sent++;
      counts.attempts[tx.sender]!++;
      counts.sent[tx.sender]!++;
    },
    txBlocked(atMs, sender, destination, reason, phyBytes, sf, messageId, fragmentIndex, fragmentCount, queuedAtMs) {
      const slot = store.allocate();
      fill(slot, sender, -1, destination, 1, reason === 'deadline' ? 1 : 2, queuedAtMs, atMs, sf, phyBytes, messageId, fragmentIndex, fragmentCount);
      const r = store.rows;
      r.queueWaitMs[slot] = 0;
      r.dutyCycleWaitMs[slot] = 0;
      r.wakeWaitMs[slot] = 0;
      r.airtimeMs[slot] = 0;
      r.channelHz[slot] = 0;
      r.bandwidthHz[slot] = 0;
      r.txPowerDbm[slot] = 0;
      r.energyUj[slot] = 0;
      batch(slot);
      blocked++;
      blockedBy[reason]++;
      counts.attempts[sender]!++;
      counts.dutyCycleBlocked[sender]!++;
    },
    reception(tx, receiver, fate, rxPowerDbm, snrDb) {
      const slot = onAir.find(tx.sender, tx.seq, store.rows.seq);
      if (slot < 0) throw new Error(`reception of frame ${tx.seq} of node ${tx.sender}, which the tracker never saw start`);
      const r = store.rows;
      r.receivers[slot]!++;
      r.fate[slot] = r.receivers[slot] === 1 ? fateNumber[fate] : 0;
      fateCounts[fate]++;
      counts.receptions[tx.sender]!++;
      if (fate === 'received') {
        r.received[slot]!++;
        counts.receptionsReceived[tx.sender]!++;
        counts.framesHeard[receiver]!++;
      }
      receptionBatch.add(tx, receiver, fate, rxPowerDbm, snrDb);
    },
    txUnsent(_atMs, sender) {
      counts.unsentAtDeath[sender]!++;
      unsentAtDeath++;
    },
    nodeDied(atMs, node, reason) {
      tallies.died(node, atMs, reason);
    },
    nodeFault(_atMs, node) {
      counts.faults[node]!++;
    },
    messageSent(_atMs, sender, destination) {
      messages.sent(sender, destination);
    },
    messageDelivered(atMs, sender, receiver, destination, _messageId, createdAtMs) {
      messages.delivered(atMs, sender, receiver, destination, createdAtMs);
    },
    finalize() {
      decided(Number.POSITIVE_INFINITY);
    },
    totals() {
      const receptionsTotal = fates.reduce((sum, fate) => sum + fateCounts[fate], 0);
      return {
        attempts: sent + blocked,
        sent,
        dutyCycleBlocked: blocked,
        dutyCycleBlockedBy: { ...blockedBy },
        unsentAtDeath,
        receptions: receptionsTotal,
        fates: { ...fateCounts },
        airtimeMs,
        airtimeBySfMs: airtimeBooks.bySf(),
        airtimeByChannelMs: airtimeBooks.byChannel(),
        txEnergyUj,
        ...messages.totals(),
        uplinksByGatewaysReceived: [...uplinksByGatewaysReceived],
      };
    },
  };
  return tracker;
}
