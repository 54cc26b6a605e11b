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
import type { BlockReason, SimEvent } from '../node/events.ts';
import { fates, type Fate } from '../radio/transmission.ts';
import { createNodeTallies, type NodeTally } from './node-tallies.ts';
import { percentile } from './stats.ts';

export type { NodeTally } from './node-tallies.ts';

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
  frame?(record: FrameRecord): void;
  reception?(record: ReceptionRecord): void;
}

export interface RadioTrackerOptions {
  /** Keep every record in memory (`frames`, `receptions`), for tests and small runs; off for city runs. */
  readonly keepRecords?: boolean;
  readonly sinks?: readonly RecordSink[];
}

export interface RadioTracker {
  handle(event: SimEvent): void;
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
}

export function createRadioTracker(nodeCount: number, options: RadioTrackerOptions = {}): RadioTracker {
  const tallies = createNodeTallies(nodeCount);
  const { counts } = tallies;
  const sinks: RecordSink[] = [...(options.sinks ?? [])];
  const frames: FrameRecord[] = [];
  const receptions: ReceptionRecord[] = [];
  if (options.keepRecords ?? true) {
    sinks.push({ frame: (record) => frames.push(record), reception: (record) => receptions.push(record) });
  }
  const fateCounts = Object.fromEntries(fates.map((fate) => [fate, 0])) as Record<Fate, number>;
  const blockedBy: Record<BlockReason, number> = { deadline: 0, queueFull: 0 };
  const airtimeBySf = new Map<number, number>();
  const airtimeByChannel = new Map<number, number>();
  let latencies = new Float64Array(1024);
  let latencyCount = 0;
  let sortedLatencies: number[] | undefined;
  let sent = 0;
  let blocked = 0;
  let airtimeMs = 0;
  let txEnergyUj = 0;
  let messagesSent = 0;
  let unicastSent = 0;
  let unicastDelivered = 0;
  let deliveries = 0;
  let unsentAtDeath = 0;
  /** Records of frames that arrived since the last decision, not yet in canonical order. */
  let frameBatch: FrameRecord[] = [];
  let receptionBatch: ReceptionRecord[] = [];
  /** Records in canonical order whose fates may still be coming, from `head` on. */
  let pending: FrameRecord[] = [];
  let head = 0;
  /**
   * Sent frames not yet final, per sender (for their receptions): a sender transmits one frame at
   * a time, so its list holds one or two (a frame and the one started as it ended).
   */
  const onAir: (FrameRecord[] | undefined)[] = new Array<FrameRecord[] | undefined>(nodeCount);
  const onAirRecord = (sender: number, seq: number): FrameRecord | undefined => {
    const list = onAir[sender];
    if (list) for (const record of list) if (record.seq === seq) return record;
    return undefined;
  };

  const add = (map: Map<number, number>, key: number, value: number): void => {
    map.set(key, (map.get(key) ?? 0) + value);
  };

  /** A final record: its sums (in canonical order) and the sinks. */
  function release(record: FrameRecord): void {
    if (record.outcome === 'sent') {
      const list = onAir[record.sender]!;
      list.splice(list.indexOf(record), 1);
      airtimeMs += record.airtimeMs;
      txEnergyUj += record.energyUj;
      add(airtimeBySf, record.sf, record.airtimeMs);
      add(airtimeByChannel, record.channelHz, record.airtimeMs);
      tallies.addFrame(record.sender, record.channelHz, record.airtimeMs, record.energyUj);
    }
    for (const sink of sinks) sink.frame?.(record);
  }

  function decided(untilMs: number): void {
    if (frameBatch.length > 0) {
      frameBatch.sort(compareFrames);
      if (head > 4096 && head * 2 > pending.length) {
        pending = pending.slice(head);
        head = 0;
      }
      for (const record of frameBatch) pending.push(record);
      frameBatch = [];
    }
    if (receptionBatch.length > 0) {
      const batch = receptionBatch.sort(compareReceptions);
      receptionBatch = [];
      for (const record of batch) for (const sink of sinks) sink.reception?.(record);
    }
    while (head < pending.length) {
      const record = pending[head]!;
      if (record.outcome === 'sent' && record.atMs + record.airtimeMs > untilMs) break;
      head++;
      release(record);
    }
    if (head === pending.length) {
      pending = [];
      head = 0;
    }
  }

  return {
    get frames() {
      return frames;
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
      switch (event.type) {
        case 'txStarted': {
          const { tx } = event;
          const record: FrameRecord = {
            sender: tx.sender,
            seq: tx.seq,
            destination: tx.destination,
            outcome: 'sent',
            blockReason: '',
            queuedAtMs: event.queuedAtMs,
            atMs: tx.startMs,
            queueWaitMs: event.queueWaitMs,
            dutyCycleWaitMs: event.dutyCycleWaitMs,
            wakeWaitMs: event.wakeWaitMs,
            airtimeMs: tx.airtimeMs,
            channelHz: tx.channelHz,
            sf: tx.sf,
            bandwidthHz: tx.bandwidthHz,
            txPowerDbm: tx.txPowerDbm,
            phyBytes: tx.bytes.length,
            messageId: tx.messageId,
            fragmentIndex: tx.fragmentIndex,
            fragmentCount: tx.fragmentCount,
            energyUj: event.energyUj,
            receivers: 0,
            received: 0,
            fate: '',
          };
          frameBatch.push(record);
          (onAir[tx.sender] ??= []).push(record);
          sent++;
          counts.attempts[tx.sender]!++;
          counts.sent[tx.sender]!++;
          return;
        }
        case 'txBlocked': {
          frameBatch.push({
            sender: event.sender,
            seq: -1,
            destination: event.destination,
            outcome: 'dutyCycleBlocked',
            blockReason: event.reason,
            queuedAtMs: event.queuedAtMs,
            atMs: event.atMs,
            queueWaitMs: 0,
            dutyCycleWaitMs: 0,
            wakeWaitMs: 0,
            airtimeMs: 0,
            channelHz: 0,
            sf: event.sf,
            bandwidthHz: 0,
            txPowerDbm: 0,
            phyBytes: event.phyBytes,
            messageId: event.messageId,
            fragmentIndex: event.fragmentIndex,
            fragmentCount: event.fragmentCount,
            energyUj: 0,
            receivers: 0,
            received: 0,
            fate: '',
          });
          blocked++;
          blockedBy[event.reason]++;
          counts.attempts[event.sender]!++;
          counts.dutyCycleBlocked[event.sender]!++;
          return;
        }
        case 'reception': {
          const { tx, fate, receiver } = event;
          const record = onAirRecord(tx.sender, tx.seq);
          if (!record) throw new Error(`reception of frame ${tx.seq} of node ${tx.sender}, which the tracker never saw start`);
          record.receivers++;
          record.fate = record.receivers === 1 ? fate : '';
          fateCounts[fate]++;
          counts.receptions[tx.sender]!++;
          if (fate === 'received') {
            record.received++;
            counts.receptionsReceived[tx.sender]!++;
            counts.framesHeard[receiver]!++;
          }
          receptionBatch.push({ sender: tx.sender, seq: tx.seq, receiver, atMs: event.atMs, fate, rxPowerDbm: event.rxPowerDbm, snrDb: event.snrDb });
          return;
        }
        case 'txUnsent':
          counts.unsentAtDeath[event.sender]!++;
          unsentAtDeath++;
          return;
        case 'nodeDied':
          tallies.died(event.node, event.atMs, event.reason);
          return;
        case 'nodeFault':
          counts.faults[event.node]!++;
          return;
        case 'messageSent':
          messagesSent++;
          counts.messagesSent[event.sender]!++;
          if (event.destination >= 0) unicastSent++;
          return;
        case 'messageDelivered': {
          deliveries++;
          if (latencyCount === latencies.length) {
            const grown = new Float64Array(latencies.length * 2);
            grown.set(latencies);
            latencies = grown;
          }
          latencies[latencyCount++] = event.atMs - event.createdAtMs;
          sortedLatencies = undefined;
          // A unicast message counts as delivered when its addressee completes it.
          if (event.destination >= 0 && event.destination === event.receiver) {
            unicastDelivered++;
            counts.messagesDelivered[event.sender]!++;
          }
          return;
        }
      }
    },
    finalize() {
      decided(Number.POSITIVE_INFINITY);
    },
    totals() {
      sortedLatencies ??= Array.from(latencies.subarray(0, latencyCount)).sort((a, b) => a - b);
      const sorted = sortedLatencies;
      const receptionsTotal = fates.reduce((sum, fate) => sum + fateCounts[fate], 0);
      const mean = sorted.length > 0 ? sorted.reduce((sum, value) => sum + value, 0) / sorted.length : undefined;
      const latency: RadioTotals['latencyMs'] = {};
      const p50 = percentile(sorted, 50);
      const p95 = percentile(sorted, 95);
      const p99 = percentile(sorted, 99);
      return {
        attempts: sent + blocked,
        sent,
        dutyCycleBlocked: blocked,
        dutyCycleBlockedBy: { ...blockedBy },
        unsentAtDeath,
        receptions: receptionsTotal,
        fates: { ...fateCounts },
        airtimeMs,
        airtimeBySfMs: airtimeBySf,
        airtimeByChannelMs: airtimeByChannel,
        txEnergyUj,
        messagesSent,
        unicastMessagesSent: unicastSent,
        unicastMessagesDelivered: unicastDelivered,
        messageDeliveries: deliveries,
        latencyMs: { ...latency, ...(p50 !== undefined && { p50 }), ...(p95 !== undefined && { p95 }), ...(p99 !== undefined && { p99 }), ...(mean !== undefined && { mean }) },
      };
    },
  };
}

/** Canonical order of frame records: by time, sender, then the sender's own order. */
function compareFrames(a: FrameRecord, b: FrameRecord): number {
  return (
    a.atMs - b.atMs ||
    a.sender - b.sender ||
    a.seq - b.seq ||
    a.queuedAtMs - b.queuedAtMs ||
    a.messageId - b.messageId ||
    a.fragmentIndex - b.fragmentIndex
  );
}

/** Canonical order of reception records. */
function compareReceptions(a: ReceptionRecord, b: ReceptionRecord): number {
  return a.atMs - b.atMs || a.sender - b.sender || a.seq - b.seq || a.receiver - b.receiver;
}
