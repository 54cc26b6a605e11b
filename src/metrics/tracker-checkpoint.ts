/** What a checkpoint of the radio tracker holds (checkpoint-state.ts): the books so far and the frames not yet written. */
import { replaceArray } from '../sim/checkpoint-state.ts';
import type { BlockReason } from '../node/events.ts';
import type { Fate } from '../radio/transmission.ts';
import type { AirtimeBooksState } from './airtime-books.ts';
import type { FrameStoreState } from './frame-rows.ts';
import type { NodeTalliesState } from './node-tallies.ts';
import type { ReceptionBatchState } from './reception-batch.ts';
import type { TrackerBooks } from './tracker-books.ts';
import { restoreTransmissions, transmissionColumns } from './transmission-count.ts';

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

export function checkpointTracker(books: TrackerBooks): RadioTrackerState {
  const { order, messages } = books;
  return {
    tallies: books.tallies.checkpoint(),
    store: books.store.checkpoint(),
    lists: [books.frames, books.receptions, order.batch.slice(0, order.batched)],
    receptions: books.receptionBatch.checkpoint(),
    airtime: books.airtimeBooks.checkpoint(),
    fateCounts: books.fateCounts,
    blockedBy: books.blockedBy,
    latencies: messages.latencies(),
    pending: order.pending.slice(0, order.tail),
    onAir: books.onAir.lists(),
    numbers: [order.head, books.sent, books.blocked, books.airtimeMs, books.txEnergyUj, ...messages.counts(), books.unsentAtDeath],
    uplinksByGatewaysReceived: books.uplinksByGatewaysReceived,
    transmissions: transmissionColumns(books.transmissions),
  };
}

export function restoreTracker(books: TrackerBooks, state: RadioTrackerState): void {
  const { order } = books;
  books.tallies.restore(state.tallies);
  books.store.restore(state.store);
  replaceArray(books.frames, state.lists[0]!);
  replaceArray(books.receptions, state.lists[1]!);
  replaceArray(order.batch, state.lists[2]! as number[]);
  order.batched = order.batch.length;
  books.receptionBatch.restore(state.receptions);
  books.airtimeBooks.restore(state.airtime);
  Object.assign(books.fateCounts, state.fateCounts);
  Object.assign(books.blockedBy, state.blockedBy);
  books.messages.restore(state.latencies, state.numbers.slice(5, 9));
  replaceArray(order.pending, state.pending);
  order.tail = order.pending.length;
  books.onAir.restore(state.onAir);
  replaceArray(books.uplinksByGatewaysReceived, state.uplinksByGatewaysReceived ?? []);
  if (state.transmissions) restoreTransmissions(books.transmissions, state.transmissions);
  [order.head, books.sent, books.blocked, books.airtimeMs, books.txEnergyUj] = state.numbers as [number, number, number, number, number];
  books.unsentAtDeath = state.numbers[9]!;
}
