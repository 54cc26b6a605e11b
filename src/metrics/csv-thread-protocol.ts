/**
 * The messages between a run and its CSV writer thread (csv-writer-thread.ts): the run opens
 * the streamed files, hands rows over in batches (row-batch.ts) and asks where the files stand
 * (a checkpoint) or to close them; the thread answers each request by its id, and says so when
 * a write fails.
 */
import { createCsvFile, type CsvFile, type CsvFileSnapshot } from './csv-file.ts';
import { header } from './tables.ts';
import type { IdBytes } from './csv-bytes.ts';
import type { MessagePort } from 'node:worker_threads';

export type StreamKind = 'frames' | 'receptions' | 'series';

/** A streamed file: new with its header, or (a resumed run) from a checkpoint's snapshot. */
export interface StreamSpec {
  readonly kind: StreamKind;
  readonly path: string;
  readonly gzip: boolean;
  readonly columns: readonly string[];
  readonly resume?: CsvFileSnapshot;
}

/** Opens a stream's file: new with its header, or (a resumed run) cut where its checkpoint left it; `tee` sees its bytes. */
export function openStream(spec: StreamSpec, tee?: (chunk: Uint8Array) => void): CsvFile {
  const file = createCsvFile(spec.path, { gzip: spec.gzip, ...(spec.resume && { resume: spec.resume }), ...(tee && { tee }) });
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
  /** Where copies of the files' bytes go as they are written (`Tee`). */
  readonly tee?: Tee;
}

/**
 * Copies of the streamed files' bytes for whoever digests them while the run goes on (the
 * report: dashboard/digest/report-digester.ts). The writer thread posts each chunk, uncompressed
 * and in file order, on `port` (`TeeMessage`), and `{ end: true }` once the files are closed.
 * Bounded: the receiver counts the chunks it has taken in `flow`'s cell `teeTakenCell` (and
 * notifies it); the writer waits while `teeChunksInFlight` chunks are not taken, so that a slow
 * receiver holds the run back instead of its memory growing. Whoever sets `teeGoneCell` (the
 * receiver stopped or failed) releases the writer, which then stops teeing.
 */
export interface Tee {
  readonly port: MessagePort;
  readonly flow: SharedArrayBuffer;
}

export const teeTakenCell = 0;
export const teeGoneCell = 1;
/** Chunks (of 1 MiB: csv-bytes.ts) posted and not yet taken before the writer waits. */
export const teeChunksInFlight = 32;

/** The shared cells of a tee. */
export function createTeeFlow(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

/** A chunk of a streamed file's bytes, uncompressed, in file order; or the end of them all. */
export type TeeMessage = { readonly kind: StreamKind; readonly bytes: Uint8Array } | { readonly end: true };

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

export type ToThread = OpenMessage | RowsMessage | RequestMessage;

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
