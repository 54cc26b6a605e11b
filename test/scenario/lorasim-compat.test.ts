import { describe, expect, it } from 'vitest';
import { runScenario } from '../helpers/scenario.ts';

describe('the lorasim compatibility profile', () => {
  it('resolves LoRaSim r334 settings: raw 20-byte packets of 1712.128 ms, SF-based LDRO, natural-log radius, no receive-path limit', () => {
    const { swarm, simulation } = runScenario('scenarios/lorasim-exp1.yaml', ['duration=2h']);
    const node = swarm.nodes[1]!;
    expect(node.sensitivity).toBe('lorasim');
    expect(node.ldro).toBe('on');
    expect(node.supplyV).toBe(3);
    expect(node.channelsHz).toEqual([868.1e6]);
    expect(swarm.nodes[0]!.receivePaths).toBe(Number.POSITIVE_INFINITY);
    const frame = simulation.tracker.frames[0]!;
    expect(frame.phyBytes).toBe(20);
    expect(frame.airtimeMs).toBe(1712.128);
    // 14 dBm − (−133.25 dBm, SF12/125 in LoRaSim's table) = 147.25 dB; d0·e^((147.25 − 127.41)/20.8) = 104.0 m.
    const farthest = Math.max(...swarm.nodes.map((n) => Math.hypot(n.xM, n.yM)));
    expect(farthest).toBeLessThanOrEqual(104.0);
    expect(farthest).toBeGreaterThan(95);
    // LoRaSim's energy: airtime × 44 mA (its TX table at 14 dBm) × 3.0 V.
    expect(frame.energyUj).toBeCloseTo(1712.128 * 44 * 3, 6);
  });

  it('matches the pure-ALOHA DER e^(−2·N·T·λ) of the LoRaSim paper with the simple collision model', () => {
    const { simulation } = runScenario('scenarios/lorasim-exp1.yaml', ['collision=aloha', 'duration=3d']);
    const totals = simulation.tracker.totals();
    // N = 100 nodes, T = 1712.128 ms, λ = 1e-6 per ms.
    const expected = Math.exp(-2 * 100 * 1712.128 * 1e-6);
    const n = totals.sent;
    // 4 standard errors with a variance inflation of 3 for frames lost in pairs (see aloha-theory.test.ts).
    const tolerance = 4 * Math.sqrt((3 * expected * (1 - expected)) / n);
    expect(n).toBeGreaterThan(20_000);
    expect(Math.abs(totals.fates.received / totals.receptions - expected)).toBeLessThanOrEqual(tolerance);
    expect(totals.fates.underSensitivity).toBe(0);
  });
});
