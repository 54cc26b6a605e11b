/**
 * The CSV writer thread: formats the rows a run hands over in batches (row-batch.ts) into
 * frames.csv, receptions.csv and series.csv, compressed or not (csv-file.ts), on a core of its
 * own while the simulation goes on. It writes with the same row writers and the same buffers
 * as the run's own thread would, so the files, and a checkpoint's snapshot of them, are
 * byte-identical either way. Messages: csv-thread-protocol.ts; started by csv-thread.ts.
 */
import { parentPort } from 'node:worker_threads';
import type { CsvFile } from './csv-file.ts';
import { busyCell, failureData, failedCell, openStream, type FailureData, type FromThread, type OpenMessage, type RowsMessage, type StreamKind, type Tee, type TeeMessage, teeChunksInFlight, teeGoneCell, teeTakenCell, type ToThread } from './csv-thread-protocol.ts';
import { fateLabels } from './frame-rows.ts';
import { frameColumnsOver, receptionColumnsOver, seriesRowWidth } from './row-batch.ts';
import { seriesRowWriter } from './series.ts';
import { frameRowWriter, receptionRowWriter } from './tables.ts';
import type { Fate } from '../radio/transmission.ts';

interface Stream {
  readonly file: CsvFile;
  /** Writes the first `count` rows of the batch in ring slot `slot`. */
  readonly write: (slot: number, count: number) => void;
}

const port = parentPort!;
const streams: Stream[] = [];
let flow: Int32Array | undefined;
let failure: FailureData | undefined;
let tee: Tee | undefined;
/** The tee's shared cells (chunks taken, receiver gone), and the chunks posted to it. */
let teeCells: Int32Array | undefined;
let teePosted = 0;
let work: Promise<void> = Promise.resolve();

const reply = (message: FromThread): void => port.postMessage(message);

port.on('message', (message: ToThread) => {
  work = work.then(() => handle(message));
});

async function handle(message: ToThread): Promise<void> {
  try {
    if (message.op === 'open') open(message);
    else if (message.op === 'rows') rows(message);
    else if (message.op === 'snapshot') {
      const snapshots = await Promise.all(streams.map((stream) => stream.file.snapshot()));
      reply(failure ? { op: 'failed', id: message.id, failure } : { op: 'snapshot', id: message.id, snapshots });
    } else {
      try {
        await Promise.all(streams.map((stream) => stream.file.close()));
      } finally {
        endTee();
      }
      reply(failure ? { op: 'failed', id: message.id, failure } : { op: 'closed', id: message.id });
    }
  } catch (error) {
    fail(error);
    if (message.op === 'snapshot' || message.op === 'close') reply({ op: 'failed', id: message.id, failure: failure! });
  }
}

/** The first failure is the run's: said once, and again in answer to every later request. */
function fail(error: unknown): void {
  if (failure) return;
  failure = failureData(error);
  if (flow) {
    Atomics.store(flow, failedCell, 1);
    for (let cell = 1; cell < flow.length; cell++) Atomics.notify(flow, cell);
  }
  reply({ op: 'failed', failure });
}

function rows(message: RowsMessage): void {
  try {
    // After a failure, batches are dropped: the run stops at its next look.
    if (!failure) streams[message.stream]!.write(message.slot, message.count);
  } finally {
    const cell = busyCell(message.stream, message.slot);
    Atomics.store(flow!, cell, 0);
    Atomics.notify(flow!, cell);
  }
}

function open(message: OpenMessage): void {
  flow = new Int32Array(message.flow);
  tee = message.tee;
  teeCells = tee && new Int32Array(tee.flow);
  // One by one, so that a failure to open one still closes those opened before it.
  for (const spec of message.streams) {
    const file = openStream(spec, tee && teeOf(spec.kind));
    streams.push({ file, write: writerOf(spec.kind, file, message, message.rings[streams.length]!) });
  }
}

/** How long the writer waits for a tee's receiver that takes nothing before it stops teeing. */
const teeStallMs = 120_000;

/** Copies of a stream's bytes into the tee, as the file gets them, at most `teeChunksInFlight` not yet taken. */
function teeOf(kind: StreamKind): (chunk: Uint8Array) => void {
  return (chunk) => {
    if (!tee) return;
    const cells = teeCells!;
    const bytes = chunk.slice();
    tee.port.postMessage({ kind, bytes } satisfies TeeMessage, [bytes.buffer]);
    teePosted++;
    const started = Date.now();
    for (let taken = Atomics.load(cells, teeTakenCell); teePosted - taken >= teeChunksInFlight; taken = Atomics.load(cells, teeTakenCell)) {
      if (Atomics.load(cells, teeGoneCell) === 1 || Date.now() - started > teeStallMs) return dropTee();
      Atomics.wait(cells, teeTakenCell, taken, 100);
    }
  };
}

/** The receiver is gone or stalled: no more copies (it answers for nothing, and the report reads the files). */
function dropTee(): void {
  tee?.port.close();
  tee = undefined;
}

/** The tee's last message, once the files are closed (the bytes of each are all out). */
function endTee(): void {
  if (!tee) return;
  tee.port.postMessage({ end: true } satisfies TeeMessage);
  dropTee();
}

function writerOf(kind: StreamKind, file: CsvFile, message: OpenMessage, ring: readonly SharedArrayBuffer[]): Stream['write'] {
  const { ids } = message;
  if (kind === 'frames') {
    const row = frameRowWriter(file.csv, ids, message.transmissions);
    const slots = ring.map(frameColumnsOver);
    return (slot, count) => {
      const columns = slots[slot]!;
      for (let i = 0; i < count; i++) row(columns, i);
    };
  }
  if (kind === 'receptions') {
    const row = receptionRowWriter(file.csv, ids);
    const slots = ring.map(receptionColumnsOver);
    return (slot, count) => {
      const c = slots[slot]!;
      for (let i = 0; i < count; i++) row(c.sender[i]!, c.seq[i]!, c.receiver[i]!, c.atMs[i]!, fateLabels[c.fate[i]!] as Fate, c.rxPowerDbm[i]!, c.snrDb[i]!);
    };
  }
  const row = seriesRowWriter(file.csv, ids, message.mains);
  const states = message.seriesEnergyStates;
  const bands = message.seriesBands;
  const width = seriesRowWidth(states, bands);
  const energyUj = new Float64Array(states);
  const dutyCycleUse = new Float64Array(bands);
  const slots = ring.map((buffer) => new Float64Array(buffer));
  return (slot, count) => {
    const values = slots[slot]!;
    for (let i = 0; i < count; i++) {
      const at = i * width;
      for (let s = 0; s < states; s++) energyUj[s] = values[at + 5 + s]!;
      for (let b = 0; b < bands; b++) dutyCycleUse[b] = values[at + 5 + states + b]!;
      row(values[at]!, values[at + 1]!, values[at + 2] === 1, values[at + 3]!, values[at + 4]!, energyUj, dutyCycleUse);
    }
  };
}
