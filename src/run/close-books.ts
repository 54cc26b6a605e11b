/**
 * Closing the books after the drain: the last samples, canonical order, and the run's result
 * with every partition's totals.
 */
import type { NodeTotals, PartitionTotals } from '../transport/partition-report.ts';
import type { SimulationResult } from './simulation-types.ts';
import type { SimulationParts } from './simulation-parts.ts';
import { takeSample } from './run-samples.ts';
import { newsUntil, receiveReport } from './window-driving.ts';

/** This process's simulation events: the transport's hand-overs, the ether's end markers and the samples are bookkeeping. */
export function localEvents(parts: SimulationParts): number {
  return parts.scheduler.eventsProcessed - parts.transport.plumbingEvents - parts.ether.markerEvents - parts.state.sampleEvents - (parts.app?.uncountedEvents ?? 0);
}

/** This process's nodes' energy and memory totals. */
export function localTotals(parts: SimulationParts): NodeTotals[] {
  const { runtimes, hostedIndices } = parts.swarmNodes;
  return hostedIndices.map((i) => ({ node: i, energy: runtimes.ledgers.totals(i), memory: runtimes.memories.usage(i) }));
}

/** Closes the books after the drain, every remote partition's included. */
export async function closeAsync(parts: SimulationParts): Promise<SimulationResult> {
  const { durationMs, scheduler, remote } = parts;
  // The time of the last event anywhere, or the duration when nothing happened after it.
  const lastEventMs = Math.max(durationMs, scheduler.lastEventMs, remote?.lastEventMs ?? 0);
  // Every partition takes its last sample where this one does: at the end of the last
  // window, which may lie after the last event.
  const untilMs = Math.max(lastEventMs, scheduler.nowMs);
  // News of the last exchange still goes out (a federated round's close: the workers' listening energy).
  const news = newsUntil(parts, untilMs);
  const remoteTotals = remote ? await remote.finish(untilMs, (report, owns) => receiveReport(parts, report, owns), news) : [];
  return closeLocal(parts, lastEventMs, remoteTotals);
}

export function closeLocal(parts: SimulationParts, lastEventMs: number, remoteTotals: readonly PartitionTotals[]): SimulationResult {
  const { scheduler, specs, durationMs, swarmNodes } = parts;
  if (scheduler.nowMs < lastEventMs) scheduler.runUntil(lastEventMs);
  // No client trains after the drain.
  parts.federation?.close();
  takeSample(parts);
  parts.tracker.finalize();
  parts.series.canonicalize();
  const nodeTotals: NodeTotals[] = new Array<NodeTotals>(specs.length);
  for (const totals of [localTotals(parts), ...remoteTotals.map((part) => part.nodes)]) for (const entry of totals) nodeTotals[entry.node] = entry;
  // Simulation events only: the transport's hand-overs and the samples are bookkeeping, so the
  // count is the same whatever the transport and however the nodes are spread over processes.
  const events = remoteTotals.reduce((sum, part) => sum + part.events, localEvents(parts));
  const lorawan = swarmNodes.lorawan;
  const peer = swarmNodes.peer;
  return {
    durationMs,
    drainedUntilMs: lastEventMs,
    events,
    nodeTotals,
    ...(lorawan && { lorawan: { ...lorawan.report(), adrChanges: lorawan.adrChanges } }),
    ...(peer && { peerMac: peer.counts() }),
  };
}
