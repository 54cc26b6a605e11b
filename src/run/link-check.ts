/**
 * Nodes that cannot reach any gateway (issue 17, point 8): before a run, `validate` names the
 * senders whose frames no sink they address can detect at their settings (SF, bandwidth,
 * power, antenna; the nearest sink, or every sink with uplinkGateways: all):
 * with per-frame shadowing, not even at the best draw the ether can make (the mean plus the
 * draw's truncation, 6σ: link-budget.ts); with per-link shadowing, at this seed's draw
 * for each link, which every frame on that link meets. Each comes with its best margin (the
 * received power at the best sink minus that sink's sensitivity), so that the fix is plain: a
 * higher SF or power, or a gateway nearer. A LoRaWAN device under ADR is checked at the
 * settings ADR can give it at best: the region's slowest 125 kHz data rate at TXPower 0.
 */
import { createEtherReach } from '../radio/ether-reach.ts';
import { shadowingBoundSigma } from '../radio/link-budget.ts';
import { dataRateNumbered } from '../radio/regions.ts';
import type { Transmission } from '../radio/transmission.ts';
import type { ResolvedSwarm } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import { etherNodes } from './swarm-nodes.ts';
import { nearestSink } from './destinations.ts';
import { deviceRadioPlan, isLorawanDevice } from './lorawan-layer.ts';

export interface UnreachableNode {
  readonly id: string;
  readonly sf: number;
  readonly bandwidthKhz: number;
  readonly txPowerDbm: number;
  /** The best sink, and its received power minus its sensitivity (dB, < 0). */
  readonly bestSink: string;
  readonly marginDb: number;
}

export interface LinkCheck {
  /** Senders of `to: sink` traffic that no sink can hear, in node order. */
  readonly unreachable: readonly UnreachableNode[];
  /** Whether a shadowing draw is in the margins: per-link draws (this seed's), or per-frame at their best. */
  readonly shadowing: 'none' | 'per-link' | 'best per-frame draw';
  /** Which sinks a sender addresses: the nearest, or every one in range (uplinkGateways). */
  readonly addressing: 'nearest' | 'all';
}

export function checkLinks(scenario: Scenario, swarm: ResolvedSwarm): LinkCheck {
  const nodes = swarm.nodes;
  const sinkSpecs = nodes.filter((node) => node.role === 'sink');
  const sinks = sinkSpecs.map((node) => node.index);
  const sigma = swarm.pathLoss.shadowingSigmaDb;
  const mode = scenario.shadowing?.mode ?? 'per-frame';
  const shadowing = sigma === 0 ? 'none' : mode === 'per-link' ? 'per-link' : 'best per-frame draw';
  const addressing = scenario.uplinkGateways;
  if (sinks.length === 0) return { unreachable: [], shadowing, addressing };
  const reachWith = (shadowingSigmaDb: number): ReturnType<typeof createEtherReach> =>
    createEtherReach({
      nodes: etherNodes(nodes),
      pathLoss: { ...swarm.pathLoss, shadowingSigmaDb },
      shadowingMode: mode,
      collision: scenario.collision,
      extraLossProbability: 0,
      processingDelayMs: 0,
      seed: scenario.seed,
      broadcastMarginDb: scenario.broadcastMarginDb,
    });
  // Per link: each link's own draw. Per frame: the mean, and the best the ether can draw on top of it.
  const reach = reachWith(mode === 'per-link' ? sigma : 0);
  const headroomDb = mode === 'per-link' ? 0 : shadowingBoundSigma * sigma;
  const unreachable: UnreachableNode[] = [];
  const plan = scenario.lorawan?.adr ? deviceRadioPlan(swarm.region) : undefined;
  const slowest = plan && typeof plan !== 'string' ? dataRateNumbered(plan.dataRates, plan.minDataRate) : undefined;
  for (const spec of nodes) {
    if (spec.traffic?.to !== 'sink' || spec.role === 'sink') continue;
    const adr = slowest && typeof plan !== 'string' && isLorawanDevice(scenario, spec);
    const node = adr ? { ...spec, sf: slowest.sf, bandwidthHz: slowest.bandwidthHz, txPowerDbm: plan!.maxEirpDbm } : spec;
    // Only the fields the received power reads: who sends, at what power (seq 0; per-link draws ignore it).
    const probe = { sender: node.index, seq: 0, txPowerDbm: node.txPowerDbm } as Transmission;
    let best = Number.NEGATIVE_INFINITY;
    let bestSink = sinks[0]!;
    // With uplinkGateways: nearest a message goes to the sink of least mean path loss only (run/destinations.ts).
    for (const sink of scenario.uplinkGateways === 'all' ? sinks : [nearestSink(node, sinkSpecs, swarm).index]) {
      const marginDb = reach.powerDbm(probe, sink) + headroomDb - reach.sensitivityDbm(sink, node.sf, node.bandwidthHz);
      if (marginDb > best) {
        best = marginDb;
        bestSink = sink;
      }
    }
    if (best < 0) unreachable.push({ id: node.id, sf: node.sf, bandwidthKhz: node.bandwidthHz / 1e3, txPowerDbm: node.txPowerDbm, bestSink: nodes[bestSink]!.id, marginDb: Math.round(best * 100) / 100 });
  }
  return { unreachable, shadowing, addressing };
}

/** validate's lines about them: how many, and the first few with their margins. */
export function describeLinkCheck(check: LinkCheck): string[] {
  const { unreachable } = check;
  if (unreachable.length === 0) return [];
  const how = check.shadowing === 'per-link' ? "at this seed's per-link shadowing" : check.shadowing === 'none' ? 'at the mean path loss (no shadowing)' : 'even at the best shadowing draw';
  const named = unreachable.slice(0, 10).map((n) => `${n.id} (SF${n.sf}, ${n.txPowerDbm} dBm: ${n.marginDb} dB at ${n.bestSink})`);
  return [
    `  warning: ${unreachable.length} node${unreachable.length === 1 ? '' : 's'} cannot reach ${check.addressing === 'all' ? 'any gateway' : 'the gateway they address (the nearest)'} ${how}; their frames will all be underSensitivity: ${named.join(', ')}${unreachable.length > 10 ? ', …' : ''}`,
    '  (a higher SF, more power or a gateway nearer; `sf: auto` chooses from the mean path loss, with sfMarginDb to spare)',
  ];
}
