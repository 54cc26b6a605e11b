/**
 * Where node events go (event-routing.ts): without an application or listeners, the tracker and
 * the series sampler take the calls, and nothing else of the tracker is read (its `nodes` getter
 * makes every node's tally: read at start, they were kept through the run).
 */
import { describe, expect, it } from 'vitest';
import { createRadioTracker } from '../../src/metrics/radio-tracker.ts';
import type { SeriesSampler } from '../../src/metrics/series.ts';
import type { Transmission } from '../../src/radio/transmission.ts';
import { routeNodeEvents } from '../../src/run/event-routing.ts';

describe('node event routing', () => {
  it('hands each call to the tracker (and a frame to the sampler) without reading the tracker’s tallies or records', () => {
    const tracker = createRadioTracker(3, { keepRecords: false });
    const read: string[] = [];
    const watched = new Proxy(tracker, {
      get(target, key, receiver) {
        if (key === 'nodes' || key === 'frames' || key === 'receptions') read.push(key);
        return Reflect.get(target, key, receiver);
      },
    });
    const started: Transmission[] = [];
    const series = { txStarted: (tx: Transmission) => started.push(tx) } as unknown as SeriesSampler;
    const sink = routeNodeEvents({ tracker: watched, series, report: undefined, first: undefined, listeners: [] });
    expect(read).toEqual([]);
    expect(Object.keys(sink).sort()).toEqual(['messageDelivered', 'messageSent', 'nodeDied', 'nodeFault', 'txBlocked', 'txStarted', 'txUnsent']);
    const tx = { sender: 1, seq: 0, destination: 0, startMs: 5, airtimeMs: 40, endMs: 45, channelHz: 868_100_000, sf: 7, bandwidthHz: 125_000, codingRate: 1, preambleSymbols: 8, symbolMs: 1.024, txPowerDbm: 14, bytes: new Uint8Array(20), messageId: 0, fragmentIndex: 0, fragmentCount: 1, messageCreatedAtMs: 5, meta: undefined } as Transmission;
    sink.messageSent(5, 1, 0, 0, 12, 1);
    sink.txStarted(tx, 5, 0, 0, 0, 100);
    sink.txBlocked(6, 2, 0, 'queueFull', 20, 7, 1, 0, 1, 6);
    expect(started).toEqual([tx]);
    expect(read).toEqual([]);
    expect(tracker.node(1)).toMatchObject({ attempts: 1, sent: 1, messagesSent: 1 });
    expect(tracker.node(2)).toMatchObject({ attempts: 1, sent: 0, dutyCycleBlocked: 1 });
  });
});
