/**
 * Secrets on disk (credentials, password files): written to a fresh file created 0600 beside
 * the target and renamed over it, so that the result is readable by its owner only whatever
 * was at the path before (writeFileSync's `mode` applies only when it creates the file: an
 * existing 0644 file would keep its mode) and never half-written.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/** `finish` runs on the fresh file before it takes the place (a password file hashed in place); if it throws, nothing is left. */
export function writePrivateFile(path: string, content: string, finish?: (temporaryPath: string) => void): void {
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    finish?.(temporary);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
