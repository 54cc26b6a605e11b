/**
 * A run's streamed CSV files written by a thread of their own (csv-writer-thread.ts): the
 * simulation copies each final row into a batch of columns (row-batch.ts) and hands full
 * batches over by their slot in a ring of shared memory, so formatting, writing and compressing the files run on the second core. The
 * files are byte-identical to those the simulation's thread writes itself (csv-file.ts).
 *
 * Bounded: each file has a ring of `ringSlots` batches (about 5 MB of frames), shared with the
 * thread; when the thread is that far behind, the simulation waits for it. A failed write stops the run at its next hand-over or request,
 * with the write's error (the CLI says what it was: disk full, permission denied).
 */
import { Worker } from 'node:worker_threads';
import type { CsvFileSnapshot } from './csv-file.ts';
import { busyCell, failedCell, failureError, ringSlots, type FromThread, type OpenMessage, type StreamKind, type StreamSpec, type ToThread } from './csv-thread-protocol.ts';
import { copyFrameRow, fateNumber, type FrameRows } from './frame-rows.ts';
import type { RecordSink } from './radio-records.ts';
import { frameBatchBytes, frameColumnsOver, receptionBatchBytes, receptionColumnsOver, seriesBatchBytes, batchRows, type ReceptionColumns } from './row-batch.ts';
import type { SeriesSink } from './series.ts';

/** How long the simulation waits for a thread that has stopped taking batches before giving up. */
const stallMs = 120_000;

export interface CsvThread {
  /** Frames and receptions into the first two streams (`kind` frames and receptions). */
  readonly sink: RecordSink;
  /** Series rows into the stream of kind `series`, if any. */
  readonly seriesSink: SeriesSink | undefined;
  /** Hands over what is batched, waits for the thread, and says where each stream stands (a checkpoint). */
  snapshot(): Promise<CsvFileSnapshot[]>;
  /** Hands over what is batched, closes the files and ends the thread. */
  close(): Promise<void>;
  /** Ends the thread after a failure of the run, writing what is batched and closing the files. */
  abort(): Promise<void>;
}

export interface CsvThreadOptions extends Omit<OpenMessage, 'op' | 'flow' | 'streams' | 'rings'> {
  readonly streams: readonly StreamSpec[];
}

/**
 * The thread's entry: the bundle's own chunk (dist/csv-writer-thread.mjs, next to this code
 * once bundled) or, run from the sources, the TypeScript entry through tsx. `import.meta.url`
 * here is left as it is by the bundle (bin/bundle.js).
 */
function startThread(): Worker {
  const here = import.meta.url;
  if (here.endsWith('.mjs')) return new Worker(new URL('./csv-writer-thread.mjs', here));
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./csv-writer-thread.ts', here).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, { eval: true });
}

export function startCsvThread(options: CsvThreadOptions): CsvThread {
  const worker = startThread();
  const { streams } = options;
  const flow = new Int32Array(new SharedArrayBuffer(4 * (1 + streams.length * ringSlots)));
  const seriesWidth = 5 + options.seriesEnergyStates + options.seriesBands;
  const batchBytes = (kind: StreamKind): number => (kind === 'frames' ? frameBatchBytes : kind === 'receptions' ? receptionBatchBytes : seriesBatchBytes(seriesWidth));
  const rings = streams.map((spec) => Array.from({ length: ringSlots }, () => new SharedArrayBuffer(batchBytes(spec.kind))));
  let failure: Error | undefined;
  let exited = false;
  const requests = new Map<number, { resolve: (message: FromThread) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  worker.on('message', (message: FromThread) => {
    const request = message.op !== 'failed' || message.id !== undefined ? requests.get(message.id!) : undefined;
    if (message.op === 'failed') failure ??= failureError(message.failure);
    if (request) {
      requests.delete(message.id!);
      if (message.op === 'failed') request.reject(failureError(message.failure));
      else request.resolve(message);
    }
  });
  const lost = (error: Error): void => {
    failure ??= error;
    for (const request of requests.values()) request.reject(failure);
    requests.clear();
  };
  worker.on('error', lost);
  worker.on('exit', () => {
    exited = true;
    lost(new Error('the CSV writer thread stopped'));
  });
  const post = (message: ToThread): void => worker.postMessage(message);
  post({ op: 'open', ...options, flow: flow.buffer as SharedArrayBuffer, rings });

  /** Each stream's next slot in its ring. */
  const nextSlot = streams.map(() => 0);

  /** Hands the batch in the stream's current slot over, then waits until its next slot is written out. */
  function handOver(stream: number, count: number): number {
    if (failure) throw failure;
    const slot = nextSlot[stream]!;
    Atomics.store(flow, busyCell(stream, slot), 1);
    post({ op: 'rows', stream, slot, count });
    const next = (slot + 1) % ringSlots;
    nextSlot[stream] = next;
    const cell = busyCell(stream, next);
    const started = Date.now();
    while (Atomics.load(flow, cell) === 1) {
      if (Atomics.load(flow, failedCell) === 1) throw failure ?? new Error('writing a CSV file failed (the writer thread says why once the run looks)');
      if (Date.now() - started > stallMs) throw new Error(`the CSV writer thread has taken no rows for ${stallMs / 1000} s`);
      Atomics.wait(flow, cell, 1, 100);
    }
    return next;
  }

  const streamOf = (kind: StreamKind): number => streams.findIndex((spec) => spec.kind === kind);
  const framesStream = streamOf('frames');
  const receptionsStream = streamOf('receptions');
  const seriesStream = streamOf('series');
  const frameSlots = framesStream < 0 ? [] : rings[framesStream]!.map(frameColumnsOver);
  const receptionSlots = receptionsStream < 0 ? [] : rings[receptionsStream]!.map(receptionColumnsOver);
  const seriesSlots = seriesStream < 0 ? [] : rings[seriesStream]!.map((buffer) => new Float64Array(buffer));
  let frames: FrameRows = frameSlots[0]!;
  let frameCount = 0;
  let receptions: ReceptionColumns = receptionSlots[0]!;
  let receptionCount = 0;
  let seriesValues = seriesSlots[0]!;
  let seriesCount = 0;

  function flushFrames(): void {
    if (frameCount === 0) return;
    frames = frameSlots[handOver(framesStream, frameCount)]!;
    frameCount = 0;
  }
  function flushReceptions(): void {
    if (receptionCount === 0) return;
    receptions = receptionSlots[handOver(receptionsStream, receptionCount)]!;
    receptionCount = 0;
  }
  function flushSeries(): void {
    if (seriesCount === 0) return;
    seriesValues = seriesSlots[handOver(seriesStream, seriesCount)]!;
    seriesCount = 0;
  }
  const flushAll = (): void => {
    flushFrames();
    flushReceptions();
    flushSeries();
  };

  const sink: RecordSink = {
    frame(rows, slot) {
      copyFrameRow(rows, slot, frames, frameCount);
      if (++frameCount === batchRows) flushFrames();
    },
    reception(sender, seq, receiver, atMs, fate, rxPowerDbm, snrDb) {
      const r = receptions;
      const i = receptionCount;
      r.sender[i] = sender;
      r.seq[i] = seq;
      r.receiver[i] = receiver;
      r.atMs[i] = atMs;
      r.fate[i] = fateNumber[fate];
      r.rxPowerDbm[i] = rxPowerDbm;
      r.snrDb[i] = snrDb;
      if (++receptionCount === batchRows) flushReceptions();
    },
  };
  const seriesSink: SeriesSink | undefined =
    seriesStream < 0
      ? undefined
      : (atMs, node, alive, stateOfCharge, remainingMah, energyUj, dutyCycleUse) => {
          const values = seriesValues;
          let at = seriesCount * seriesWidth;
          values[at++] = atMs;
          values[at++] = node;
          values[at++] = alive ? 1 : 0;
          values[at++] = stateOfCharge;
          values[at++] = remainingMah;
          for (let s = 0; s < energyUj.length; s++) values[at++] = energyUj[s]!;
          for (let b = 0; b < dutyCycleUse.length; b++) values[at++] = dutyCycleUse[b]!;
          if (++seriesCount === batchRows) flushSeries();
        };

  /** Asked even after a failure: the thread answers with it, having closed its files. */
  function request(op: 'snapshot' | 'close'): Promise<FromThread> {
    if (exited) return Promise.reject(failure ?? new Error('the CSV writer thread has stopped'));
    const id = nextId++;
    return new Promise<FromThread>((resolve, reject) => {
      requests.set(id, { resolve, reject });
      post({ op, id });
    });
  }

  return {
    sink,
    seriesSink,
    async snapshot() {
      if (failure) throw failure;
      flushAll();
      const answer = await request('snapshot');
      return answer.op === 'snapshot' ? [...answer.snapshots] : [];
    },
    async close() {
      try {
        if (!failure) flushAll();
        await request('close');
      } finally {
        if (!exited) await worker.terminate();
      }
    },
    async abort() {
      if (exited) return;
      // What was batched goes into the files too, as the run's own thread would have written it
      // (a failed run's partial directory shows what it wrote before it stopped).
      try {
        if (!failure) flushAll();
      } catch {
        // The thread has failed or stalled: close what it has.
      }
      await request('close').catch(() => undefined);
      if (!exited) await worker.terminate();
    },
  };
}
