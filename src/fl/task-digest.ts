/**
 * A digest of a federated run's task as its clients train it: the initial parameters, the
 * training samples' indices and labels, each client's partition, which parameters each trains,
 * and who the clients and the coordinator are. A worker prepares the task itself, from the
 * scenario and the dataset its own loraswarm ships: the run hands it this digest, and a worker
 * whose task differs (another version's data or partitioner) is refused instead of training on
 * other samples (issue 22).
 */
import { createHash } from 'node:crypto';
import type { FlSetup } from './round-types.ts';

const bytesOf = (array: Float64Array | Int32Array): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

export function federatedTaskDigest(setup: FlSetup): string {
  const { task } = setup;
  const hash = createHash('sha256');
  hash.update(task.name);
  hash.update(bytesOf(task.initial));
  hash.update(bytesOf(task.train));
  hash.update(bytesOf(Float64Array.from(task.labels)));
  for (const partition of setup.partitions) {
    hash.update(bytesOf(Int32Array.of(partition.length)));
    hash.update(bytesOf(partition));
  }
  hash.update(JSON.stringify({ classes: task.classes, clients: setup.clients, coordinator: setup.coordinator, trainable: setup.trainable }));
  return hash.digest('hex');
}
