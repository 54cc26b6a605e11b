/**
 * Destination choice per sender: the sink with the least mean path loss; a neighbour (a
 * non-sink node whose mean received power reaches its sensitivity at the sender's SF) drawn
 * uniformly, or any other node when none is in range; or everyone in range (broadcast); or,
 * with gateway diversity, every sink in range.
 */
import { meanPathLossDb, rxPowerDbm } from '../radio/path-loss.ts';
import { sensitivityDbm } from '../radio/sensitivity.ts';
import { broadcastDestination, gatewaysDestination } from '../radio/transmission.ts';
import type { NodeSpec, ResolvedSwarm } from '../scenario/resolve.ts';
import type { TrafficDestination } from '../node/traffic.ts';

/** The sink of least mean path loss from `spec`, not itself (a sink never sends to itself): where a `to: sink` message goes without gateway diversity. */
export function nearestSink(spec: NodeSpec, sinks: readonly NodeSpec[], swarm: ResolvedSwarm): NodeSpec {
  const loss = (sink: NodeSpec): number => meanPathLossDb(swarm.pathLoss, Math.hypot(spec.xM - sink.xM, spec.yM - sink.yM));
  const candidates = sinks.filter((sink) => sink.index !== spec.index);
  let best = candidates[0]!;
  for (const sink of candidates) if (loss(sink) < loss(best)) best = sink;
  return best;
}

/**
 * `allGateways`: a `to: sink` message addresses every gateway in range (uplinkGateways: all).
 * A destination that does not depend on the draw is a number (traffic.ts reads it without a call).
 */
export function createDestinationPicker(specs: readonly NodeSpec[], swarm: ResolvedSwarm, allGateways = false): (spec: NodeSpec) => TrafficDestination {
  const sinks = specs.filter((spec) => spec.role === 'sink');
  const loss = (a: NodeSpec, b: NodeSpec): number => meanPathLossDb(swarm.pathLoss, Math.hypot(a.xM - b.xM, a.yM - b.yM));
  return (spec) => {
    const to = spec.traffic!.to;
    if (to === 'broadcast') return broadcastDestination;
    if (to === 'sink' && allGateways) return gatewaysDestination;
    if (to === 'sink') return nearestSink(spec, sinks, swarm).index;
    const others = specs.filter((other) => other.index !== spec.index && other.role !== 'sink');
    const inRange = others.filter((other) => {
      const mean = rxPowerDbm(spec.txPowerDbm, spec.antennaGainDbi, other.antennaGainDbi, loss(spec, other), 0);
      const sensitivity = sensitivityDbm(other.sensitivity, spec.sf, spec.bandwidthHz, other.noiseFigureDb);
      return sensitivity !== undefined && mean >= sensitivity;
    });
    const pool = (inRange.length > 0 ? inRange : others.length > 0 ? others : specs.filter((other) => other.index !== spec.index)).map((other) => other.index);
    return (draw) => pool[Math.min(pool.length - 1, Math.floor(draw * pool.length))]!;
  };
}
