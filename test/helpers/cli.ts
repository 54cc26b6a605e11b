/**
 * Runs the real `loraswarm` command line for end-to-end tests: in this process (runCli, the
 * same `main` the bin script calls), or as a user would, in a child process (cli, spawnCli).
 */
import { spawn, spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repoRoot, 'bin', 'loraswarm.js');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `loraswarm` in a child process: for what only a process shows (the bin script, its bundle, signals, a closed pipe); see runCli. */
export function cli(args: readonly string[], timeoutMs = 60_000): CliResult {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: timeoutMs });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs the command line in this process, through the same `main` the bin script calls (from
 * the sources), with the same arguments, working directory and environment a child process
 * would have, and stderr reported as not a terminal, as a child's pipe is. The status is the
 * one the process would exit with; Node's warnings are in stderr, as a child prints them. A
 * command that would serve until Ctrl-C (`dashboard`, `run --dashboard`) stops at once. What a
 * child's exit would show is checked instead: the command must leave no signal handler, server,
 * socket, timer or child process behind (a child would not have exited). A CLI process costs
 * about half a second of CPU before its command starts; the suite ran about 500 of them.
 */
export async function runCli(args: readonly string[]): Promise<CliResult> {
  if (realpathSync(process.cwd()) !== realpathSync(repoRoot)) throw new Error(`runCli runs commands from the repository's root, as cli() does; the working directory is ${process.cwd()}`);
  const { main } = await import('../../src/cli/main.ts');
  let stdout = '';
  let stderr = '';
  const warn = (warning: Error): void => void (stderr += `${warning.name}: ${warning.message}\n`);
  const before = leftBehind();
  const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true, writable: true });
  process.on('warning', warn);
  let status: number;
  try {
    status = await main(args, { out: (text) => void (stdout += text), err: (text) => void (stderr += text), stop: Promise.resolve() });
  } finally {
    process.off('warning', warn);
    if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
  // Closing sockets and servers end on the next turns of the event loop.
  for (let turn = 0; turn < 5 && !sameCounts(before, leftBehind()); turn++) await new Promise((resolve) => setTimeout(resolve, 20));
  const after = leftBehind();
  if (!sameCounts(before, after)) throw new Error(`loraswarm ${args.join(' ')} left behind what would keep its process from exiting: ${JSON.stringify(before)} before, ${JSON.stringify(after)} after`);
  return { status, stdout, stderr };
}

/** What keeps a process alive, counted by kind: signal handlers and the event loop's active resources (servers, sockets, timers, child processes). */
function leftBehind(): Record<string, number> {
  const counts: Record<string, number> = { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
  for (const kind of process.getActiveResourcesInfo()) if (kind !== 'FSReqCallback' && kind !== 'CloseReq') counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const kinds = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...kinds].every((kind) => (a[kind] ?? 0) >= (b[kind] ?? 0));
}

export interface RunningCli {
  readonly child: import('node:child_process').ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr (or rejects after `timeoutMs`). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** The same for stdout. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** The exit status (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

/** Starts `loraswarm` in the background, as a user would in another terminal. */
export function spawnCli(args: readonly string[]): RunningCli {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  /** Set on 'close': the process has exited and its output streams are done. */
  let closed = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const waiter of waiters.splice(0)) waiter();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    for (const waiter of waiters.splice(0)) waiter();
  });
  const waitFor = (text: () => string, name: string, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in ${name} within ${timeoutMs} ms; ${name} so far:\n${text()}`)), timeoutMs);
      const check = (): void => {
        const match = pattern.exec(text());
        if (match) {
          clearTimeout(timer);
          resolve(match);
        } else if (closed) {
          clearTimeout(timer);
          reject(new Error(`the process exited (${child.exitCode}) before ${pattern} appeared in ${name}; stderr:\n${err}`));
        } else waiters.push(check);
      };
      check();
      // 'close', not 'exit': output can still be on its way when the process has exited.
      child.once('close', () => setImmediate(check));
    });
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (status) => {
      closed = true;
      resolve(status);
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStderr: (pattern, timeoutMs = 30_000) => waitFor(() => err, 'stderr', pattern, timeoutMs),
    waitForStdout: (pattern, timeoutMs = 30_000) => waitFor(() => out, 'stdout', pattern, timeoutMs),
  };
}

/** `items.map(work)` with each piece of work started after the previous one ended (CLI runs in this process, one at a time, as child processes run by spawnSync were). */
export async function inOrder<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await work(item));
  return results;
}
