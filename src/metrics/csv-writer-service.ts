/**
 * The CSV writer thread's work: it formats the rows a run hands over in batches (row-batch.ts)
 * into frames.csv, receptions.csv and series.csv, compressed or not (csv-file.ts), on a core of
 * its own while the simulation goes on. It writes with the same row writers and the same buffers
 * as the run's own thread would, so the files, and a checkpoint's snapshot of them, are
 * byte-identical either way. Messages: csv-thread-protocol.ts; started by csv-thread.ts.
 *
 * A `tap` sees every batch's rows once they are written, on the same thread (the report's
 * digest: dashboard/digest/report-writer-thread.ts), and answers questions once the files are
 * closed. A tap that fails stops seeing rows and answers every question with its failure; the
 * files are written all the same.
 */
import type { MessagePort } from 'node:worker_threads';
import type { CsvFile } from './csv-file.ts';
import { busyCell, failureData, failedCell, openStream, type FailureData, type FromThread, type OpenMessage, type RowsMessage, type StreamKind, type ToThread } from './csv-thread-protocol.ts';
import { batchReader, seriesRowWidth, type BatchSink } from './row-batch.ts';
import { seriesRowWriter } from './series.ts';
import { frameRowWriter, receptionRowWriter } from './tables.ts';

export interface CsvWriterTap {
  /** Where the rows go besides the files, given what the files hold (the open message, its `tap` options included). */
  open(message: OpenMessage): BatchSink;
  /** The answer to a question the run asks once the files are closed. */
  ask(question: unknown): unknown;
}

/** Rows a batch is read with: the row writers into the file, and the tap's sink after them. */
type BatchRead = (buffer: ArrayBufferLike, count: number) => void;

export function serveCsvWriter(port: MessagePort, tap?: CsvWriterTap): void {
  const streams: { readonly file: CsvFile; readonly write: BatchRead; readonly tapped: BatchRead | undefined }[] = [];
  let rings: readonly (readonly SharedArrayBuffer[])[] = [];
  let flow: Int32Array | undefined;
  let failure: FailureData | undefined;
  let tapFailure: Error | undefined;
  let work: Promise<void> = Promise.resolve();
  const reply = (message: FromThread): void => port.postMessage(message);

  /** The first failure is the run's: said once, and again in answer to every later request. */
  const fail = (error: unknown): void => {
    if (failure) return;
    failure = failureData(error);
    if (flow) {
      Atomics.store(flow, failedCell, 1);
      for (let cell = 1; cell < flow.length; cell++) Atomics.notify(flow, cell);
    }
    reply({ op: 'failed', failure });
  };

  const open = (message: OpenMessage): void => {
    flow = new Int32Array(message.flow);
    rings = message.rings;
    let sink: BatchSink | undefined;
    try {
      sink = tap?.open(message);
    } catch (error) {
      tapFailure = asError(error);
    }
    // One by one, so that a failure to open one still closes those opened before it.
    for (const spec of message.streams) {
      const file = openStream(spec);
      streams.push({ file, write: writerOf(spec.kind, file, message), tapped: sink && readerOf(spec.kind, sink, message) });
    }
  };

  const rows = (message: RowsMessage): void => {
    try {
      // After a failure, batches are dropped: the run stops at its next look.
      if (failure) return;
      const stream = streams[message.stream]!;
      const batch = rings[message.stream]![message.slot]!;
      stream.write(batch, message.count);
      if (!stream.tapped || tapFailure) return;
      try {
        stream.tapped(batch, message.count);
      } catch (error) {
        tapFailure = asError(error);
      }
    } finally {
      const cell = busyCell(message.stream, message.slot);
      Atomics.store(flow!, cell, 0);
      Atomics.notify(flow!, cell);
    }
  };

  const handle = async (message: ToThread): Promise<void> => {
    try {
      if (message.op === 'open') open(message);
      else if (message.op === 'rows') rows(message);
      else if (message.op === 'ask') ask(message.id, message.question);
      else if (message.op === 'snapshot') {
        const snapshots = await Promise.all(streams.map((stream) => stream.file.snapshot()));
        reply(failure ? { op: 'failed', id: message.id, failure } : { op: 'snapshot', id: message.id, snapshots });
      } else {
        await Promise.all(streams.map((stream) => stream.file.close()));
        reply(failure ? { op: 'failed', id: message.id, failure } : { op: 'closed', id: message.id });
      }
    } catch (error) {
      fail(error);
      if (message.op === 'snapshot' || message.op === 'close') reply({ op: 'failed', id: message.id, failure: failure! });
    }
  };

  /** The tap's answer, or why it has none (an answer that cannot cross threads included): never the writer's failure. */
  const ask = (id: number, question: unknown): void => {
    try {
      if (!tap) throw new Error('the CSV writer thread has no tap to ask');
      if (tapFailure) throw tapFailure;
      reply({ op: 'answer', id, ok: true, result: tap.ask(question) });
    } catch (error) {
      reply({ op: 'answer', id, ok: false, message: asError(error).message });
    }
  };

  port.on('message', (message: ToThread) => {
    work = work.then(() => handle(message));
  });
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

function writerOf(kind: StreamKind, file: CsvFile, message: OpenMessage): BatchRead {
  const { ids } = message;
  return readerOf(
    kind,
    kind === 'frames'
      ? { frame: frameRowWriter(file.csv, ids, message.transmissions), reception: unexpected }
      : kind === 'receptions'
        ? { frame: unexpected, reception: receptionRowWriter(file.csv, ids) }
        : { frame: unexpected, reception: unexpected, series: seriesRowWriter(file.csv, ids, message.mains) },
    message,
  )!;
}

function readerOf(kind: StreamKind, sink: BatchSink, message: OpenMessage): BatchRead | undefined {
  if (kind === 'series' && !sink.series) return undefined;
  const states = message.seriesEnergyStates;
  return batchReader(kind, sink, states, seriesRowWidth(states, message.seriesBands));
}

/** A row of another stream's kind: none comes. */
function unexpected(): never {
  throw new Error('a batch held rows of another stream');
}
