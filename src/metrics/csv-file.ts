/**
 * A CSV file written as the run goes: rows go into a buffer of bytes (csv-bytes.ts) and each
 * full buffer to the file, or, compressed, as one gzip member (RFC 1952 §2.2: a gzip file may
 * hold several members, which gunzip, Python's gzip module and so pandas read as one stream).
 * Compression runs on libuv's thread pool while the simulation goes on; members are written
 * in order.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { createCsvBytes, type CsvBytes } from './csv-bytes.ts';

const gzipAsync = promisify(gzip);

export interface CsvFile {
  readonly csv: CsvBytes;
  /** Writes what is buffered, waits for the compression, and closes the file. */
  close(): Promise<void>;
}

export function createCsvFile(path: string, options: { readonly gzip: boolean }): CsvFile {
  const fd = openSync(path, 'w');
  let written: Promise<void> = Promise.resolve();
  let failure: Error | undefined;
  const writeAll = (bytes: Uint8Array): void => {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
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
  return {
    csv,
    async close() {
      try {
        csv.flush();
        await written;
      } finally {
        closeSync(fd);
      }
    },
  };
}
