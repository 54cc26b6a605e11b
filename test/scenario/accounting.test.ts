import { describe, expect, it } from 'vitest';
import { fates } from '../../src/radio/transmission.ts';
import { runScenario } from '../helpers/scenario.ts';

/**
 * A scenario built to meet every fate but `asleep` (nodes do not sleep yet): a sink with two
 * demodulators (noReceivePath), nodes out of range (underSensitivity), peers that talk while
 * others talk to them (lostHalfDuplex), broadcasts, 5 % extra loss (dropped), EU868 duty cycle
 * with short deadlines and small queues (dutyCycleBlocked), and heavy load (collided).
 */
const busyScenario = (collision: string, sleepers = ''): string => `
name: busy
seed: 7
duration: 20min
region: eu868
framing: lorawan
collision: ${collision}
pathLoss: ns3
shadowing: { sigmaDb: 6 }
extraLossProbability: 0.05
radio: { sf: 7 }
groups:
  - name: gw
    role: sink
    nodes: [{ id: gw, xM: 0, yM: 0 }]
    receivePaths: 2
  - name: near
    count: 40
    placement: { shape: disc, radiusM: 800 }
    radio: { sf: 9 }
    traffic: { kind: poisson, interval: 20s, payloadBytes: 30, to: sink, deadline: 30s, queueCapacity: 2 }
  - name: far
    count: 10
    placement: { shape: disc, radiusM: 6000, centerM: [9000, 0] }
    radio: { sf: 10 }
    traffic: { kind: periodic, interval: 60s, jitter: 5s, payloadBytes: 60, to: sink }
  - name: peer
    count: 20
    placement: { shape: rectangle, widthM: 400, heightM: 400 }
    traffic: { kind: poisson, interval: 10s, payloadBytes: 10, to: peer, deadline: 1min }
  - name: beacon
    count: 5
    placement: { shape: grid, spacingM: 100 }
    radio: { sf: 8 }
    traffic: { kind: periodic, interval: 30s, payloadBytes: 120, to: broadcast }
${sleepers}`;

describe('frame accounting', () => {
  it.each(['aloha', 'lorasim', 'energy-sir', 'croce'])('closes the books under the %s collision model', (collision) => {
    const { simulation, swarm } = runScenario(busyScenario(collision));
    const { tracker } = simulation;
    const totals = tracker.totals();

    // Every attempt has one MAC outcome.
    expect(totals.attempts).toBe(totals.sent + totals.dutyCycleBlocked);
    expect(tracker.frames.length).toBe(totals.attempts);
    for (const node of tracker.nodes) expect(node.attempts).toBe(node.sent + node.dutyCycleBlocked);

    // Every sent frame has exactly one fate per addressed receiver.
    const seen = new Set<string>();
    for (const reception of tracker.receptions) {
      const key = `${reception.sender}/${reception.seq}/${reception.receiver}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
    const receptionsPerFrame = new Map<string, number>();
    for (const r of tracker.receptions) receptionsPerFrame.set(`${r.sender}/${r.seq}`, (receptionsPerFrame.get(`${r.sender}/${r.seq}`) ?? 0) + 1);
    const broadcastTargets = new Map<number, number>();
    for (const frame of tracker.frames) {
      if (frame.outcome !== 'sent') {
        expect(receptionsPerFrame.has(`${frame.sender}/${frame.seq}`)).toBe(false);
        continue;
      }
      const count = receptionsPerFrame.get(`${frame.sender}/${frame.seq}`) ?? 0;
      expect(frame.receivers).toBe(count);
      if (frame.destination >= 0) {
        expect(count).toBe(1);
      } else {
        // A broadcast addresses the same set of nodes every time (positions are fixed).
        const previous = broadcastTargets.get(frame.sender) ?? count;
        expect(count).toBe(previous);
        broadcastTargets.set(frame.sender, count);
      }
    }
    expect(fates.reduce((sum, fate) => sum + totals.fates[fate], 0)).toBe(totals.receptions);
    expect(tracker.receptions.length).toBe(totals.receptions);
    expect(totals.receptions).toBe(tracker.frames.reduce((sum, frame) => sum + frame.receivers, 0));

    // The scenario meets every fate except asleep, and blocks frames both ways.
    for (const fate of fates) {
      if (fate === 'asleep') expect(totals.fates[fate]).toBe(0);
      else expect(totals.fates[fate], fate).toBeGreaterThan(0);
    }
    expect(totals.dutyCycleBlockedBy.deadline).toBeGreaterThan(0);
    expect(totals.dutyCycleBlockedBy.queueFull).toBeGreaterThan(0);
    expect(swarm.nodes).toHaveLength(76);
  });
});

describe('frame accounting with sleeping receivers and dying nodes', () => {
  it('still gives one fate per addressed receiver, with asleep among them, and counts frames left unsent at death', () => {
    const sleepers = `  - name: sleeper
    count: 10
    placement: { shape: rectangle, widthM: 400, heightM: 400 }
    node: { battery: cr2032, initialStateOfCharge: 0.0378, wake: { mode: rendezvous, period: 2s, window: 20ms } }
    traffic: { kind: poisson, interval: 5s, payloadBytes: 10, to: peer, deadline: 1min }
`;
    const { simulation } = runScenario(busyScenario('energy-sir', sleepers));
    const totals = simulation.tracker.totals();
    expect(totals.attempts).toBe(totals.sent + totals.dutyCycleBlocked);
    expect(fates.reduce((sum, fate) => sum + totals.fates[fate], 0)).toBe(totals.receptions);
    expect(totals.receptions).toBe(simulation.tracker.frames.reduce((sum, frame) => sum + frame.receivers, 0));
    for (const fate of fates) expect(totals.fates[fate], fate).toBeGreaterThan(0);
    // No frame is received by a node that was dead before it ended (those are asleep).
    for (const reception of simulation.tracker.receptions) {
      const diedAtMs = simulation.tracker.nodes[reception.receiver]!.diedAtMs;
      if (reception.fate === 'received' && diedAtMs !== undefined) expect(diedAtMs).toBeGreaterThanOrEqual(reception.atMs);
    }
    const died = simulation.tracker.nodes.filter((node) => node.diedAtMs !== undefined);
    expect(died.length).toBeGreaterThan(0);
    expect(totals.unsentAtDeath).toBe(simulation.tracker.nodes.reduce((sum, node) => sum + node.unsentAtDeath, 0));
    // A dead node sends nothing after its death.
    for (const frame of simulation.tracker.frames) {
      const diedAtMs = simulation.tracker.nodes[frame.sender]!.diedAtMs;
      if (diedAtMs !== undefined && frame.outcome === 'sent') expect(frame.atMs).toBeLessThanOrEqual(diedAtMs);
    }
  });
});
