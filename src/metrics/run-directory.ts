/**
 * The run directory, written atomically and by one writer at a time: the run takes
 * `<dir>.lock` (run-lock.ts), works in `<dir>.partial/` (marked by a RUNNING file) and, on
 * success, the finished directory replaces `<dir>` in one rename. A run that fails leaves
 * `<dir>.partial/` with FAILED.txt saying why; an earlier `<dir>` stays intact.
 *
 * Nothing that is not a loraswarm leftover is deleted: an existing `<dir>` is replaced only when
 * it is an earlier result of ours (a run's summary.json, a sweep's sweep.csv, a sizing's
 * sizing.csv) or is empty; `<dir>.partial/` is cleared only when it is a dead run's (RUNNING or
 * FAILED.txt in it) or empty, and `<dir>.old/` (a replaced result, kept during the final
 * renames) only when it is a result of ours or empty. Anything else is refused before the run
 * starts, and left untouched. Trailing separators are dropped (`--out runs/a/` is `runs/a`).
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, parse, resolve } from 'node:path';
import { summarySchemaVersion } from './summary.ts';
import { RunDirectoryError } from './run-directory-error.ts';
import { sourceMappedStack } from './stack-sources.ts';
import { runLockProblem, takeRunLock, type RunLock } from './run-lock.ts';

export interface RunDirectory {
  readonly finalPath: string;
  readonly partialPath: string;
  /** What the lock found and took over (a dead run's stale lock), to tell the user; or undefined. */
  readonly tookOver: string | undefined;
  /** Writes one file into the partial directory. */
  write(name: string, content: string | Uint8Array): void;
  /** Moves the partial directory into place and releases the lock. */
  commit(): void;
  /** Marks the partial directory as failed, with the reason, and releases the lock. */
  fail(reason: string): void;
}

/** `path` without trailing separators (the file system's root stays itself). */
export function outPathOf(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  return trimmed === '' && path !== '' ? path : trimmed;
}

/**
 * Why `path` cannot take a result directory, or undefined when it can. Checked before a run so
 * that a bad `--out` costs nothing and destroys nothing. `replaceable`: whether an existing
 * non-empty directory may be replaced (an earlier result of ours).
 */
export function runDirectoryProblem(path: string, replaceable: (full: string) => boolean = isResultDirectory): string | undefined {
  if (path.trim() === '') return 'expected a directory path, found an empty string';
  return placeProblem(path, replaceable) ?? runLockProblem(outPathOf(path));
}

/** runDirectoryProblem but for the lock (a writer that holds it looks again). */
function placeProblem(path: string, replaceable: (full: string) => boolean): string | undefined {
  const out = outPathOf(path);
  const full = resolve(out);
  if (full === parse(full).root) return `expected a directory path below the file system's root, found ${path}`;
  if (existsSync(full)) {
    if (!statSync(full).isDirectory()) return `expected a directory path, found a file at ${path}`;
    const entries = readdirSync(full);
    if (entries.length > 0 && !replaceable(full)) {
      return `expected a new directory, an empty one or an earlier loraswarm result at ${path}, found a directory with other files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); it is left untouched`;
    }
  } else {
    // The nearest existing ancestor must be a directory.
    let parent = dirname(full);
    while (!existsSync(parent)) parent = dirname(parent);
    if (!statSync(parent).isDirectory()) return `expected a directory path, found a file at ${parent} on the way to ${path}`;
  }
  return leftoverProblem(`${out}.partial`, isDeadPartial) ?? leftoverProblem(`${out}.old`, isResultDirectory);
}

/** Why the leftover at `path` may not be cleared (it is not ours), or undefined (absent, empty or ours). */
function leftoverProblem(path: string, ours: (path: string) => boolean): string | undefined {
  if (!existsSync(path)) return undefined;
  if (statSync(path).isDirectory() && (readdirSync(path).length === 0 || ours(path))) return undefined;
  return `found ${path}, which is not a loraswarm leftover that may be cleared; it is left untouched: move it away or choose another --out`;
}

/** A run's partial directory: it holds the RUNNING mark or FAILED.txt. */
function isDeadPartial(path: string): boolean {
  return existsSync(join(path, 'RUNNING')) || existsSync(join(path, 'FAILED.txt'));
}

/** An earlier result of ours: a run (summary.json of our schema), a sweep or a sizing. */
export function isResultDirectory(path: string): boolean {
  if (existsSync(join(path, 'sweep.csv')) || existsSync(join(path, 'sizing.csv'))) return true;
  return summarySchemaOf(join(path, 'summary.json'))?.startsWith(summarySchemaVersion.split('@')[0]!) ?? false;
}

/** Bytes of summary.json read at its head to find its schema, and at its end to see it closed. */
const schemaHeadBytes = 256;
const tailBytes = 16;

/**
 * The `schema` a summary.json opens with, or undefined (no file, another opening, or a file that
 * does not end as a JSON object does: cut short, say). Only its head and its last bytes are read:
 * a city's summary is tens of megabytes (70 MB at 100,000 nodes), and parsing it whole, twice
 * before every run into an existing directory, took ~0.9 s.
 */
function summarySchemaOf(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(schemaHeadBytes, size));
    const tail = Buffer.alloc(Math.min(tailBytes, size));
    readSync(fd, head, 0, head.length, 0);
    readSync(fd, tail, 0, tail.length, size - tail.length);
    if (!/\}\s*$/.test(tail.toString('utf8'))) return undefined;
    return /^\s*\{\s*"schema"\s*:\s*"([^"\\]*)"/.exec(head.toString('utf8'))?.[1];
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

export function openRunDirectory(finalPath: string): RunDirectory {
  return openAtomicDirectory(finalPath, 'run');
}

/**
 * Reopens a stopped run's `<dir>.partial/` under the lock, keeping what it holds (`run
 * --resume`): it must be a dead run's (RUNNING or FAILED.txt in it). FAILED.txt goes, RUNNING
 * comes back.
 */
export function resumeRunDirectory(path: string): RunDirectory {
  const finalPath = outPathOf(path);
  const lock = takeRunLock(finalPath, 'run');
  try {
    const partialPath = `${finalPath}.partial`;
    if (!existsSync(partialPath) || !statSync(partialPath).isDirectory() || !isDeadPartial(partialPath)) {
      throw new RunDirectoryError(`expected a stopped run's ${partialPath}/ (with RUNNING or FAILED.txt), found ${existsSync(partialPath) ? 'something else' : 'nothing'} there`);
    }
    const problem = placeProblem(finalPath, isResultDirectory);
    if (problem) throw new RunDirectoryError(problem);
    return atomicDirectory(finalPath, 'run', lock, true);
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * A result directory written atomically (runs, sweeps, sizings) under its lock: into
 * `<dir>.partial/` marked RUNNING, renamed into place on success, left with FAILED.txt on
 * failure. Throws RunDirectoryError when another writer holds it or what is there is not ours
 * to replace (`replaceable` as for runDirectoryProblem).
 */
export function openAtomicDirectory(path: string, what: string, replaceable: (full: string) => boolean = isResultDirectory): RunDirectory {
  const finalPath = outPathOf(path);
  const lock = takeRunLock(finalPath, what);
  try {
    // Checked again under the lock: what another writer left may have changed since the first look.
    const problem = placeProblem(finalPath, replaceable);
    if (problem) throw new RunDirectoryError(problem);
    return atomicDirectory(finalPath, what, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

function atomicDirectory(finalPath: string, what: string, lock: RunLock, keep = false): RunDirectory {
  const partialPath = `${finalPath}.partial`;
  if (keep) rmSync(join(partialPath, 'FAILED.txt'), { force: true });
  else {
    rmSync(partialPath, { recursive: true, force: true });
    mkdirSync(partialPath, { recursive: true });
  }
  writeFileSync(
    join(partialPath, 'RUNNING'),
    `this ${what} has not finished. If no loraswarm process holds ${lock.path}, it was stopped before it could say why ` +
      `(kill -9, out of memory, power loss); otherwise FAILED.txt here says why it stopped\n`,
  );
  return {
    finalPath,
    partialPath,
    tookOver: lock.tookOver,
    write(name, content) {
      writeFileSync(join(partialPath, name), content);
    },
    commit() {
      rmSync(join(partialPath, 'RUNNING'), { force: true });
      const old = `${finalPath}.old`;
      rmSync(old, { recursive: true, force: true });
      if (existsSync(finalPath)) renameSync(finalPath, old);
      renameSync(partialPath, finalPath);
      rmSync(old, { recursive: true, force: true });
      lock.release();
    },
    fail(reason) {
      rmSync(join(partialPath, 'RUNNING'), { force: true });
      // A reason with a stack trace gets the sources' places (stack-sources.ts).
      writeFileSync(join(partialPath, 'FAILED.txt'), `${sourceMappedStack(reason)}\n`);
      lock.release();
    },
  };
}
