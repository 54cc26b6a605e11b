/**
 * The canonical order of frame records (radio-tracker.ts): by time, sender, then the sender's
 * own order (seq, queuedAtMs, messageId, fragmentIndex). Frames arrive in batches, one per
 * decision, in no set order; a batch is sorted and appended to the slots whose records may
 * still be waiting for fates. Both lists are reused, never emptied (reused-list.ts).
 */
import type { FrameStore } from './frame-rows.ts';
import { putAt } from './reused-list.ts';
import { sortPrefix } from '../sim/sort-prefix.ts';

export interface FrameOrder {
  /** Slots of frames that arrived since the last decision, not yet in canonical order (the first `batched`). */
  readonly batch: number[];
  batched: number;
  /** Slots in canonical order whose fates may still be coming, from `head` to `tail`. */
  readonly pending: number[];
  head: number;
  tail: number;
  /** Compares two slots of the store in canonical order. */
  readonly compare: (a: number, b: number) => number;
}

export function createFrameOrder(store: FrameStore): FrameOrder {
  return {
    batch: [],
    batched: 0,
    pending: [],
    head: 0,
    tail: 0,
    compare(a, b) {
      const r = store.rows;
      return r.atMs[a]! - r.atMs[b]! || r.sender[a]! - r.sender[b]! || r.seq[a]! - r.seq[b]! || r.queuedAtMs[a]! - r.queuedAtMs[b]! || r.messageId[a]! - r.messageId[b]! || r.fragmentIndex[a]! - r.fragmentIndex[b]!;
    },
  };
}

/** A frame arrived (its slot is filled). */
export function batchSlot(order: FrameOrder, slot: number): void {
  putAt(order.batch, order.batched++, slot);
}

/** Sorts the batch into canonical order and appends it to the pending slots. */
export function appendBatch(order: FrameOrder): void {
  const { batch, pending } = order;
  const batched = order.batched;
  if (batched === 0) return;
  sortPrefix(batch, batched, order.compare);
  if (order.head > 4096 && order.head * 2 > order.tail) {
    pending.copyWithin(0, order.head, order.tail);
    order.tail -= order.head;
    order.head = 0;
  }
  for (let i = 0; i < batched; i++) putAt(pending, order.tail++, batch[i]!);
  order.batched = 0;
}
