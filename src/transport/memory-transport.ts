/**
 * The memory transport: direct calls, for the fastest sweeps. It still batches everything
 * published at one virtual time and applies the batch sorted (compareTransmissions,
 * compareDeliveries), so that it matches the MQTT transport byte for byte.
 */
import type { Scheduler } from '../sim/scheduler.ts';
import type { Delivery, Transmission } from '../radio/transmission.ts';
import { compareDeliveries, compareTransmissions, type Transport, type TransportEndpoints } from './transport.ts';

/** `endpoints` is called once, at the first delivery or transmission, so nodes may be built after the transport. */
export function createMemoryTransport(scheduler: Scheduler, endpoints: () => TransportEndpoints): Transport {
  const txBatches = new Map<number, Transmission[]>();
  const deliveryBatches = new Map<number, Delivery[]>();
  let resolved: TransportEndpoints | undefined;
  const get = (): TransportEndpoints => (resolved ??= endpoints());

  function flushTransmissions(atMs: number): void {
    const batch = txBatches.get(atMs)!;
    txBatches.delete(atMs);
    if (batch.length > 1) batch.sort(compareTransmissions);
    const { ether } = get();
    for (const tx of batch) ether(tx);
  }

  function flushDeliveries(atMs: number): void {
    const batch = deliveryBatches.get(atMs)!;
    deliveryBatches.delete(atMs);
    if (batch.length > 1) batch.sort(compareDeliveries);
    const { nodes } = get();
    for (const delivery of batch) nodes[delivery.receiver]!(delivery);
  }

  return {
    kind: 'memory',
    transmit(tx) {
      let batch = txBatches.get(tx.startMs);
      if (!batch) {
        txBatches.set(tx.startMs, (batch = []));
        scheduler.at(tx.startMs, () => flushTransmissions(tx.startMs));
      }
      batch.push(tx);
    },
    deliver(delivery) {
      let batch = deliveryBatches.get(delivery.atMs);
      if (!batch) {
        deliveryBatches.set(delivery.atMs, (batch = []));
        scheduler.at(delivery.atMs, () => flushDeliveries(delivery.atMs));
      }
      batch.push(delivery);
    },
    get pending() {
      return txBatches.size + deliveryBatches.size;
    },
    nodeDied(node, atMs) {
      get().nodeDied(node, atMs);
    },
    async close() {
      txBatches.clear();
      deliveryBatches.clear();
    },
  };
}
