import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCsvFile, type CsvFile, type CsvFileSnapshot } from '../../src/metrics/csv-file.ts';
import { encodeIds } from '../../src/metrics/csv-bytes.ts';
import { startCsvThread } from '../../src/metrics/csv-thread.ts';
import type { StreamKind, StreamSpec } from '../../src/metrics/csv-thread-protocol.ts';
import { createFrameStore, fateLabels } from '../../src/metrics/frame-rows.ts';
import type { RecordSink } from '../../src/metrics/radio-records.ts';
import { seriesRowWriter, type SeriesSink } from '../../src/metrics/series.ts';
import { frameColumnsFor, frameRowWriter, header, receptionColumns, receptionRowWriter } from '../../src/metrics/tables.ts';
import type { Fate } from '../../src/radio/transmission.ts';

const tmp = mkdtempSync(join(tmpdir(), 'loraswarm-csv-thread-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const nodes = 50;
const ids = encodeIds(Array.from({ length: nodes }, (_, i) => `n${i}`));
const mains = Array.from({ length: nodes }, (_, i) => i % 7 === 0);
const states = 7;
const bands = 2;
const seriesColumns = ['atMs', 'node', 'alive', 'stateOfCharge', 'remainingMah', ...Array.from({ length: states }, (_, s) => `s${s}J`), 'b0', 'b1'];

/** A seeded generator of awkward values: fractions, negatives, zeros, large integers. */
function values(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** Feeds the same seeded rows to `sink` and `series`: 9,000 frames, 10,000 receptions and 5,000 series rows (more than two batches each), those of rows `from` to `to`. */
function feed(sink: RecordSink, series: SeriesSink, from: number, to: number): void {
  const random = values(7);
  const store = createFrameStore(4);
  const energyUj = new Float64Array(states);
  const duty = new Float64Array(bands);
  for (let i = 0; i < 10_000; i++) {
    const r = [random(), random(), random(), random(), random(), random(), random(), random()];
    if (i < from || i >= to) continue;
    if (i < 9000) {
      const slot = store.allocate();
      const f = store.rows;
      f.sender[slot] = i % nodes;
      f.seq[slot] = r[0]! < 0.1 ? -1 : i;
      f.destination[slot] = r[1]! < 0.2 ? -1 : r[1]! < 0.3 ? -2 : (i * 7) % nodes;
      f.outcome[slot] = r[2]! < 0.1 ? 1 : 0;
      f.blockReason[slot] = f.outcome[slot] === 1 ? 1 + (i % 2) : 0;
      f.queuedAtMs[slot] = i * 1000.123456 + r[3]!;
      f.atMs[slot] = i * 1000.5 + r[4]! * 1e-4;
      f.airtimeMs[slot] = 41.216 + r[5]!;
      f.channelHz[slot] = 868.1e6 + (i % 3) * 2e5;
      f.sf[slot] = 7 + (i % 6);
      f.bandwidthHz[slot] = 125e3;
      f.txPowerDbm[slot] = 14 - (i % 4) * 2.5;
      f.phyBytes[slot] = 20 + (i % 30);
      f.messageId[slot] = i >> 1;
      f.fragmentCount[slot] = 1 + (i % 3);
      f.energyUj[slot] = r[6]! * 1e6;
      f.receivers[slot] = i % 4;
      f.received[slot] = i % 3;
      f.fate[slot] = i % fateLabels.length;
      f.transmission[slot] = 1 + (i % 2);
      sink.frame!(f, slot, store);
      store.free(slot);
    }
    sink.reception!(i % nodes, i, (i * 3) % nodes, i * 999.9991, fateLabels[1 + (i % (fateLabels.length - 1))] as Fate, -120 + r[7]! * 40, -20 + r[0]! * 30);
    if (i < 5000) {
      for (let s = 0; s < states; s++) energyUj[s] = r[s]! * 1e7 * (s + 1);
      duty[0] = r[1]! / 100;
      duty[1] = i % 5 === 0 ? 0 : r[2]! / 1000;
      series(i * 60_000, i % nodes, i % 11 !== 0, r[3]!, r[4]! * 2400, energyUj, duty);
    }
  }
}

function specs(dir: string, gzip: boolean, resume?: readonly CsvFileSnapshot[]): StreamSpec[] {
  const streams: readonly { readonly kind: StreamKind; readonly columns: readonly string[] }[] = [
    { kind: 'frames', columns: frameColumnsFor(true) },
    { kind: 'receptions', columns: receptionColumns },
    { kind: 'series', columns: seriesColumns },
  ];
  return streams.map((spec, i) => ({ ...spec, path: join(dir, `${spec.kind}.csv`), gzip, ...(resume && { resume: resume[i]! }) }));
}

/** The files written by this thread, as a run without the writer thread writes them. */
function writeHere(dir: string, gzip: boolean): { files: CsvFile[]; sink: RecordSink; series: SeriesSink } {
  const files = specs(dir, gzip).map((spec) => {
    const file = createCsvFile(spec.path, { gzip });
    header(file.csv, spec.columns);
    return file;
  });
  return { files, sink: { frame: frameRowWriter(files[0]!.csv, ids, true), reception: receptionRowWriter(files[1]!.csv, ids) }, series: seriesRowWriter(files[2]!.csv, ids, mains) };
}

const threadOf = (dir: string, gzip: boolean, resume?: readonly CsvFileSnapshot[]): ReturnType<typeof startCsvThread> =>
  startCsvThread({ streams: specs(dir, gzip, resume), ids, mains, transmissions: true, seriesEnergyStates: states, seriesBands: bands });

const read = (dir: string, kind: string): Buffer => readFileSync(join(dir, `${kind}.csv`));

describe('the CSV writer thread', () => {
  it.each([false, true])('writes frames, receptions and series byte for byte as this thread does, with a checkpoint between (gzip %s)', async (gzip) => {
    const here = mkdtempSync(join(tmp, 'here-'));
    const there = mkdtempSync(join(tmp, 'there-'));
    const resumed = mkdtempSync(join(tmp, 'resumed-'));
    const reference = writeHere(here, gzip);
    feed(reference.sink, reference.series, 0, 6000);
    const referenceSnapshots = await Promise.all(reference.files.map((file) => file.snapshot()));
    feed(reference.sink, reference.series, 6000, 10_000);
    await Promise.all(reference.files.map((file) => file.close()));

    const thread = threadOf(there, gzip);
    feed(thread.sink, thread.seriesSink!, 0, 6000);
    const snapshots = await thread.snapshot();
    // Compared as bytes: a deep comparison of megabyte arrays takes vitest seconds.
    expect(snapshots.map((snapshot) => snapshot.bytes)).toEqual(referenceSnapshots.map((snapshot) => snapshot.bytes));
    snapshots.forEach((snapshot, i) => expect(Buffer.from(snapshot.pending).equals(referenceSnapshots[i]!.pending)).toBe(true));
    feed(thread.sink, thread.seriesSink!, 6000, 10_000);
    await thread.close();
    for (const kind of ['frames', 'receptions', 'series']) expect(read(there, kind).equals(read(here, kind)), kind).toBe(true);

    // A run resumed from the snapshot (the files as they stood then) ends with the same files.
    for (const [i, kind] of ['frames', 'receptions', 'series'].entries()) writeFileSync(join(resumed, `${kind}.csv`), read(here, kind).subarray(0, snapshots[i]!.bytes));
    const again = threadOf(resumed, gzip, snapshots);
    feed(again.sink, again.seriesSink!, 6000, 10_000);
    await again.close();
    for (const kind of ['frames', 'receptions', 'series']) expect(read(resumed, kind).equals(read(here, kind)), kind).toBe(true);
    expect(read(here, 'frames').length).toBe(gzip ? 330_144 : 973_325);
  });

  it('writes what is batched when the run aborts, as the run\'s own thread would have', async () => {
    const here = mkdtempSync(join(tmp, 'abort-here-'));
    const there = mkdtempSync(join(tmp, 'abort-there-'));
    const reference = writeHere(here, false);
    feed(reference.sink, reference.series, 0, 100);
    await Promise.all(reference.files.map((file) => file.close()));
    const thread = threadOf(there, false);
    feed(thread.sink, thread.seriesSink!, 0, 100);
    await thread.abort();
    for (const kind of ['frames', 'receptions', 'series']) expect(read(there, kind).equals(read(here, kind)), kind).toBe(true);
    expect(read(there, 'frames').toString('latin1').split('\n').length).toBe(102);
  });

  it('stops the run with the write\'s own error (its code, call and path) when a file cannot be written', async () => {
    const missing = join(tmp, 'no-such-dir');
    const thread = threadOf(missing, false);
    await expect(thread.close()).rejects.toMatchObject({ code: 'ENOENT', syscall: 'open', path: join(missing, 'frames.csv') });
  });
});
