/**
 * `loraswarm worker --broker URL --run ID [--nodes P|auto] --credentials FILE`: runs a
 * partition of a run's nodes in this process, through the run's broker (worker-session.ts).
 */
import { readFileSync } from 'node:fs';
import { PartitionError } from '../../transport/partition.ts';
import type { WorkerCredentials } from '../../transport/mosquitto-setup.ts';
import { runIdPattern } from '../../transport/topics.ts';
import { RunAbortedError, runWorkerSession } from '../../run/worker-session.ts';
import { UsageError } from '../exit.ts';
import { brokerUrlProblem, secondsOption, trainingThreadsOption } from './options.ts';
import { partitionsProblem } from './run-distribution.ts';

export interface WorkerCommandOptions {
  readonly broker: string;
  readonly run: string;
  readonly nodes: string;
  readonly credentials: string;
  readonly joinTimeout?: string;
  readonly reconnectTimeout?: string;
  readonly trainingThreads?: string;
  readonly quiet?: boolean;
}

export async function workerCommand(options: WorkerCommandOptions, print: (text: string) => void, note: (text: string) => void): Promise<void> {
  const urlProblem = brokerUrlProblem(options.broker);
  if (urlProblem) throw new UsageError(`--broker: ${urlProblem}`);
  if (!runIdPattern.test(options.run)) throw new UsageError(`--run: expected letters, digits, ".", "_" or "-", found ${JSON.stringify(options.run)}`);
  if (options.nodes !== 'auto' && !/^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$/.test(options.nodes)) {
    throw new UsageError(`--nodes: expected "auto" or node indices and ranges, e.g. "200-399", found ${JSON.stringify(options.nodes)}`);
  }
  const joinTimeoutMs = options.joinTimeout === undefined ? undefined : secondsOption('--join-timeout', options.joinTimeout) * 1000;
  const reconnectWindowMs = options.reconnectTimeout === undefined ? undefined : secondsOption('--reconnect-timeout', options.reconnectTimeout) * 1000;
  const trainingThreads = trainingThreadsOption(options.trainingThreads);
  const credentials = readWorkerCredentials(options.credentials, options.run);
  try {
    const result = await runWorkerSession({
      url: options.broker,
      runId: options.run,
      nodes: options.nodes,
      credentials,
      ...(joinTimeoutMs !== undefined && { joinTimeoutMs }),
      ...(reconnectWindowMs !== undefined && { reconnectWindowMs }),
      trainingThreads,
      log: (line) => note(`${line}\n`),
    });
    if (!options.quiet) print(`worker ${result.workerId}: ran nodes ${result.nodes} (${result.nodeCount}) of run ${result.runId}: ${result.events} events in ${result.windows} windows\n`);
  } catch (error) {
    if (error instanceof PartitionError) throw new UsageError(`--nodes: ${error.message}`);
    if (error instanceof Error && (error.name === 'BrokerConnectionError' || error.name === 'BrokerTimeoutError')) throw new RunAbortedError(error.message);
    throw error;
  }
}

function readWorkerCredentials(file: string, runId: string): WorkerCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--credentials: expected the credentials file the run wrote (or \`loraswarm broker-setup\`'s credentials.json), found ${(error as Error).message}`);
  }
  const value = parsed as Partial<WorkerCredentials> | null;
  const isCredentials = (c: unknown): boolean => c !== null && typeof c === 'object' && typeof (c as { username?: unknown }).username === 'string' && typeof (c as { password?: unknown }).password === 'string';
  if (value === null || typeof value !== 'object' || !isCredentials(value.worker) || !Array.isArray(value.nodes) || !value.nodes.every(isCredentials)) {
    throw new UsageError(`--credentials: expected an object with "worker" and "nodes" credentials in ${file}, found ${value === null ? 'null' : `keys ${Object.keys(value).join(', ') || 'none'}`}`);
  }
  const partitionProblem = partitionsProblem((value as { partitions?: unknown }).partitions, value.nodes.length);
  if (partitionProblem) throw new UsageError(`--credentials: ${partitionProblem} in ${file}`);
  if (value.runId !== runId) throw new UsageError(`--credentials: expected credentials for run ${runId}, found them for run ${String(value.runId)} in ${file}`);
  return value as WorkerCredentials;
}
