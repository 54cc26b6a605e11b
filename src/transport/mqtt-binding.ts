/**
 * The MQTT transport bound to a run's scheduler (mqtt-transport.ts): transmissions, deaths and
 * deliveries are published, and each window's exchange waits at the barriers until every
 * message published in it has arrived, then applies the inboxes in canonical order.
 */
import type { Scheduler } from '../sim/scheduler.ts';
import { corked } from './broker-client.ts';
import { encodeEnvelope } from './envelope.ts';
import { createExchange, type Exchange, type ExchangeState } from './exchange.ts';
import type { MqttRun } from './mqtt-run.ts';
import { publishFromNode } from './publish-from-node.ts';
import type { Transport, TransportEndpoints } from './transport.ts';
import type { ReportSink } from './partition-report.ts';


export function bindMqttTransport(run: MqttRun, scheduler: Scheduler, endpoints: () => TransportEndpoints, close: () => Promise<void>): Transport {
  const { topics, counts, remote, nodeClients, outbox } = run;
  const exchange = createExchange(scheduler, endpoints);
  run.bound = exchange;
  let resolved: TransportEndpoints | undefined;
  const report: ReportSink = (windowReport, owns) => (resolved ??= endpoints()).report?.(windowReport, owns);
  return {
    kind: 'mqtt',
    asynchronous: true,
    ...(remote && { remote }),
    transmit(tx) {
      counts.sentTx++;
      publishFromNode(nodeClients, topics, tx.sender, { kind: 'transmission', tx }, outbox);
    },
    nodeDied(node, atMs) {
      counts.sentTx++;
      publishFromNode(nodeClients, topics, node, { kind: 'nodeDied', node, atMs }, outbox);
    },
    deliver(delivery) {
      if (remote?.hosts(delivery.receiver)) remote.delivered(delivery.receiver, delivery.atMs);
      else counts.sentRx++;
      outbox.publish(run.coordinator, topics.rx(delivery.receiver), encodeEnvelope({ kind: 'delivery', delivery }));
    },
    exchange() {
      throw new Error('the MQTT transport is asynchronous: use exchangeAsync');
    },
    exchangeAsync: () => exchangeWindow(run, exchange, scheduler, report),
    get pending() {
      // receivedTx counts the workers' frames too.
      return exchange.pending + (counts.sentTx + (remote?.sentTx ?? 0) - counts.receivedTx) + (counts.sentRx - counts.receivedRx);
    },
    get plumbingEvents() {
      return exchange.plumbingEvents;
    },
    close: () => close(),
    // Between windows nothing is on its way: what a checkpoint holds is the exchange's.
    ...(!remote && { checkpoint: () => exchange.checkpoint(), restore: (state: ExchangeState) => exchange.restore(state) }),
  };
}

/**
 * A window's end: the workers' reports, then every frame, then every delivery, each applied in
 * canonical order. Without workers, and with every message already arrived (direct clients
 * deliver inside the publisher's call), it completes at once and returns undefined.
 */
function exchangeWindow(run: MqttRun, exchange: Exchange, scheduler: Scheduler, report: ReportSink): Promise<void> | undefined {
  const { barrier, counts, remote } = run;
  return after(remote?.collect(report), () =>
    after(barrier.wait(() => counts.receivedTx === counts.sentTx + (remote?.sentTx ?? 0), 'transmission'), () => exchangeDeliveries(run, exchange, scheduler)),
  );
}

/** `next` once `waiting` resolves, or at once when there is nothing to wait for. */
function after(waiting: Promise<void> | undefined, next: () => Promise<void> | undefined): Promise<void> | undefined {
  return waiting === undefined ? next() : waiting.then(next);
}

function exchangeDeliveries(run: MqttRun, exchange: Exchange, scheduler: Scheduler): Promise<void> | undefined {
  const { barrier, counts, coordinator } = run;
  // The ether's deliveries leave in one burst: one socket write for all of them (an mqtt.js
  // client's; a direct client has no stream).
  corked([coordinator], () => exchange.applyToEther());
  return after(barrier.wait(() => counts.receivedRx === counts.sentRx, 'delivery'), () => applyDeliveries(run, exchange, scheduler));
}

function applyDeliveries(run: MqttRun, exchange: Exchange, scheduler: Scheduler): undefined {
  exchange.applyDeliveries();
  // Everything sent before this barrier has arrived, or (a worker's deliveries and
  // ops) will be confirmed by the next one: older messages are no longer replayed,
  // and their copies are recognised by their time.
  if (run.copies) {
    run.outbox.advance();
    run.seenTx.floor(scheduler.nowMs);
    run.seenRx.floor(scheduler.nowMs);
  }
  return undefined;
}
