/**
 * What the radio tracker does with each event as it comes (radio-tracker.ts): a frame sent or
 * blocked fills a slot of the frame rows and joins the batch awaiting canonical order; a
 * reception adds to its frame's row and the counts. Nothing is allocated per event.
 */
import type { BlockReason } from '../node/events.ts';
import type { Fate, Transmission } from '../radio/transmission.ts';
import { batchSlot } from './frame-order.ts';
import { fateNumber } from './frame-rows.ts';
import type { TrackerBooks } from './tracker-books.ts';
import { transmissionOf } from './transmission-count.ts';
import { ATTEMPTS, bump, DUTY_CYCLE_BLOCKED, FRAMES_HEARD, RECEPTIONS, RECEPTIONS_RECEIVED, SENT } from './node-tallies.ts';

/** A frame went on the air. */
export function recordSent(books: TrackerBooks, tx: Transmission, queuedAtMs: number, queueWaitMs: number, dutyCycleWaitMs: number, wakeWaitMs: number, energyUj: number): void {
  const { store, cells } = books;
  const slot = store.allocate();
  fill(books, slot, tx.sender, tx.seq, tx.destination, 0, 0, queuedAtMs, tx.startMs, tx.sf, tx.bytes.length, tx.messageId, tx.fragmentIndex, tx.fragmentCount);
  const r = store.rows;
  r.queueWaitMs[slot] = queueWaitMs;
  r.dutyCycleWaitMs[slot] = dutyCycleWaitMs;
  r.wakeWaitMs[slot] = wakeWaitMs;
  r.airtimeMs[slot] = tx.airtimeMs;
  r.channelHz[slot] = tx.channelHz;
  r.bandwidthHz[slot] = tx.bandwidthHz;
  r.txPowerDbm[slot] = tx.txPowerDbm;
  r.energyUj[slot] = energyUj;
  batchSlot(books.order, slot);
  books.onAir.add(tx.sender, slot);
  books.sent++;
  bump(cells, tx.sender, ATTEMPTS);
  bump(cells, tx.sender, SENT);
}

/** The MAC gave a frame up (dutyCycleBlocked). */
export function recordBlocked(books: TrackerBooks, atMs: number, sender: number, destination: number, reason: BlockReason, phyBytes: number, sf: number, messageId: number, fragmentIndex: number, fragmentCount: number, queuedAtMs: number): void {
  const { store, cells } = books;
  const slot = store.allocate();
  fill(books, slot, sender, -1, destination, 1, reason === 'deadline' ? 1 : 2, queuedAtMs, atMs, sf, phyBytes, messageId, fragmentIndex, fragmentCount);
  const r = store.rows;
  r.queueWaitMs[slot] = 0;
  r.dutyCycleWaitMs[slot] = 0;
  r.wakeWaitMs[slot] = 0;
  r.airtimeMs[slot] = 0;
  r.channelHz[slot] = 0;
  r.bandwidthHz[slot] = 0;
  r.txPowerDbm[slot] = 0;
  r.energyUj[slot] = 0;
  batchSlot(books.order, slot);
  books.blocked++;
  books.blockedBy[reason]++;
  bump(cells, sender, ATTEMPTS);
  bump(cells, sender, DUTY_CYCLE_BLOCKED);
}

/** The ether decided a frame's fate at one receiver. */
export function recordReception(books: TrackerBooks, tx: Transmission, receiver: number, fate: Fate, rxPowerDbm: number, snrDb: number): void {
  const { store, cells } = books;
  const slot = books.onAir.find(tx.sender, tx.seq, store.rows.seq);
  if (slot < 0) throw new Error(`reception of frame ${tx.seq} of node ${tx.sender}, which the tracker never saw start`);
  const r = store.rows;
  r.receivers[slot]!++;
  r.fate[slot] = r.receivers[slot] === 1 ? fateNumber[fate] : 0;
  books.fateCounts[fate]++;
  bump(cells, tx.sender, RECEPTIONS);
  if (fate === 'received') {
    r.received[slot]!++;
    bump(cells, tx.sender, RECEPTIONS_RECEIVED);
    bump(cells, receiver, FRAMES_HEARD);
  }
  books.receptionBatch.add(tx, receiver, fate, rxPowerDbm, snrDb);
}

/** Fills a slot's columns for a frame. */
function fill(books: TrackerBooks, slot: number, sender: number, seq: number, destination: number, outcome: number, blockReason: number, queuedAtMs: number, atMs: number, sf: number, phyBytes: number, messageId: number, fragmentIndex: number, fragmentCount: number): void {
  const r = books.store.rows;
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
  r.transmission[slot] = transmissionOf(books.transmissions, sender, destination, messageId, fragmentIndex, outcome === 0);
}
