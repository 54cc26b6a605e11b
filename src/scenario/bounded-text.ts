/**
 * A text file read no further than a bound, whatever it is: a pipe or a device (/dev/zero) has no
 * size to check first, so the bytes are counted as they come.
 *
 * @example
 * readBoundedText('scenarios/aloha.yaml', 32 * 2 ** 20) // the file's text, or TooLargeError past 32 MiB
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The largest scenario file read (bytes): a scenario listing 150,000 nodes one by one is
 * ~10 MB; beyond, the file is refused before it is parsed (a device such as /dev/zero, a log
 * given by mistake).
 */
export const maxScenarioBytes = 32 * 2 ** 20;

/** The file holds more than the bound. */
export class TooLargeError extends Error {}

/** The file's UTF-8 text; TooLargeError past `maxBytes`; the file system's error (with its `code`, EISDIR for a directory) when it cannot be read. */
export function readBoundedText(file: string, maxBytes: number): string {
  const fd = openSync(file, 'r');
  try {
    if (fstatSync(fd).isDirectory()) throw Object.assign(new Error('a directory'), { code: 'EISDIR' });
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(1 << 16);
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > maxBytes) throw new TooLargeError(`more than ${maxBytes} bytes in ${file}`);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
