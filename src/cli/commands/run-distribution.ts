/**
 * The options of `loraswarm run` that say where its nodes and broker are (an external broker,
 * workers, the credentials file), checked before the run opens its directory.
 */
import { dirname, resolve } from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { RunCredentials } from '../../transport/mosquitto-setup.ts';
import { parsePartition, PartitionError, splitEvenly } from '../../transport/partition.ts';
import { UsageError } from '../exit.ts';
import { brokerUrlProblem, listenOption, secondsOption } from './options.ts';
import { runIdPattern } from '../../transport/topics.ts';
import { parseNodeRanges } from '../../transport/node-ranges.ts';
import type { RunCommandOptions } from './run-options.ts';

/** Why the workers' credentials cannot be written at `path`, or undefined: checked before the run opens its directory. */
export function credentialsOutProblem(path: string): string | undefined {
  if (existsSync(path) && statSync(path).isDirectory()) return `expected a file path, found a directory at ${path}`;
  const parent = dirname(resolve(path));
  if (!existsSync(parent) || !statSync(parent).isDirectory()) return `expected a file in an existing directory, found no directory ${parent}`;
  return undefined;
}

/** A run id for MQTT topics: the scenario name, made safe, with a random suffix. */
export function runIdOf(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 40) || 'run';
  return `${/^[A-Za-z0-9]/.test(safe) ? safe : `r${safe}`}-${Math.floor(Math.random() * 1e8).toString(36)}`;
}

/** The external broker given by --broker and --credentials, checked before the run. */
export function externalBroker(options: RunCommandOptions, nodes: number): { url: string; credentials: RunCredentials } | undefined {
  if (options.broker === undefined && options.credentials === undefined) return undefined;
  if (options.broker === undefined || options.credentials === undefined) {
    throw new UsageError('--broker and --credentials go together (write the credentials with `loraswarm broker-setup`)');
  }
  const urlProblem = brokerUrlProblem(options.broker);
  if (urlProblem) throw new UsageError(`--broker: ${urlProblem}`);
  let credentials: RunCredentials;
  try {
    credentials = JSON.parse(readFileSync(options.credentials, 'utf8')) as RunCredentials;
  } catch (error) {
    throw new UsageError(`--credentials: expected the credentials.json written by \`loraswarm broker-setup\`, found ${(error as Error).message}`);
  }
  if (!Array.isArray(credentials.nodes) || credentials.nodes.length !== nodes) {
    throw new UsageError(`--credentials: expected credentials for the scenario's ${nodes} nodes, found ${Array.isArray(credentials.nodes) ? credentials.nodes.length : 'none'}`);
  }
  const partitionProblem = partitionsProblem(credentials.partitions, nodes);
  if (partitionProblem) throw new UsageError(`--credentials: ${partitionProblem} in ${options.credentials}`);
  return { url: options.broker, credentials };
}

/** What is wrong with a credentials file's partition users (absent is fine: each node then connects on its own). */
export function partitionsProblem(partitions: unknown, nodes: number): string | undefined {
  if (partitions === undefined) return undefined;
  if (!Array.isArray(partitions) || partitions.length > nodes) return `expected "partitions" to be a list of at most ${nodes} partition users, found ${Array.isArray(partitions) ? `${partitions.length} entries` : typeof partitions}`;
  for (const [i, entry] of partitions.entries()) {
    const { nodes: name, username, password } = (entry ?? {}) as { nodes?: unknown; username?: unknown; password?: unknown };
    if (typeof name !== 'string' || typeof username !== 'string' || typeof password !== 'string' || parseNodeRanges(name, nodes) === undefined) {
      return `expected partitions[${i}] to have "nodes" (canonical ranges of nodes 0..${nodes - 1}, e.g. "0-99"), "username" and "password", found ${JSON.stringify(entry).slice(0, 120)}`;
    }
  }
  return undefined;
}

/** The partitions given by --remote or --workers, checked against the swarm. */
export function remotePartitions(options: Pick<RunCommandOptions, 'remote' | 'workers'>, nodes: number): number[][] {
  const remote = options.remote ?? [];
  if (remote.length > 0 && options.workers !== undefined) throw new UsageError('--remote and --workers both say which nodes workers run: give one of them');
  try {
    if (options.workers !== undefined) {
      const count = Number(options.workers);
      if (!/^\d+$/.test(options.workers.trim()) || count < 1 || count >= nodes) {
        throw new UsageError(`--workers: expected a whole number 1..${nodes - 1} (the coordinator keeps a share), found ${JSON.stringify(options.workers)}`);
      }
      return splitEvenly(nodes, count + 1).slice(1);
    }
    const partitions = remote.map((text) => parsePartition(text, nodes));
    const seen = new Set<number>();
    for (const [i, partition] of partitions.entries()) {
      for (const node of partition) {
        if (seen.has(node)) throw new UsageError(`--remote: expected partitions that do not overlap, found node ${node} again in ${JSON.stringify(remote[i])}`);
        seen.add(node);
      }
    }
    return partitions;
  } catch (error) {
    if (error instanceof PartitionError) throw new UsageError(`--remote: ${error.message}`);
    throw error;
  }
}

/** Where the run's broker and nodes are, and its waits: every distribution option of `run`, checked. */
export function distributionOptions(options: RunCommandOptions, nodes: number) {
  const external = externalBroker(options, nodes);
  const partitions = remotePartitions(options, nodes);
  if (partitions.length > 0 && options.transport === 'memory' && !external) throw new UsageError('--remote/--workers: workers reach the run through a broker; leave out --transport memory');
  if (options.runId !== undefined && !runIdPattern.test(options.runId)) throw new UsageError(`--run-id: expected letters, digits, ".", "_" or "-", found ${JSON.stringify(options.runId)}`);
  if (external && options.runId !== undefined && options.runId !== external.credentials.runId) {
    throw new UsageError(`--run-id: the credentials are for run ${external.credentials.runId}, found --run-id ${options.runId}`);
  }
  if (external && options.listen !== undefined) throw new UsageError('--listen sets the embedded broker\'s address; it does not go with --broker');
  const listen = options.listen === undefined ? undefined : listenOption(options.listen);
  if (options.credentialsOut !== undefined) {
    const problem = credentialsOutProblem(options.credentialsOut);
    if (problem) throw new UsageError(`--credentials-out: ${problem}`);
  }
  const joinTimeoutMs = options.joinTimeout === undefined ? undefined : secondsOption('--join-timeout', options.joinTimeout) * 1000;
  const reconnectWindowMs = options.reconnectTimeout === undefined ? undefined : secondsOption('--reconnect-timeout', options.reconnectTimeout) * 1000;
  return { external, partitions, listen, joinTimeoutMs, reconnectWindowMs };
}
