/**
 * The radio tracker's state as one explicit record, made once per run (radio-tracker.ts): the
 * per-node tallies, the rows of frames not yet final and their canonical order, the run's
 * counts and sums, and the sinks of final records. Its totals are read here too.
 */
import type { BlockReason } from '../node/events.ts';
import { fates, type Fate } from '../radio/transmission.ts';
import { createAirtimeBooks, type AirtimeBooks } from './airtime-books.ts';
import { createFrameOrder, type FrameOrder } from './frame-order.ts';
import { createFrameStore, type FrameStore } from './frame-rows.ts';
import { createMessageBooks, type MessageBooks } from './message-books.ts';
import { createNodeTallies, type NodeTallies } from './node-tallies.ts';
import { createOnAirSlots, type OnAirSlots } from './on-air-slots.ts';
import type { FrameRecord, RadioTotals, ReceptionRecord, RecordSink } from './radio-records.ts';
import { createReceptionBatch, type ReceptionBatch } from './reception-batch.ts';
import { createTransmissionCount, type TransmissionCount } from './transmission-count.ts';
import { createTrackerRows } from './tracker-rows.ts';

export interface TrackerBooks {
  readonly nodeCount: number;
  readonly tallies: NodeTallies;
  /** The tracker rows (tracker-rows.ts), which hold the node tallies' counters (node-tallies.ts, `bump`). */
  readonly cells: Float64Array;
  readonly store: FrameStore;
  readonly order: FrameOrder;
  readonly onAir: OnAirSlots;
  readonly transmissions: TransmissionCount;
  readonly sinks: RecordSink[];
  /** Every record, when kept (`keepRecords`). */
  readonly frames: FrameRecord[];
  readonly receptions: ReceptionRecord[];
  readonly receptionBatch: ReceptionBatch;
  readonly airtimeBooks: AirtimeBooks;
  readonly messages: MessageBooks;
  readonly fateCounts: Record<Fate, number>;
  readonly blockedBy: Record<BlockReason, number>;
  /** Uplinks to every gateway by how many gateways received them. */
  readonly uplinksByGatewaysReceived: number[];
  sent: number;
  blocked: number;
  airtimeMs: number;
  txEnergyUj: number;
  unsentAtDeath: number;
}

export function createTrackerBooks(nodeCount: number, keepRecords: boolean, sinks: readonly RecordSink[]): TrackerBooks {
  const rows = createTrackerRows(nodeCount);
  const tallies = createNodeTallies(rows, nodeCount);
  const store = createFrameStore();
  const books: TrackerBooks = {
    nodeCount,
    tallies,
    cells: tallies.cells,
    store,
    order: createFrameOrder(store),
    onAir: createOnAirSlots(rows, nodeCount),
    transmissions: createTransmissionCount(rows, nodeCount),
    sinks: [...sinks],
    frames: [],
    receptions: [],
    receptionBatch: createReceptionBatch(),
    airtimeBooks: createAirtimeBooks(),
    messages: createMessageBooks(tallies),
    fateCounts: Object.fromEntries(fates.map((fate) => [fate, 0])) as Record<Fate, number>,
    blockedBy: { deadline: 0, queueFull: 0 },
    uplinksByGatewaysReceived: [],
    sent: 0,
    blocked: 0,
    airtimeMs: 0,
    txEnergyUj: 0,
    unsentAtDeath: 0,
  };
  if (keepRecords) {
    const { frames, receptions } = books;
    books.sinks.push({
      frame: (_rows, slot) => frames.push(store.record(slot)),
      reception: (sender, seq, receiver, atMs, fate, rxPowerDbm, snrDb) => receptions.push({ sender, seq, receiver, atMs, fate, rxPowerDbm, snrDb }),
    });
  }
  return books;
}

export function trackerTotals(books: TrackerBooks): RadioTotals {
  const { fateCounts, airtimeBooks } = books;
  const receptionsTotal = fates.reduce((sum, fate) => sum + fateCounts[fate], 0);
  return {
    attempts: books.sent + books.blocked,
    sent: books.sent,
    dutyCycleBlocked: books.blocked,
    dutyCycleBlockedBy: { ...books.blockedBy },
    unsentAtDeath: books.unsentAtDeath,
    receptions: receptionsTotal,
    fates: { ...fateCounts },
    airtimeMs: books.airtimeMs,
    airtimeBySfMs: airtimeBooks.bySf(),
    airtimeByChannelMs: airtimeBooks.byChannel(),
    txEnergyUj: books.txEnergyUj,
    ...books.messages.totals(),
    uplinksByGatewaysReceived: [...books.uplinksByGatewaysReceived],
  };
}
