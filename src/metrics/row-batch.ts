/**
 * Rows handed to the CSV writer thread (csv-writer-thread.ts) in batches: each batch is one
 * SharedArrayBuffer holding typed-array columns side by side, in a ring of a few that the run
 * fills and the thread empties (csv-thread.ts), so that no batch is allocated or copied. A
 * batch of frames has the tracker's frame columns (frame-rows.ts), so the thread writes it
 * with the same row writer as the simulation's own thread would.
 */
import { fateLabels, frameColumnTypes, type Column, type ColumnType, type FrameRows } from './frame-rows.ts';
import type { SeriesSink } from './series.ts';
import type { Fate } from '../radio/transmission.ts';

type Layout = Readonly<Record<string, ColumnType>>;

/** receptions.csv's fields as columns; `fate` by number (fateNumber in frame-rows.ts). */
export interface ReceptionColumns {
  readonly sender: Int32Array;
  readonly seq: Float64Array;
  readonly receiver: Int32Array;
  readonly atMs: Float64Array;
  readonly fate: Uint8Array;
  readonly rxPowerDbm: Float64Array;
  readonly snrDb: Float64Array;
}

export const receptionColumnTypes: Readonly<Record<keyof ReceptionColumns, ColumnType>> = {
  sender: Int32Array,
  seq: Float64Array,
  receiver: Int32Array,
  atMs: Float64Array,
  fate: Uint8Array,
  rxPowerDbm: Float64Array,
  snrDb: Float64Array,
};

/** Rows per batch: about half a megabyte of frames. */
export const batchRows = 4096;

/** Numbers in a series row: atMs, node, alive, state of charge, remaining mAh, then energies by state and duty cycles by sub-band. */
export const seriesRowWidth = (energyStates: number, bands: number): number => 5 + energyStates + bands;

/** Bytes of a batch of series rows of `width` numbers. */
export const seriesBatchBytes = (width: number): number => batchRows * width * 8;

/** Bytes of a batch of `rows` rows in `layout` (each column starts on 8 bytes). */
function layoutBytes(layout: Layout, rows: number): number {
  let bytes = 0;
  for (const Type of Object.values(layout)) bytes += align(Type.BYTES_PER_ELEMENT * rows);
  return bytes;
}

const align = (bytes: number): number => Math.ceil(bytes / 8) * 8;

/** The columns of `layout` over `buffer`, `rows` rows each. */
function columnsOver<T>(layout: Layout, buffer: ArrayBufferLike, rows: number): T {
  const columns: Record<string, Column> = {};
  let at = 0;
  for (const [name, Type] of Object.entries(layout)) {
    // A SharedArrayBuffer (the rings) or an ArrayBuffer: the views work alike.
    columns[name] = new Type(buffer as ArrayBuffer, at, rows);
    at += align(Type.BYTES_PER_ELEMENT * rows);
  }
  return columns as T;
}

export const frameBatchBytes = layoutBytes(frameColumnTypes, batchRows);
export const receptionBatchBytes = layoutBytes(receptionColumnTypes, batchRows);

export const frameColumnsOver = (buffer: ArrayBufferLike): FrameRows => columnsOver<FrameRows>(frameColumnTypes, buffer, batchRows);
export const receptionColumnsOver = (buffer: ArrayBufferLike): ReceptionColumns => columnsOver<ReceptionColumns>(receptionColumnTypes, buffer, batchRows);

/** Where a batch's rows go: a stream's writer, or the report's digest of them. */
export interface BatchSink {
  readonly frame: (rows: FrameRows, slot: number) => void;
  readonly reception: (sender: number, seq: number, receiver: number, atMs: number, fate: Fate, rxPowerDbm: number, snrDb: number) => void;
  readonly series?: SeriesSink;
}

/**
 * Hands the first `count` rows of a batch to `sink`, as the run handed them to its own: a batch of
 * frames is read in place; receptions as the values of each row; series rows (`width` numbers:
 * `seriesRowWidth`, `energyStates` of them energies) through two arrays reused from row to row.
 */
export function batchReader(kind: 'frames' | 'receptions' | 'series', sink: BatchSink, energyStates = 0, width = 0): (buffer: ArrayBufferLike, count: number) => void {
  if (kind === 'frames') {
    return (buffer, count) => {
      const rows = frameColumnsOver(buffer);
      for (let i = 0; i < count; i++) sink.frame(rows, i);
    };
  }
  if (kind === 'receptions') {
    return (buffer, count) => {
      const c = receptionColumnsOver(buffer);
      for (let i = 0; i < count; i++) sink.reception(c.sender[i]!, c.seq[i]!, c.receiver[i]!, c.atMs[i]!, fateLabels[c.fate[i]!] as Fate, c.rxPowerDbm[i]!, c.snrDb[i]!);
    };
  }
  const row = sink.series!;
  const bands = width - 5 - energyStates;
  const energyUj = new Float64Array(energyStates);
  const dutyCycleUse = new Float64Array(bands);
  return (buffer, count) => {
    const values = new Float64Array(buffer as ArrayBuffer);
    for (let i = 0; i < count; i++) {
      const at = i * width;
      for (let s = 0; s < energyStates; s++) energyUj[s] = values[at + 5 + s]!;
      for (let b = 0; b < bands; b++) dutyCycleUse[b] = values[at + 5 + energyStates + b]!;
      row(values[at]!, values[at + 1]!, values[at + 2] === 1, values[at + 3]!, values[at + 4]!, energyUj, dutyCycleUse);
    }
  };
}
