/**
 * Reads a CSV file record by record without holding it whole: plain (`name.csv`) or
 * gzip-compressed (`name.csv.gz`, one or many members, RFC 1952 §2.2, which Node's gunzip
 * stream reads as one). The bytes are never decoded as a whole: records are found by their
 * line breaks, cells by their commas, and only as far into a record as the visitor asks; a cell
 * becomes a string or a number only when asked for (numbers straight from the bytes:
 * decimal.ts; node ids through id-index.ts). That is what makes a 0.9 GB frames.csv a matter of
 * seconds. Plain files are read into one reused buffer (fresh buffers per chunk cost the
 * kernel more than reading the file).
 *
 * Quoting follows RFC 4180 as csv-stringify writes it (a field with a comma, quote or line
 * break is quoted, its quotes doubled); a record with a quote, rare in run files, goes through
 * d3's parser, line breaks inside quotes included. UTF-8 needs no care: no byte of a multi-byte
 * character is a comma, quote or line break. A gzip file cut short (a member not finished by a
 * run still writing it) gives the whole records before the cut and says so; a corrupt one stops
 * there and says so.
 *
 * @example
 * const senders = new Set<string>();
 * await readCsv('run/frames.csv.gz', {
 *   header: (columns) => [columns.indexOf('sender')],
 *   row: (row) => senders.add(row.text(0)),
 * });
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { constants, createGunzip } from 'node:zlib';
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

export interface CsvReadResult {
  /** Records read after the header. */
  readonly rows: number;
  /** Why the file was read only in part (corrupt, unreadable), or undefined. */
  readonly problem?: string;
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

/** Whether `text` holds an odd number of quotes (a quoted field still open at its end). */
function quoteOpen(text: string): boolean {
  let open = false;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) open = !open;
  return open;
}

/** The file's bytes in chunks: a reused buffer for a plain file, gunzip's output for a .gz. */
async function* chunksOf(path: string): AsyncGenerator<Buffer> {
  if (path.endsWith('.gz')) {
    const file = createReadStream(path, { highWaterMark: 1 << 18 });
    // Z_SYNC_FLUSH at the end: a member cut short yields what it holds instead of an error.
    const gunzip = createGunzip({ chunkSize: 1 << 18, finishFlush: constants.Z_SYNC_FLUSH });
    file.on('error', (error) => gunzip.destroy(error));
    try {
      yield* file.pipe(gunzip) as AsyncIterable<Buffer>;
    } finally {
      file.destroy();
      gunzip.destroy();
    }
    return;
  }
  const handle = await open(path);
  // Two buffers: the next chunk is read while the caller goes through this one.
  const buffers = [Buffer.allocUnsafe(1 << 20), Buffer.allocUnsafe(1 << 20)] as const;
  let filling = 0;
  let next = handle.read(buffers[0], 0, buffers[0].length, null);
  try {
    for (;;) {
      const { bytesRead } = await next;
      if (bytesRead === 0) return;
      const chunk = buffers[filling]!.subarray(0, bytesRead);
      filling ^= 1;
      next = handle.read(buffers[filling]!, 0, buffers[filling]!.length, null);
      yield chunk;
    }
  } finally {
    // A read still under way (the caller stopped early) ends before the file is closed.
    await next.catch(() => undefined);
    await handle.close();
  }
}

/** Reads `path` (gzip when it ends in `.gz`), calling the visitor for the header and each record. */
export async function readCsv(path: string, visitor: CsvVisitor): Promise<CsvReadResult> {
  let record: ByteRecord | undefined;
  let rows = 0;
  /** A quoted record spanning lines, until its quotes close. */
  let pending: string | undefined;

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

  let carry: Buffer | undefined;
  let problem: string | undefined;
  try {
    for await (const chunk of chunksOf(path)) {
      let at = 0;
      if (carry) {
        const first = chunk.indexOf(lineFeed);
        const head = chunk.subarray(0, first < 0 ? chunk.length : first);
        const joined = Buffer.concat([carry, head]);
        if (first < 0) {
          carry = joined;
          continue;
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
      // The chunk's buffer is reused: keep a copy of its unfinished record.
      carry = at < chunk.length ? Buffer.from(chunk.subarray(at)) : undefined;
    }
  } catch (error) {
    problem = `${path} could be read only in part (${(error as Error).message})`;
  }
  // The last record: a file that ends without a line break. A gzip file that does was cut short
  // (its writer ends every member with a whole record): its torn record is left out.
  if (carry && problem === undefined) {
    if (path.endsWith('.gz')) problem = `${path} ends inside a record (cut short, by a run still writing it?)`;
    else take(carry, 0, carry.length, carry.includes(quote));
  }
  if (pending !== undefined) problem ??= `${path} ends inside a quoted field`;
  return { rows, ...(problem !== undefined && { problem }) };
}
