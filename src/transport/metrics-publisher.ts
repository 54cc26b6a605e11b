/**
 * The live metrics the coordinator publishes for viewers on `swarm/<run>/metrics/…`
 * (mqtt-transport.ts): snapshots, values in chunks, and retained chunks kept to publish again
 * after a broker restart.
 */
import { randomInt } from 'node:crypto';
import type { BrokerClient } from './broker-client.ts';
import { chunkControl, controlChunkBytes, encodeControlValue } from './control-codec.ts';
import type { RunTopics } from './topics.ts';

export interface MetricsPublisher {
  publishMetrics(path: string, snapshot: object): void;
  publishMetricsChunked(path: string, value: unknown, retained?: boolean): number;
  clearRetained(path: string, count: number): void;
  /** Publishes every retained chunk again (a restarted broker may have lost them). */
  republishRetained(): void;
}

export function createMetricsPublisher(coordinator: BrokerClient, topics: RunTopics, maxPacketBytes: number): MetricsPublisher {
  /** Retained metric chunks by path: a restarted broker may have lost them, and viewers need them. */
  const retainedChunks = new Map<string, Buffer[]>();
  // Chunk streams start at a random number: a retained start left by an earlier run with the
  // same id (an external broker) never mixes with this run's.
  let metricsStream = randomInt(0, 2 ** 31);
  return {
    publishMetrics(path, snapshot) {
      coordinator.publish(topics.metrics(path), JSON.stringify(snapshot), { qos: 0 });
    },
    publishMetricsChunked(path, value, retained = false) {
      const bytes = encodeControlValue(value);
      // Sized for the longest topic a chunk may take (a retained chunk's index has ≤ 10 digits).
      const chunks = chunkControl(metricsStream++, bytes, controlChunkBytes(maxPacketBytes, topics.metrics(`${path}/0000000000`)));
      const buffers = chunks.map((chunk) => Buffer.from(chunk));
      buffers.forEach((chunk, i) => coordinator.publish(topics.metrics(retained ? `${path}/${i}` : path), chunk, { qos: 0, retain: retained }));
      if (retained) retainedChunks.set(path, buffers);
      return chunks.length;
    },
    clearRetained(path, count) {
      retainedChunks.delete(path);
      for (let i = 0; i < count; i++) coordinator.publish(topics.metrics(`${path}/${i}`), Buffer.alloc(0), { qos: 0, retain: true });
    },
    republishRetained() {
      for (const [path, chunks] of retainedChunks) chunks.forEach((chunk, i) => coordinator.publish(topics.metrics(`${path}/${i}`), chunk, { qos: 0, retain: true }));
    },
  };
}
