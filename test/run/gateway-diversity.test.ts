/**
 * Gateway diversity (issue 17, point 6; `uplinkGateways: all`): an uplink to every gateway in
 * range gets a fate at each, the network server counts each message once, merging the
 * fragments any gateway received, and the summary gives the uplinks by how many gateways
 * received them. Exact figures from a seeded city of 300 sensors and four gateways.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gatewaysDestination } from '../../src/radio/transmission.ts';
import { runCli } from '../helpers/cli.ts';
import { runScenario } from '../helpers/scenario.ts';

const city = (gateways: 'all' | 'nearest', extra = ''): string => `
name: diversity
seed: 5
duration: 20min
region: eu868
framing: lorawan
collision: energy-sir
pathLoss: ns3
shadowing: { sigmaDb: 6, mode: per-frame }
uplinkGateways: ${gateways}
radio: { sf: auto, sfMarginDb: 3 }
groups:
  - name: gw
    role: sink
    count: 4
    placement: { shape: grid, spacingM: 3000, columns: 2, originM: [1500, 1500] }
    radio: { sensitivity: sx1301 }
  - name: node
    count: 300
    node: { battery: 2xaa, wake: { mode: off } }
    placement: { shape: rectangle, widthM: 6000, heightM: 6000, originM: [0, 0] }
    traffic: { kind: poisson, interval: 10min, payloadBytes: 20, to: sink }
${extra}`;

describe('uplinks to every gateway in range', () => {
  const all = runScenario(city('all'));
  const nearest = runScenario(city('nearest'));
  const totals = all.simulation.tracker.totals();

  it('gives each uplink a fate at every gateway that could detect it, and only at gateways', () => {
    const sinks = new Set(all.swarm.nodes.filter((node) => node.role === 'sink').map((node) => node.index));
    const receptions = all.simulation.tracker.receptions;
    expect(receptions.every((r) => sinks.has(r.receiver))).toBe(true);
    const frames = all.simulation.tracker.frames.filter((f) => f.outcome === 'sent');
    expect(frames.every((f) => f.destination === gatewaysDestination)).toBe(true);
    // One reception per gateway addressed: the frames' receivers add up to the receptions.
    expect(frames.reduce((sum, f) => sum + f.receivers, 0)).toBe(receptions.length);
    expect(receptions.length).toBeGreaterThan(frames.length);
  });

  it('counts each message once, delivered when any gateway received it, and tallies the uplinks by gateways that received them', () => {
    const sent = totals.sent;
    const byReceived = totals.uplinksByGatewaysReceived;
    expect(byReceived.reduce((sum, n) => sum + n, 0)).toBe(sent);
    expect(totals.unicastMessagesDelivered).toBe(sent - byReceived[0]!);
    expect(totals.messageDeliveries).toBe(totals.unicastMessagesDelivered);
    expect({ sent, byReceived }).toEqual({ sent: 650, byReceived: [3, 36, 172, 232, 207] });
    // The nearest gateway alone loses what another one heard.
    expect(nearest.simulation.tracker.totals().unicastMessagesDelivered).toBe(644);
    expect(nearest.simulation.tracker.totals().uplinksByGatewaysReceived).toEqual([]);
  });

  it('reassembles a fragmented message from fragments received at different gateways', () => {
    const fragmented = (gateways: 'all' | 'nearest') => runScenario(city(gateways), ['radio.sf=10', 'groups.node.traffic.payloadBytes=150']).simulation.tracker;
    const tracker = fragmented('all');
    expect([tracker.totals().unicastMessagesDelivered, fragmented('nearest').totals().unicastMessagesDelivered]).toEqual([511, 401]);
    // From the records: a message is whole when every fragment was received by some gateway.
    const fragmentOf = new Map(tracker.frames.filter((f) => f.outcome === 'sent').map((f) => [`${f.sender}/${f.seq}`, f]));
    const byMessage = new Map<string, { count: number; union: Set<number>; atGateway: Map<number, Set<number>> }>();
    for (const r of tracker.receptions) {
      if (r.fate !== 'received') continue;
      const f = fragmentOf.get(`${r.sender}/${r.seq}`)!;
      const key = `${f.sender}/${f.messageId}`;
      let message = byMessage.get(key);
      if (!message) byMessage.set(key, (message = { count: f.fragmentCount, union: new Set(), atGateway: new Map() }));
      message.union.add(f.fragmentIndex);
      if (!message.atGateway.has(r.receiver)) message.atGateway.set(r.receiver, new Set());
      message.atGateway.get(r.receiver)!.add(f.fragmentIndex);
    }
    const whole = [...byMessage.values()].filter((m) => m.union.size === m.count);
    const merged = whole.filter((m) => ![...m.atGateway.values()].some((at) => at.size === m.count));
    expect(whole.length).toBe(511);
    // 53 of them were whole at no single gateway: the nearest gateway alone would have lost them.
    expect(merged.length).toBe(53);
  });
});

describe('loraswarm run with uplinkGateways: all', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loraswarm-diversity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the same files through the broker as in memory, names the destination "gateways" and summarises the uplinks; refuses workers', async () => {
    const file = join(dir, 'city.yaml');
    writeFileSync(file, city('all'));
    const printed = await runCli(['run', file, '--transport', 'memory', '--out', join(dir, 'memory')]);
    expect(printed.status).toBe(0);
    expect(printed.stdout).toContain('  uplinks to every gateway in range: 647 of 650 reached the network (99.54 %); DER above is per gateway');
    expect((await runCli(['run', file, '--transport', 'mqtt', '--out', join(dir, 'mqtt'), '--quiet'])).status).toBe(0);
    for (const name of ['summary.json', 'frames.csv', 'receptions.csv', 'nodes.csv']) expect(readFileSync(join(dir, 'mqtt', name), 'utf8'), name).toBe(readFileSync(join(dir, 'memory', name), 'utf8'));
    const frame = readFileSync(join(dir, 'memory', 'frames.csv'), 'utf8').split('\n')[1]!.split(',');
    expect(frame[2]).toBe('gateways');
    const summary = JSON.parse(readFileSync(join(dir, 'memory', 'summary.json'), 'utf8')) as { uplinks: unknown };
    expect(summary.uplinks).toEqual({ sent: 650, delivered: 647, deliveryRatio: 0.995385, byGatewaysReceived: { 0: 3, 1: 36, 2: 172, 3: 232, 4: 207 } });
    const workers = await runCli(['run', file, '--workers', '1', '--out', join(dir, 'workers')]);
    expect(workers.status).toBe(2);
    expect(workers.stderr).toContain('with uplinkGateways: all the network server merges every gateway\'s receptions in one process');
  });
});
