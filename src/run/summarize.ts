/**
 * A finished run's summary: summary.json's object, the radio totals, and the per-node tallies
 * and reports the tables need (nodes.csv takes the tallies made here). `loraswarm run`, `sweep`
 * and `size` summarise their runs with it.
 */
import { buildSummary } from '../metrics/summary.ts';
import { lorawanSummary } from '../metrics/lorawan-summary.ts';
import { nodeReport, type NodeReport } from '../metrics/node-report.ts';
import type { RadioTotals, RadioTracker } from '../metrics/radio-tracker.ts';
import type { NodeTally } from '../metrics/node-tallies.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { ResolvedSwarm } from '../scenario/resolve.ts';
import { federatedSummary } from '../fl/report.ts';
import { inferenceSummary } from '../inference/report.ts';
import type { InferenceEngine } from '../inference/engine.ts';
import type { Plan } from '../placement/place.ts';
import type { Simulation, SimulationResult } from './simulation-types.ts';

export function summarizeRun(
  name: string,
  seed: number,
  swarm: ResolvedSwarm,
  tracker: RadioTracker,
  result: SimulationResult,
  served?: { readonly engine: InferenceEngine; readonly plan: Plan },
  trained?: { readonly rounds: Parameters<typeof federatedSummary>[0]; readonly targetAccuracy: number | undefined; readonly task: string },
): { totals: RadioTotals; tallies: readonly NodeTally[]; nodeReports: NodeReport[]; summary: Record<string, unknown> } {
  const totals = tracker.totals();
  const tallies = tracker.nodes;
  const nodeReports = swarm.nodes.map((spec, i) =>
    nodeReport({
      id: spec.id,
      mcuId: spec.mcu.id,
      batteryId: spec.power.battery.id,
      mains: spec.power.mains,
      energy: result.nodeTotals[i]!.energy,
      memory: result.nodeTotals[i]!.memory,
      tally: tallies[i]!,
      windowMs: result.drainedUntilMs,
    }),
  );
  let summary = buildSummary({
    scenario: name,
    seed,
    durationMs: result.durationMs,
    drainedUntilMs: result.drainedUntilMs,
    events: result.events,
    nodes: swarm.nodes.length,
    sinks: swarm.nodes.filter((node) => node.role === 'sink').length,
    senders: swarm.nodes.filter((node) => node.traffic).length,
    totals,
    nodeReports,
    deliveredNothing: swarm.nodes.filter((_, i) => tallies[i]!.attempts > 0 && tallies[i]!.receptionsReceived === 0).map((node) => node.id),
  });
  if (result.lorawan || result.peerMac) {
    const { perNode, ...head } = summary;
    summary = { ...head, ...(result.lorawan && lorawanSummary(result.lorawan, result.lorawan.startSf)), ...(result.peerMac && { peerMac: result.peerMac }), perNode };
  }
  if (!served && !trained) return { totals, tallies, nodeReports, summary };
  const { perNode, ...head } = summary;
  const added = !served ? federatedSummary(trained!.rounds, trained!.targetAccuracy, trained!.task) : inferenceSummary({
    engine: served.engine,
    plan: served.plan,
    nodeIds: swarm.nodes.map((node) => node.id),
    energy: result.nodeTotals.map((t) => t.energy),
    tallies,
    region: swarm.region,
    durationMs: result.drainedUntilMs,
    mains: swarm.nodes.map((node) => node.power.mains),
  });
  return { totals, tallies, nodeReports, summary: { ...head, ...added, perNode } };
}

/** What summarizeRun needs of a federated run (undefined for others). */
export function trainedOf(simulation: Simulation, federated: { readonly task: { readonly name: string } } | undefined, scenario: Scenario): Parameters<typeof summarizeRun>[6] {
  return federated && simulation.federated ? { rounds: simulation.federated.rounds, targetAccuracy: scenario.federated?.targetAccuracy, task: federated.task.name } : undefined;
}
