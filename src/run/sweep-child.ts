/**
 * The child-process side of `sweep --jobs N`: runs what the sweep hands over the IPC channel,
 * one run at a time, and answers with progress and the run's summary or error
 * (run/sweep-child-protocol.ts). It returns when the sweep disconnects.
 */
import type { RunFraction, RunSummary } from './simulate-summary.ts';
import { serializeError, type ChildMessage, type RunRequest } from './sweep-child-protocol.ts';

/** Simulates one requested run (writing its directory when asked) and gives its summary. */
export type ChildRunSummary = (request: RunRequest, onFraction: RunFraction) => Promise<RunSummary>;

/** The IPC side of a child process that the sweep talks to (`process` in a forked child). */
export interface SweepChannel {
  readonly connected: boolean;
  send(message: ChildMessage): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  once(event: 'disconnect', listener: () => void): unknown;
}

/** Thrown from a progress report once the sweep has gone: the run stops at its next slice. */
class SweepGoneError extends Error {
  constructor() {
    super('the sweep disconnected');
    this.name = 'SweepGoneError';
  }
}

/**
 * Serves run requests until the sweep disconnects.
 *
 * @example
 * await serveSweepChild((request, onFraction) => simulateSummary(request.file, request.run, onFraction), process as SweepChannel);
 */
export function serveSweepChild(summarize: ChildRunSummary, channel: SweepChannel): Promise<void> {
  let queue = Promise.resolve();
  channel.on('message', (message) => {
    queue = queue.then(() => serveRun(summarize, channel, message as RunRequest));
  });
  return new Promise((resolve) => {
    channel.once('disconnect', () => void queue.then(resolve));
  });
}

async function serveRun(summarize: ChildRunSummary, channel: SweepChannel, request: RunRequest): Promise<void> {
  const index = request.run.index;
  const send = (message: ChildMessage): void => {
    if (!channel.connected) throw new SweepGoneError();
    channel.send(message);
  };
  try {
    const summary = await summarize(request, (fraction) => {
      send({ type: 'progress', index, fraction });
      // The IPC channel writes only when the event loop turns: a simulation slice must let it.
      return new Promise((resolve) => setImmediate(resolve));
    });
    send({ type: 'done', index, summary });
  } catch (error) {
    if (error instanceof SweepGoneError || !channel.connected) return;
    send({ type: 'failed', index, error: serializeError(error) });
  }
}
