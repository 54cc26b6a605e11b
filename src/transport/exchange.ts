/**
 * What every transport shares: the inboxes of a window and their application in canonical
 * order at the window's end (DESIGN.md, "Windows"): deaths, then transmissions by
 * (start, sender, seq), then the ether's fates for frames that have ended, then deliveries by
 * (time, sender, seq, receiver, kind), scheduled at their own times. How messages reach the
 * inboxes is the transport's business (a direct call, or MQTT).
 */
import type { Scheduler } from '../sim/scheduler.ts';
import type { Delivery, Transmission } from '../radio/transmission.ts';
import { compareDeliveries, compareTransmissions, type TransportEndpoints } from './transport.ts';

export interface Exchange {
  addTransmission(tx: Transmission): void;
  addDelivery(delivery: Delivery): void;
  addDeath(node: number, atMs: number): void;
  /** Applies the ether side: deaths, transmissions, fates (the ether publishes its deliveries itself). */
  applyToEther(): void;
  /** Schedules the deliveries received so far. */
  applyDeliveries(): void;
  /** Messages not yet applied, and delivery batches scheduled but not yet run. */
  readonly pending: number;
  /** Scheduler events spent handing deliveries over (plumbing, not simulation). */
  readonly plumbingEvents: number;
  clear(): void;
}

export function createExchange(scheduler: Scheduler, endpoints: () => TransportEndpoints): Exchange {
  let txInbox: Transmission[] = [];
  let deliveryInbox: Delivery[] = [];
  let deathInbox: { node: number; atMs: number }[] = [];
  let resolved: TransportEndpoints | undefined;
  let plumbingEvents = 0;
  /** Delivery batches scheduled and not yet run: a run is not over while one waits. */
  let scheduledBatches = 0;
  const get = (): TransportEndpoints => (resolved ??= endpoints());

  return {
    addTransmission(tx) {
      txInbox.push(tx);
    },
    addDelivery(delivery) {
      deliveryInbox.push(delivery);
    },
    addDeath(node, atMs) {
      deathInbox.push({ node, atMs });
    },
    applyToEther() {
      const { ether, nodeDied, decide } = get();
      if (deathInbox.length > 0) {
        const deaths = deathInbox.sort((a, b) => a.atMs - b.atMs || a.node - b.node);
        deathInbox = [];
        for (const death of deaths) nodeDied(death.node, death.atMs);
      }
      if (txInbox.length > 0) {
        const txs = txInbox.sort(compareTransmissions);
        txInbox = [];
        for (const tx of txs) ether(tx);
      }
      decide(scheduler.nowMs);
    },
    applyDeliveries() {
      if (deliveryInbox.length === 0) return;
      const deliveries = deliveryInbox.sort(compareDeliveries);
      deliveryInbox = [];
      const { nodes } = get();
      let start = 0;
      for (let i = 1; i <= deliveries.length; i++) {
        if (i < deliveries.length && deliveries[i]!.atMs === deliveries[start]!.atMs) continue;
        const batch = deliveries.slice(start, i);
        scheduledBatches++;
        scheduler.at(batch[0]!.atMs, () => {
          plumbingEvents++;
          scheduledBatches--;
          for (const delivery of batch) nodes[delivery.receiver]!(delivery);
        });
        start = i;
      }
    },
    get pending() {
      return txInbox.length + deliveryInbox.length + deathInbox.length + scheduledBatches;
    },
    get plumbingEvents() {
      return plumbingEvents;
    },
    clear() {
      txInbox = [];
      deliveryInbox = [];
      deathInbox = [];
    },
  };
}
