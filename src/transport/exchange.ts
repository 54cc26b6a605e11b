/**
 * What every transport shares: the inboxes of a window and their application in canonical
 * order at the window's end (docs/explanation/design-notes.md, "Time, windows and
 * transports"): deaths, then transmissions by (start, sender, seq), then the ether's fates for
 * frames that have ended, then deliveries by (time, sender, seq, receiver, kind), scheduled at
 * their own times. How messages reach the inboxes is the transport's business (a direct call,
 * or MQTT).
 */
import { replaceArray, type Checkpointable } from '../sim/checkpoint-state.ts';
import { sortPrefix } from '../sim/sort-prefix.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import type { Delivery, Transmission } from '../radio/transmission.ts';
import { compareDeliveries, compareTransmissions, type TransportEndpoints } from './transport.ts';
import { truncate } from '../sim/truncate.ts';

/** Messages of the window not yet applied and delivery batches waiting for their time (a checkpoint: checkpoint-state.ts). */
export interface ExchangeState {
  readonly inboxes: readonly unknown[][];
  readonly batches: Delivery[][];
  readonly freeBatches: number[];
  readonly numbers: readonly number[];
}

export interface Exchange extends Checkpointable<ExchangeState> {
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
  // Each inbox has a spare: applying one swaps them, so no array is made per window.
  let txInbox: Transmission[] = [];
  let spareTx: Transmission[] = [];
  let deliveryInbox: Delivery[] = [];
  let spareDeliveries: Delivery[] = [];
  let deathInbox: { node: number; atMs: number }[] = [];
  let resolved: TransportEndpoints | undefined;
  let plumbingEvents = 0;
  /** Delivery batches scheduled and not yet run: a run is not over while one waits. */
  let scheduledBatches = 0;
  const get = (): TransportEndpoints => (resolved ??= endpoints());
  /** Batches waiting for their time, by id (an integer event's argument); ids and arrays are reused. */
  const batches: Delivery[][] = [];
  const freeBatches: number[] = [];
  const batchKind = scheduler.kind((id) => {
    plumbingEvents++;
    scheduledBatches--;
    const batch = batches[id]!;
    const { nodes } = get();
    for (let i = 0; i < batch.length; i++) nodes[batch[i]!.receiver]!(batch[i]!);
    truncate(batch, 0);
    freeBatches.push(id);
  });

  return {
    checkpoint: () => ({ inboxes: [txInbox, deliveryInbox, deathInbox], batches, freeBatches, numbers: [plumbingEvents, scheduledBatches] }),
    restore(state) {
      txInbox = [...(state.inboxes[0] as Transmission[])];
      deliveryInbox = [...(state.inboxes[1] as Delivery[])];
      deathInbox = [...(state.inboxes[2] as { node: number; atMs: number }[])];
      replaceArray(batches, state.batches);
      replaceArray(freeBatches, state.freeBatches);
      [plumbingEvents, scheduledBatches] = state.numbers as [number, number];
    },
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
        const txs = txInbox;
        txInbox = spareTx;
        sortPrefix(txs, txs.length, compareTransmissions);
        for (let i = 0; i < txs.length; i++) ether(txs[i]!);
        truncate(txs, 0);
        spareTx = txs;
      }
      decide(scheduler.nowMs);
    },
    applyDeliveries() {
      if (deliveryInbox.length === 0) return;
      const deliveries = deliveryInbox;
      deliveryInbox = spareDeliveries;
      sortPrefix(deliveries, deliveries.length, compareDeliveries);
      let start = 0;
      for (let i = 1; i <= deliveries.length; i++) {
        if (i < deliveries.length && deliveries[i]!.atMs === deliveries[start]!.atMs) continue;
        const id = freeBatches.length > 0 ? freeBatches.pop()! : batches.push([]) - 1;
        const batch = batches[id]!;
        for (let k = start; k < i; k++) batch.push(deliveries[k]!);
        scheduledBatches++;
        scheduler.atKind(batch[0]!.atMs, batchKind, id);
        start = i;
      }
      truncate(deliveries, 0);
      spareDeliveries = deliveries;
    },
    get pending() {
      return txInbox.length + deliveryInbox.length + deathInbox.length + scheduledBatches;
    },
    get plumbingEvents() {
      return plumbingEvents;
    },
    clear() {
      truncate(txInbox, 0);
      truncate(deliveryInbox, 0);
      deathInbox = [];
    },
  };
}
