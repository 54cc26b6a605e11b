/**
 * Frame records in typed-array columns, by slot: the tracker keeps a frame here from its start
 * until every fate is known, then hands the slot to its sinks (the frames.csv writer reads the
 * columns directly) and frees it. Slots are reused, so the store holds only the frames of the
 * last few seconds of a run, however long it is.
 */
import { replaceArray, type Checkpointable } from '../sim/checkpoint-state.ts';
import type { BlockReason } from '../node/events.ts';
import { fates, type Fate } from '../radio/transmission.ts';
import type { FrameRecord } from './radio-tracker.ts';

export const outcomes = ['sent', 'dutyCycleBlocked'] as const;
export const blockReasons = ['', 'deadline', 'queueFull'] as const;
/** Fate numbers in the `fate` column: 0 for none (no receiver, or several), then `fates` from 1. */
export const fateLabels: readonly (Fate | '')[] = ['', ...fates];
export const fateNumber: Readonly<Record<Fate, number>> = Object.fromEntries(fates.map((fate, i) => [fate, i + 1])) as Record<Fate, number>;

export interface FrameRows {
  readonly sender: Int32Array;
  readonly seq: Float64Array;
  readonly destination: Int32Array;
  /** 0 sent, 1 dutyCycleBlocked. */
  readonly outcome: Uint8Array;
  /** 0 none, 1 deadline, 2 queueFull. */
  readonly blockReason: Uint8Array;
  readonly queuedAtMs: Float64Array;
  readonly atMs: Float64Array;
  readonly queueWaitMs: Float64Array;
  readonly dutyCycleWaitMs: Float64Array;
  readonly wakeWaitMs: Float64Array;
  readonly airtimeMs: Float64Array;
  readonly channelHz: Float64Array;
  readonly sf: Uint8Array;
  readonly bandwidthHz: Float64Array;
  readonly txPowerDbm: Float64Array;
  readonly phyBytes: Int32Array;
  readonly messageId: Int32Array;
  readonly fragmentIndex: Int32Array;
  readonly fragmentCount: Int32Array;
  readonly energyUj: Float64Array;
  readonly receivers: Int32Array;
  readonly received: Int32Array;
  /** See `fateLabels`. */
  readonly fate: Uint8Array;
  /** 1 for a frame's first transmission, 2 for its first retransmission (the same message, fragment and destination sent again), …. */
  readonly transmission: Int32Array;
}

/** The rows of frames not yet written and the free slots (a checkpoint: checkpoint-state.ts). */
export interface FrameStoreState {
  readonly rows: FrameRows;
  readonly capacity: number;
  readonly freeSlots: readonly number[];
}

export interface FrameStore extends Checkpointable<FrameStoreState> {
  /** The columns (replaced when the store grows: read them through `rows` each time). */
  readonly rows: FrameRows;
  /** A free slot, its counters zeroed. */
  allocate(): number;
  free(slot: number): void;
  /** The slot's record as an object. */
  record(slot: number): FrameRecord;
}

export type Column = Int32Array | Float64Array | Uint8Array;
export type ColumnType = Int32ArrayConstructor | Float64ArrayConstructor | Uint8ArrayConstructor;

/** Each column's type, in the columns' order (a batch of rows for the writer thread is laid out by it: row-batch.ts). */
export const frameColumnTypes: Readonly<Record<keyof FrameRows, ColumnType>> = {
  sender: Int32Array,
  seq: Float64Array,
  destination: Int32Array,
  outcome: Uint8Array,
  blockReason: Uint8Array,
  queuedAtMs: Float64Array,
  atMs: Float64Array,
  queueWaitMs: Float64Array,
  dutyCycleWaitMs: Float64Array,
  wakeWaitMs: Float64Array,
  airtimeMs: Float64Array,
  channelHz: Float64Array,
  sf: Uint8Array,
  bandwidthHz: Float64Array,
  txPowerDbm: Float64Array,
  phyBytes: Int32Array,
  messageId: Int32Array,
  fragmentIndex: Int32Array,
  fragmentCount: Int32Array,
  energyUj: Float64Array,
  receivers: Int32Array,
  received: Int32Array,
  fate: Uint8Array,
  transmission: Int32Array,
};

function columns(capacity: number): FrameRows {
  return Object.fromEntries(Object.entries(frameColumnTypes).map(([name, Type]) => [name, new Type(capacity)])) as unknown as FrameRows;
}

export function createFrameStore(initialCapacity = 256): FrameStore {
  let rows = columns(initialCapacity);
  let capacity = initialCapacity;
  const freeSlots: number[] = [];
  for (let slot = capacity - 1; slot >= 0; slot--) freeSlots.push(slot);

  function grow(): void {
    const next = columns(capacity * 2);
    for (const name of Object.keys(rows) as (keyof FrameRows)[]) (next[name] as Column).set(rows[name] as Column);
    for (let slot = capacity * 2 - 1; slot >= capacity; slot--) freeSlots.push(slot);
    capacity *= 2;
    rows = next;
  }

  return {
    get rows() {
      return rows;
    },
    checkpoint: () => ({ rows, capacity, freeSlots }),
    restore(state) {
      rows = state.rows;
      capacity = state.capacity;
      replaceArray(freeSlots, state.freeSlots);
    },
    allocate() {
      if (freeSlots.length === 0) grow();
      const slot = freeSlots.pop()!;
      rows.receivers[slot] = 0;
      rows.received[slot] = 0;
      rows.fate[slot] = 0;
      return slot;
    },
    free(slot) {
      freeSlots.push(slot);
    },
    record(slot) {
      const r = rows;
      return {
        sender: r.sender[slot]!,
        seq: r.seq[slot]!,
        destination: r.destination[slot]!,
        outcome: outcomes[r.outcome[slot]!]!,
        blockReason: blockReasons[r.blockReason[slot]!]! as BlockReason | '',
        queuedAtMs: r.queuedAtMs[slot]!,
        atMs: r.atMs[slot]!,
        queueWaitMs: r.queueWaitMs[slot]!,
        dutyCycleWaitMs: r.dutyCycleWaitMs[slot]!,
        wakeWaitMs: r.wakeWaitMs[slot]!,
        airtimeMs: r.airtimeMs[slot]!,
        channelHz: r.channelHz[slot]!,
        sf: r.sf[slot]!,
        bandwidthHz: r.bandwidthHz[slot]!,
        txPowerDbm: r.txPowerDbm[slot]!,
        phyBytes: r.phyBytes[slot]!,
        messageId: r.messageId[slot]!,
        fragmentIndex: r.fragmentIndex[slot]!,
        fragmentCount: r.fragmentCount[slot]!,
        energyUj: r.energyUj[slot]!,
        receivers: r.receivers[slot]!,
        received: r.received[slot]!,
        fate: fateLabels[r.fate[slot]!]!,
        transmission: r.transmission[slot]!,
      };
    },
  };
}

/** Copies row `from` of `source` into row `to` of `target` (a batch for the writer thread). */
export function copyFrameRow(source: FrameRows, from: number, target: FrameRows, to: number): void {
  target.sender[to] = source.sender[from]!;
  target.seq[to] = source.seq[from]!;
  target.destination[to] = source.destination[from]!;
  target.outcome[to] = source.outcome[from]!;
  target.blockReason[to] = source.blockReason[from]!;
  target.queuedAtMs[to] = source.queuedAtMs[from]!;
  target.atMs[to] = source.atMs[from]!;
  target.queueWaitMs[to] = source.queueWaitMs[from]!;
  target.dutyCycleWaitMs[to] = source.dutyCycleWaitMs[from]!;
  target.wakeWaitMs[to] = source.wakeWaitMs[from]!;
  target.airtimeMs[to] = source.airtimeMs[from]!;
  target.channelHz[to] = source.channelHz[from]!;
  target.sf[to] = source.sf[from]!;
  target.bandwidthHz[to] = source.bandwidthHz[from]!;
  target.txPowerDbm[to] = source.txPowerDbm[from]!;
  target.phyBytes[to] = source.phyBytes[from]!;
  target.messageId[to] = source.messageId[from]!;
  target.fragmentIndex[to] = source.fragmentIndex[from]!;
  target.fragmentCount[to] = source.fragmentCount[from]!;
  target.energyUj[to] = source.energyUj[from]!;
  target.receivers[to] = source.receivers[from]!;
  target.received[to] = source.received[from]!;
  target.fate[to] = source.fate[from]!;
  target.transmission[to] = source.transmission[from]!;
}
