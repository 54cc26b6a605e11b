/**
 * The memory transport: direct hand-over, for the fastest sweeps. It follows the same window
 * protocol as the MQTT transport (DESIGN.md, "Windows"): what nodes and the ether publish
 * during a window waits in inboxes and is applied at the window's end, in canonical order
 * (deaths, then transmissions by compareTransmissions, then the ether's decisions on frames
 * that have ended, then deliveries by compareDeliveries, scheduled at their own times), so that
 * both transports give byte-identical results.
 */
import type { Scheduler } from '../sim/scheduler.ts';
import type { Delivery, Transmission } from '../radio/transmission.ts';
import { compareDeliveries, compareTransmissions, type Transport, type TransportEndpoints } from './transport.ts';

/** `endpoints` is called once, at the first exchange, so nodes may be built after the transport. */
export function createMemoryTransport(scheduler: Scheduler, endpoints: () => TransportEndpoints): Transport {
  let txInbox: Transmission[] = [];
  let deliveryInbox: Delivery[] = [];
  let deathInbox: { node: number; atMs: number }[] = [];
  let resolved: TransportEndpoints | undefined;
  const get = (): TransportEndpoints => (resolved ??= endpoints());

  function flushDeliveries(batch: Delivery[]): void {
    const { nodes } = get();
    for (const delivery of batch) nodes[delivery.receiver]!(delivery);
  }

  return {
    kind: 'memory',
    transmit(tx) {
      txInbox.push(tx);
    },
    deliver(delivery) {
      deliveryInbox.push(delivery);
    },
    nodeDied(node, atMs) {
      deathInbox.push({ node, atMs });
    },
    exchange() {
      const { ether, nodeDied, decide } = get();
      if (deathInbox.length > 0) {
        const deaths = deathInbox.sort((a, b) => a.atMs - b.atMs || a.node - b.node);
        deathInbox = [];
        for (const death of deaths) nodeDied(death.node, death.atMs);
      }
      if (txInbox.length > 0) {
        const txs = txInbox.sort(compareTransmissions);
        txInbox = [];
        // The ether may publish deliveries (rxStart) while it takes these in.
        for (const tx of txs) ether(tx);
      }
      decide(scheduler.nowMs);
      if (deliveryInbox.length > 0) {
        const deliveries = deliveryInbox.sort(compareDeliveries);
        deliveryInbox = [];
        let start = 0;
        for (let i = 1; i <= deliveries.length; i++) {
          if (i < deliveries.length && deliveries[i]!.atMs === deliveries[start]!.atMs) continue;
          const batch = deliveries.slice(start, i);
          scheduler.at(batch[0]!.atMs, () => flushDeliveries(batch));
          start = i;
        }
      }
    },
    get pending() {
      return txInbox.length + deliveryInbox.length + deathInbox.length;
    },
    async close() {
      txInbox = [];
      deliveryInbox = [];
      deathInbox = [];
    },
  };
}
