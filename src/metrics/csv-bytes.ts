/**
 * CSV text written as bytes into a buffer, for result files with millions of rows: numbers are
 * formatted digit by digit (no string per field), and full buffers go to a sink (a file, a gzip
 * member, or memory). Text is Latin-1 (ids, fates and names are ASCII by the scenario schema). The text is exactly what csv-stringify makes of the same values — a
 * number rounded with `round(v, d)` prints as `String(round(v, d))` — so files written this way
 * are byte-identical to the tables built as one string before.
 */
import { round } from './stats.ts';

export interface CsvBytes {
  /** Appends a string of printable ASCII (ids, fates, literals), as csv-stringify would write it unquoted. */
  text(value: string): void;
  /** Appends pre-encoded bytes (a node id, a literal). */
  bytes(value: Uint8Array): void;
  /** Appends a comma. */
  comma(): void;
  /** Ends the row (a newline) and hands the buffer on when it is nearly full. */
  endRow(): void;
  /** A whole number, as `String(n)`. */
  integer(value: number): void;
  /** `String(round(value, digits))`, digits 0..6. */
  fixed(value: number, digits: number): void;
  /** Any number, as `String(value)`. */
  number(value: number): void;
  /** Hands the rest of the buffer on. */
  flush(): void;
}

/** Receives full buffers; it must copy or consume `chunk` before returning. */
export type ChunkSink = (chunk: Uint8Array) => void;

const chunkBytes = 1 << 20;
const comma = 44;
const newline = 10;
const powers = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];

export function createCsvBytes(sink: ChunkSink): CsvBytes {
  let buffer = new Uint8Array(chunkBytes);
  let at = 0;

  function ensure(extra: number): void {
    if (at + extra <= buffer.length) return;
    const grown = new Uint8Array(Math.max(buffer.length * 2, at + extra));
    grown.set(buffer.subarray(0, at));
    buffer = grown;
  }

  /** Digits of a whole number 0 ≤ n < 2^53. */
  function digits(n: number): void {
    if (n < 10) {
      buffer[at++] = 48 + n;
      return;
    }
    let count = 0;
    for (let x = n; x >= 1; x = Math.floor(x / 10)) count++;
    let p = at + count;
    at = p;
    while (n >= 1) {
      const q = Math.floor(n / 10);
      buffer[--p] = 48 + (n - q * 10);
      n = q;
    }
  }

  function number(value: number): void {
    text(String(value));
  }

  function text(value: string): void {
    ensure(2 * value.length + 2);
    const start = at;
    let special = false;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code === 44 || code === 34 || code === 10 || code === 13) special = true;
      buffer[at++] = code;
    }
    if (!special) return;
    // csv-stringify's quoting: the field in double quotes, its quotes doubled.
    at = start;
    buffer[at++] = 34;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code === 34) buffer[at++] = 34;
      buffer[at++] = code;
    }
    buffer[at++] = 34;
  }

  return {
    text,
    bytes(value) {
      ensure(value.length);
      buffer.set(value, at);
      at += value.length;
    },
    comma() {
      buffer[at++] = comma;
    },
    endRow() {
      buffer[at++] = newline;
      if (at > chunkBytes - 4096) {
        sink(buffer.subarray(0, at));
        at = 0;
      }
      ensure(4096);
    },
    integer(value) {
      if (Number.isSafeInteger(value) && value >= 0) digits(value);
      else number(value);
    },
    fixed(value, places) {
      const factor = powers[places]!;
      let k = Math.round(value * factor);
      // Beyond 15 significant digits String() may print fewer digits than k has.
      if (!(Math.abs(k) < 1e15)) return number(round(value, places));
      if (k === 0) {
        buffer[at++] = 48;
        return;
      }
      if (k < 0) {
        buffer[at++] = 45;
        k = -k;
      }
      const whole = Math.floor(k / factor);
      let fraction = k - whole * factor;
      digits(whole);
      if (fraction === 0) return;
      buffer[at++] = 46;
      for (let unit = factor / 10; fraction > 0; unit /= 10) {
        const digit = Math.floor(fraction / unit);
        buffer[at++] = 48 + digit;
        fraction -= digit * unit;
      }
    },
    number,
    flush() {
      if (at > 0) sink(buffer.subarray(0, at));
      at = 0;
    },
  };
}

/** CSV text in memory, for small tables and tests. */
export function csvText(write: (csv: CsvBytes) => void): string {
  const parts: Buffer[] = [];
  const csv = createCsvBytes((chunk) => parts.push(Buffer.from(chunk)));
  write(csv);
  csv.flush();
  return Buffer.concat(parts).toString('latin1');
}
