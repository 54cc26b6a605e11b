/**
 * The run directory, written atomically: the run works in `<dir>.partial/` (marked by a
 * RUNNING file) and, on success, the finished directory replaces `<dir>` in one rename. A run
 * that fails leaves `<dir>.partial/` with FAILED.txt saying why; an earlier `<dir>` stays intact.
 *
 * An existing `<dir>` is replaced only when it is an earlier loraswarm run (it holds a
 * summary.json of ours) or is empty: anything else is refused before the run starts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { summarySchemaVersion } from './summary.ts';

export interface RunDirectory {
  readonly finalPath: string;
  readonly partialPath: string;
  /** Writes one file into the partial directory. */
  write(name: string, content: string): void;
  /** Moves the partial directory into place. */
  commit(): void;
  /** Marks the partial directory as failed, with the reason. */
  fail(reason: string): void;
}

/**
 * Why `path` cannot take a run directory, or undefined when it can. Checked before a run so
 * that a bad `--out` costs nothing and destroys nothing.
 */
export function runDirectoryProblem(path: string): string | undefined {
  if (path.trim() === '') return 'expected a directory path, found an empty string';
  const full = resolve(path);
  if (existsSync(full)) {
    if (!statSync(full).isDirectory()) return `expected a directory path, found a file at ${path}`;
    const entries = readdirSync(full);
    if (entries.length > 0 && !isRunDirectory(full)) {
      return `expected a new directory, an empty one or an earlier loraswarm run at ${path}, found a directory with other files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); it is left untouched`;
    }
    return undefined;
  }
  // The nearest existing ancestor must be a directory.
  let parent = dirname(full);
  while (!existsSync(parent)) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) return `expected a directory path, found a file at ${parent} on the way to ${path}`;
  return undefined;
}

function isRunDirectory(path: string): boolean {
  try {
    const summary = JSON.parse(readFileSync(join(path, 'summary.json'), 'utf8')) as { schema?: unknown };
    return typeof summary.schema === 'string' && summary.schema.startsWith(summarySchemaVersion.split('@')[0]!);
  } catch {
    return false;
  }
}

export function openRunDirectory(finalPath: string): RunDirectory {
  const problem = runDirectoryProblem(finalPath);
  if (problem) throw new RangeError(problem);
  return openAtomicDirectory(finalPath, 'run');
}

/**
 * A result directory written atomically (runs, sweeps, sizings): into `<dir>.partial/` marked
 * RUNNING, renamed into place on success, left with FAILED.txt on failure. The caller has
 * checked that `finalPath` may be replaced.
 */
export function openAtomicDirectory(finalPath: string, what: string): RunDirectory {
  const partialPath = `${finalPath}.partial`;
  rmSync(partialPath, { recursive: true, force: true });
  mkdirSync(partialPath, { recursive: true });
  writeFileSync(join(partialPath, 'RUNNING'), `this ${what} has not finished; see FAILED.txt if it stopped\n`);
  return {
    finalPath,
    partialPath,
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
    },
    fail(reason) {
      rmSync(join(partialPath, 'RUNNING'), { force: true });
      writeFileSync(join(partialPath, 'FAILED.txt'), `${reason}\n`);
    },
  };
}
