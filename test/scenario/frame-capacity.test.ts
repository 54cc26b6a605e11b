/**
 * The application bytes a node's frame carries (resolve.ts, `withFrameCapacity`), checked once
 * per combination of group, chip, modulation and payload: with spreading factors chosen node by
 * node (`sf: auto`), every node's capacity is the framing's for its own modulation; and a fault
 * is still said for its group when another group shares the modulation without one.
 */
import { describe, expect, it } from 'vitest';
import { readScenario } from '../../src/scenario/read-scenario.ts';
import { airtimeParamsOf } from '../../src/scenario/resolve.ts';
import { maxAppBytesPerFrame } from '../../src/radio/framing.ts';
import { InputError } from '../../src/scenario/errors.ts';

describe('frame capacity', () => {
  it('is each node\'s own modulation\'s, spreading factors chosen node by node', () => {
    const { scenario, swarm } = readScenario('scenarios/city-gateways.yaml');
    const expected = swarm.nodes.map((node) => {
      const capacity = maxAppBytesPerFrame({ framing: scenario.framing, region: swarm.region, airtime: airtimeParamsOf(node), repeaterCompatible: scenario.repeaterCompatible });
      return capacity.ok ? capacity.bytes : Number.NaN;
    });
    expect(swarm.nodes.map((node) => node.maxAppBytes)).toEqual(expected);
    // Several spreading factors, so several capacities.
    expect(new Set(swarm.nodes.map((node) => node.sf)).size).toBeGreaterThan(2);
  });

  it('says a group\'s fault when an earlier group has the same modulation without one', () => {
    const read = (): unknown =>
      readScenario('bench/poisson-1000.yaml', {
        sets: ['groups.1.count=5', 'groups.1.placement.radiusM=500', 'groups.2={name: big, count: 5, placement: {shape: disc, radiusM: 500}, traffic: {kind: poisson, interval: 1000s, payloadBytes: 1000000, to: sink}}'],
      });
    expect(read).toThrow(InputError);
    try {
      read();
    } catch (error) {
      expect((error as InputError).issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual(['groups[2].traffic.payloadBytes: expected a payload that fits in 4095 fragments of 242 bytes, found 1000000 bytes (set by --set)']);
    }
  });
});
