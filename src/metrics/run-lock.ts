/**
 * The lock a result directory's writer holds: `<dir>.lock`, created exclusively (O_CREAT |
 * O_EXCL, atomic on local file systems and on NFSv3 and later), holding the owner's process id,
 * host, the process's start time and a random token. A second writer to the same directory is
 * refused, naming the first. A lock whose owner is gone (no such process on this host, or a
 * different process under a reused id) is stale: it is taken over atomically (renamed away,
 * then created afresh; of two writers that find it stale, one wins) and the takeover is reported.
 * A lock held from another host cannot be checked from here and is never taken over.
 *
 * @example
 * const lock = takeRunLock('runs/city-seed1');   // throws RunDirectoryError if another run holds it
 * try { … } finally { lock.release(); }
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { hostname } from 'node:os';
import { RunDirectoryError } from './run-directory-error.ts';

export interface RunLock {
  readonly path: string;
  /** What was found and taken over (a stale lock), for the user; undefined when the place was free. */
  readonly tookOver: string | undefined;
  /** Removes the lock if it is still this one's (idempotent). */
  release(): void;
}

interface LockRecord {
  readonly pid: number;
  readonly host: string;
  readonly processStart: string | null;
  readonly startedAt: string;
  readonly token: string;
}

/** A lock file is a few hundred bytes; anything longer is not ours. */
const maxLockBytes = 4096;

/** The kernel's start time of process `pid` (clock ticks since boot, /proc/<pid>/stat field 22), or null where there is no /proc. */
function processStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: fields count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function readRecord(path: string): LockRecord | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    if (text.length > maxLockBytes) return undefined;
    const record = JSON.parse(text) as Partial<LockRecord>;
    if (typeof record.pid !== 'number' || typeof record.host !== 'string' || typeof record.token !== 'string') return undefined;
    return record as LockRecord;
  } catch {
    return undefined;
  }
}

/** Whether the record's owner is certainly gone: on this host, no such process, or another process under its id. */
function ownerGone(record: LockRecord): boolean {
  if (record.host !== hostname()) return false;
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    // EPERM: a process of another user holds the id, which is alive.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
  }
  const now = processStartOf(record.pid);
  return record.processStart !== null && now !== null && now !== record.processStart;
}

function describe(record: LockRecord): string {
  return `process ${record.pid} on ${record.host}, started ${record.startedAt}`;
}

/** Creates `path` exclusively with this process's record; false if it exists. */
function create(path: string, record: LockRecord): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(record)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Why `dir` is locked by another live writer, or undefined: a look before the work starts (takeRunLock decides). */
export function runLockProblem(dir: string, what = 'run'): string | undefined {
  const path = `${dir}.lock`;
  const holder = readRecord(path);
  if (holder === undefined || ownerGone(holder)) return undefined;
  return `another loraswarm ${what} is writing ${dir} (${describe(holder)}); wait for it to finish or choose another --out`;
}

/**
 * Takes the lock of the result directory `dir` (`<dir>.lock`) for `what` ("run", "sweep", …).
 * Throws RunDirectoryError when another live writer holds it, or when a lock file is there
 * that cannot be read as one (it is left alone).
 */
export function takeRunLock(dir: string, what = 'run'): RunLock {
  const path = `${dir}.lock`;
  const record: LockRecord = { pid: process.pid, host: hostname(), processStart: processStartOf(process.pid), startedAt: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  let tookOver: string | undefined;
  mkdirSync(dirname(path), { recursive: true });
  // A stale lock is renamed away, then created afresh; a writer that loses that race tries again.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(path, record)) {
      let released = false;
      return {
        path,
        tookOver,
        release() {
          if (released) return;
          released = true;
          if (readRecord(path)?.token === record.token) rmSync(path, { force: true });
        },
      };
    }
    const holder = readRecord(path);
    if (holder === undefined) {
      throw new RunDirectoryError(`${path} exists and is not a lock that loraswarm can read; if no loraswarm ${what} is writing ${dir}, remove it`);
    }
    if (!ownerGone(holder)) {
      const where = holder.host === hostname() ? '' : ` (another host: loraswarm cannot tell from here whether it still runs; if it does not, remove ${path})`;
      throw new RunDirectoryError(`another loraswarm ${what} is writing ${dir} (${describe(holder)})${where}; wait for it to finish or choose another --out`);
    }
    const aside = `${path}.stale-${record.token}`;
    try {
      renameSync(path, aside);
    } catch (error) {
      // Another writer took the stale lock over first: try again.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    // What was renamed may be a fresh lock another writer created in between: put it back if so.
    const moved = readRecord(aside);
    if (moved !== undefined && moved.token !== holder.token) {
      // Back in place unless a third writer holds the place by now (link fails if it exists).
      try {
        linkSync(aside, path);
      } catch {
        // The fresh lock's owner will find its lock gone when it releases: a race of three
        // writers on a stale lock within microseconds, accepted.
      }
      rmSync(aside, { force: true });
      continue;
    }
    rmSync(aside, { force: true });
    tookOver = `a stale lock of a ${what} that is gone (${describe(holder)}) was found on ${dir} and taken over`;
  }
  throw new RunDirectoryError(`${path}: other writers keep taking this directory; try again`);
}
