import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/scenario/errors.ts';
import { deserializeError, serializeError } from '../../src/run/sweep-child-protocol.ts';
import type { SweepPlan } from '../../src/run/sweep-plan.ts';
import { runSweepInChildren, SweepChildError, type ChildLauncher } from '../../src/run/sweep-pool.ts';
import { repoRoot } from '../helpers/cli.ts';

/** The stub child (test/helpers/sweep-child-stub.mjs): the real child loop, summaries made of the request. */
const stub: ChildLauncher = { execPath: process.execPath, script: join(repoRoot, 'test', 'helpers', 'sweep-child-stub.mjs'), args: [] };

/** A plan of `runs` runs sweeping `a` over 1..runs, seed 7; nothing reads its file. */
function fakePlan(runs: number): SweepPlan {
  return {
    file: 'sweep.yaml',
    name: 'fake',
    scenarioSha256: '0'.repeat(64),
    sets: [`a=${Array.from({ length: runs }, (_, i) => i + 1).join(',')}`],
    combinations: runs,
    repeats: 1,
    runs: Array.from({ length: runs }, (_, i) => ({ index: i + 1, sets: [`a=${i + 1}`], swept: [{ key: 'a', value: String(i + 1) }], seed: 7 })),
  };
}

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let pidDir: string;

beforeEach(() => {
  pidDir = mkdtempSync(join(tmpdir(), 'loraswarm-sweep-pool-'));
  process.env.STUB_PID_DIR = pidDir;
});

afterEach(() => {
  delete process.env.STUB_PID_DIR;
  delete process.env.STUB_CRASH_RUN;
  delete process.env.STUB_FAIL_RUN;
  rmSync(pidDir, { recursive: true, force: true });
});

const childPids = (): number[] => readdirSync(pidDir).map(Number);

describe('runSweepInChildren', () => {
  it('returns every run\'s row in plan order, whatever order the children finish in, with progress rising to 1', async () => {
    const plan = fakePlan(6);
    const finished: number[] = [];
    const progress: number[] = [];
    const rows = await runSweepInChildren(plan, { jobs: 2, launcher: stub, onRun: (row) => finished.push(row.run), onProgress: (fraction) => progress.push(fraction) });
    expect(rows.map((row) => [row.run, row.swept, row.seed, row.summary.sets, row.summary.file, row.summary.runDir])).toEqual(
      plan.runs.map((run) => [run.index, run.swept, 7, run.sets[0], 'sweep.yaml', null]),
    );
    expect([...finished].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((fraction, i) => i === 0 || fraction >= progress[i - 1]!)).toBe(true);
    // Two children shared the runs, and both are gone.
    const pids = childPids();
    expect(pids).toHaveLength(2);
    expect(new Set(rows.map((row) => row.summary.pid))).toEqual(new Set(pids));
    expect(pids.filter(alive)).toEqual([]);
  });

  it('runs only the runs it is given (a shard\'s), and asks for each run\'s directory under runsDir', async () => {
    const plan = fakePlan(5);
    const rows = await runSweepInChildren(plan, { jobs: 2, launcher: stub, runs: [plan.runs[1]!, plan.runs[4]!], runsDir: 'out/runs' });
    expect(rows.map((row) => [row.run, row.summary.runDir])).toEqual([
      [2, join('out/runs', '2')],
      [5, join('out/runs', '5')],
    ]);
  });

  it('starts no more children than there are runs, and none for no runs', async () => {
    await runSweepInChildren(fakePlan(2), { jobs: 8, launcher: stub });
    expect(childPids()).toHaveLength(2);
    expect(await runSweepInChildren(fakePlan(2), { jobs: 8, launcher: stub, runs: [] })).toEqual([]);
    expect(childPids()).toHaveLength(2);
  });

  it('fails with SweepChildError naming the run and quoting its stderr when its child exits before answering, and leaves no child running', async () => {
    process.env.STUB_CRASH_RUN = '3';
    const outcome = runSweepInChildren(fakePlan(6), { jobs: 2, launcher: stub });
    await expect(outcome).rejects.toThrow(SweepChildError);
    await expect(outcome).rejects.toThrow(
      /^sweep run 3 of 6 \(a=3, seed 7\): its child process exited with status 3 before the run was over; its last words on stderr:\nFATAL ERROR: out of stub memory$/,
    );
    // The other child may be stopped before it has written its pid; the crashed one wrote it.
    expect(childPids().length).toBeGreaterThanOrEqual(1);
    expect(childPids().filter(alive)).toEqual([]);
  });

  it('throws the InputError a child threw for a run, issues and all', async () => {
    process.env.STUB_FAIL_RUN = '2';
    const error = await runSweepInChildren(fakePlan(4), { jobs: 2, launcher: stub }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues).toEqual([{ path: 'radio.sf', message: 'expected a number ≤ 12, found 13' }]);
    expect(childPids().filter(alive)).toEqual([]);
  });

  it('fails with SweepChildError when the launcher cannot start a child', async () => {
    const missing: ChildLauncher = { ...stub, execPath: join(pidDir, 'no-such-node') };
    await expect(runSweepInChildren(fakePlan(2), { jobs: 2, launcher: missing })).rejects.toThrow(/^sweep: cannot start a child process with .*no-such-node .*sweep-child-stub\.mjs \(.*ENOENT.*\)$/);
  });

  it('refuses jobs that are not a whole number ≥ 1', async () => {
    await expect(runSweepInChildren(fakePlan(2), { jobs: 0, launcher: stub })).rejects.toThrow(new RangeError('jobs must be an integer ≥ 1, got 0'));
  });
});

describe('the child protocol\'s errors', () => {
  it('deserializeError(serializeError(e)) gives an InputError its issues back, and any other error its name, message and stack', () => {
    const input = deserializeError(serializeError(new InputError([{ path: 'a', message: 'm', source: { file: 'f.yaml', line: 2, column: 3 } }])));
    expect(input).toBeInstanceOf(InputError);
    expect((input as InputError).issues).toEqual([{ path: 'a', message: 'm', source: { file: 'f.yaml', line: 2, column: 3 } }]);
    const placement = new Error('expert 3 does not fit');
    placement.name = 'PlacementError';
    const back = deserializeError(JSON.parse(JSON.stringify(serializeError(placement))));
    expect([back.name, back.message, back.stack]).toEqual(['PlacementError', 'expert 3 does not fit', placement.stack]);
    expect(deserializeError(serializeError('text')).message).toBe('text');
  });
});
