/**
 * CSV records found in bytes handed over chunk by chunk, as the run's files are written or read:
 * records by their line breaks, cells by their commas, and only as far into a record as the
 * visitor asks; a cell becomes a string or a number only when asked for (numbers straight from
 * the bytes: decimal.ts; node ids through id-index.ts). Quoting follows RFC 4180 as
 * csv-stringify writes it (a field with a comma, quote or line break is quoted, its quotes
 * doubled); a record with a quote, rare in run files, goes through d3's parser, line breaks
 * inside quotes included. UTF-8 needs no care: no byte of a multi-byte character is a comma,
 * quote or line break. csv-stream.ts reads files with it; the CSV writer thread digests the
 * files it writes with it (the report's figures, without reading the files back).
 *
 * @example
 * const parser = createCsvParser({ header: (columns) => [columns.indexOf('sender')], row: (row) => senders.add(row.text(0)) });
 * parser.push(chunk); // …every chunk, in order; a chunk's buffer may be reused once push returns
 * parser.end(); // the last record, if the bytes do not end with a line break
 */
import { csvParseRows } from 'd3';
import { decimalAt } from './decimal.ts';
import { csvCell } from '../../metrics/csv-record.ts';
import type { IdIndex } from './id-index.ts';
import type { PairTable } from './pair-table.ts';

/** One record, seen through the columns the visitor asked for (`k` indexes that list). */
export interface CsvRow {
  /** Cell k as written ('' when the column is absent or the record is short). */
  text(k: number): string;
  /** Cell k as a number; an empty or unparsable cell gives `fallback` (default 0), as the run model's `num`. */
  number(k: number, fallback?: number): number;
  /** The first byte of cell k, -1 when it is empty. */
  firstCode(k: number): number;
  /** Whether cell k is `text` (ASCII), without making a string of it: a cheap test of a fate or an outcome. */
  equals(k: number, text: string): boolean;
  /** The index in `ids` of the node cell k names, or -1; `guess` is tried first (rows in node order). */
  id(k: number, ids: IdIndex, guess?: number): number;
  /** The entry in `pairs` of the pair of ids in cells kA and kB. */
  pair(kA: number, kB: number, pairs: PairTable): number;
  /** The whole record as written, without its line break. */
  line(): string;
  /** Cells `ks` as one CSV record (quoted as d3's csvFormat quotes), made in one piece: a kept row of a sampled table. */
  joined(ks: readonly number[]): string;
}

export interface CsvVisitor {
  /** The header's column names; returns, for each cell it will ask for, its column index (-1: absent). */
  header(columns: readonly string[]): readonly number[];
  row(row: CsvRow): void;
}


const lineFeed = 10;
const carriageReturn = 13;
const comma = 44;
const quote = 34;

/** A record of a chunk's bytes, split lazily; or, quoted, its cells parsed by d3. */
class ByteRecord implements CsvRow {
  bytes: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  /** The column whose cell starts at `at`; every column before it is in starts/ends. */
  column = 0;
  at = 0;
  cells: string[] | undefined;
  readonly starts: Int32Array;
  readonly ends: Int32Array;

  constructor(readonly wanted: readonly number[]) {
    const last = wanted.reduce((most, column) => Math.max(most, column), -1);
    this.starts = new Int32Array(last + 1);
    this.ends = new Int32Array(last + 1);
  }

  reset(bytes: Buffer, start: number, end: number): void {
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.column = 0;
    this.at = start;
    this.cells = undefined;
  }

  /** Finds the cells up to `column`; false when the record has fewer. */
  reach(column: number): boolean {
    const { bytes, starts, ends, end } = this;
    let at = this.at;
    let current = this.column;
    while (current <= column) {
      if (at > end) break;
      let i = at;
      while (i < end && bytes[i] !== comma) i++;
      starts[current] = at;
      ends[current] = i;
      current++;
      at = i + 1;
    }
    this.at = at;
    this.column = current;
    return current > column;
  }

  private span(k: number): number {
    const column = this.wanted[k] ?? -1;
    if (column < 0 || !(this.column > column || this.reach(column))) return -1;
    return column;
  }

  text(k: number): string {
    if (this.cells) return this.cells[k] ?? '';
    const column = this.span(k);
    return column < 0 ? '' : this.bytes.toString('utf8', this.starts[column]!, this.ends[column]!);
  }

  number(k: number, fallback = 0): number {
    if (this.cells) {
      const text = this.cells[k] ?? '';
      if (text.trim() === '') return fallback;
      const n = Number(text);
      return Number.isFinite(n) ? n : fallback;
    }
    const column = this.span(k);
    return column < 0 ? fallback : decimalAt(this.bytes, this.starts[column]!, this.ends[column]!, fallback);
  }

  firstCode(k: number): number {
    if (this.cells) return this.cells[k] ? this.cells[k].charCodeAt(0) : -1;
    const column = this.span(k);
    return column < 0 || this.starts[column] === this.ends[column] ? -1 : this.bytes[this.starts[column]!]!;
  }

  equals(k: number, text: string): boolean {
    if (this.cells) return this.cells[k] === text;
    const column = this.span(k);
    if (column < 0) return text === '';
    const start = this.starts[column]!;
    if (this.ends[column]! - start !== text.length) return false;
    for (let i = 0; i < text.length; i++) if (this.bytes[start + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  id(k: number, ids: IdIndex, guess = -1): number {
    if (this.cells) return ids.findText(this.cells[k] ?? '');
    const column = this.span(k);
    return column < 0 ? ids.findText('') : ids.find(this.bytes, this.starts[column]!, this.ends[column]!, guess);
  }

  pair(kA: number, kB: number, pairs: PairTable): number {
    if (this.cells) return pairs.entryOfText(this.cells[kA] ?? '', this.cells[kB] ?? '');
    const a = this.span(kA);
    const b = this.span(kB);
    if (a < 0 || b < 0) return pairs.entryOfText(a < 0 ? '' : this.text(kA), b < 0 ? '' : this.text(kB));
    return pairs.entry(this.bytes, this.starts[a]!, this.ends[a]!, this.starts[b]!, this.ends[b]!);
  }

  line(): string {
    if (this.cells) return this.quotedLine;
    return this.bytes.toString('utf8', this.start, this.end);
  }

  quotedLine = '';
  private scratch = Buffer.allocUnsafe(256);

  joined(ks: readonly number[]): string {
    if (this.cells) return ks.map((k) => csvCell(this.cells![k] ?? '')).join(',');
    // Unquoted cells hold no comma, quote or line break: as d3 would write them, as they are.
    let length = Math.max(0, ks.length - 1);
    for (const k of ks) {
      const column = this.span(k);
      if (column >= 0) length += this.ends[column]! - this.starts[column]!;
    }
    if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(2 * length);
    const { scratch, bytes } = this;
    let at = 0;
    ks.forEach((k, i) => {
      if (i > 0) scratch[at++] = comma;
      const column = this.wanted[k] ?? -1;
      if (column < 0 || column >= this.column) return;
      for (let j = this.starts[column]!; j < this.ends[column]!; j++) scratch[at++] = bytes[j]!;
    });
    return scratch.toString('utf8', 0, at);
  }

  parsed(line: string): void {
    const cells = csvParseRows(line)[0] ?? [];
    this.quotedLine = line;
    this.cells = this.wanted.map((column) => (column >= 0 ? (cells[column] ?? '') : ''));
  }
}

/** A record of bytes handed over one at a time (a row formatted apart, without its line break, holding no quote): `reset` points it at the next. */
export interface LineRecord extends CsvRow {
  reset(bytes: Buffer, start: number, end: number): void;
}

/** A record that reads the cells `wanted` (column indexes, as a visitor's header answers) of the bytes it is pointed at. */
export function createLineRecord(wanted: readonly number[]): LineRecord {
  return new ByteRecord(wanted);
}

/** Whether `text` holds an odd number of quotes (a quoted field still open at its end). */
function quoteOpen(text: string): boolean {
  let open = false;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) open = !open;
  return open;
}

export interface CsvParser {
  /** Takes the next chunk of bytes; its buffer may be reused once this returns. */
  push(chunk: Uint8Array): void;
  /** Records so far after the header. */
  readonly rows: number;
  /** The bytes after the last line break (a record not finished yet), if any. */
  readonly unfinished: boolean;
  /** Whether a quoted field is still open. */
  readonly quoteOpen: boolean;
  /** Takes the unfinished record as the last one (bytes that end without a line break). */
  end(): void;
}

/** A parser that calls the visitor for the header and each record of the bytes pushed. */
export function createCsvParser(visitor: CsvVisitor): CsvParser {
  let record: ByteRecord | undefined;
  let rows = 0;
  /** A quoted record spanning lines, until its quotes close. */
  let pending: string | undefined;
  let carry: Buffer | undefined;

  const quoted = (line: string): void => {
    if (!record) {
      record = new ByteRecord(visitor.header(csvParseRows(line)[0] ?? []));
      return;
    }
    record.parsed(line);
    rows++;
    visitor.row(record);
  };
  /** The record in bytes[start, end), which holds a quote when `hasQuote`. */
  const take = (bytes: Buffer, start: number, end: number, hasQuote: boolean): void => {
    if (end > start && bytes[end - 1] === carriageReturn) end--;
    if (pending === undefined && !hasQuote && record) {
      if (end === start) return;
      record.reset(bytes, start, end);
      rows++;
      visitor.row(record);
      return;
    }
    const line = bytes.toString('utf8', start, end);
    if (pending !== undefined) {
      pending += `\n${line}`;
      if (quoteOpen(pending)) return;
      const whole = pending;
      pending = undefined;
      return quoted(whole);
    }
    if (line === '') return;
    if (quoteOpen(line)) pending = line;
    else quoted(line);
  };

  return {
    push(bytes) {
      const chunk = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let at = 0;
      if (carry) {
        const first = chunk.indexOf(lineFeed);
        const head = chunk.subarray(0, first < 0 ? chunk.length : first);
        const joined = Buffer.concat([carry, head]);
        if (first < 0) {
          carry = joined;
          return;
        }
        carry = undefined;
        take(joined, 0, joined.length, joined.includes(quote));
        at = first + 1;
      }
      let nextQuote = chunk.indexOf(quote, at);
      for (let nl = chunk.indexOf(lineFeed, at); nl >= 0; nl = chunk.indexOf(lineFeed, at)) {
        if (nextQuote >= 0 && nextQuote < at) nextQuote = chunk.indexOf(quote, at);
        take(chunk, at, nl, nextQuote >= 0 && nextQuote < nl);
        at = nl + 1;
      }
      // The chunk's buffer may be reused: keep a copy of its unfinished record.
      carry = at < chunk.length ? Buffer.from(chunk.subarray(at)) : undefined;
    },
    get rows() {
      return rows;
    },
    get unfinished() {
      return carry !== undefined;
    },
    get quoteOpen() {
      return pending !== undefined;
    },
    end() {
      if (!carry) return;
      const last = carry;
      carry = undefined;
      take(last, 0, last.length, last.includes(quote));
    },
  };
}
