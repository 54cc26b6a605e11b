/**
 * A CSV file written as the run goes: rows go into a buffer of bytes (csv-bytes.ts) and each
 * full buffer to the file, or, compressed, as one gzip member (RFC 1952 §2.2: a gzip file may
 * hold several members, which gunzip, Python's gzip module and so pandas read as one stream).
 * Compression runs on libuv's thread pool while the simulation goes on; members are written
 * in order.
 *
 * A run's checkpoint records how far the file is written and the bytes still in the buffer
 * (`snapshot`); a resumed run cuts the file there and puts the bytes back (`resume`), so that
 * the file ends byte for byte as an uninterrupted run's (the members fall at the same rows).
 */
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { createCsvBytes, type CsvBytes } from './csv-bytes.ts';

const gzipAsync = promisify(gzip);

/** Where a streamed file stood at a checkpoint. */
export interface CsvFileSnapshot {
  /** Bytes in the file (every member compressed so far written). */
  readonly bytes: number;
  /** Bytes in the buffer, not yet in the file. */
  readonly pending: Uint8Array;
}

export interface CsvFile {
  readonly csv: CsvBytes;
  /** Waits for the compression of what was handed on, and says where the file stands. */
  snapshot(): Promise<CsvFileSnapshot>;
  /** Writes what is buffered, waits for the compression, and closes the file. */
  close(): Promise<void>;
}

export interface CsvFileOptions {
  readonly gzip: boolean;
  /** Go on from a checkpoint's snapshot of this file (it is cut to its length there). */
  readonly resume?: CsvFileSnapshot;
}

export function createCsvFile(path: string, options: CsvFileOptions): CsvFile {
  const fd = openSync(path, options.resume ? 'r+' : 'w');
  let position = 0;
  if (options.resume) {
    ftruncateSync(fd, options.resume.bytes);
    position = options.resume.bytes;
  }
  let written: Promise<void> = Promise.resolve();
  let closed = false;
  let failure: Error | undefined;
  const writeAll = (bytes: Uint8Array): void => {
    for (let at = 0; at < bytes.length; ) {
      const count = writeSync(fd, bytes, at, bytes.length - at, position);
      at += count;
      position += count;
    }
  };
  const csv = createCsvBytes((chunk) => {
    if (failure) throw failure;
    if (!options.gzip) {
      writeAll(chunk);
      return;
    }
    // The chunk's buffer is reused: compress a copy. Level 1: these files are large and
    // repetitive, and the fastest level already shrinks them about eightfold.
    const member = gzipAsync(Buffer.from(chunk), { level: 1 });
    written = written.then(async () => {
      writeAll(await member);
    });
    written.catch((error: Error) => {
      failure ??= error;
    });
  });
  if (options.resume) csv.preload(options.resume.pending);
  return {
    csv,
    async snapshot() {
      await written;
      if (failure) throw failure;
      return { bytes: position, pending: csv.pending() };
    },
    async close() {
      // Once: the descriptor's number may be another file's after it is closed.
      if (closed) return;
      closed = true;
      try {
        csv.flush();
        await written;
      } finally {
        closeSync(fd);
      }
    },
  };
}
