/**
 * An external broker's partition users (mosquitto-setup.ts): which one, if any, holds exactly
 * a process's nodes. Light on purpose: the run's input checks ask before any MQTT code loads.
 */
import type { WorkerCredentials } from './mosquitto-setup.ts';
import { nodeRanges, nodeRangesName } from './node-ranges.ts';

/** The credentials of the partition user for exactly `nodes`, if `broker-setup` wrote one. */
export function partitionUserFor(credentials: WorkerCredentials, nodes: readonly number[]): { username: string; password: string } | undefined {
  if (nodes.length === 0 || !credentials.partitions) return undefined;
  const name = nodeRangesName(nodeRanges(nodes));
  const user = credentials.partitions.find((partition) => partition.nodes === name);
  return user && { username: user.username, password: user.password };
}
