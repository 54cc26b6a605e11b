/**
 * Issue 15, findings 1, 6, 7, 9, 10 and 11: one writer per result directory, nothing deleted
 * that is not a loraswarm leftover, trailing slashes, credentials 0600 whatever was there,
 * broker-setup without Mosquitto's tools, and Ctrl-C/kill ending a run cleanly.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, repoRoot, spawnCli, type RunningCli } from '../helpers/cli.ts';

let tmp: string;
const running: RunningCli[] = [];
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'loraswarm-safety-'));
});
afterEach(async () => {
  for (const run of running.splice(0)) {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    await run.exited;
  }
  rmSync(tmp, { recursive: true, force: true });
});

const quick = ['--set', 'duration=1min', '--transport', 'memory', '--quiet'];
/** Long enough to be caught running (aloha for 10 simulated days: ~15 s). */
const long = ['--set', 'duration=10d', '--transport', 'memory', '--quiet'];

/** A process id that is certainly not running: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('one writer per run directory', () => {
  it('refuses a second run to the same directory (exit 2, naming the first), and the first finishes with its own files; SIGINT then ends it cleanly', async () => {
    const out = join(tmp, 'run');
    const first = spawnCli(['run', 'scenarios/aloha.yaml', '--out', out, ...long]);
    running.push(first);
    await waitFor(() => existsSync(join(`${out}.partial`, 'RUNNING')), 20_000);
    const lock = JSON.parse(readFileSync(`${out}.lock`, 'utf8')) as { pid: number; host: string };
    expect(lock).toMatchObject({ pid: first.child.pid, host: hostname() });

    const second = await runCli(['run', 'scenarios/aloha.yaml', '--out', out, '--set', 'groups.1.count=7', ...quick]);
    expect(second.status).toBe(2);
    expect(second.stderr).toBe(`loraswarm: --out: another loraswarm run is writing ${out} (process ${first.child.pid} on ${hostname()}, started ${lockStart(out)}); wait for it to finish or choose another --out\n`);
    // The refused run touched nothing: the first run's partial directory is still its own.
    expect(readdirSync(`${out}.partial`)).toContain('RUNNING');
    expect(existsSync(out)).toBe(false);

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(130);
    expect(first.stderr()).toMatch(/SIGINT received: stopping at the next safe point/);
    expect(first.stderr()).toMatch(/loraswarm: stopped by SIGINT\n$/);
    expect(readFileSync(join(`${out}.partial`, 'FAILED.txt'), 'utf8')).toMatch(/^stopped by SIGINT at \d+(\.\d+)? ms of simulated time\n$/);
    expect(existsSync(join(`${out}.partial`, 'RUNNING'))).toBe(false);
    expect(existsSync(`${out}.lock`)).toBe(false);

    // The next run clears the dead run's partial directory and finishes.
    const again = await runCli(['run', 'scenarios/aloha.yaml', '--out', out, ...quick]);
    expect(again.status).toBe(0);
    expect(readdirSync(tmp).sort()).toEqual(['run']);
  }, 60_000);

  it('ends a run on SIGTERM with status 143 and FAILED.txt', async () => {
    const out = join(tmp, 'run');
    const run = spawnCli(['run', 'scenarios/aloha.yaml', '--out', out, ...long]);
    running.push(run);
    await waitFor(() => existsSync(join(`${out}.partial`, 'RUNNING')), 20_000);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(143);
    expect(readFileSync(join(`${out}.partial`, 'FAILED.txt'), 'utf8')).toMatch(/^stopped by SIGTERM at/);
    expect(existsSync(`${out}.lock`)).toBe(false);
  }, 60_000);

  it('takes over the stale lock of a dead run and says so; refuses a lock from another host and an unreadable one', async () => {
    const out = join(tmp, 'run');
    const pid = deadPid();
    writeFileSync(`${out}.lock`, JSON.stringify({ pid, host: hostname(), processStart: null, startedAt: '2026-01-01T00:00:00.000Z', token: 'dead' }));
    const result = await runCli(['run', 'scenarios/aloha.yaml', '--out', out, ...quick]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe(`loraswarm: a stale lock of a run that is gone (process ${pid} on ${hostname()}, started 2026-01-01T00:00:00.000Z) was found on ${out} and taken over\n`);
    expect(existsSync(`${out}.lock`)).toBe(false);

    writeFileSync(`${out}.lock`, JSON.stringify({ pid, host: 'elsewhere.example', processStart: null, startedAt: '2026-01-01T00:00:00.000Z', token: 'far' }));
    const far = await runCli(['run', 'scenarios/aloha.yaml', '--out', out, ...quick]);
    expect(far.status).toBe(2);
    expect(far.stderr).toContain(`another loraswarm run is writing ${out} (process ${pid} on elsewhere.example`);
    expect(readFileSync(`${out}.lock`, 'utf8')).toContain('elsewhere.example');

    writeFileSync(`${out}.lock`, 'my notes');
    const odd = await runCli(['run', 'scenarios/aloha.yaml', '--out', out, ...quick]);
    expect(odd.status).toBe(2);
    expect(odd.stderr).toBe(`loraswarm: ${out}.lock exists and is not a lock that loraswarm can read; if no loraswarm run is writing ${out}, remove it\n`);
    expect(readFileSync(`${out}.lock`, 'utf8')).toBe('my notes');
  });
});

describe('nothing deleted that is not a loraswarm leftover', () => {
  it('refuses a foreign DIR.partial or DIR.old before running and leaves them intact; clears a dead run\'s', async () => {
    const out = join(tmp, 'run');
    mkdirSync(`${out}.partial`);
    writeFileSync(join(`${out}.partial`, 'notes.txt'), 'mine');
    const partial = await runCli(['run', 'scenarios/aloha.yaml', '--out', out, ...quick]);
    expect(partial.status).toBe(2);
    expect(partial.stderr).toBe(`loraswarm: --out: found ${out}.partial, which is not a loraswarm leftover that may be cleared; it is left untouched: move it away or choose another --out\n`);
    expect(readFileSync(join(`${out}.partial`, 'notes.txt'), 'utf8')).toBe('mine');
    rmSync(`${out}.partial`, { recursive: true });

    mkdirSync(`${out}.old`);
    writeFileSync(join(`${out}.old`, 'thesis.tex'), 'mine');
    const old = await runCli(['run', 'scenarios/aloha.yaml', '--out', out, ...quick]);
    expect(old.status).toBe(2);
    expect(old.stderr).toContain(`found ${out}.old, which is not a loraswarm leftover`);
    expect(readFileSync(join(`${out}.old`, 'thesis.tex'), 'utf8')).toBe('mine');
    rmSync(`${out}.old`, { recursive: true });

    // A dead run's partial directory (RUNNING, no lock) is ours to clear.
    mkdirSync(`${out}.partial`);
    writeFileSync(join(`${out}.partial`, 'RUNNING'), 'this run has not finished');
    writeFileSync(join(`${out}.partial`, 'frames.csv'), 'half');
    expect((await runCli(['run', 'scenarios/aloha.yaml', '--out', out, ...quick])).status).toBe(0);
    expect(readdirSync(tmp)).toEqual(['run']);
  });

  it('writes --out DIR/ (trailing slash) into DIR, not into a hidden DIR/.partial', async () => {
    const out = join(tmp, 'run');
    const result = await runCli(['run', 'scenarios/aloha.yaml', '--out', `${out}/`, '--set', 'duration=1min', '--transport', 'memory']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`results in ${out}/ (the dashboard: ${join(out, 'report.html')})`);
    expect(readdirSync(tmp)).toEqual(['run']);
    expect(readdirSync(out)).toContain('summary.json');
    expect(readdirSync(out)).not.toContain('.partial');
  });

  it('refuses the file system\'s root as a run directory', async () => {
    const result = await runCli(['run', 'scenarios/aloha.yaml', '--out', '/', ...quick]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('loraswarm: --out: expected a directory path below the file system\'s root, found /\n');
  });
});

describe('credentials and Mosquitto\'s tools', () => {
  it('broker-setup replaces an existing 0644 credentials.json with a 0600 one', async () => {
    const dir = join(tmp, 'broker');
    mkdirSync(dir);
    writeFileSync(join(dir, 'credentials.json'), '{}');
    chmodSync(join(dir, 'credentials.json'), 0o644);
    const result = await runCli(['broker-setup', '--run', 'r1', '--nodes', '2', '--dir', dir]);
    expect(result.status).toBe(0);
    expect(statSync(join(dir, 'credentials.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'passwd')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'passwd'), 'utf8')).toMatch(/^r1-coordinator:\$7\$/);
  });

  it('broker-setup without mosquitto_passwd: exit 1, a message saying what to install, no plain-text passwd left', () => {
    const dir = join(tmp, 'broker');
    const result = spawnSync(process.execPath, [join(repoRoot, 'bin', 'loraswarm.js'), 'broker-setup', '--run', 'r1', '--nodes', '2', '--dir', dir], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env: { ...process.env, PATH: join(tmp, 'empty') } });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe("loraswarm: mosquitto_passwd was not found: broker-setup needs Mosquitto's tools (Debian: apt-get install mosquitto); nothing was written\n");
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });
});

function lockStart(out: string): string {
  return (JSON.parse(readFileSync(`${out}.lock`, 'utf8')) as { startedAt: string }).startedAt;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
