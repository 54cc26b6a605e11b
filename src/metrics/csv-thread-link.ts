/**
 * The run's side of its link with the CSV writer thread (csv-writer-thread.ts): the rings of
 * shared batches and their busy cells, the hand-over of a full batch, the requests the thread
 * answers by id (a checkpoint's snapshot, closing), and the thread's failure, kept once known.
 * Messages: csv-thread-protocol.ts.
 */
import type { Worker } from 'node:worker_threads';
import { busyCell, failedCell, failureError, ringSlots, type FromThread, type OpenMessage, type StreamKind, type StreamSpec, type ToThread } from './csv-thread-protocol.ts';

/** How long the simulation waits for a thread that has stopped taking batches before giving up. */
const stallMs = 120_000;

export interface CsvThreadLink {
  /** Each stream's ring of batches (SharedArrayBuffers), in the streams' order. */
  readonly rings: readonly (readonly SharedArrayBuffer[])[];
  /** Hands the stream's current batch (`count` rows) to the thread and returns the slot to fill next, once the thread has written it out. */
  handOver(stream: number, count: number): number;
  /** Asks the thread; asked even after a failure, which the thread answers with, having closed its files. */
  request(op: 'snapshot' | 'close'): Promise<FromThread>;
  /** Asks the thread's tap (csv-writer-service.ts); its failure fails only the answer. */
  ask(question: unknown): Promise<unknown>;
  /** The thread's failure, once known. */
  failure(): Error | undefined;
  /** Ends the thread, if it has not ended. */
  end(): Promise<void>;
}

/** Opens the streams on `worker` with batches of `batchBytes(kind)` bytes. */
export function linkCsvThread(worker: Worker, streams: readonly StreamSpec[], open: Omit<OpenMessage, 'op' | 'flow' | 'rings' | 'streams'>, batchBytes: (kind: StreamKind) => number): CsvThreadLink {
  const flow = new Int32Array(new SharedArrayBuffer(4 * (1 + streams.length * ringSlots)));
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
  worker.postMessage({ op: 'open', ...open, streams, flow: flow.buffer as SharedArrayBuffer, rings } satisfies ToThread);
  /** Each stream's next slot in its ring. */
  const nextSlot = streams.map(() => 0);

  return {
    rings,
    handOver(stream, count) {
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
    },
    request(op) {
      if (exited) return Promise.reject(failure ?? new Error('the CSV writer thread has stopped'));
      const id = nextId++;
      return new Promise<FromThread>((resolve, reject) => {
        requests.set(id, { resolve, reject });
        post({ op, id });
      });
    },
    async ask(question) {
      if (exited) throw failure ?? new Error('the CSV writer thread has stopped');
      const id = nextId++;
      const answer = await new Promise<FromThread>((resolve, reject) => {
        requests.set(id, { resolve, reject });
        post({ op: 'ask', id, question });
      });
      if (answer.op !== 'answer') throw new Error(`the CSV writer thread answered ${answer.op} to a question`);
      if (!answer.ok) throw new Error(answer.message);
      return answer.result;
    },
    failure: () => failure,
    async end() {
      if (!exited) await worker.terminate();
    },
  };
}
