/**
 * What each part of a hosted node is built from, read off its resolved spec: its runtime
 * (firmware, energy, memory), its MAC and its traffic (swarm-nodes.ts builds the parts).
 */
import { streamGenerator } from '../sim/rng.ts';
import { computeCost } from '../hw/compute-cost.ts';
import type { MemoryKind } from '../hw/memory-ledger.ts';
import type { MacNode } from '../node/macs.ts';
import type { RuntimeNode } from '../node/node-runtimes.ts';
import type { TrafficNode } from '../node/traffic.ts';
import { airtimeParamsOf, type NodeSpec, type ResolvedSwarm } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import { createDestinationPicker } from './destinations.ts';
import { isLorawanDevice } from './lorawan-layer.ts';
import { hasPeerMac } from './peer-layer.ts';

/** A gateway: a sink with several receive paths, always listening (it wants no `rxStart`). */
export function isConcentrator(spec: NodeSpec): boolean {
  return spec.role === 'sink' && spec.receivePaths > 1 && spec.wake.mode === 'always';
}

export function runtimeNodeOf(spec: NodeSpec, txCurrentMa: number, memory: Readonly<Record<MemoryKind, number>>): RuntimeNode {
  return { index: spec.index, mcu: spec.mcu, radio: spec.chip, txCurrentMa, wake: spec.wake, power: spec.power, memory, concentrator: isConcentrator(spec) };
}

export function macNodeOf(scenario: Scenario, spec: NodeSpec, txCurrentMa: number): MacNode {
  return {
    index: spec.index,
    channelsHz: spec.channelsHz,
    rng: streamGenerator(scenario.seed, `node/${spec.id}/mac`),
    queueCapacity: spec.traffic?.queueCapacity ?? 8,
    airtime: airtimeParamsOf(spec),
    txPowerDbm: spec.txPowerDbm,
    txCurrentMa,
    supplyV: spec.power.supplyV,
    ...((isLorawanDevice(scenario, spec) || (hasPeerMac(scenario, spec) && scenario.peerMac!.ack)) && { linked: true }),
    ...(hasPeerMac(scenario, spec) && scenario.peerMac!.lbt && { listensBeforeTalk: true }),
  };
}

/** The traffic of every hosted node that has some, in index order. */
export function trafficNodesOf(scenario: Scenario, swarm: ResolvedSwarm, hosted: readonly boolean[]): TrafficNode[] {
  const destinations = createDestinationPicker(swarm.nodes, swarm, scenario.uplinkGateways === 'all');
  const nodes: TrafficNode[] = [];
  for (const spec of swarm.nodes) {
    if (!spec.traffic || !hosted[spec.index]) continue;
    const work = spec.traffic.compute;
    nodes.push({
      index: spec.index,
      kind: spec.traffic.kind,
      intervalMs: spec.traffic.intervalMs,
      jitterMs: spec.traffic.jitterMs,
      payloadBytes: spec.traffic.payloadBytes,
      deadlineMs: spec.traffic.deadlineMs,
      destination: destinations(spec),
      rng: streamGenerator(scenario.seed, `node/${spec.id}/traffic`),
      computeMs: work ? computeCost(spec.mcu, work).latencyMs : undefined,
    });
  }
  return nodes;
}
