/**
 * Final records (radio-tracker.ts): once the ether has decided every frame that ended by some
 * time, the frames in canonical order whose fates are all known are summed (in that order, so
 * that no total depends on the transport), handed to the sinks and their slots given back.
 */
import { gatewaysDestination } from '../radio/transmission.ts';
import { appendBatch } from './frame-order.ts';
import type { TrackerBooks } from './tracker-books.ts';

/** The ether has decided every frame that ended at or before `untilMs`: their records are final. */
export function releaseDecided(books: TrackerBooks, untilMs: number): void {
  const { order } = books;
  appendBatch(order);
  books.receptionBatch.flush(books.sinks);
  const { pending } = order;
  const r = books.store.rows;
  while (order.head < order.tail) {
    const slot = pending[order.head]!;
    if (r.outcome[slot] === 0 && r.atMs[slot]! + r.airtimeMs[slot]! > untilMs) break;
    order.head++;
    release(books, slot);
  }
  if (order.head === order.tail) order.head = order.tail = 0;
}

/** A final record: its sums (in canonical order), the sinks, and its slot back. */
function release(books: TrackerBooks, slot: number): void {
  const { store, sinks } = books;
  const r = store.rows;
  if (r.outcome[slot] === 0) {
    books.onAir.remove(r.sender[slot]!, slot);
    const airtime = r.airtimeMs[slot]!;
    books.airtimeMs += airtime;
    books.txEnergyUj += r.energyUj[slot]!;
    books.airtimeBooks.add(r.sf[slot]!, r.channelHz[slot]!, airtime);
    books.tallies.addFrame(r.sender[slot]!, r.channelHz[slot]!, airtime, r.energyUj[slot]!);
  }
  if (r.outcome[slot] === 0 && r.destination[slot] === gatewaysDestination) {
    const k = r.received[slot]!;
    const byReceived = books.uplinksByGatewaysReceived;
    while (byReceived.length <= k) byReceived.push(0);
    byReceived[k]!++;
  }
  for (const sink of sinks) sink.frame?.(r, slot, store);
  store.free(slot);
}
