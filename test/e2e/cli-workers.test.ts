/**
 * `loraswarm run --remote/--workers` with `loraswarm worker` processes, on the embedded broker
 * and on Debian's Mosquitto: the same result files as one process (and the same report, digested
 * as the coordinator writes its files), and clear failures.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli, type CliResult, type RunningCli } from '../helpers/cli.ts';
import { freePort, startMosquitto, stopProcess } from '../helpers/mosquitto.ts';

const resultFiles = ['summary.json', 'frames.csv', 'receptions.csv', 'nodes.csv', 'series.csv'];
let dir: string;
const processes: RunningCli[] = [];
let mosquitto: ChildProcess | undefined;

/**
 * A scenario run in one process over memory (busy-swarm.yaml by default): the reference the
 * distributed runs below are compared with (the same command each time, so each is run once, by
 * the first test that needs it).
 */
const referenceDir = mkdtempSync(join(tmpdir(), 'loraswarm-workers-memory-'));
const references = new Map<string, string>();
async function memoryReference(file = 'test/fixtures/busy-swarm.yaml'): Promise<string> {
  let reference = references.get(file);
  if (reference === undefined) {
    reference = join(referenceDir, `memory-${references.size}`);
    const memory = await runCli(['run', file, '--transport', 'memory', '--out', reference, '--quiet']);
    expect(memory.status).toBe(0);
    references.set(file, reference);
  }
  return reference;
}
afterAll(() => rmSync(referenceDir, { recursive: true, force: true }));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'loraswarm-workers-'));
});

afterEach(async () => {
  for (const running of processes.splice(0)) {
    if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
    await running.exited;
  }
  await stopProcess(mosquitto);
  mosquitto = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function start(args: readonly string[]): RunningCli {
  const running = spawnCli(args);
  processes.push(running);
  return running;
}

function expectSameFiles(actual: string, expected: string, files = resultFiles): void {
  for (const file of files) expect(readFileSync(join(actual, file), 'utf8'), file).toBe(readFileSync(join(expected, file), 'utf8'));
}

/**
 * broker-setup for `scenario` with two workers, Mosquitto on its configuration, the workers
 * (first: they say hello until the run answers) and the run with `--workers 2`, all exited 0;
 * what broker-setup printed and the partitions the workers ran.
 */
async function runWithTwoWorkersOnMosquitto(runId: string, scenario: string, out: string): Promise<{ setup: CliResult; workers: string[] }> {
  const port = await freePort();
  const setup = await runCli(['broker-setup', '--run', runId, '--scenario', scenario, '--dir', join(dir, 'broker'), '--port', String(port), '--workers', '2']);
  expect(setup.status).toBe(0);
  mosquitto = await startMosquitto(join(dir, 'broker', 'mosquitto.conf'), port);
  const credentials = join(dir, 'broker', 'credentials.json');
  const url = `mqtt://127.0.0.1:${port}`;
  const workers = [0, 1].map(() => start(['worker', '--broker', url, '--run', runId, '--credentials', credentials]));
  const run = start(['run', scenario, '--out', out, '--quiet', '--broker', url, '--credentials', credentials, '--workers', '2']);
  expect(await Promise.all(workers.map((worker) => worker.exited))).toEqual([0, 0]);
  expect(await run.exited).toBe(0);
  return { setup, workers: workers.map((worker) => /ran nodes (\S+)/.exec(worker.stdout())![1]!) };
}

/** `scenario` on the embedded broker with `--remote nodes` and the worker the run prints, both exited 0; what the worker printed. */
async function runWithOneWorker(scenario: string, nodes: string, runId: string, out: string): Promise<string> {
  const run = start(['run', scenario, '--out', out, '--quiet', '--remote', nodes, '--run-id', runId]);
  const [args] = await printedWorkers(run, 1);
  const worker = start(['worker', ...args!]);
  expect(await worker.exited).toBe(0);
  expect(await run.exited).toBe(0);
  return worker.stdout();
}

/** The worker command lines a waiting run prints. */
async function printedWorkers(run: RunningCli, count: number): Promise<string[][]> {
  await run.waitForStderr(new RegExp(`(  loraswarm worker .*\\n){${count}}`));
  return [...run.stderr().matchAll(/^ {2}loraswarm worker (.*)$/gm)].map((match) => match[1]!.split(' '));
}

describe('loraswarm worker', () => {
  it('runs half of the nodes in another process through the embedded broker: the same result files, credentials removed after', async () => {
    const memory = await memoryReference();
    const out = join(dir, 'distributed');
    // The report digested from the coordinator's frames and receptions as it writes them, and from series.csv merged at the end.
    const run = start(['run', 'test/fixtures/busy-swarm.yaml', '--out', out, '--remote', '1,3,5,7,9,11,13,15', '--run-id', 'busy1', '--report-thread', 'on']);
    const [args] = await printedWorkers(run, 1);
    expect(args!.slice(2)).toEqual(['--run', 'busy1', '--nodes', '1,3,5,7,9,11,13,15', '--credentials', `${out}.credentials.json`]);
    expect(existsSync(`${out}.credentials.json`)).toBe(true);
    const worker = start(['worker', ...args!]);
    expect(await worker.exited).toBe(0);
    expect(await run.exited).toBe(0);
    expect(worker.stdout()).toMatch(/^worker [0-9a-f]{10}: ran nodes 1,3,5,7,9,11,13,15 \(8\) of run busy1: \d+ events in \d+ windows\n$/);
    expect(run.stdout()).toContain(`results in ${out}/`);
    expectSameFiles(out, memory);
    expect(existsSync(`${out}.credentials.json`)).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'timing.json'), 'utf8')).workers).toEqual(['1,3,5,7,9,11,13,15']);
    expect(JSON.parse(readFileSync(join(out, 'timing.json'), 'utf8')).reportDigested).toBe(true);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe(readFileSync(join(memory, 'report.html'), 'utf8'));
  });

  it('runs through Mosquitto with two auto-assigned workers: broker-setup from the scenario, the same result files, one connection per process for the nodes', async () => {
    const out = join(dir, 'mosquitto');
    const { setup, workers } = await runWithTwoWorkersOnMosquitto('mq1', 'test/fixtures/busy-swarm.yaml', out);
    expect(setup.stdout).toContain('for run mq1 (17 nodes, 3 processes: a connection per 64 nodes)');
    expect(workers.sort()).toEqual(['12-16', '6-11']);
    expectSameFiles(out, await memoryReference());
    // Who connected (Mosquitto logs each connection's user): the run's and the workers' nodes as
    // one partition user each, no node on its own.
    const users = [...readFileSync(join(dir, 'broker', 'mosquitto.conf.log'), 'utf8').matchAll(/ u'([^']+)'/g)].map((match) => match[1]!).sort();
    expect(users).toEqual(['mq1-coordinator', 'mq1-partition-0-5', 'mq1-partition-12-16', 'mq1-partition-6-11', 'mq1-worker', 'mq1-worker']);
  });

  it('serves the quickstart with the layer nodes split over the run and a worker on the embedded broker: the same tokens, requests and every other file', async () => {
    const out = join(dir, 'quickstart');
    // The entry, board-0 (node 0), stays with the run; every odd board (attention, experts) runs in the worker.
    const odd = Array.from({ length: 12 }, (_, k) => 2 * k + 1).join(',');
    expect(await runWithOneWorker('scenarios/quickstart.yaml', odd, 'qs1', out)).toMatch(/^worker [0-9a-f]{10}: ran nodes 1,3,5,7,9,11,13,15,17,19,21,23 \(12\) of run qs1: [1-9]\d* events in \d+ windows\n$/);
    expectSameFiles(out, await memoryReference('scenarios/quickstart.yaml'), [...resultFiles, 'tokens.csv', 'requests.csv', 'placement.csv', 'report.html']);
    // A worker may not hold the entry: the run keeps the requests' records.
    const refused = await runCli(['run', 'scenarios/quickstart.yaml', '--remote', '0-5', '--out', join(dir, 'entry')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe('loraswarm: --remote/--workers: the inference entry board-0 (node 0) must run in this process, which keeps the requests\' records (workers serve the other units), but this split keeps nodes 6-23 here; give --remote partitions that leave node 0 out\n');
    // --workers 1 keeps the first half here: an entry in the second is refused, saying so.
    const second = await runCli(['run', 'scenarios/quickstart.yaml', '--set', 'inference.entry=board-20', '--workers', '1', '--out', join(dir, 'entry')]);
    expect(second.status).toBe(2);
    expect(second.stderr).toBe('loraswarm: --remote/--workers: the inference entry board-20 (node 20) must run in this process, which keeps the requests\' records (workers serve the other units), but this split keeps nodes 0-11 here; give --remote partitions that leave node 20 out\n');
    expect(existsSync(join(dir, 'entry.partial'))).toBe(false);
  });

  it('serves the quickstart with two workers on Mosquitto: the same files', async () => {
    const out = join(dir, 'quickstart-mosquitto');
    const { workers } = await runWithTwoWorkersOnMosquitto('qs2', 'scenarios/quickstart.yaml', out);
    // Boards 8-11 hold experts and attention blocks (the placement spans boards 0-11): the first worker serves them.
    expect(workers.sort()).toEqual(['16-23', '8-15']);
    expectSameFiles(out, await memoryReference('scenarios/quickstart.yaml'), [...resultFiles, 'tokens.csv', 'requests.csv', 'placement.csv']);
  });

  it('fails over as one process does with two workers on Mosquitto when expert holders die (inference-replicas.yaml): the same files', async () => {
    const out = join(dir, 'replicas');
    const { workers } = await runWithTwoWorkersOnMosquitto('rep1', 'scenarios/inference-replicas.yaml', out);
    // The hub (node 0, the entry) and boards 0-7 with the run; boards 0 and 1, which die at 40
    // min, among them: the workers learn of their deaths with their ops.
    expect(workers.sort()).toEqual(['17-24', '9-16']);
    expectSameFiles(out, await memoryReference('scenarios/inference-replicas.yaml'), [...resultFiles, 'tokens.csv', 'requests.csv', 'placement.csv']);
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toContain('"timeouts": 4');
  });

  const flFiles = [...resultFiles, 'rounds.csv', 'partition.csv', 'partition-samples.csv'];

  it('trains fl-mnist-iid with the odd boards in a worker on the embedded broker: the same rounds and every other file; the coordinator stays with the run', async () => {
    const out = join(dir, 'fl');
    const odd = Array.from({ length: 10 }, (_, k) => 2 * k + 1).join(',');
    expect(await runWithOneWorker('scenarios/fl-mnist-iid.yaml', odd, 'fl1', out)).toMatch(/^worker [0-9a-f]{10}: ran nodes 1,3,5,7,9,11,13,15,17,19 \(10\) of run fl1: [1-9]\d* events in \d+ windows\n$/);
    expectSameFiles(out, await memoryReference('scenarios/fl-mnist-iid.yaml'), [...flFiles, 'report.html']);
    // The coordinator (the gateway, node 0) keeps the rounds' records: a split that sends it to a worker is refused.
    const refused = await runCli(['run', 'scenarios/fl-mnist-iid.yaml', '--remote', '0-4', '--out', join(dir, 'hub')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe('loraswarm: --remote/--workers: the federated coordinator gateway (node 0) must run in this process, which keeps the rounds\' records (workers run clients), but this split keeps nodes 5-20 here; give --remote partitions that leave node 0 out\n');
    expect(existsSync(join(dir, 'hub.partial'))).toBe(false);
  });

  it('trains fl-mnist-iid with two workers on Mosquitto: the same files', async () => {
    const out = join(dir, 'fl-mosquitto');
    const { workers } = await runWithTwoWorkersOnMosquitto('fl2', 'scenarios/fl-mnist-iid.yaml', out);
    // The gateway and boards 0-5 with the run, boards 6-12 and 13-19 in the workers.
    expect(workers.sort()).toEqual(['14-20', '7-13']);
    expectSameFiles(out, await memoryReference('scenarios/fl-mnist-iid.yaml'), flFiles);
  });

  it('stops the run with a clear error and a partial directory when a worker dies mid-run and does not come back within --reconnect-timeout', async () => {
    const out = join(dir, 'killed');
    const run = start(['run', 'scenarios/aloha.yaml', '--out', out, '--remote', '50-100', '--run-id', 'kill1', '--reconnect-timeout', '2']);
    const [args] = await printedWorkers(run, 1);
    const worker = start(['worker', ...args!]);
    await worker.waitForStderr(/joined run kill1/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    worker.child.kill('SIGKILL');
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/loraswarm: the run stopped: worker [0-9a-f]{10} \(nodes 50-100\) disconnected from the broker mid-run and did not come back within 2 s; its directory is left as <out>\.partial with FAILED\.txt/);
    expect(existsSync(out)).toBe(false);
    expect(readFileSync(join(`${out}.partial`, 'FAILED.txt'), 'utf8')).toContain('disconnected from the broker mid-run');
  });

  it('stops a worker with a clear error when its run dies, and refuses bad options with status 2', async () => {
    const run = start(['run', 'scenarios/aloha.yaml', '--out', join(dir, 'gone'), '--remote', '50-100', '--run-id', 'kill2']);
    const [args] = await printedWorkers(run, 1);
    const worker = start(['worker', ...args!]);
    await worker.waitForStderr(/joined run kill2/);
    run.child.kill('SIGKILL');
    expect(await worker.exited).toBe(1);
    expect(worker.stderr()).toMatch(/loraswarm: the worker stopped: the connection of kill2-(worker-[0-9a-f]{10}|partition-[0-9a-f]{10}|node-\d+) to the broker closed mid-run/);

    const credentials = args![args!.indexOf('--credentials') + 1]!;
    const bad = [
      [['worker', '--broker', 'http://x', '--run', 'r', '--credentials', credentials], '--broker: expected mqtt://host:port, found "http://x"'],
      [['worker', '--broker', 'mqtt://127.0.0.1:1', '--run', 'kill2', '--nodes', 'a-b', '--credentials', credentials], '--nodes: expected "auto" or node indices and ranges, e.g. "200-399", found "a-b"'],
      [['worker', '--broker', 'mqtt://127.0.0.1:1', '--run', 'other', '--credentials', credentials], '--credentials: expected credentials for run other, found them for run kill2'],
      [['worker', '--broker', 'mqtt://127.0.0.1:1', '--run', 'kill2', '--credentials', join(dir, 'none.json')], '--credentials: expected the credentials file the run wrote'],
      [['run', 'scenarios/aloha.yaml', '--remote', '0-200', '--out', join(dir, 'x')], '--remote: expected node indices and ranges in 0..100, e.g. "0-99,150", found "0-200": the swarm has 101 nodes'],
      [['run', 'scenarios/aloha.yaml', '--remote', '0-9', '--remote', '5-20', '--out', join(dir, 'x')], '--remote: expected partitions that do not overlap, found node 5 again in "5-20"'],
      [['run', 'scenarios/aloha.yaml', '--workers', '2', '--transport', 'memory', '--out', join(dir, 'x')], '--remote/--workers: workers reach the run through a broker'],
      [['run', 'scenarios/aloha.yaml', '--workers', '101', '--out', join(dir, 'x')], '--workers: expected a whole number 1..100'],
      [['run', 'scenarios/aloha.yaml', '--listen', 'host:99999', '--out', join(dir, 'x')], '--listen: expected [host:]port with a port 0..65535, found "host:99999"'],
      [['watch', '--broker', 'mqtt://127.0.0.1:1', '--run', 'kill2', '--credentials', join(dir, 'none.json')], '--credentials: expected a credentials file with the run\'s viewer credentials'],
      [['watch', '--broker', 'tcp://x', '--run', 'kill2', '--credentials', credentials], '--broker: expected mqtt://host:port, found "tcp://x"'],
    ] as const;
    for (const [argv, message] of bad) {
      const result = await runCli(argv);
      expect(result.status, argv.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
      expect(existsSync(join(dir, 'x'))).toBe(false);
    }
  });
});
