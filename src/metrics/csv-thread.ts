/**
 * A run's streamed CSV files written by a thread of their own (csv-writer-thread.ts): the
 * simulation copies each final row into a batch of columns (row-batch.ts) and hands full
 * batches over by their slot in a ring of shared memory (csv-thread-link.ts), so formatting,
 * writing and compressing the files run on the second core. The files are byte-identical to
 * those the simulation's thread writes itself (csv-file.ts).
 *
 * Bounded: each file has a ring of `ringSlots` batches (about 5 MB of frames), shared with the
 * thread; when the thread is that far behind, the simulation waits for it. A failed write
 * stops the run at its next hand-over or request, with the write's error (the CLI says what it
 * was: disk full, permission denied).
 */
import type { Worker } from 'node:worker_threads';
import type { CsvFileSnapshot } from './csv-file.ts';
import type { OpenMessage, StreamKind, StreamSpec } from './csv-thread-protocol.ts';
import { linkCsvThread, type CsvThreadLink } from './csv-thread-link.ts';
import { startModuleThread } from './module-thread.ts';
import { copyFrameRow, fateNumber, type FrameRows } from './frame-rows.ts';
import type { RecordSink } from './radio-records.ts';
import { batchRows, frameBatchBytes, frameColumnsOver, receptionBatchBytes, receptionColumnsOver, seriesBatchBytes, seriesRowWidth, type ReceptionColumns } from './row-batch.ts';
import type { SeriesSink } from './series.ts';

export interface CsvThread {
  /** Frames and receptions into the first two streams (`kind` frames and receptions). */
  readonly sink: RecordSink;
  /** Series rows into the stream of kind `series`, if any. */
  readonly seriesSink: SeriesSink | undefined;
  /** Hands over what is batched, waits for the thread, and says where each stream stands (a checkpoint). */
  snapshot(): Promise<CsvFileSnapshot[]>;
  /** Hands over what is batched and closes the files; ends the thread unless it has a tap, which may still be asked. */
  close(): Promise<void>;
  /** Asks the thread's tap, once the files are closed. */
  ask(question: unknown): Promise<unknown>;
  /** Ends the thread (the questions still waiting fail). */
  end(): Promise<void>;
  /** Ends the thread after a failure of the run, writing what is batched and closing the files. */
  abort(): Promise<void>;
}

export interface CsvThreadOptions extends Omit<OpenMessage, 'op' | 'flow' | 'streams' | 'rings'> {
  readonly streams: readonly StreamSpec[];
}

/** `worker`: a thread that serves the writer with a tap (csv-writer-service.ts), started by whoever taps it; else the plain writer thread. */
export function startCsvThread(options: CsvThreadOptions, worker?: Worker): CsvThread {
  const { streams, ...open } = options;
  const seriesWidth = seriesRowWidth(options.seriesEnergyStates, options.seriesBands);
  const batchBytes = (kind: StreamKind): number => (kind === 'frames' ? frameBatchBytes : kind === 'receptions' ? receptionBatchBytes : seriesBatchBytes(seriesWidth));
  const link = linkCsvThread(worker ?? startModuleThread(import.meta.url, 'csv-writer-thread'), streams, open, batchBytes);
  const batchesOf = <T>(kind: StreamKind, view: (buffer: SharedArrayBuffer) => T): Batches<T> | undefined => {
    const stream = streams.findIndex((spec) => spec.kind === kind);
    return stream < 0 ? undefined : createBatches(link, stream, link.rings[stream]!.map(view));
  };
  /** The files were closed (a tapped thread is still there to ask). */
  let closed = false;
  const frames = batchesOf('frames', frameColumnsOver)!;
  const receptions = batchesOf('receptions', receptionColumnsOver)!;
  const series = batchesOf('series', (buffer) => new Float64Array(buffer));
  const flushAll = (): void => {
    frames.flush();
    receptions.flush();
    series?.flush();
  };
  return {
    sink: recordSink(frames, receptions),
    seriesSink: series && seriesSink(series, seriesWidth),
    async snapshot() {
      const failure = link.failure();
      if (failure) throw failure;
      flushAll();
      const answer = await link.request('snapshot');
      return answer.op === 'snapshot' ? [...answer.snapshots] : [];
    },
    async close() {
      try {
        if (!link.failure()) flushAll();
        await link.request('close');
        closed = true;
      } finally {
        if (!closed || worker === undefined) await link.end();
      }
    },
    ask: (question) => link.ask(question),
    end: () => link.end(),
    async abort() {
      // Closed already (a tapped thread outlives its files): nothing more to write.
      if (closed) return link.end();
      // What was batched goes into the files too, as the run's own thread would have written it
      // (a failed run's partial directory shows what it wrote before it stopped).
      try {
        if (!link.failure()) flushAll();
      } catch {
        // The thread has failed or stalled: close what it has.
      }
      await link.request('close').catch(() => undefined);
      await link.end();
    },
  };
}

/** A stream's batch being filled (`rows`, `count` of them), in a slot of its ring. */
interface Batches<T> {
  rows: T;
  count: number;
  /** Hands the batch over (if it holds rows) and moves to the next slot. */
  flush(): void;
}

function createBatches<T>(link: CsvThreadLink, stream: number, slots: readonly T[]): Batches<T> {
  const batches: Batches<T> = {
    rows: slots[0]!,
    count: 0,
    flush() {
      if (batches.count === 0) return;
      batches.rows = slots[link.handOver(stream, batches.count)]!;
      batches.count = 0;
    },
  };
  return batches;
}

/** Final frames and receptions into their batches. */
function recordSink(frames: Batches<FrameRows>, receptions: Batches<ReceptionColumns>): RecordSink {
  return {
    frame(rows, slot) {
      copyFrameRow(rows, slot, frames.rows, frames.count);
      if (++frames.count === batchRows) frames.flush();
    },
    reception(sender, seq, receiver, atMs, fate, rxPowerDbm, snrDb) {
      const r = receptions.rows;
      const i = receptions.count;
      r.sender[i] = sender;
      r.seq[i] = seq;
      r.receiver[i] = receiver;
      r.atMs[i] = atMs;
      r.fate[i] = fateNumber[fate];
      r.rxPowerDbm[i] = rxPowerDbm;
      r.snrDb[i] = snrDb;
      if (++receptions.count === batchRows) receptions.flush();
    },
  };
}

/** Series rows into their batches, `width` numbers each (row-batch.ts). */
function seriesSink(series: Batches<Float64Array>, width: number): SeriesSink {
  return (atMs, node, alive, stateOfCharge, remainingMah, energyUj, dutyCycleUse) => {
    const values = series.rows;
    let at = series.count * width;
    values[at++] = atMs;
    values[at++] = node;
    values[at++] = alive ? 1 : 0;
    values[at++] = stateOfCharge;
    values[at++] = remainingMah;
    for (let s = 0; s < energyUj.length; s++) values[at++] = energyUj[s]!;
    for (let b = 0; b < dutyCycleUse.length; b++) values[at++] = dutyCycleUse[b]!;
    if (++series.count === batchRows) series.flush();
  };
}
