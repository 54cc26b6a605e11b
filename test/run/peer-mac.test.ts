/**
 * The swarm's peer-to-peer MAC (issue 17, point 10; scenario key `peerMac`): link-layer ACKs
 * with retransmission and listen before talk by channel activity detection. Exact figures from
 * test/fixtures/peer-mac.yaml (30 boards, peer traffic at SF9 in EU868, 30 min).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { runScenario } from '../helpers/scenario.ts';

const fixture = 'test/fixtures/peer-mac.yaml';

describe('link-layer acknowledgements', () => {
  const plain = runScenario(fixture, ['peerMac={}']);
  const acked = runScenario(fixture, ['peerMac={ack: true}']);
  const frames = acked.simulation.tracker.frames.filter((f) => f.outcome === 'sent');
  const pd = acked.scenario.processingDelayMs;

  it('answers a received frame one processing delay after its end, on its channel, with its seq', () => {
    const acks = frames.filter((f) => f.messageId === -1);
    expect(acks.length).toBe(acked.result.peerMac!.acksSent);
    const dataBySenderSeq = new Map(frames.filter((f) => f.messageId >= 0).map((f) => [`${f.sender}/${f.seq}`, f]));
    for (const ack of acks) {
      // The data frame it answers: addressed to the ACK's sender, from the ACK's destination, ending one processing delay before it.
      const data = [...dataBySenderSeq.values()].find((f) => f.sender === ack.destination && f.destination === ack.sender && Math.abs(f.atMs + f.airtimeMs + pd - ack.atMs) < 1e-6);
      expect(data, `ACK from ${ack.sender} at ${ack.atMs}`).toBeDefined();
      expect(ack.channelHz).toBe(data!.channelHz);
      expect(ack.phyBytes).toBe(8 + 2);
    }
    expect(acked.result.peerMac).toEqual({ framesAwaitingAck: 437, acked: 369, retransmissions: 311, failed: 68, acksSent: 375, acksNotSent: 333, duplicates: 274, channelBusy: 0 });
  });

  it('sends an unacknowledged frame again after the ACK time-out and a back-off of 10 to 500 ms, at most 3 times', () => {
    const ackAirtimeMs = frames.find((f) => f.messageId === -1)!.airtimeMs;
    const data = frames.filter((f) => f.messageId >= 0);
    const bySenderMessage = new Map<string, typeof data>();
    for (const f of data) {
      const key = `${f.sender}/${f.messageId}`;
      bySenderMessage.set(key, [...(bySenderMessage.get(key) ?? []), f]);
    }
    let repeated = 0;
    for (const group of bySenderMessage.values()) {
      expect(group.length).toBeLessThanOrEqual(3);
      for (let k = 1; k < group.length; k++) {
        repeated++;
        const previous = group[k - 1]!;
        const timeoutMs = previous.atMs + previous.airtimeMs + 2 * pd + ackAirtimeMs + 10;
        const dueMs = group[k]!.atMs - group[k]!.dutyCycleWaitMs;
        expect(dueMs - timeoutMs).toBeGreaterThanOrEqual(10 - 1e-6);
        expect(dueMs - timeoutMs).toBeLessThanOrEqual(500 + 1e-6);
      }
    }
    expect(repeated).toBe(311);
  });

  it('hands a frame received twice on once, and raises the delivery ratio from 0.9794 to 0.9931', () => {
    const ratio = (run: typeof plain) => run.simulation.tracker.totals().unicastMessagesDelivered / run.simulation.tracker.totals().unicastMessagesSent;
    expect(acked.simulation.tracker.totals().messageDeliveries).toBe(acked.simulation.tracker.totals().unicastMessagesDelivered);
    expect([ratio(plain), ratio(acked)].map((r) => Math.round(r * 1e4) / 1e4)).toEqual([0.9794, 0.9931]);
    // ACK frames are link-layer frames: no messages of their own.
    expect(acked.simulation.tracker.totals().messagesSent).toBe(plain.simulation.tracker.totals().messagesSent);
  });
});

describe('listen before talk', () => {
  // Forty sensors that only send (their radios sleep between frames), to a sink, at SF9.
  const sensors = Array.from({ length: 40 }, (_, k) => `{ id: s${k}, xM: ${Math.round(150 * Math.cos(k))}, yM: ${Math.round(150 * Math.sin(k))} }`).join(', ');
  const scenario = `
name: lbt
seed: 4
duration: 30min
region: eu868
framing: raw
radio: { sf: 9 }
peerMac: { lbt: true }
groups:
  - name: sink
    role: sink
    nodes: [{ id: sink, xM: 0, yM: 0 }]
  - name: sensor
    nodes: [${sensors}]
    node: { battery: 2xaa, wake: { mode: off } }
    traffic: { kind: poisson, interval: 30s, payloadBytes: 20, to: sink }
`;
  const run = runScenario(scenario);
  const without = runScenario(scenario, ['peerMac={lbt: false}']);
  const sent = run.simulation.tracker.frames.filter((f) => f.outcome === 'sent');
  const rxOnMs = ((2 ** 9 + 32) / 125e3) * 1000;

  it('listens (2^SF + 32)/BW before every frame, and again after each back-off, booked as receive on the ledger', () => {
    const busy = run.result.peerMac!.channelBusy;
    expect(busy).toBe(35);
    const receiveMs = Array.from({ length: 40 }, (_, k) => k + 1).reduce((sum, node) => sum + run.result.nodeTotals[node]!.energy.timeByStateMs.receive, 0);
    expect(receiveMs).toBeCloseTo((sent.length + busy) * rxOnMs, 6);
    expect(without.result.nodeTotals[1]!.energy.timeByStateMs.receive).toBe(0);
  });

  it('loses a quarter fewer frames to collisions than the same sensors sending blind (a detection hears preambles only)', () => {
    const collided = (r: typeof run) => r.simulation.tracker.totals().fates.collided;
    expect([collided(without), collided(run)]).toEqual([315, 235]);
  });
});

describe('loraswarm run with peerMac', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loraswarm-peer-mac-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses workers', async () => {
    const workers = await runCli(['run', fixture, '--set', 'peerMac={ack: true}', '--workers', '1', '--out', join(dir, 'workers')]);
    expect(workers.status).toBe(2);
    expect(workers.stderr).toContain('with peerMac the acknowledgements and channel activity detection run in one process');
  });
});
