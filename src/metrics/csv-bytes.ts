/**
 * CSV text written as bytes into a buffer, for result files with millions of rows: numbers are
 * formatted digit by digit (no string per field), and full buffers go to a sink (a file, a gzip
 * member, or memory). `text` is for ASCII (ids, fates and names are ASCII by the scenario
 * schema); other text goes in as its UTF-8 bytes (`bytes`). The text is exactly what csv-stringify makes of the same values — a
 * number rounded with `round(v, d)` prints as `String(round(v, d))` — so files written this way
 * are byte-identical to the tables built as one string before.
 */
import { round } from './stats.ts';

export interface CsvBytes {
  /** Appends a string of printable ASCII (ids, fates, literals), as csv-stringify would write it unquoted. */
  text(value: string): void;
  /** Appends pre-encoded bytes (a literal). */
  bytes(value: Uint8Array): void;
  /** Appends node `index`'s id from a table of them (encodedIds). */
  id(ids: IdBytes, index: number): void;
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
  /** Makes room for `bytes` more before the next cell (a row may hold more than a row's usual 4 KiB). */
  reserve(bytes: number): void;
  /** Hands the rest of the buffer on. */
  flush(): void;
  /** A copy of the bytes written and not yet handed on (a run's checkpoint). */
  pending(): Uint8Array;
  /** Puts such bytes back (a resumed run), before any other. */
  preload(bytes: Uint8Array): void;
}

/**
 * Every node's id as bytes, end to end in one array (`starts[i]` to `starts[i + 1]`): one
 * lookup per id written, where an array of small arrays would cost two loads far apart in
 * memory at every row of a city's frames.
 */
export interface IdBytes {
  readonly bytes: Uint8Array;
  readonly starts: Int32Array;
}

/** The ids' bytes (Latin-1: ids are ASCII by the scenario schema). */
export function encodeIds(ids: readonly string[]): IdBytes {
  const starts = new Int32Array(ids.length + 1);
  for (let i = 0; i < ids.length; i++) starts[i + 1] = starts[i]! + ids[i]!.length;
  const bytes = new Uint8Array(starts[ids.length]!);
  ids.forEach((id, i) => {
    for (let k = 0; k < id.length; k++) bytes[starts[i]! + k] = id.charCodeAt(k);
  });
  return { bytes, starts };
}

/** The ids back as strings (a thread that was handed the bytes). */
export function decodeIds(ids: IdBytes): string[] {
  const { bytes, starts } = ids;
  return Array.from({ length: starts.length - 1 }, (_, i) => Buffer.from(bytes.buffer, bytes.byteOffset + starts[i]!, starts[i + 1]! - starts[i]!).toString('latin1'));
}

/** Receives full buffers; it must copy or consume `chunk` before returning. */
export type ChunkSink = (chunk: Uint8Array) => void;

const chunkBytes = 1 << 20;
const comma = 44;
const newline = 10;
const powers = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];
const powersOfTen = Array.from({ length: 17 }, (_, i) => 10 ** i);
/** "00", "01", …, "99" as character codes, two per pair. */
const digitPairs = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

export function createCsvBytes(sink: ChunkSink): CsvBytes {
  let buffer = new Uint8Array(chunkBytes);
  let at = 0;

  function ensure(extra: number): void {
    if (at + extra <= buffer.length) return;
    const grown = new Uint8Array(Math.max(buffer.length * 2, at + extra));
    grown.set(buffer.subarray(0, at));
    buffer = grown;
  }

  /** Digits of a whole number 0 ≤ n < 2^53, two at a time from the end. */
  function digits(n: number): void {
    if (n < 10) {
      buffer[at++] = 48 + n;
      return;
    }
    let count = 1;
    while (count < 16 && n >= powersOfTen[count]!) count++;
    let p = at + count;
    at = p;
    while (n >= 100) {
      const q = Math.floor(n / 100);
      const pair = 2 * (n - q * 100);
      buffer[--p] = digitPairs[pair + 1]!;
      buffer[--p] = digitPairs[pair]!;
      n = q;
    }
    if (n >= 10) {
      buffer[p - 1] = digitPairs[2 * n + 1]!;
      buffer[p - 2] = digitPairs[2 * n]!;
    } else buffer[p - 1] = 48 + n;
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
      // A loop, not TypedArray#set: the values are a few bytes (ids, labels), for which set's call costs more.
      for (let i = 0; i < value.length; i++) buffer[at++] = value[i]!;
    },
    id(ids, index) {
      const { bytes, starts } = ids;
      const end = starts[index + 1]!;
      let k = starts[index]!;
      ensure(end - k);
      while (k < end) buffer[at++] = bytes[k++]!;
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
      // The fraction's `places` digits, leading zeros kept, trailing zeros dropped.
      let shown = places;
      while (fraction % 10 === 0) {
        fraction /= 10;
        shown--;
      }
      buffer[at++] = 46;
      let p = at + shown;
      at = p;
      for (let d = 0; d < shown; d++) {
        const q = Math.floor(fraction / 10);
        buffer[--p] = 48 + (fraction - q * 10);
        fraction = q;
      }
    },
    number,
    reserve: ensure,
    flush() {
      if (at > 0) sink(buffer.subarray(0, at));
      at = 0;
    },
    pending: () => buffer.slice(0, at),
    preload(bytes) {
      ensure(bytes.length + 4096);
      buffer.set(bytes, at);
      at += bytes.length;
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
