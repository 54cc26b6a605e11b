/**
 * An external broker's partition users (mosquitto-setup.ts). Mosquitto checks a user's ACL
 * entries one after the other for every message, so a user naming thousands of topics slows
 * every publish and delivery (a 5,000-node partition: +17 % on a run, measured): a process's
 * nodes are held by users of at most `partitionChunkNodes` consecutive nodes each, a
 * connection each. Light on purpose: the run's input checks ask before any MQTT code loads.
 */
import type { WorkerCredentials } from './mosquitto-setup.ts';
import { nodeRanges, nodeRangesName } from './node-ranges.ts';

/** Nodes per partition user on an external broker: 128 ACL entries each. */
export const partitionChunkNodes = 64;

/** A process's nodes in chunks of at most `partitionChunkNodes`, in ascending order. */
export function partitionChunks(nodes: readonly number[]): number[][] {
  const sorted = [...nodes].sort((a, b) => a - b);
  const chunks: number[][] = [];
  for (let start = 0; start < sorted.length; start += partitionChunkNodes) chunks.push(sorted.slice(start, start + partitionChunkNodes));
  return chunks;
}

/** The partition users holding `nodes` chunk by chunk (`partitionChunks`), or undefined unless `broker-setup` wrote every one of them. */
export function partitionUsersFor(credentials: WorkerCredentials, nodes: readonly number[]): { nodes: number[]; username: string; password: string }[] | undefined {
  if (nodes.length === 0 || !credentials.partitions) return undefined;
  const byName = new Map(credentials.partitions.map((user) => [user.nodes, user]));
  const users: { nodes: number[]; username: string; password: string }[] = [];
  for (const chunk of partitionChunks(nodes)) {
    const user = byName.get(nodeRangesName(nodeRanges(chunk)));
    if (!user) return undefined;
    users.push({ nodes: chunk, username: user.username, password: user.password });
  }
  return users;
}
