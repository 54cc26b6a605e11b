/**
 * Issue 15, finding 10: what the machine refuses is said in words, with exit 1 (environment) or
 * 2 (input), never as an internal error with a stack trace.
 */
import { createServer, type Server } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listenOption } from '../../src/cli/commands/options.ts';
import { reportError, UsageError } from '../../src/cli/exit.ts';
import { runCli, repoRoot } from '../helpers/cli.ts';
import { spawnSync } from 'node:child_process';
import { descriptorProblem, openFileLimit } from '../../src/transport/descriptor-limit.ts';

let tmp: string;
let held: Server | undefined;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'loraswarm-env-'));
});
afterEach(async () => {
  await new Promise<void>((resolve) => (held ? held.close(() => resolve()) : resolve()));
  held = undefined;
  rmSync(tmp, { recursive: true, force: true });
});

function report(error: unknown): { status: number; text: string } {
  let text = '';
  const status = reportError(error, (t) => (text += t));
  return { status, text };
}

describe('environment errors', () => {
  it('say that the disk is full, or that permission is denied, with exit 1 and no stack trace', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path: 'runs/x.partial/frames.csv' });
    expect(report(full)).toEqual({ status: 1, text: 'loraswarm: write runs/x.partial/frames.csv failed (ENOSPC): the disk is full: free some space and run again; a run directory in progress is left as <out>.partial\n' });
    const denied = Object.assign(new Error('EACCES'), { code: 'EACCES', syscall: 'open', path: '/etc/x' });
    expect(report(denied).text).toBe('loraswarm: open /etc/x failed (EACCES): permission denied: choose a place this user may write, or change its permissions; a run directory in progress is left as <out>.partial\n');
    expect(report(new Error('boom')).text).toMatch(/^loraswarm: internal error \(please report it\)\nError: boom\n/);
  });

  it('reads IPv6 listen addresses in brackets, and says so when they are not', () => {
    expect(listenOption('[::1]:1883')).toEqual({ host: '::1', port: 1883 });
    expect(listenOption('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
    expect(listenOption('1883')).toEqual({ host: '127.0.0.1', port: 1883 });
    expect(() => listenOption('::1:1883')).toThrow(new UsageError('--listen: expected [host:]port with a port 0..65535, found "::1:1883" (an IPv6 address goes in brackets: [::1]:1883)'));
  });

  it('says that a --listen port is taken (exit 1), and refuses a --credentials-out in no directory before anything is written (exit 2)', async () => {
    held = createServer();
    const port = await new Promise<number>((resolve) => held!.listen(0, '127.0.0.1', () => resolve((held!.address() as { port: number }).port)));
    const out = join(tmp, 'run');
    const busy = await runCli(['run', 'scenarios/aloha.yaml', '--set', 'duration=1min', '--workers', '1', '--listen', String(port), '--out', out]);
    expect(busy.status).toBe(1);
    expect(busy.stderr).toBe(`loraswarm: cannot listen on 127.0.0.1:${port}: the port is in use by another program: choose another port, or 0 for a free one\n`);
    expect(existsSync(`${out}.lock`)).toBe(false);
    // The broker starts once the run has its directory: the failure is recorded there, without a stack trace.
    expect(readFileSync(join(`${out}.partial`, 'FAILED.txt'), 'utf8')).toBe(`cannot listen on 127.0.0.1:${port}: the port is in use by another program: choose another port, or 0 for a free one\n`);
    rmSync(`${out}.partial`, { recursive: true });

    const nowhere = await runCli(['run', 'scenarios/aloha.yaml', '--set', 'duration=1min', '--workers', '1', '--credentials-out', join(tmp, 'no', 'such', 'c.json'), '--out', out]);
    expect(nowhere.status).toBe(2);
    expect(nowhere.stderr).toBe(`loraswarm: --credentials-out: expected a file in an existing directory, found no directory ${join(tmp, 'no', 'such')}\n`);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('checks the open-file limit before an MQTT run that would pass it (issue 15, finding 12), instead of failing with ECONNRESET; the embedded broker\u2019s own clients need none', () => {
    expect(openFileLimit('Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 1048576              files\n')).toBe(1024);
    expect(openFileLimit('Max open files            unlimited            unlimited            files\n')).toBe(Number.POSITIVE_INFINITY);
    expect(descriptorProblem(960, false, 1024)).toBeUndefined();
    expect(descriptorProblem(1100, false, 1024)).toBe(
      "an MQTT run hosting 1100 nodes in this process needs about 1164 open files (a socket per node), more than this process's limit of 1024 (ulimit -n): raise it (ulimit -n 2048), run with --transport memory, or host some nodes in workers (--workers)",
    );
    // The embedded broker serves its process's clients over in-memory streams: 1,201 nodes under a limit of 1,024.
    expect(descriptorProblem(5000, true, 1024)).toBeUndefined();
    const out = join(tmp, 'run');
    const result = spawnSync('bash', ['-c', `ulimit -n 1024 && exec "${process.execPath}" bin/loraswarm.js run scenarios/aloha.yaml --set groups.1.count=1200 --set duration=1min --out "${out}" --quiet`], { cwd: repoRoot, encoding: 'utf8', timeout: 50_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  });

  it('has a worker host 1,000 nodes under ulimit -n 1024 on one partition connection, where a socket per node would not fit', async () => {
    const { spawnCli } = await import('../helpers/cli.ts');
    const out = join(tmp, 'run');
    const credentials = join(tmp, 'credentials.json');
    const run = spawnCli(['run', 'scenarios/aloha.yaml', '--set', 'groups.1.count=1999', '--set', 'duration=1min', '--workers', '1', '--credentials-out', credentials, '--join-timeout', '20', '--out', out]);
    try {
      await run.waitForStderr(/start it with/, 30_000);
      // A socket per node would need about 1,064 descriptors here (descriptorProblem, above).
      expect(descriptorProblem(1000, false, 1024)).toMatch(/needs about 1064 open files/);
      const worker = spawnSync('bash', ['-c', `ulimit -n 1024 && exec "${process.execPath}" bin/loraswarm.js worker --broker "$0" --run "$1" --nodes auto --credentials "${credentials}" --join-timeout 20`, ...brokerAndRun(run.stderr())], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
      expect(worker.status).toBe(0);
      expect(worker.stderr).toMatch(/^worker \S+ joined run \S+: nodes 1000-1999 \(1000 of 2000\)\nworker \S+ finished run \S+: \d+ events in \d+ windows\n$/);
      expect(await run.exited).toBe(0);
      expect(existsSync(join(out, 'summary.json'))).toBe(true);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
      await run.exited;
    }
  }, 90_000);
});

/** The broker URL and run id from the worker command a run prints. */
function brokerAndRun(stderr: string): [string, string] {
  const match = /loraswarm worker --broker (\S+) --run (\S+)/.exec(stderr);
  if (!match) throw new Error(`no worker command in:\n${stderr}`);
  return [match[1]!, match[2]!];
}
