/**
 * record-rows.ts against the parser: a row of frames.csv, receptions.csv or series.csv read
 * from its numbers answers every question a digest asks (numbers with and without a fallback,
 * first bytes, equality, node ids, sender–receiver pairs, the sampled columns' cells (written
 * one by one), whole lines) as the
 * same row formatted by the file's writer and parsed, for rows drawn at random with the values
 * that format oddly: −0 and halves that round to it, NaN, ±Infinity, 10^20, many digits.
 */
import { describe, expect, it } from 'vitest';
import { FrameRecordRow, ReceptionRecordRow, SeriesRecordRow } from '../../../src/dashboard/digest/record-rows.ts';
import { createLineRecord, type CsvRow } from '../../../src/dashboard/read/csv-parse.ts';
import { createIdIndex } from '../../../src/dashboard/read/id-index.ts';
import { createPairTable, type PairTable } from '../../../src/dashboard/read/pair-table.ts';
import { createCsvBytes, encodeIds } from '../../../src/metrics/csv-bytes.ts';
import { createFrameStore, fateLabels } from '../../../src/metrics/frame-rows.ts';
import { seriesColumns, seriesRowWriter } from '../../../src/metrics/series.ts';
import { frameColumnsFor, frameRowWriter, receptionColumns, receptionRowWriter } from '../../../src/metrics/tables.ts';
import { regions } from '../../../src/radio/regions.ts';
import { energyStates } from '../../../src/hw/energy-ledger-types.ts';
import type { Fate } from '../../../src/radio/transmission.ts';
import { embeddedColumns } from '../../../src/dashboard/views/run-model.ts';

const ids = ['n-0', 'n-1', 'gateway-17', 'x'];
const idBytes = encodeIds(ids);
const index = createIdIndex(ids);

/** A seeded LCG in [0, 1). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const odd = [0, -0, -0.0004, 0.0005, -0.0005, 2.675, 1.005, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e20, -1e20, 123456789.12345679, 0.1 + 0.2, 868_100_000, 1e-12];
const valueOf = (random: () => number): number => (random() < 0.3 ? odd[Math.floor(random() * odd.length)]! : (random() - 0.3) * 10 ** Math.floor(random() * 9));

/** The row as its writer formats it, parsed: the reference. */
function parsedRow(write: (csv: ReturnType<typeof createCsvBytes>) => void, wanted: readonly number[]): CsvRow {
  let bytes = new Uint8Array(0);
  const csv = createCsvBytes((chunk) => (bytes = chunk.slice()));
  write(csv);
  csv.flush();
  const record = createLineRecord(wanted);
  record.reset(Buffer.from(bytes), 0, bytes.length - 1);
  return record;
}

/** Every question a digest asks, of cells `cells` (every column, and one absent). */
function answers(row: CsvRow, cells: number, pairs: PairTable, pair: readonly [number, number] | undefined, sampled: readonly number[] = []): unknown[] {
  const all = Array.from({ length: cells }, (_, k) => k);
  // The sampled columns first (written cell by cell), then the whole row (formatted and split).
  const found: unknown[] = [row.joined(sampled), row.joined([...sampled].reverse()), ...sampled.map((k) => row.joined([k])), row.joined([]), row.line(), row.joined(all), row.joined([2, 0])];
  for (let k = 0; k < cells; k++) {
    const text = row.text(k);
    found.push(text, row.number(k), row.number(k, Number.NaN), row.firstCode(k), row.equals(k, text), row.equals(k, 'sent'), row.equals(k, '1'), row.id(k, index), row.id(k, index, 1));
  }
  if (pair) found.push(row.pair(pair[0], pair[1], pairs));
  // Object.is: −0 and 0 apart, NaN equal to NaN.
  return found.map((value) => (typeof value === 'number' && Object.is(value, -0) ? '-0' : value));
}

describe('rows read from their numbers', () => {
  it('answer as frames.csv rows formatted and parsed', () => {
    const random = lcg(5);
    for (const transmissions of [false, true]) {
      const columns = frameColumnsFor(transmissions);
      const wanted = [...columns.map((_, c) => c), -1];
      const store = createFrameStore(1);
      const slot = store.allocate();
      const r = store.rows;
      const row = new FrameRecordRow(columns, wanted, idBytes, transmissions);
      const reference = createPairTable();
      const ours = createPairTable();
      for (let n = 0; n < 2000; n++) {
        r.sender[slot] = Math.floor(random() * ids.length);
        r.seq[slot] = random() < 0.1 ? -1 : Math.floor(random() * 70_000);
        r.destination[slot] = Math.floor(random() * (ids.length + 2)) - 2;
        r.outcome[slot] = random() < 0.2 ? 1 : 0;
        r.blockReason[slot] = Math.floor(random() * 3);
        for (const field of ['queuedAtMs', 'atMs', 'queueWaitMs', 'dutyCycleWaitMs', 'wakeWaitMs', 'airtimeMs', 'txPowerDbm', 'energyUj', 'bandwidthHz'] as const) r[field][slot] = valueOf(random);
        r.channelHz[slot] = random() < 0.2 ? 0 : random() < 0.5 ? 868_100_000 + 200_000 * Math.floor(random() * 3) : valueOf(random);
        r.sf[slot] = 7 + Math.floor(random() * 6);
        for (const field of ['phyBytes', 'messageId', 'fragmentIndex', 'fragmentCount', 'receivers', 'received', 'transmission'] as const) r[field][slot] = Math.floor(random() * 300);
        r.fate[slot] = Math.floor(random() * fateLabels.length);
        const parsed = parsedRow((csv) => frameRowWriter(csv, idBytes, transmissions)(r, slot), wanted);
        const sampled = embeddedColumns['frames.csv']!.map((column) => columns.indexOf(column));
        expect(answers(row.at(r, slot), wanted.length, ours, [0, 2], sampled), `row ${n}`).toEqual(answers(parsed, wanted.length, reference, [0, 2], sampled));
      }
    }
  });

  it('answer as receptions.csv rows formatted and parsed', () => {
    const random = lcg(7);
    const wanted = [...receptionColumns.map((_, c) => c), -1];
    const row = new ReceptionRecordRow(receptionColumns, wanted, idBytes);
    const reference = createPairTable();
    const ours = createPairTable();
    for (let n = 0; n < 2000; n++) {
      const fate = fateLabels[1 + Math.floor(random() * (fateLabels.length - 1))] as Fate;
      const values = [Math.floor(random() * ids.length), Math.floor(random() * 70_000), Math.floor(random() * ids.length), valueOf(random), valueOf(random), valueOf(random)] as const;
      const parsed = parsedRow((csv) => receptionRowWriter(csv, idBytes)(values[0], values[1], values[2], values[3], fate, values[4], values[5]), wanted);
      const sampled = embeddedColumns['receptions.csv']!.map((column) => (receptionColumns as readonly string[]).indexOf(column));
      expect(answers(row.set(values[0], values[1], values[2], values[3], fate, values[4], values[5]), wanted.length, ours, [0, 2], sampled), `row ${n}`).toEqual(answers(parsed, wanted.length, reference, [0, 2], sampled));
    }
    const entries = (pairs: PairTable): string[] => {
      const found: string[] = [];
      pairs.forEach((bytes, s0, s1, r0, r1, at) => found.push(`${Buffer.from(bytes.subarray(s0, s1)).toString()} ${Buffer.from(bytes.subarray(r0, r1)).toString()} ${at}`));
      return found;
    };
    expect(entries(ours)).toEqual(entries(reference));
    expect(ours.size).toBe(ids.length * ids.length);
  });

  it('answer as series.csv rows formatted and parsed, mains-powered nodes included', () => {
    const random = lcg(11);
    const columns = seriesColumns(regions.eu868.subBands.slice(0, 2));
    const wanted = [...columns.map((_, c) => c), -1];
    const mains = ids.map((_, i) => i === 2);
    const row = new SeriesRecordRow(columns, wanted, idBytes, mains, energyStates.length);
    const energyUj = new Float64Array(energyStates.length);
    const dutyCycleUse = new Float64Array(2);
    const pairs = createPairTable();
    for (let n = 0; n < 2000; n++) {
      const node = Math.floor(random() * ids.length);
      const alive = random() < 0.8;
      const [atMs, stateOfCharge, remainingMah] = [valueOf(random), valueOf(random), valueOf(random)];
      for (let s = 0; s < energyUj.length; s++) energyUj[s] = valueOf(random);
      for (let b = 0; b < dutyCycleUse.length; b++) dutyCycleUse[b] = valueOf(random);
      const parsed = parsedRow((csv) => seriesRowWriter(csv, idBytes, mains)(atMs, node, alive, stateOfCharge, remainingMah, energyUj, dutyCycleUse), wanted);
      expect(answers(row.set(atMs, node, alive, stateOfCharge, remainingMah, energyUj, dutyCycleUse), wanted.length, pairs, undefined), `row ${n}`).toEqual(answers(parsed, wanted.length, pairs, undefined));
    }
  });
});
