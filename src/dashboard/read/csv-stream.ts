/**
 * Reads a CSV file record by record without holding it whole: plain (`name.csv`) or
 * gzip-compressed (`name.csv.gz`, one or many members, RFC 1952 §2.2, which Node's gunzip
 * stream reads as one), through the parser of csv-parse.ts, which never decodes the bytes as a
 * whole. That is what makes a 0.9 GB frames.csv a matter of seconds. Plain files are read into
 * one reused buffer (fresh buffers per chunk cost the kernel more than reading the file). A gzip
 * file cut short (a member not finished by a run still writing it) gives the whole records
 * before the cut and says so; a corrupt one stops there and says so.
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
import { createCsvParser, type CsvVisitor } from './csv-parse.ts';

export type { CsvRow, CsvVisitor } from './csv-parse.ts';

export interface CsvReadResult {
  /** Records read after the header. */
  readonly rows: number;
  /** Why the file was read only in part (corrupt, unreadable), or undefined. */
  readonly problem?: string;
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
  const parser = createCsvParser(visitor);
  let problem: string | undefined;
  try {
    for await (const chunk of chunksOf(path)) parser.push(chunk);
  } catch (error) {
    problem = `${path} could be read only in part (${(error as Error).message})`;
  }
  // The last record: a file that ends without a line break. A gzip file that does was cut short
  // (its writer ends every member with a whole record): its torn record is left out.
  if (parser.unfinished && problem === undefined) {
    if (path.endsWith('.gz')) problem = `${path} ends inside a record (cut short, by a run still writing it?)`;
    else parser.end();
  }
  if (parser.quoteOpen) problem ??= `${path} ends inside a quoted field`;
  return { rows: parser.rows, ...(problem !== undefined && { problem }) };
}
