/**
 * The messages between a run and its CSV writer thread (csv-writer-thread.ts): the run opens
 * the streamed files, hands rows over in batches (row-batch.ts) and asks where the files stand
 * (a checkpoint) or to close them; the thread answers each request by its id, and says so when
 * a write fails.
 */
import { createCsvFile, type CsvFile, type CsvFileSnapshot } from './csv-file.ts';
import { header } from './tables.ts';
import type { IdBytes } from './csv-bytes.ts';

export type StreamKind = 'frames' | 'receptions' | 'series';

/** A streamed file: new with its header, or (a resumed run) from a checkpoint's snapshot. */
export interface StreamSpec {
  readonly kind: StreamKind;
  readonly path: string;
  readonly gzip: boolean;
  readonly columns: readonly string[];
  readonly resume?: CsvFileSnapshot;
}

/** Opens a stream's file: new with its header, or (a resumed run) cut where its checkpoint left it. */
export function openStream(spec: StreamSpec): CsvFile {
  const file = createCsvFile(spec.path, { gzip: spec.gzip, ...(spec.resume && { resume: spec.resume }) });
  if (!spec.resume) header(file.csv, spec.columns);
  return file;
}

/**
 * The flow-control cells shared with the thread (an Int32Array over a SharedArrayBuffer): cell
 * `failedCell` is 1 once a write has failed; cell `busyCell(stream, slot)` is 1 while a batch in
 * that slot of the stream's ring is handed over and not yet written.
 */
export const failedCell = 0;
export const busyCell = (stream: number, slot: number): number => 1 + stream * ringSlots + slot;

/** Batches per stream's ring: how far the thread may fall behind before the simulation waits for it. */
export const ringSlots = 8;

export interface OpenMessage {
  readonly op: 'open';
  readonly streams: readonly StreamSpec[];
  readonly ids: IdBytes;
  /** Mains-powered nodes (series.csv leaves their charge empty). */
  readonly mains: readonly boolean[];
  /** frames.csv has the `transmission` column. */
  readonly transmissions: boolean;
  /** series.csv's numbers per row. */
  readonly seriesEnergyStates: number;
  readonly seriesBands: number;
  readonly flow: SharedArrayBuffer;
  /** Each stream's ring of batches (row-batch.ts), written by the run and read by the thread. */
  readonly rings: readonly (readonly SharedArrayBuffer[])[];
  /** Options of the writer's tap, if it has one (csv-writer-service.ts): opaque here. */
  readonly tap?: unknown;
}

export interface RowsMessage {
  readonly op: 'rows';
  /** Index into the open message's streams. */
  readonly stream: number;
  /** The batch's slot in the stream's ring. */
  readonly slot: number;
  readonly count: number;
}

export interface RequestMessage {
  readonly op: 'snapshot' | 'close';
  readonly id: number;
}

/** A question for the writer's tap, once the files are closed. */
export interface AskMessage {
  readonly op: 'ask';
  readonly id: number;
  readonly question: unknown;
}

export type ToThread = OpenMessage | RowsMessage | RequestMessage | AskMessage;

/** A failure as plain data (an Error does not cross threads with its `code`, `syscall` and `path`). */
export interface FailureData {
  readonly message: string;
  readonly code?: string;
  readonly syscall?: string;
  readonly path?: string;
}

export type FromThread =
  | { readonly op: 'snapshot'; readonly id: number; readonly snapshots: readonly CsvFileSnapshot[] }
  | { readonly op: 'closed'; readonly id: number }
  /** The tap's answer, or why it has none (the files are not concerned). */
  | { readonly op: 'answer'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly op: 'answer'; readonly id: number; readonly ok: false; readonly message: string }
  /** `id`: the request that failed; absent when a batch's write failed. */
  | { readonly op: 'failed'; readonly id?: number; readonly failure: FailureData };

export function failureData(error: unknown): FailureData {
  if (!(error instanceof Error)) return { message: String(error) };
  const { code, syscall, path } = error as NodeJS.ErrnoException;
  return { message: error.message, ...(code !== undefined && { code }), ...(syscall !== undefined && { syscall }), ...(path !== undefined && { path }) };
}

/** The failure as an Error again, with its system-call fields (the CLI words disk-full and permission errors from them). */
export function failureError(data: FailureData): Error {
  return Object.assign(new Error(data.message), data.code !== undefined && { code: data.code }, data.syscall !== undefined && { syscall: data.syscall }, data.path !== undefined && { path: data.path });
}
