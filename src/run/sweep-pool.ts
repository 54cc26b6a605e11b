/**
 * `sweep --jobs N`: a planned sweep's runs spread over N child processes, each handed the next
 * run as soon as it is free. Every child is a `loraswarm` process started the way this one was
 * (the launcher: Node and the package's bin script, with a hidden subcommand that serves
 * run/sweep-child.ts), so it simulates exactly as `--jobs 1` does. Rows come back in
 * completion order and are returned in the plan's, so sweep.csv does not depend on N.
 *
 * A child that stops before answering (crashed, killed, out of memory) fails the sweep with
 * the run it held named; the other children are stopped and waited for before the error
 * is thrown, so that nothing outlives the sweep.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { deserializeError, type ChildMessage, type RunRequest } from './sweep-child-protocol.ts';
import { describeRun, type PlannedRun, type SweepPlan } from './sweep-plan.ts';
import type { SweepProgress } from './sweep-runner.ts';
import type { SweepRow } from './sweep.ts';

/** How to start a child: `execPath script ...args` serves run requests over IPC. */
export interface ChildLauncher {
  readonly execPath: string;
  readonly script: string;
  readonly args: readonly string[];
}

export interface RunSweepInChildrenOptions extends SweepProgress {
  /** Child processes at most (no more are started than there are runs). */
  readonly jobs: number;
  readonly launcher: ChildLauncher;
  /** Also write each run's directory, as `loraswarm run` does, into `<runsDir>/<index>/`. */
  readonly runsDir?: string;
  /** The command a child's failure is told of (default `sweep`; `size` runs its cases here too). */
  readonly command?: string;
}

/** A child process stopped before it answered for its run: exit 1, the run named. */
export class SweepChildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepChildError';
  }
}

/** The last characters of a child's stderr kept for the message if it dies. */
const stderrTailChars = 2000;

interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
  /** The run it is working on. */
  run: PlannedRun | undefined;
  stderrTail: string;
}

interface Pool {
  readonly plan: SweepPlan;
  readonly options: RunSweepInChildrenOptions;
  readonly runs: readonly PlannedRun[];
  /** Runs not handed out yet, in plan order. */
  readonly pending: PlannedRun[];
  readonly rows: Map<number, SweepRow>;
  /** The finished share of each run in progress. */
  readonly fractions: Map<number, number>;
  readonly children: Child[];
  failure?: Error;
  finish(): void;
}

/**
 * Runs a planned sweep (or a shard's runs) in `jobs` child processes and returns one row per
 * run in the plan's order.
 *
 * @example
 * const rows = await runSweepInChildren(plan, { jobs: 2, launcher: { execPath: process.execPath, script: 'bin/loraswarm.js', args: ['sweep-child'] } });
 */
export async function runSweepInChildren(plan: SweepPlan, options: RunSweepInChildrenOptions): Promise<SweepRow[]> {
  if (!Number.isSafeInteger(options.jobs) || options.jobs < 1) throw new RangeError(`jobs must be an integer ≥ 1, got ${options.jobs}`);
  const runs = options.runs ?? plan.runs;
  let finish = (): void => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const pool: Pool = { plan, options, runs, pending: [...runs], rows: new Map(), fractions: new Map(), children: [], finish: () => finish() };
  if (runs.length === 0) return [];
  for (let i = 0; i < Math.min(options.jobs, runs.length); i++) pool.children.push(startChild(pool));
  await finished;
  await Promise.all(pool.children.map((child) => child.exited));
  if (pool.failure) throw pool.failure;
  return runs.map((run) => pool.rows.get(run.index)!);
}

function startChild(pool: Pool): Child {
  const { launcher } = pool.options;
  // Not the parent's flags (they may be a test runner's; NODE_OPTIONS passes through the
  // environment), but one: the garbage collector in the child's own thread. Children take a
  // core each, and V8's parallel collector threads would compete with the other children
  // (measured: 1.58× → 1.65× for 2 jobs on 2 cores).
  const subprocess = fork(launcher.script, [...launcher.args], { execPath: launcher.execPath, execArgv: ['--single-threaded-gc'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let exit = (): void => undefined;
  const child: Child = { process: subprocess, exited: new Promise((resolve) => (exit = resolve)), run: undefined, stderrTail: '' };
  subprocess.once('exit', (code, signal) => {
    void stderrDrained(subprocess).then(() => {
      onExit(pool, child, code, signal);
      exit();
    });
  });
  subprocess.on('error', (error) => {
    // A child that could not start never exits; a failed send shows as the child's exit, which names the run.
    if (subprocess.pid !== undefined) return;
    fail(pool, new SweepChildError(`${pool.options.command ?? 'sweep'}: cannot start a child process with ${launcher.execPath} ${launcher.script} (${error.message})`));
    exit();
  });
  subprocess.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    child.stderrTail = (child.stderrTail + chunk).slice(-stderrTailChars);
  });
  subprocess.on('message', (message) => onMessage(pool, child, message as ChildMessage));
  handOut(pool, child);
  return child;
}

/**
 * Resolves once a child's stderr has ended, since its last words (a fatal error, an
 * out-of-memory report) may arrive after its exit; after half a second at most, as a
 * grandchild may still hold the pipe.
 */
function stderrDrained(subprocess: ChildProcess): Promise<void> {
  const stream = subprocess.stderr!;
  if (stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 500);
    stream.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Sends the child the next pending run, or lets it go when none is left. */
function handOut(pool: Pool, child: Child): void {
  const run = pool.pending.shift();
  child.run = run;
  if (run === undefined) {
    if (child.process.connected) child.process.disconnect();
    return;
  }
  pool.fractions.set(run.index, 0);
  const request: RunRequest = { type: 'run', file: pool.plan.file, run, ...(pool.options.runsDir !== undefined && { runDir: join(pool.options.runsDir, String(run.index)) }) };
  child.process.send(request);
}

function onMessage(pool: Pool, child: Child, message: ChildMessage): void {
  if (pool.failure || child.run?.index !== message.index) return;
  if (message.type === 'progress') {
    pool.fractions.set(message.index, message.fraction);
    reportProgress(pool);
  } else if (message.type === 'done') {
    const run = child.run;
    const row: SweepRow = { run: run.index, swept: run.swept, seed: run.seed, summary: message.summary };
    pool.fractions.delete(run.index);
    pool.rows.set(run.index, row);
    reportProgress(pool);
    pool.options.onRun?.(row);
    if (pool.rows.size === pool.runs.length) pool.finish();
    handOut(pool, child);
  } else {
    fail(pool, deserializeError(message.error));
  }
}

function onExit(pool: Pool, child: Child, code: number | null, signal: NodeJS.Signals | null): void {
  const run = child.run;
  child.run = undefined;
  if (pool.failure || run === undefined) return;
  const how = signal !== null ? `was killed by ${signal}` : `exited with status ${code}`;
  const tail = child.stderrTail.trim();
  fail(pool, new SweepChildError(`${pool.options.command ?? 'sweep'} ${describeRun(pool.plan, run)}: its child process ${how} before the run was over${tail === '' ? '' : `; its last words on stderr:\n${tail}`}`));
}

/** Records the first failure, stops every child and ends the sweep once they have exited. */
function fail(pool: Pool, error: Error): void {
  if (pool.failure) return;
  pool.failure = error;
  for (const child of pool.children) {
    child.run = undefined;
    // Only a child that started: Node keeps the handle of a spawn that failed (ENOENT), whose pid
    // is 0, and kill() on it signals pid 0, the whole process group (the sweep and its shell).
    if (child.process.pid && child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGTERM');
  }
  pool.finish();
}

function reportProgress(pool: Pool): void {
  if (!pool.options.onProgress) return;
  let running = 0;
  for (const fraction of pool.fractions.values()) running += fraction;
  pool.options.onProgress((pool.rows.size + running) / pool.runs.length);
}
