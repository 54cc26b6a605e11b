/**
 * The radio tracker: subscribes to node and ether events and keeps the books — every attempt
 * (sent or dutyCycleBlocked), every fate per addressed receiver, airtime, transmit energy,
 * application messages and their latency — per run and per node.
 */
import type { BlockReason, SimEvent } from '../node/events.ts';
import { fates, type Fate } from '../radio/transmission.ts';
import { percentile } from './stats.ts';

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

export interface NodeTally {
  attempts: number;
  sent: number;
  dutyCycleBlocked: number;
  airtimeMs: number;
  txEnergyUj: number;
  /** Receptions of this node's frames, and how many were received. */
  receptions: number;
  receptionsReceived: number;
  /** Frames this node received, as a receiver. */
  framesHeard: number;
  messagesSent: number;
  messagesDelivered: number;
  /** Queued frames that never got an outcome because the node died. */
  unsentAtDeath: number;
  diedAtMs: number | undefined;
  deathReason: 'brownOut' | 'batteryEmpty' | 'failure' | undefined;
  faults: number;
  /** Airtime per channel (Hz → ms), for duty-cycle use. */
  readonly airtimeByChannelMs: Map<number, number>;
}

export interface RadioTracker {
  handle(event: SimEvent): void;
  /**
   * Puts frames and receptions in canonical order — (atMs, sender, seq, …) and (atMs, sender,
   * seq, receiver) — and recomputes every floating-point sum from that order, so that results
   * do not depend on the order in which events arrived (which another transport may change).
   * Call once, after the run.
   */
  finalize(): void;
  readonly frames: readonly FrameRecord[];
  readonly receptions: readonly ReceptionRecord[];
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

export function createRadioTracker(nodeCount: number, options: { readonly keepReceptions: boolean } = { keepReceptions: true }): RadioTracker {
  const frames: FrameRecord[] = [];
  const sentBySender: FrameRecord[][] = Array.from({ length: nodeCount }, () => []);
  const receptions: ReceptionRecord[] = [];
  const nodes: NodeTally[] = Array.from({ length: nodeCount }, () => ({
    attempts: 0,
    sent: 0,
    dutyCycleBlocked: 0,
    airtimeMs: 0,
    txEnergyUj: 0,
    receptions: 0,
    receptionsReceived: 0,
    framesHeard: 0,
    messagesSent: 0,
    messagesDelivered: 0,
    unsentAtDeath: 0,
    diedAtMs: undefined,
    deathReason: undefined,
    faults: 0,
    airtimeByChannelMs: new Map(),
  }));
  const fateCounts = Object.fromEntries(fates.map((fate) => [fate, 0])) as Record<Fate, number>;
  const blockedBy: Record<BlockReason, number> = { deadline: 0, queueFull: 0 };
  const airtimeBySf = new Map<number, number>();
  const airtimeByChannel = new Map<number, number>();
  const latencies: number[] = [];
  let sent = 0;
  let blocked = 0;
  let airtimeMs = 0;
  let txEnergyUj = 0;
  let messagesSent = 0;
  let unicastSent = 0;
  let unicastDelivered = 0;
  let deliveries = 0;
  let unsentAtDeath = 0;
  /** Destination of each unicast message in flight, keyed by sender × 2^16 + message id. */
  const unicastDestination = new Map<number, number>();

  const add = (map: Map<number, number>, key: number, value: number): void => {
    map.set(key, (map.get(key) ?? 0) + value);
  };

  return {
    frames,
    receptions,
    nodes,
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
          frames.push(record);
          sentBySender[tx.sender]![tx.seq] = record;
          sent++;
          airtimeMs += tx.airtimeMs;
          txEnergyUj += event.energyUj;
          add(airtimeBySf, tx.sf, tx.airtimeMs);
          add(airtimeByChannel, tx.channelHz, tx.airtimeMs);
          const node = nodes[tx.sender]!;
          node.attempts++;
          node.sent++;
          node.airtimeMs += tx.airtimeMs;
          node.txEnergyUj += event.energyUj;
          add(node.airtimeByChannelMs, tx.channelHz, tx.airtimeMs);
          return;
        }
        case 'txBlocked': {
          frames.push({
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
          const node = nodes[event.sender]!;
          node.attempts++;
          node.dutyCycleBlocked++;
          return;
        }
        case 'reception': {
          const { tx, fate, receiver } = event;
          const record = sentBySender[tx.sender]![tx.seq]!;
          record.receivers++;
          record.fate = record.receivers === 1 ? fate : '';
          fateCounts[fate]++;
          const sender = nodes[tx.sender]!;
          sender.receptions++;
          if (fate === 'received') {
            record.received++;
            sender.receptionsReceived++;
            nodes[receiver]!.framesHeard++;
          }
          if (options.keepReceptions) {
            receptions.push({ sender: tx.sender, seq: tx.seq, receiver, atMs: event.atMs, fate, rxPowerDbm: event.rxPowerDbm, snrDb: event.snrDb });
          }
          return;
        }
        case 'txUnsent':
          nodes[event.sender]!.unsentAtDeath++;
          unsentAtDeath++;
          return;
        case 'nodeDied': {
          const node = nodes[event.node]!;
          node.diedAtMs = event.atMs;
          node.deathReason = event.reason;
          return;
        }
        case 'nodeFault':
          nodes[event.node]!.faults++;
          return;
        case 'messageSent':
          messagesSent++;
          nodes[event.sender]!.messagesSent++;
          if (event.destination >= 0) {
            unicastSent++;
            unicastDestination.set(event.sender * 0x10000 + event.messageId, event.destination);
          }
          return;
        case 'messageDelivered': {
          deliveries++;
          latencies.push(event.atMs - event.createdAtMs);
          const key = event.sender * 0x10000 + event.messageId;
          if (unicastDestination.get(key) === event.receiver) {
            unicastDelivered++;
            unicastDestination.delete(key);
            nodes[event.sender]!.messagesDelivered++;
          }
          return;
        }
      }
    },
    finalize() {
      frames.sort(compareFrames);
      receptions.sort((a, b) => a.atMs - b.atMs || a.sender - b.sender || a.seq - b.seq || a.receiver - b.receiver);
      airtimeMs = 0;
      txEnergyUj = 0;
      airtimeBySf.clear();
      airtimeByChannel.clear();
      for (const node of nodes) {
        node.airtimeMs = 0;
        node.txEnergyUj = 0;
        node.airtimeByChannelMs.clear();
      }
      for (const frame of frames) {
        if (frame.outcome !== 'sent') continue;
        airtimeMs += frame.airtimeMs;
        txEnergyUj += frame.energyUj;
        add(airtimeBySf, frame.sf, frame.airtimeMs);
        add(airtimeByChannel, frame.channelHz, frame.airtimeMs);
        const node = nodes[frame.sender]!;
        node.airtimeMs += frame.airtimeMs;
        node.txEnergyUj += frame.energyUj;
        add(node.airtimeByChannelMs, frame.channelHz, frame.airtimeMs);
      }
    },
    totals() {
      const sorted = [...latencies].sort((a, b) => a - b);
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
