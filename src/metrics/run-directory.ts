/**
 * The run directory, written atomically: the run works in `<dir>.partial/` (marked by a
 * RUNNING file) and, on success, the finished directory replaces `<dir>` in one rename. A run
 * that fails leaves `<dir>.partial/` with FAILED.txt saying why; an earlier `<dir>` stays intact.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

export function openRunDirectory(finalPath: string): RunDirectory {
  const partialPath = `${finalPath}.partial`;
  rmSync(partialPath, { recursive: true, force: true });
  mkdirSync(partialPath, { recursive: true });
  writeFileSync(join(partialPath, 'RUNNING'), 'this run has not finished; see FAILED.txt if it stopped\n');
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
