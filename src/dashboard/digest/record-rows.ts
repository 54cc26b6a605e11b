/**
 * A run's rows of frames.csv, receptions.csv and series.csv as the run hands them to their
 * files (the tracker's columns, the series sampler's numbers), read as the CSV parser reads the
 * files' rows (csv-parse.ts, `CsvRow`), so that the report's digests take a run's records as it
 * makes them instead of the text written from them (record-digester.ts).
 *
 * What a digest asks of most rows is answered from the numbers the cell is written from, as the
 * file's text reads back: a cell written as String(round(v, d)) (csv-bytes.ts) reads as
 * round(v, d), since a double's shortest text reads back as the same double (ECMA-262
 * Number::toString, §6.1.6.1.20; decimal.ts reads it so), and a cell whose text is "NaN" or
 * "Infinity" reads as no number. Anything else (a sampled row's text, a battery line, a cell no
 * digest reads often) is read from the row formatted by the file's own row writer, so it is the
 * file's text by construction.
 */
import { createCsvBytes, type CsvBytes, type IdBytes } from '../../metrics/csv-bytes.ts';
import { createFrameStore, fateLabels, outcomes, type FrameRows } from '../../metrics/frame-rows.ts';
import { gatewaysDestination } from '../../radio/transmission.ts';
import { seriesRowWriter, type SeriesSink } from '../../metrics/series.ts';
import { round } from '../../metrics/stats.ts';
import { frameRowWriter, receptionRowWriter } from '../../metrics/tables.ts';
import type { Fate } from '../../radio/transmission.ts';
import { createLineRecord, type CsvRow, type LineRecord } from '../read/csv-parse.ts';
import type { IdIndex } from '../read/id-index.ts';
import type { PairTable } from '../read/pair-table.ts';

/** A cell written as String(round(value, digits)), read back: `fallback` when that is not a finite number. */
function roundedCell(value: number, digits: number, fallback: number): number {
  const rounded = round(value, digits);
  return Number.isFinite(rounded) ? rounded : fallback;
}

/** Node `node`'s index in `index`, found by its id's bytes (`guess` tried first, else the node's own number). */
function nodeIn(index: IdIndex, ids: IdBytes, node: number, guess: number): number {
  return index.find(ids.bytes, ids.starts[node]!, ids.starts[node + 1]!, guess >= 0 ? guess : node);
}

const noBytes = new Uint8Array(0);

/** Writes one cell of the current row, as the file's row writer writes it. */
type CellWriter = (csv: CsvBytes) => void;

/** A row whose cells not answered from its numbers are read from its text, formatted once per row when first asked. */
abstract class RecordRow implements CsvRow {
  protected readonly csv: CsvBytes;
  private readonly record: LineRecord;
  private formatted: Uint8Array = noBytes;
  /** Which row the record holds the text of: `row` counts the rows taken. */
  private formattedRow = -1;
  protected row = 0;

  /** Per cell asked for, what writes it alone as the file's writer does (the sampled columns), if anything. */
  private cellWriters: readonly (CellWriter | undefined)[] = [];

  constructor(wanted: readonly number[]) {
    this.record = createLineRecord(wanted);
    this.csv = createCsvBytes((chunk) => (this.formatted = chunk));
  }

  /** Writers of single cells, by the names of the columns they write; `wanted` as the digest asked (`columns[wanted[k]]` is cell k's column). */
  protected writeCellsBy(columns: readonly string[], wanted: readonly number[], writers: Readonly<Record<string, CellWriter>>): void {
    this.cellWriters = wanted.map((column) => (column >= 0 ? writers[columns[column]!] : undefined));
  }

  /** Writes the row with its file's row writer into `csv`. */
  protected abstract write(): void;

  protected text_(): CsvRow {
    if (this.formattedRow !== this.row) {
      this.write();
      this.csv.flush();
      const bytes = this.formatted;
      // Without its line break; a view of the writer's buffer, read before it writes again.
      this.record.reset(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), 0, bytes.length - 1);
      this.formattedRow = this.row;
    }
    return this.record;
  }

  text(k: number): string {
    return this.text_().text(k);
  }

  number(k: number, fallback = 0): number {
    return this.text_().number(k, fallback);
  }

  firstCode(k: number): number {
    return this.text_().firstCode(k);
  }

  equals(k: number, text: string): boolean {
    return this.text_().equals(k, text);
  }

  id(k: number, ids: IdIndex, guess = -1): number {
    return this.text_().id(k, ids, guess);
  }

  pair(kA: number, kB: number, pairs: PairTable): number {
    return this.text_().pair(kA, kB, pairs);
  }

  line(): string {
    return this.text_().line();
  }

  joined(ks: readonly number[]): string {
    // A sampled row's cells, written alone when each has its writer, instead of the whole row
    // formatted and split again (the text is the same: tests hold it to the row's).
    const writers = this.cellWriters;
    for (const k of ks) if (writers[k] === undefined) return this.text_().joined(ks);
    // Empty cells write nothing, and a flush of nothing hands nothing over.
    this.formatted = noBytes;
    for (let i = 0; i < ks.length; i++) {
      if (i > 0) this.csv.comma();
      writers[ks[i]!]!(this.csv);
    }
    this.csv.flush();
    // The buffer the whole row's text was read from is written over.
    this.formattedRow = -1;
    const bytes = this.formatted;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  }
}

/** What cell k of a digest's row is, by the name of the file column it asked for (0: read from the text). */
function cellCodes(columns: readonly string[], wanted: readonly number[], codes: Readonly<Record<string, number>>): Int8Array {
  return Int8Array.from(wanted, (column) => (column >= 0 ? (codes[columns[column]!] ?? 0) : 0));
}

const frameCodes = { sender: 1, outcome: 2, atMs: 3, airtimeMs: 4, channelMhz: 5 };

/** A row of frames.csv: slot `slot` of the tracker's columns `rows`. */
export class FrameRecordRow extends RecordRow {
  private rows: FrameRows;
  private slot = 0;
  private readonly codes: Int8Array;
  private readonly writeRow: (rows: FrameRows, slot: number) => void;

  constructor(columns: readonly string[], wanted: readonly number[], private readonly ids: IdBytes, transmissions: boolean) {
    super(wanted);
    this.codes = cellCodes(columns, wanted, frameCodes);
    this.writeRow = frameRowWriter(this.csv, ids, transmissions);
    this.rows = createFrameStore(1).rows;
    // As frameRowWriter in metrics/tables.ts writes them.
    const r = (): FrameRows => this.rows;
    this.writeCellsBy(columns, wanted, {
      sender: (csv) => csv.id(ids, r().sender[this.slot]!),
      seq: (csv) => {
        const seq = r().seq[this.slot]!;
        if (seq >= 0) csv.integer(seq);
      },
      destination: (csv) => {
        const destination = r().destination[this.slot]!;
        if (destination >= 0) csv.id(ids, destination);
        else csv.text(destination === gatewaysDestination ? 'gateways' : '*');
      },
      outcome: (csv) => csv.text(outcomes[r().outcome[this.slot]!]!),
      atMs: (csv) => csv.fixed(r().atMs[this.slot]!, 3),
      airtimeMs: (csv) => csv.fixed(r().airtimeMs[this.slot]!, 3),
      channelMhz: (csv) => {
        const hz = r().channelHz[this.slot]!;
        if (hz) csv.text(String(hz / 1e6));
      },
      sf: (csv) => csv.integer(r().sf[this.slot]!),
      fate: (csv) => csv.text(fateLabels[r().fate[this.slot]!]!),
    });
  }

  /** Points the row at slot `slot` of `rows`. */
  at(rows: FrameRows, slot: number): this {
    this.rows = rows;
    this.slot = slot;
    this.row++;
    return this;
  }

  protected write(): void {
    this.writeRow(this.rows, this.slot);
  }

  override number(k: number, fallback = 0): number {
    switch (this.codes[k]) {
      case frameCodes.atMs:
        return roundedCell(this.rows.atMs[this.slot]!, 3, fallback);
      case frameCodes.airtimeMs:
        return roundedCell(this.rows.airtimeMs[this.slot]!, 3, fallback);
      case frameCodes.channelMhz: {
        // Written as String(hz / 1e6) when there is a channel.
        const hz = this.rows.channelHz[this.slot]!;
        const mhz = hz / 1e6;
        return hz && Number.isFinite(mhz) ? mhz : fallback;
      }
      default:
        return super.number(k, fallback);
    }
  }

  override equals(k: number, text: string): boolean {
    return this.codes[k] === frameCodes.outcome ? outcomes[this.rows.outcome[this.slot]!] === text : super.equals(k, text);
  }

  override id(k: number, ids: IdIndex, guess = -1): number {
    return this.codes[k] === frameCodes.sender ? nodeIn(ids, this.ids, this.rows.sender[this.slot]!, guess) : super.id(k, ids, guess);
  }
}

const receptionCodes = { sender: 1, receiver: 2, fate: 3, atMs: 4, snrDb: 5 };
/** A row of receptions.csv: the numbers the tracker hands its sinks. */
export class ReceptionRecordRow extends RecordRow {
  private sender = 0;
  private seq = 0;
  private receiver = 0;
  private atMs = 0;
  private fate: Fate = 'received';
  private rxPowerDbm = 0;
  private snrDb = 0;
  private readonly codes: Int8Array;
  private readonly writeRow: ReturnType<typeof receptionRowWriter>;

  constructor(columns: readonly string[], wanted: readonly number[], private readonly ids: IdBytes) {
    super(wanted);
    this.codes = cellCodes(columns, wanted, receptionCodes);
    this.writeRow = receptionRowWriter(this.csv, ids);
    // As receptionRowWriter in metrics/tables.ts writes them.
    this.writeCellsBy(columns, wanted, {
      sender: (csv) => csv.id(ids, this.sender),
      seq: (csv) => csv.integer(this.seq),
      receiver: (csv) => csv.id(ids, this.receiver),
      atMs: (csv) => csv.fixed(this.atMs, 3),
      fate: (csv) => csv.text(this.fate),
      snrDb: (csv) => csv.fixed(this.snrDb, 2),
    });
  }

  set(sender: number, seq: number, receiver: number, atMs: number, fate: Fate, rxPowerDbm: number, snrDb: number): this {
    this.sender = sender;
    this.seq = seq;
    this.receiver = receiver;
    this.atMs = atMs;
    this.fate = fate;
    this.rxPowerDbm = rxPowerDbm;
    this.snrDb = snrDb;
    this.row++;
    return this;
  }

  protected write(): void {
    this.writeRow(this.sender, this.seq, this.receiver, this.atMs, this.fate, this.rxPowerDbm, this.snrDb);
  }

  override number(k: number, fallback = 0): number {
    switch (this.codes[k]) {
      case receptionCodes.atMs:
        return roundedCell(this.atMs, 3, fallback);
      case receptionCodes.snrDb:
        return roundedCell(this.snrDb, 2, fallback);
      default:
        return super.number(k, fallback);
    }
  }

  override firstCode(k: number): number {
    return this.codes[k] === receptionCodes.fate ? this.fate.charCodeAt(0) : super.firstCode(k);
  }

  override equals(k: number, text: string): boolean {
    return this.codes[k] === receptionCodes.fate ? this.fate === text : super.equals(k, text);
  }

  override id(k: number, ids: IdIndex, guess = -1): number {
    const code = this.codes[k];
    if (code === receptionCodes.sender) return nodeIn(ids, this.ids, this.sender, guess);
    if (code === receptionCodes.receiver) return nodeIn(ids, this.ids, this.receiver, guess);
    return super.id(k, ids, guess);
  }

  override pair(kA: number, kB: number, pairs: PairTable): number {
    if (this.codes[kA] !== receptionCodes.sender || this.codes[kB] !== receptionCodes.receiver) return super.pair(kA, kB, pairs);
    const { bytes, starts } = this.ids;
    return pairs.entry(bytes, starts[this.sender]!, starts[this.sender + 1]!, starts[this.receiver]!, starts[this.receiver + 1]!);
  }
}

/** series.csv's first columns; its energy columns follow its remaining charge. */
const seriesCodes = { atMs: 1, node: 2, alive: 3, stateOfCharge: 4 };
const firstEnergyColumn = 5;
/** Codes of energy cells: this plus the energy state's index. */
const energyCode = 16;

/** A row of series.csv: the numbers the series sampler hands its sinks (the arrays are read during the call only). */
export class SeriesRecordRow extends RecordRow {
  private atMs = 0;
  private node = 0;
  private alive = false;
  private stateOfCharge = 0;
  private remainingMah = 0;
  private energyUj: Float64Array = new Float64Array(0);
  private dutyCycleUse: Float64Array = new Float64Array(0);
  private readonly codes: Int8Array;
  private readonly writeRow: SeriesSink;

  constructor(columns: readonly string[], wanted: readonly number[], private readonly ids: IdBytes, private readonly mains: readonly boolean[], energyStates: number) {
    super(wanted);
    const codes: Record<string, number> = { ...seriesCodes };
    for (let s = 0; s < energyStates; s++) codes[columns[firstEnergyColumn + s]!] = energyCode + s;
    this.codes = cellCodes(columns, wanted, codes);
    this.writeRow = seriesRowWriter(this.csv, ids, mains);
  }

  set(atMs: number, node: number, alive: boolean, stateOfCharge: number, remainingMah: number, energyUj: Float64Array, dutyCycleUse: Float64Array): this {
    this.atMs = atMs;
    this.node = node;
    this.alive = alive;
    this.stateOfCharge = stateOfCharge;
    this.remainingMah = remainingMah;
    this.energyUj = energyUj;
    this.dutyCycleUse = dutyCycleUse;
    this.row++;
    return this;
  }

  protected write(): void {
    this.writeRow(this.atMs, this.node, this.alive, this.stateOfCharge, this.remainingMah, this.energyUj, this.dutyCycleUse);
  }

  override number(k: number, fallback = 0): number {
    const code = this.codes[k]!;
    if (code >= energyCode) return roundedCell(this.energyUj[code - energyCode]! / 1e6, 9, fallback);
    if (code === seriesCodes.atMs) return roundedCell(this.atMs, 3, fallback);
    // A mains-powered node's state of charge is an empty cell.
    if (code === seriesCodes.stateOfCharge) return this.mains[this.node] ? fallback : roundedCell(this.stateOfCharge, 9, fallback);
    return super.number(k, fallback);
  }

  override equals(k: number, text: string): boolean {
    return this.codes[k] === seriesCodes.alive ? (this.alive ? '1' : '0') === text : super.equals(k, text);
  }

  override id(k: number, ids: IdIndex, guess = -1): number {
    return this.codes[k] === seriesCodes.node ? nodeIn(ids, this.ids, this.node, guess) : super.id(k, ids, guess);
  }
}
