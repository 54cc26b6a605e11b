/**
 * Runs one tutorial command as a reader would from the repository root, but in a scratch
 * directory: `npx loraswarm …` is the repository's CLI (bin/loraswarm.js, as npx runs it),
 * any other command goes through `sh -c`. A command that serves until Ctrl-C is started, its
 * printed URL fetched (HTTP 200 expected), and it is interrupted with SIGINT once its quoted
 * output has appeared (or `serveWaitMs` has passed) unless it has exited on its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.ts';
import { missingLines, shellWords, type TutorialCommand } from './tutorial-steps.ts';

export interface CommandResult {
  /** stdout and stderr, as they came. */
  readonly output: string;
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  /** For a command that serves until Ctrl-C: the HTTP status of its page. */
  readonly pageStatus?: number | undefined;
}

const bin = join(repoRoot, 'bin', 'loraswarm.js');

/** How long a command that serves until Ctrl-C may take to print what the page quotes. */
const serveWaitMs = 90_000;

/** Children still running, so that a failed test leaves none behind. */
export const runningChildren = new Set<ChildProcess>();

function start(command: TutorialCommand, cwd: string): ChildProcess {
  const words = shellWords(command.line);
  const [file, args] =
    words[0] === 'npx' && words[1] === 'loraswarm' ? [process.execPath, [bin, ...words.slice(2)]] : ['sh', ['-c', command.line]];
  const child = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  runningChildren.add(child);
  child.once('close', () => runningChildren.delete(child));
  return child;
}

function collect(child: ChildProcess, onData: (output: string) => void): { output: () => string; closed: Promise<[number | null, NodeJS.Signals | null]> } {
  let output = '';
  const append = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    onData(output);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (status, signal) => resolve([status, signal])));
  return { output: () => output, closed };
}

/** Runs a command to its end (or kills it after `timeoutMs`). */
async function runToEnd(command: TutorialCommand, cwd: string, timeoutMs: number): Promise<CommandResult> {
  const child = start(command, cwd);
  const { output, closed } = collect(child, () => {});
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [status, signal] = await closed;
  clearTimeout(timer);
  return { output: output(), status, signal };
}

/**
 * Starts a command that serves until Ctrl-C, fetches the URL it prints, waits until `expected`
 * has all appeared in its output (or it has exited), then interrupts it.
 */
async function runUntilCtrlC(command: TutorialCommand, cwd: string, expected: readonly string[], timeoutMs: number): Promise<CommandResult> {
  const child = start(command, cwd);
  let onUrl: (url: string) => void = () => {};
  let onQuoted: () => void = () => {};
  const url = new Promise<string>((resolve) => (onUrl = resolve));
  const quoted = new Promise<void>((resolve) => (onQuoted = resolve));
  const { output, closed } = collect(child, (text) => {
    const match = /https?:\/\/[\w.-]+:\d+\/\S*/.exec(text);
    if (match) onUrl(match[0]);
    if (missingLines(expected, text).length === 0) onQuoted();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const first = await Promise.race([url, closed.then(() => undefined)]);
    let pageStatus: number | undefined;
    if (first !== undefined) pageStatus = (await fetch(first)).status;
    await Promise.race([quoted, closed, new Promise((resolve) => setTimeout(resolve, serveWaitMs).unref())]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    const [status, signal] = await closed;
    return { output: output(), status, signal, pageStatus };
  } finally {
    clearTimeout(timer);
  }
}

export function runTutorialCommand(command: TutorialCommand, cwd: string, expected: readonly string[], timeoutMs: number): Promise<CommandResult> {
  return command.untilCtrlC ? runUntilCtrlC(command, cwd, expected, timeoutMs) : runToEnd(command, cwd, timeoutMs);
}
