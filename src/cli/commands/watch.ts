/**
 * `loraswarm watch --broker URL --run ID --credentials FILE`: follows a run's live metrics as
 * the read-only viewer role and prints each snapshot as one JSON line
 * (`{"metric":"live",…}`); it exits when the run publishes `end`. The dashboard (a later
 * issue) reads the same topics over WebSocket.
 */
import { readFileSync } from 'node:fs';
import { connectClient } from '../../transport/client-connection.ts';
import { runIdPattern } from '../../transport/topics.ts';
import { StoppedError, UsageError } from '../exit.ts';
import { brokerUrlProblem, secondsOption } from './options.ts';

export interface WatchCommandOptions {
  readonly broker: string;
  readonly run: string;
  readonly credentials: string;
  readonly timeout?: string;
}

export async function watchCommand(options: WatchCommandOptions, print: (text: string) => void): Promise<void> {
  const urlProblem = brokerUrlProblem(options.broker);
  if (urlProblem) throw new UsageError(`--broker: ${urlProblem}`);
  if (!runIdPattern.test(options.run)) throw new UsageError(`--run: expected letters, digits, ".", "_" or "-", found ${JSON.stringify(options.run)}`);
  const timeoutMs = options.timeout === undefined ? undefined : secondsOption('--timeout', options.timeout) * 1000;
  const viewer = readViewerCredentials(options.credentials, options.run);
  const prefix = `swarm/${options.run}/metrics/`;
  const client = await connectClient(options.broker, viewer, `${options.run}-viewer-${process.pid}`, {}, 15_000).catch((error: Error) => {
    throw new StoppedError(`watch: ${error.message}`);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => reject(new StoppedError(`watch: run ${options.run} did not end within ${timeoutMs / 1000} s`)), timeoutMs);
      client.on('message', (topic, payload) => {
        let snapshot: unknown;
        try {
          snapshot = JSON.parse(payload.toString('utf8'));
        } catch {
          return;
        }
        const metric = topic.slice(prefix.length);
        print(`${JSON.stringify({ metric, ...(snapshot as object) })}\n`);
        if (metric === 'end') {
          clearTimeout(timer);
          resolve();
        }
      });
      client.on('close', () => reject(new StoppedError(`watch: the connection to ${options.broker} closed before run ${options.run} ended`)));
      client.subscribe(`${prefix}#`, { qos: 0 }, (error) => error && reject(error));
    });
  } finally {
    await client.endAsync(true).catch(() => undefined);
  }
}

/** The viewer's credentials from a credentials file (broker-setup's or the run's) for run `runId`. */
export function readViewerCredentials(file: string, runId: string): { username: string; password: string } {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { runId?: unknown; viewer?: { username?: unknown; password?: unknown } };
    if (typeof parsed.viewer?.username !== 'string' || typeof parsed.viewer.password !== 'string') throw new Error('no "viewer" credentials in it');
    if (parsed.runId !== runId) throw new Error(`they are for run ${String(parsed.runId)}, not ${runId}`);
    return { username: parsed.viewer.username, password: parsed.viewer.password };
  } catch (error) {
    throw new UsageError(`--credentials: expected a credentials file with the run's viewer credentials, found ${(error as Error).message}`);
  }
}
