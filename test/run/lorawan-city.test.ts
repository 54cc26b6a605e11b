/**
 * The three-gateway city of issue 17 (scenarios/city-gateways.yaml: 300 sensors, sf: auto,
 * 6 dB of per-link shadowing, gateway diversity) with LoRaWAN ADR on: every sensor starts as
 * after a join, at SF12 and the most power, and the network server's ADR raises it. Without
 * ADR 10 sensors deliver nothing in 12 h (the golden summary); with it none does, and the
 * message delivery ratio rises. Exact figures from the seeded run.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkLinks } from '../../src/run/link-check.ts';
import { runScenario } from '../helpers/scenario.ts';

describe('the three-gateway city with ADR and gateway diversity', () => {
  const run = runScenario('scenarios/city-gateways.yaml', ['lorawan={adr: true}'], { keepRecords: false });
  const totals = run.simulation.tracker.totals();
  const golden = JSON.parse(gunzipSync(readFileSync('test/golden/city-gateways/summary.json.gz')).toString('utf8')) as {
    messages: { unicastDeliveryRatio: number };
    nodes: { deliveredNothing: { count: number } };
  };

  it('leaves no sensor delivering nothing, where 10 did without ADR', () => {
    const silent = run.swarm.nodes.filter((node) => run.simulation.tracker.nodes[node.index]!.attempts > 0 && run.simulation.tracker.nodes[node.index]!.receptionsReceived === 0);
    expect(golden.nodes.deliveredNothing.count).toBe(10);
    expect(silent.map((node) => node.id)).toEqual([]);
    // validate agrees: at the settings ADR can give them (SF12 at 16 dBm) every sensor reaches a gateway.
    expect(checkLinks(run.scenario, run.swarm).unreachable).toEqual([]);
  });

  it('raises the message delivery ratio from 0.9628 to 0.9911', () => {
    const ratio = totals.unicastMessagesDelivered / totals.unicastMessagesSent;
    expect(golden.messages.unicastDeliveryRatio).toBe(0.96283);
    expect(ratio).toBeGreaterThan(golden.messages.unicastDeliveryRatio);
    expect([totals.unicastMessagesSent, totals.unicastMessagesDelivered]).toEqual([21415, 21224]);
  });

  it('moves the devices off SF12 by LinkADRReq, each answered and applied', () => {
    const lorawan = run.result.lorawan!;
    expect(lorawan.network.linkAdrReqSent).toBe(1048);
    expect(lorawan.devices.linkAdrReqApplied).toBe(984);
    const finalSf = new Map<number, number>();
    for (const change of lorawan.adrChanges) finalSf.set(change.node, change.sf);
    // A device ADR never moved is still at SF12, where it started.
    const sensors = run.swarm.nodes.filter((node) => node.role !== 'sink');
    const bySf = [7, 8, 9, 10, 11, 12].map((sf) => sensors.filter((node) => (finalSf.get(node.index) ?? 12) === sf).length);
    expect(bySf).toEqual([145, 28, 31, 35, 24, 37]);
    expect(lorawan.adrChanges.every((change) => change.cause === 'network')).toBe(true);
  });
});
