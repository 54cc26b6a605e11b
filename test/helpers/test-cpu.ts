/**
 * Where the suite's CPU goes, test by test (a vitest setup file, loaded only when
 * LORASWARM_TEST_CPU names a directory: vitest.config.ts). After each test, its worker appends a
 * line to DIR/<pid>.tsv: the CPU seconds the test took (user and system, of the worker and of the
 * child processes it waited for: the CLI runs, brokers and browsers a test starts and stops),
 * its file (from the repository's root) and its name; after each file, a line for the whole
 * file, hooks included, named "(the whole file)". Linux only (/proc/self/stat).
 *
 * @example
 * // LORASWARM_TEST_CPU=/tmp/cpu npx vitest run && grep -hv 'whole file' /tmp/cpu/*.tsv | sort -rn | head -20
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';

/** Clock ticks per second of /proc's times (USER_HZ: 100 on every Linux build Node runs on). */
const ticksPerSecond = 100;

/** This process's CPU seconds and its waited-for children's: utime, stime, cutime, cstime of /proc/self/stat. */
function cpuSeconds(): number {
  // The fields after the command's name, which is in parentheses and may hold spaces: utime is the 14th field of the line, the 12th after the name.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
}

const dir = process.env.LORASWARM_TEST_CPU;
if (dir) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${process.pid}.tsv`);
  let startedAt = 0;
  // The whole file as well, its beforeAll and afterAll hooks included (these hooks are the
  // file's first and last: vitest runs after-hooks in the reverse order of their registration).
  let fileStartedAt = 0;
  let filePath = '';
  beforeAll(() => {
    fileStartedAt = cpuSeconds();
    filePath = relative(process.cwd(), expect.getState().testPath ?? '');
  });
  afterAll(() => {
    appendFileSync(file, `${(cpuSeconds() - fileStartedAt).toFixed(2)}\t${filePath}\t(the whole file)\n`);
  });
  beforeEach(() => {
    startedAt = cpuSeconds();
  });
  afterEach(() => {
    const { testPath, currentTestName } = expect.getState();
    appendFileSync(file, `${(cpuSeconds() - startedAt).toFixed(2)}\t${relative(process.cwd(), testPath ?? '')}\t${currentTestName ?? ''}\n`);
  });
}
