/**
 * Where node events go in a simulation: the radio tracker (or, on a worker, the window's report
 * to the coordinator), the series sampler, and whoever wants event objects (the node
 * application first, then the listeners). Without an application or listeners no event object
 * is made: the tracker and the sampler take the calls.
 */
import { dispatchEvent, eventObjects, type EventSink, type SimEvent } from '../node/events.ts';
import type { RadioTracker } from '../metrics/radio-tracker.ts';
import type { SeriesSampler } from '../metrics/series.ts';

export interface EventRoutes {
  readonly tracker: RadioTracker;
  readonly series: SeriesSampler;
  /** A worker: its node events go to the report, not to a tracker. */
  readonly report: ((event: SimEvent) => void) | undefined;
  /** Takes each event object first (the node application), or undefined. */
  readonly first: ((event: SimEvent) => void) | undefined;
  readonly listeners: readonly ((event: SimEvent) => void)[];
}

export function routeNodeEvents(routes: EventRoutes): EventSink {
  const { tracker, series, report, listeners } = routes;
  const books: EventSink = report ? eventObjects(report) : tracker;
  if (routes.first === undefined && listeners.length === 0) {
    // The sink's methods, one by one: spreading the tracker would read its getters too (every
    // node's tally, made at start and kept through the run: 530 B a node).
    return {
      txStarted(tx, queuedAtMs, queueWaitMs, dutyCycleWaitMs, wakeWaitMs, energyUj) {
        books.txStarted(tx, queuedAtMs, queueWaitMs, dutyCycleWaitMs, wakeWaitMs, energyUj);
        series.txStarted(tx);
      },
      txBlocked: books.txBlocked,
      txUnsent: books.txUnsent,
      messageSent: books.messageSent,
      messageDelivered: books.messageDelivered,
      nodeDied: books.nodeDied,
      nodeFault: books.nodeFault,
    };
  }
  return eventObjects((event) => {
    routes.first?.(event);
    dispatchEvent(books, event);
    if (event.type === 'txStarted') series.txStarted(event.tx);
    for (const listener of listeners) listener(event);
  });
}
