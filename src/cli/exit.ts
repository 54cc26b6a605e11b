/**
 * How the CLI ends: user-input errors print their message (no stack trace) and exit with
 * status 2; anything else is a bug and exits with status 1.
 */
import { InputError } from '../scenario/errors.ts';
import { sourceMappedStack } from '../metrics/stack-sources.ts';

export const exitInputError = 2;

/** Input problems printed at most: a file with 20,000 bad keys says the first ones and how many more. */
export const maxIssuesShown = 50;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command stopped for a reason outside the user's input (a timeout, a lost connection): exit 1, no stack trace. */
export class StoppedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoppedError';
  }
}

/** The user stopped a command (SIGINT, SIGTERM) and it ended cleanly: exit 128 + the signal's number. */
export class InterruptedError extends Error {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`stopped by ${signal}`);
    this.name = 'InterruptedError';
  }
}

/** Writes the message for an error and returns the exit status it deserves. */
export function reportError(error: unknown, write: (text: string) => void): number {
  if (error instanceof InputError) {
    const shown = error.issues.slice(0, maxIssuesShown).map((issue) => `  ${formatLine(issue)}\n`).join('');
    const more = error.issues.length - maxIssuesShown;
    write(`loraswarm: invalid input\n${shown}${more > 0 ? `  … and ${more} more problems like these (the first ${maxIssuesShown} are shown)\n` : ''}`);
    return exitInputError;
  }
  if (error instanceof UsageError) {
    write(`loraswarm: ${error.message}\n`);
    return exitInputError;
  }
  if (error instanceof InterruptedError) {
    write(`loraswarm: ${error.message}\n`);
    return error.signal === 'SIGINT' ? 130 : 143;
  }
  if (error instanceof StoppedError || (error instanceof Error && error.name === 'EnvironmentError')) {
    write(`loraswarm: ${error.message}\n`);
    return 1;
  }
  if (error instanceof Error && (error.name === 'WorkerRefusedError' || error.name === 'CheckpointError' || error.name === 'PlacementError' || error.name === 'RunDirectoryError')) {
    write(`loraswarm: ${error.message}\n`);
    return exitInputError;
  }
  if (error instanceof Error && error.name === 'RunAbortedError') {
    write(`loraswarm: the worker stopped: ${error.message}\n`);
    return 1;
  }
  if (error instanceof Error && (error.name === 'BrokerConnectionError' || error.name === 'BrokerTimeoutError' || error.name === 'WorkerError')) {
    write(`loraswarm: the run stopped: ${error.message}; its directory is left as <out>.partial with FAILED.txt\n`);
    return 1;
  }
  const system = systemProblem(error);
  if (system !== undefined) {
    write(`loraswarm: ${system}\n`);
    return 1;
  }
  const text = error instanceof Error ? (typeof error.stack === 'string' ? sourceMappedStack(error.stack) : error.message) : String(error);
  write(`loraswarm: internal error (please report it)\n${text}\n`);
  return 1;
}

function formatLine(issue: InputError['issues'][number]): string {
  const where = issue.source ? `${issue.source.file}:${issue.source.line}:${issue.source.column}: ` : '';
  return `${where}${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

/** What the machine refused, for the file-system errors any write can meet (a full disk, no permission), or undefined. */
const systemCauses: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full: free some space and run again',
  EDQUOT: 'the disk quota is used up: free some space and run again',
  EROFS: 'the file system is read-only: choose a place that can be written',
  EACCES: 'permission denied: choose a place this user may write, or change its permissions',
  EPERM: 'the operation is not permitted there: choose another place',
  EMFILE: 'this process has too many open files: raise the limit (ulimit -n) and run again',
  ENFILE: 'the system has too many open files: close some programs or raise the limit and run again',
  EIO: 'the device reported an input/output error',
};

function systemProblem(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, syscall, path } = error as NodeJS.ErrnoException;
  const cause = code === undefined ? undefined : systemCauses[code];
  if (cause === undefined) return undefined;
  return `${syscall ?? 'a system call'}${path === undefined ? '' : ` ${path}`} failed (${code}): ${cause}; a run directory in progress is left as <out>.partial`;
}
