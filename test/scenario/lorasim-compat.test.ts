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

  it('lets no frame below the sink\u2019s sensitivity interfere under compat: lorasim, with the simple collision model too (LoRaSim\u2019s packetsAtBS)', () => {
    // One node 50 m from the sink and one 1 km away (far below SF12's −133.25 dBm under
    // LoRaSim's path loss), each sending a 1.7 s packet every 4 s on the one channel: they overlap often.
    const text = (compat: string): string => `
name: undetectable
${compat}
duration: 2min
region: none
framing: raw
collision: aloha
pathLoss: lorasim
radio: { sf: 12, channelsMhz: [868.1] }
groups:
  - name: bs
    role: sink
    nodes: [{ id: bs, xM: 0, yM: 0 }]
  - name: near
    nodes: [{ id: near, xM: 50, yM: 0 }]
    traffic: { kind: periodic, interval: 4s, payloadBytes: 12, to: sink }
  - name: far
    nodes: [{ id: far, xM: 1000, yM: 0 }]
    traffic: { kind: periodic, interval: 4s, payloadBytes: 12, to: sink }
`;
    const fates = (compat: string): Record<string, number> => {
      const { simulation } = runScenario(text(compat));
      const counts: Record<string, number> = {};
      for (const r of simulation.tracker.receptions) {
        const key = `${r.sender === 1 ? 'near' : 'far'} ${r.fate}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    };
    expect(fates('compat: lorasim')).toEqual({ 'near received': 30, 'far underSensitivity': 30 });
    expect(fates('')).toEqual({ 'near received': 1, 'near collided': 29, 'far underSensitivity': 30 });
  });
});
