/**
 * Issue 15, finding 15: a broker restart does not stop a run. Mosquitto (configured by
 * `broker-setup`) is stopped mid-run, stays away for a second and is started again; the run
 * and its worker reconnect, publish again what was lost, and the run's files are byte for byte
 * those of an undisturbed run.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.ts';
import { freePort, startMosquitto, stopProcess } from '../helpers/mosquitto.ts';

let dir: string;
let broker: ChildProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'loraswarm-restart-'));
});

afterEach(async () => {
  await stopProcess(broker);
  broker = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('a run and its worker through Mosquitto restarted mid-run', () => {
  it('reconnect, resume from the current window and write exactly the undisturbed run\u2019s files', async () => {
    // One simulated hour: ~10 s through Mosquitto with a worker, the restart lands in its first quarter.
    const sets: string[] = [];
    const port = await freePort();
    expect((await runCli(['broker-setup', '--run', 'restart', '--scenario', 'scenarios/aloha.yaml', '--dir', join(dir, 'broker'), '--port', String(port)])).status).toBe(0);
    const config = join(dir, 'broker', 'mosquitto.conf');
    broker = await startMosquitto(config, port);
    const credentials = join(dir, 'broker', 'credentials.json');
    const url = `mqtt://127.0.0.1:${port}`;
    const out = join(dir, 'run');
    const run = spawnCli(['run', 'scenarios/aloha.yaml', '--out', out, '--broker', url, '--credentials', credentials, '--remote', '51-100', ...sets]);
    const worker = spawnCli(['worker', '--broker', url, '--run', 'restart', '--nodes', 'auto', '--credentials', credentials]);
    try {
      await run.waitForStderr(/every worker joined/, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // Mid-run: the run has not finished (it would have printed its summary and exited).
      expect(run.child.exitCode).toBeNull();
      await stopProcess(broker);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      broker = await startMosquitto(config, port);
      expect(await run.exited).toBe(0);
      expect(await worker.exited).toBe(0);
    } finally {
      for (const child of [run, worker]) {
        if (child.child.exitCode === null) child.child.kill('SIGKILL');
        await child.exited;
      }
    }
    expect(run.stderr()).toMatch(/run restart: the broker was away for \d+\.\d s; reconnected, resuming/);
    expect(worker.stderr()).toMatch(/the broker was away for \d+\.\d s; reconnected, resuming/);
    const memory = join(dir, 'memory');
    expect((await runCli(['run', 'scenarios/aloha.yaml', '--out', memory, '--transport', 'memory', ...sets])).status).toBe(0);
    const files = readdirSync(memory).sort();
    expect(readdirSync(out).sort()).toEqual(files);
    expect(files).toEqual(expect.arrayContaining(['frames.csv', 'receptions.csv', 'nodes.csv', 'summary.json', 'series.csv']));
    // timing.json holds wall-clock figures, the one file that differs between any two runs.
    for (const file of files.filter((name) => name !== 'timing.json')) expect(readFileSync(join(out, file)).equals(readFileSync(join(memory, file))), file).toBe(true);
  }, 120_000);
});
