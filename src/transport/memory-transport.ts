/**
 * The memory transport: direct hand-over, for the fastest sweeps. It follows the same window
 * protocol as the MQTT transport (exchange.ts), so that both give byte-identical results.
 */
import type { Scheduler } from '../sim/scheduler.ts';
import { createExchange } from './exchange.ts';
import type { Transport, TransportEndpoints } from './transport.ts';

/** `endpoints` is called once, at the first exchange, so nodes may be built after the transport. */
export function createMemoryTransport(scheduler: Scheduler, endpoints: () => TransportEndpoints): Transport {
  const exchange = createExchange(scheduler, endpoints);
  return {
    kind: 'memory',
    asynchronous: false,
    transmit: (tx) => exchange.addTransmission(tx),
    // The ether's deliveries go straight into the inbox.
    deliver: (delivery) => exchange.addDelivery(delivery),
    nodeDied: (node, atMs) => exchange.addDeath(node, atMs),
    exchange() {
      exchange.applyToEther();
      exchange.applyDeliveries();
    },
    get pending() {
      return exchange.pending;
    },
    get plumbingEvents() {
      return exchange.plumbingEvents;
    },
    async close() {
      exchange.clear();
    },
    checkpoint: () => exchange.checkpoint(),
    restore: (state) => exchange.restore(state),
  };
}
