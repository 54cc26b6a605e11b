/**
 * validate's warning before a run (issue 17, point 8): the senders no gateway can hear at their
 * settings. With city-sink's per-link shadowing it names exactly the sensors that the run then
 * finds delivered nothing; without shadowing its margin is the link budget, to the hundredth of a dB.
 */
import { describe, expect, it } from 'vitest';
import { checkLinks, describeLinkCheck } from '../../src/run/link-check.ts';
import { meanPathLossDb, rxPowerDbm } from '../../src/radio/path-loss.ts';
import { sensitivityDbm } from '../../src/radio/sensitivity.ts';
import { loadScenario, runScenario } from '../helpers/scenario.ts';

const twoNodes = (sigma: number): string => `
name: reach
duration: 10min
region: eu868
framing: lorawan
collision: energy-sir
pathLoss: ns3
${sigma > 0 ? `shadowing: { sigmaDb: ${sigma}, mode: per-frame }` : ''}
radio: { sf: 7 }
groups:
  - name: gw
    role: sink
    nodes: [{ id: gw, xM: 0, yM: 0 }]
    radio: { sensitivity: sx1301 }
  - name: n
    nodes: [{ id: near, xM: 100, yM: 0 }, { id: far, xM: 6000, yM: 0 }]
    node: { battery: 2xaa }
    traffic: { kind: periodic, interval: 5min, payloadBytes: 10, to: sink }
`;

describe('checkLinks', () => {
  it('names the senders whose best margin to any sink is negative, with that margin (no shadowing: the link budget)', () => {
    const { scenario, swarm } = loadScenario(twoNodes(0));
    const check = checkLinks(scenario, swarm);
    const far = swarm.nodes.find((node) => node.id === 'far')!;
    const expected = rxPowerDbm(far.txPowerDbm, 0, 0, meanPathLossDb(swarm.pathLoss, 6000), 0) - sensitivityDbm('sx1301', 7, 125e3, 6)!;
    expect(expected).toBeLessThan(0);
    expect(check).toEqual({ shadowing: 'none', addressing: 'nearest', unreachable: [{ id: 'far', sf: 7, bandwidthKhz: 125, txPowerDbm: 14, bestSink: 'gw', marginDb: Math.round(expected * 100) / 100 }] });
    expect(describeLinkCheck(check)[0]).toBe(`  warning: 1 node cannot reach the gateway they address (the nearest) at the mean path loss (no shadowing); their frames will all be underSensitivity: far (SF7, 14 dBm: ${Math.round(expected * 100) / 100} dB at gw)`);
  });

  it('with per-frame shadowing counts the best draw the ether can make: 6 dB of σ reaches the far node', () => {
    const { scenario, swarm } = loadScenario(twoNodes(6));
    expect(checkLinks(scenario, swarm)).toEqual({ shadowing: 'best per-frame draw', addressing: 'nearest', unreachable: [] });
  });

  it('with city-sink\'s per-link shadowing names the 18 sensors the run finds delivered nothing', () => {
    const run = runScenario('scenarios/city-sink.yaml');
    const silent = run.swarm.nodes.filter((node) => run.simulation.tracker.nodes[node.index]!.attempts > 0 && run.simulation.tracker.nodes[node.index]!.receptionsReceived === 0).map((node) => node.id);
    const check = checkLinks(run.scenario, run.swarm);
    expect(check.shadowing).toBe('per-link');
    expect(check.unreachable.map((node) => node.id)).toEqual(silent);
    expect(silent).toHaveLength(18);
    expect(check.unreachable[0]).toEqual({ id: 'sensor-41', sf: 10, bandwidthKhz: 125, txPowerDbm: 14, bestSink: 'gw', marginDb: -0.21 });
  });

  it('in the three-gateway city, names the nodes no gateway they address can hear: 19 at the nearest, 10 with every gateway (as the runs find)', () => {
    for (const [gateways, count] of [['nearest', 19], ['all', 10]] as const) {
      const run = runScenario('scenarios/city-gateways.yaml', [`uplinkGateways=${gateways}`, 'duration=2h']);
      const silent = run.swarm.nodes.filter((node) => run.simulation.tracker.nodes[node.index]!.attempts > 0 && run.simulation.tracker.nodes[node.index]!.receptionsReceived === 0).map((node) => node.id);
      const named = checkLinks(run.scenario, run.swarm).unreachable.map((node) => node.id);
      expect(named, gateways).toEqual(silent);
      expect(named).toHaveLength(count);
    }
  });
});
