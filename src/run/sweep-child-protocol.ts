/**
 * The messages between `sweep --jobs N` and its child processes, over Node's IPC channel
 * (JSON, so numbers cross exactly: a summary is JSON already). A child is handed one run at a
 * time and answers with its progress, then its summary or its error; the sweep disconnects
 * the channel when there is nothing left to hand out.
 */
import { InputError, type InputIssue } from '../scenario/errors.ts';
import type { RunSummary } from './simulate-summary.ts';
import type { PlannedRun } from './sweep-plan.ts';

/** From the sweep to a child: simulate this run of this scenario file. */
export interface RunRequest {
  readonly type: 'run';
  readonly file: string;
  readonly run: PlannedRun;
  /** Also write the run's directory here, as `loraswarm run` does (`--keep-runs`). */
  readonly runDir?: string;
}

/** An error thrown in a child, as plain data. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** An InputError's issues: the sweep throws the same InputError (exit 2). */
  readonly issues?: readonly InputIssue[];
}

/** From a child to the sweep, about the run it was handed. */
export type ChildMessage =
  | { readonly type: 'progress'; readonly index: number; readonly fraction: number }
  | { readonly type: 'done'; readonly index: number; readonly summary: RunSummary }
  | { readonly type: 'failed'; readonly index: number; readonly error: SerializedError };

/**
 * An error as data that crosses the channel.
 *
 * @example
 * serializeError(new RangeError('x')) // { name: 'RangeError', message: 'x', stack: 'RangeError: x\n    at …' }
 */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof InputError) return { name: error.name, message: error.message, issues: error.issues };
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack !== undefined && { stack: error.stack }) };
  return { name: 'Error', message: String(error) };
}

/**
 * The error again, on the sweep's side: an InputError as such, any other with its name (which
 * the CLI's exit status goes by), its message and the child's stack.
 *
 * @example
 * deserializeError({ name: 'PlacementError', message: 'does not fit' }).name // 'PlacementError'
 */
export function deserializeError(data: SerializedError): Error {
  if (data.issues) return new InputError(data.issues);
  const error = new Error(data.message);
  error.name = data.name;
  if (data.stack !== undefined) error.stack = data.stack;
  return error;
}
