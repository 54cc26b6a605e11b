/**
 * LoRaWAN class A devices and the network server (issue 17, points 1 to 4): receive windows
 * after every uplink at the region's delays, channels and data rates, ACKs from the gateway in
 * RX1 or, when its sub-band is closed, in RX2; retransmissions after RETRANSMIT_TIMEOUT up to
 * maxTransmissions; the windows on the device's energy ledger; every frame one fate per
 * addressed receiver. Exact figures from test/fixtures/lorawan/class-a.yaml: a gateway at
 * 7 dBm, a sensor 200 m away at SF7 (every ACK arrives) and one 6 km away at SF12 whose
 * uplinks arrive (the gateway's SX1301 hears −136 dBm) but whose ACKs do not (−143 dBm at its
 * SX1276).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { receiveWindowMs } from '../../src/lorawan/receive-windows.ts';
import { symbolTimeMs } from '../../src/radio/modulation.ts';
import { runScenario } from '../helpers/scenario.ts';

const fixture = 'test/fixtures/lorawan/class-a.yaml';

describe('class A devices and the network server', () => {
  const run = runScenario(fixture, [], { keepRecords: true });
  const { tracker } = run.simulation;
  const index = (id: string) => run.swarm.nodes.find((node) => node.id === id)!.index;
  const [gw, near, far] = [index('gw'), index('near'), index('far')];
  const frames = tracker.frames.filter((f) => f.outcome === 'sent');
  const uplinks = (node: number) => frames.filter((f) => f.sender === node);
  const downlinksTo = (node: number) => frames.filter((f) => f.sender === gw && f.destination === node);
  const w2 = receiveWindowMs(symbolTimeMs(12, 125e3));

  it('answers every confirmed uplink at RX1 (1 s after its end, its channel and SF) unless the sub-band is closed, then at RX2 (2 s, 869.525 MHz, SF12)', () => {
    const answers = downlinksTo(near).map((d) => {
      const up = uplinks(near).filter((u) => u.atMs < d.atMs).at(-1)!;
      const after = d.atMs - (up.atMs + up.airtimeMs);
      return { window: Math.round(after), channelMhz: d.channelHz / 1e6, sf: d.sf, sameChannel: d.channelHz === up.channelHz };
    });
    expect(answers).toEqual([
      { window: 1000, channelMhz: 868.3, sf: 7, sameChannel: true },
      { window: 2000, channelMhz: 869.525, sf: 12, sameChannel: false },
      { window: 2000, channelMhz: 869.525, sf: 12, sameChannel: false },
      { window: 1000, channelMhz: 868.1, sf: 7, sameChannel: true },
      { window: 2000, channelMhz: 869.525, sf: 12, sameChannel: false },
    ]);
    // An ACK-only downlink: MHDR, DevAddr, FCtrl (ACK), FCnt, MIC.
    expect(downlinksTo(near).every((d) => d.phyBytes === 12 && d.txPowerDbm === 7)).toBe(true);
  });

  it('keeps the gateway within its duty cycle per sub-band: after a downlink of airtime T at 1 %, that sub-band is closed for 99 T', () => {
    const down = frames.filter((f) => f.sender === gw);
    const bandOf = (hz: number) => (hz >= 869.4e6 && hz < 869.65e6 ? 'g3' : 'g1');
    for (const band of ['g1', 'g3']) {
      const inBand = down.filter((d) => bandOf(d.channelHz) === band);
      const factor = band === 'g3' ? 9 : 99;
      for (let k = 1; k < inBand.length; k++) expect(inBand[k]!.atMs).toBeGreaterThanOrEqual(inBand[k - 1]!.atMs + inBand[k - 1]!.airtimeMs * (1 + factor));
    }
    expect(down.map((d) => bandOf(d.channelHz)).join(' ')).toBe('g1 g1 g3 g1 g3 g1 g1 g3 g1 g1 g1');
  });

  it('sends an unacknowledged confirmed uplink again 1 to 3 s after RX2 closes, up to maxTransmissions, with the same bytes', () => {
    const sent = uplinks(far);
    expect(sent.length).toBe(6);
    // frames.csv's transmission column: which transmission of its uplink each frame is.
    expect(sent.map((f) => f.transmission)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(uplinks(near).every((f) => f.transmission === 1)).toBe(true);
    const byMessage = [0, 1].map((id) => sent.filter((f) => f.messageId === id));
    expect(byMessage.map((group) => group.length)).toEqual([3, 3]);
    for (const group of byMessage) {
      expect(new Set(group.map((f) => f.phyBytes)).size).toBe(1);
      for (let k = 1; k < group.length; k++) {
        const previous = group[k - 1]!;
        // The retry is due RETRANSMIT_TIMEOUT after RX2 has closed; then it may wait for the duty cycle.
        const dueMs = group[k]!.atMs - group[k]!.dutyCycleWaitMs;
        const rx2ClosedMs = previous.atMs + previous.airtimeMs + 2000 + w2 + run.scenario.processingDelayMs;
        expect(dueMs - rx2ClosedMs).toBeGreaterThanOrEqual(1000);
        expect(dueMs - rx2ClosedMs).toBeLessThanOrEqual(3000);
      }
    }
    expect(tracker.receptions.filter((r) => r.receiver === far).map((r) => r.fate)).toEqual(Array(6).fill('underSensitivity'));
    expect(run.result.lorawan!.devices).toMatchObject({ uplinks: 7, retransmissions: 4, confirmedAcked: 5, confirmedFailed: 2, acksReceived: 5 });
    expect(run.result.lorawan!.network).toMatchObject({ acksSent: 11, acksRx2: 3, downlinksRx1: 8, downlinksRx2: 3, downlinksNotSent: 0 });
  });

  it('books each receive window on the device\u2019s ledger: RX1 and RX2 when nothing comes, RX1 until the ACK\u2019s end when it comes', () => {
    const energy = (node: number) => run.result.nodeTotals[node]!.energy;
    // 6 uplinks, each with RX1 and RX2 at SF12 (6 symbols of 32.768 ms) and nothing caught.
    expect(energy(far).timeByStateMs.receive).toBeCloseTo(6 * 2 * w2, 6);
    // The near sensor's window caught each ACK as it opened and stayed on to its end; before the
    // three ACKs sent in RX2 its RX1 window (24 symbols at SF7) opened and caught nothing.
    const w1 = receiveWindowMs(symbolTimeMs(7, 125e3));
    const rx2Acks = downlinksTo(near).filter((d) => d.sf === 12).length;
    expect(rx2Acks).toBe(3);
    expect(energy(near).timeByStateMs.receive).toBeCloseTo(downlinksTo(near).reduce((sum, d) => sum + d.airtimeMs, 0) + rx2Acks * w1, 6);
    for (const node of [gw, near, far]) {
      const e = energy(node);
      expect(e.chemicalEnergyUj).toBeCloseTo(e.loadEnergyUj + e.internalResistanceLossUj + e.regulatorLossUj + e.rateLossUj, 6);
    }
  });

  it('gives every frame, downlinks included, one fate per addressed receiver, and attempts = sent + blocked', () => {
    const totals = tracker.totals();
    expect(totals.attempts).toBe(totals.sent + totals.dutyCycleBlocked);
    expect(frames.reduce((sum, f) => sum + f.receivers, 0)).toBe(tracker.receptions.length);
    expect(frames.every((f) => f.receivers === 1)).toBe(true);
    expect(totals.sent).toBe(22);
  });
});

describe('loraswarm run with lorawan: what it refuses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loraswarm-lorawan-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says which key is wrong: raw framing, a region without receive windows; and refuses workers', async () => {
    const raw = await runCli(['validate', fixture, '--set', 'framing=raw']);
    expect(raw.status).toBe(2);
    expect(raw.stderr).toContain('framing: expected framing: lorawan with the lorawan key, found raw');
    const workers = await runCli(['run', fixture, '--workers', '1', '--out', join(dir, 'workers')]);
    expect(workers.status).toBe(2);
    expect(workers.stderr).toContain('with lorawan the network server and the class A devices run in one process');
  });
});

describe('class C devices', () => {
  const classA = runScenario(fixture);
  const classC = runScenario(fixture, ['lorawan.class=C']);

  it('get the same answers as class A, and listen whenever they neither transmit nor receive', () => {
    const rows = (run: typeof classA) => run.simulation.tracker.frames.map((f) => `${f.sender}/${f.seq}/${f.atMs}/${f.fate}`);
    expect(rows(classC)).toEqual(rows(classA));
    for (const id of ['near', 'far']) {
      const node = classC.swarm.nodes.find((spec) => spec.id === id)!.index;
      const time = classC.result.nodeTotals[node]!.energy.timeByStateMs;
      // The radio's states over the run: never asleep.
      expect(time.listen + time.receive + time.transmit).toBeCloseTo(classC.result.drainedUntilMs, 6);
      expect(classA.result.nodeTotals[node]!.energy.timeByStateMs.listen).toBe(0);
    }
  });
});
