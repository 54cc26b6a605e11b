/**
 * The application messages' books: how many were sent, how many had one addressee to reach (a
 * node, or the network through every gateway in range), how many of those arrived, every
 * delivery, and the latencies from each message's creation to its delivery (nearest-rank
 * percentiles). Per node, the sent and delivered counts go into the node tallies.
 */
import { gatewaysDestination } from '../radio/transmission.ts';
import { bump, MESSAGES_DELIVERED, MESSAGES_SENT, type NodeTallies } from './node-tallies.ts';
import { percentile } from './stats.ts';
import type { RadioTotals } from './radio-records.ts';

export interface MessageBooks {
  sent(sender: number, destination: number): void;
  delivered(atMs: number, sender: number, receiver: number, destination: number, createdAtMs: number): void;
  totals(): Pick<RadioTotals, 'messagesSent' | 'unicastMessagesSent' | 'unicastMessagesDelivered' | 'messageDeliveries' | 'latencyMs'>;
  /** The latencies so far, and the four counts (messages sent, unicast sent and delivered, deliveries), for a checkpoint; and back. */
  latencies(): Float64Array;
  counts(): [number, number, number, number];
  restore(latencies: Float64Array, counts: readonly number[]): void;
}

export function createMessageBooks(tallies: Pick<NodeTallies, 'cells'>): MessageBooks {
  const { cells } = tallies;
  let latencies = new Float64Array(1024);
  let latencyCount = 0;
  let sorted: Float64Array | undefined;
  let messagesSent = 0;
  let unicastSent = 0;
  let unicastDelivered = 0;
  let deliveries = 0;
  return {
    sent(sender, destination) {
      messagesSent++;
      bump(cells, sender, MESSAGES_SENT);
      // A message to one node, or an uplink to the network (gateway diversity): one addressee to reach.
      if (destination >= 0 || destination === gatewaysDestination) unicastSent++;
    },
    delivered(atMs, sender, receiver, destination, createdAtMs) {
      deliveries++;
      if (latencyCount === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[latencyCount++] = atMs - createdAtMs;
      sorted = undefined;
      // A unicast message counts as delivered when its addressee completes it.
      if ((destination >= 0 && destination === receiver) || destination === gatewaysDestination) {
        unicastDelivered++;
        bump(cells, sender, MESSAGES_DELIVERED);
      }
    },
    totals() {
      // A typed array sorts numerically without a comparator, several times faster; latencies are
      // never NaN or −0, where the two orders would differ.
      sorted ??= latencies.slice(0, latencyCount).sort();
      const mean = sorted.length > 0 ? sorted.reduce((sum, value) => sum + value, 0) / sorted.length : undefined;
      const p50 = percentile(sorted, 50);
      const p95 = percentile(sorted, 95);
      const p99 = percentile(sorted, 99);
      return {
        messagesSent,
        unicastMessagesSent: unicastSent,
        unicastMessagesDelivered: unicastDelivered,
        messageDeliveries: deliveries,
        latencyMs: { ...(p50 !== undefined && { p50 }), ...(p95 !== undefined && { p95 }), ...(p99 !== undefined && { p99 }), ...(mean !== undefined && { mean }) },
      };
    },
    latencies: () => latencies.subarray(0, latencyCount),
    counts: () => [messagesSent, unicastSent, unicastDelivered, deliveries],
    restore(saved, numbers) {
      latencyCount = saved.length;
      latencies = new Float64Array(Math.max(1024, 2 * latencyCount));
      latencies.set(saved);
      sorted = undefined;
      [messagesSent, unicastSent, unicastDelivered, deliveries] = numbers as [number, number, number, number];
    },
  };
}
