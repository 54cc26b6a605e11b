/**
 * Issue 15: crash-resume. A run with --checkpoint-every is killed with SIGKILL mid-run (after
 * some checkpoints, between two of them); `run --resume` goes on from the last one and the
 * finished directory is byte for byte an uninterrupted run's (timing.json aside: wall clock).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'loraswarm-resume-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the run, waits for its second checkpoint, kills it (SIGKILL) a moment later; returns its stderr. */
async function killAfterCheckpoints(args: readonly string[], out: string): Promise<string> {
  const run = spawnCli(args);
  const checkpoint = join(`${out}.partial`, 'checkpoint.bin');
  try {
    let firstMtime = 0;
    for (let i = 0; i < 600; i++) {
      if (existsSync(checkpoint)) {
        const mtime = statSync(checkpoint).mtimeMs;
        if (firstMtime === 0) firstMtime = mtime;
        else if (mtime !== firstMtime) break;
      }
      if (run.child.exitCode !== null) throw new Error(`the run ended before its second checkpoint:\n${run.stderr()}`);
      await sleep(20);
    }
    await sleep(120);
    expect(run.child.exitCode).toBeNull();
  } finally {
    run.child.kill('SIGKILL');
    await run.exited;
  }
  return run.stderr();
}

function expectSameFiles(out: string, reference: string): void {
  const files = readdirSync(reference).sort();
  expect(readdirSync(out).sort()).toEqual(files);
  for (const file of files.filter((name) => name !== 'timing.json')) expect(readFileSync(join(out, file)).equals(readFileSync(join(reference, file))), file).toBe(true);
}

describe('a run killed mid-run and resumed from its checkpoint', () => {
  it('writes exactly the uninterrupted run\u2019s files: a radio scenario, gzip-compressed, memory transport', async () => {
    const sets = ['--set', 'duration=2d', '--transport', 'memory', '--compress', 'on'];
    const out = join(dir, 'run');
    await killAfterCheckpoints(['run', 'scenarios/aloha.yaml', '--out', out, '--checkpoint-every', '0.2', ...sets], out);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(`${out}.partial`)).toContain('RUNNING');
    const resumed = await runCli(['run', '--resume', out]);
    expect(resumed.stderr).toMatch(/a stale lock of a run that is gone \(process \d+/);
    expect(resumed.stderr).toMatch(/run aloha: resumed from its checkpoint at \d+ ms of simulated time \(slice \d+ of 2000\)/);
    expect(resumed.status).toBe(0);
    expect(existsSync(`${out}.partial`)).toBe(false);
    const timing = JSON.parse(readFileSync(join(out, 'timing.json'), 'utf8')) as { resumedAtMs: number; checkpoints: number };
    expect(timing.resumedAtMs).toBeGreaterThan(0);
    const reference = join(dir, 'reference');
    expect((await runCli(['run', 'scenarios/aloha.yaml', '--out', reference, '--quiet', ...sets])).status).toBe(0);
    expectSameFiles(out, reference);
  }, 120_000);

  it('writes exactly the uninterrupted run\u2019s files through the embedded broker (MQTT)', async () => {
    // Long enough that the run goes on for about a second after its second checkpoint.
    const sets = ['--set', 'duration=16h', '--set', 'groups.1.count=60'];
    const out = join(dir, 'run');
    await killAfterCheckpoints(['run', 'scenarios/aloha.yaml', '--out', out, '--checkpoint-every', '0.2', ...sets], out);
    expect((await runCli(['run', '--resume', out])).status).toBe(0);
    const reference = join(dir, 'reference');
    expect((await runCli(['run', 'scenarios/aloha.yaml', '--out', reference, '--quiet', '--transport', 'memory', ...sets])).status).toBe(0);
    expectSameFiles(out, reference);
  }, 120_000);

  it('writes exactly the uninterrupted run\u2019s files: federated learning (rounds.csv, partitions and all)', async () => {
    const sets = ['--set', 'federated.rounds=4', '--transport', 'memory'];
    const out = join(dir, 'run');
    await killAfterCheckpoints(['run', 'scenarios/fl-mnist-iid.yaml', '--out', out, '--checkpoint-every', '0.2', ...sets], out);
    const resumed = await runCli(['run', '--resume', out]);
    expect(resumed.stderr).toMatch(/run fl-mnist-iid: resumed from its checkpoint at \d+ ms of simulated time/);
    expect(resumed.status).toBe(0);
    const reference = join(dir, 'reference');
    expect((await runCli(['run', 'scenarios/fl-mnist-iid.yaml', '--out', reference, '--quiet', ...sets])).status).toBe(0);
    expect(readdirSync(reference)).toContain('rounds.csv');
    expectSameFiles(out, reference);
  }, 120_000);

  it('writes exactly the uninterrupted run\u2019s files: the quickstart (swarm inference) through the embedded broker', async () => {
    const out = join(dir, 'run');
    // Eight times the quickstart's requests: the run goes on for about a second after its second
    // checkpoint, so a stall of the test's own process cannot let it finish before the kill.
    const sets = ['--set', 'inference.requests.count=40', '--set', 'duration=3h'];
    await killAfterCheckpoints(['run', 'scenarios/quickstart.yaml', '--out', out, '--checkpoint-every', '0.05', ...sets], out);
    const resumed = await runCli(['run', '--resume', out]);
    expect(resumed.stderr).toMatch(/run quickstart: resumed from its checkpoint at \d+(\.\d+)? ms of simulated time/);
    expect(resumed.status).toBe(0);
    const reference = join(dir, 'reference');
    expect((await runCli(['run', 'scenarios/quickstart.yaml', '--out', reference, '--quiet', '--transport', 'memory', ...sets])).status).toBe(0);
    expect(readdirSync(reference)).toEqual(expect.arrayContaining(['tokens.csv', 'requests.csv', 'placement.csv']));
    expectSameFiles(out, reference);
  }, 120_000);

  it('refuses a damaged checkpoint, a resume with settings of its own, and a directory with nothing to resume (exit 2)', async () => {
    const out = join(dir, 'run');
    await killAfterCheckpoints(['run', 'scenarios/aloha.yaml', '--out', out, '--checkpoint-every', '0.2', '--set', 'duration=2d', '--transport', 'memory'], out);
    const checkpoint = join(`${out}.partial`, 'checkpoint.bin');
    const bytes = readFileSync(checkpoint);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    const cases: [string[], RegExp][] = [
      [['run', 'scenarios/aloha.yaml', '--resume', out], /--resume: the run goes on with its own scenario and settings; leave out a scenario file/],
      [['run', '--resume', out, '--set', 'duration=1h'], /leave out --set/],
      [['run', '--resume', join(dir, 'none')], /--resume: found no checkpoint at .*none\.partial\/checkpoint\.bin: the run was started without --checkpoint-every/],
      [['run'], /expected a scenario file \(or --resume DIR to go on with a stopped run\)/],
      [['run', 'scenarios/aloha.yaml', '--checkpoint-every', '10', '--workers', '1', '--out', join(dir, 'q')], /--checkpoint-every: a run with workers cannot be checkpointed yet/],
      [['run', 'scenarios/aloha.yaml', '--checkpoint-every', '0', '--out', join(dir, 'z')], /--checkpoint-every: expected a positive number of seconds, found "0"/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    writeFileSync(checkpoint, bytes);
    const damaged = await runCli(['run', '--resume', out]);
    expect(damaged.status).toBe(2);
    expect(damaged.stderr).toMatch(/checkpoint\.bin: the saved state is damaged/);
    // Nothing was lost: the partial directory is still there to be resumed once the file is whole.
    expect(existsSync(join(`${out}.partial`, 'frames.csv'))).toBe(true);
  }, 120_000);
});
