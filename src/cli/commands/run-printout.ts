/** `loraswarm run`'s printout on success, each kind of run's part of it, and timing.json. */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { counted, grouped, humanDuration, humanEnergy } from '../../metrics/human-units.ts';
import type { RoundStats } from '../../fl/round-types.ts';
import type { RadioTotals } from '../../metrics/radio-tracker.ts';
import type { SimulationResult } from '../../run/simulation-types.ts';

/** What the printout says of a finished run. */
export interface RunOutcome {
  readonly name: string;
  readonly seed: number;
  readonly nodes: number;
  readonly result: SimulationResult;
  readonly simulateWallMs: number;
  readonly totals: RadioTotals;
  readonly summary: Record<string, unknown>;
  readonly served: boolean;
  readonly federated: boolean;
  readonly outPath: string;
}

/** The run's headline, its frames and fates, energy, lifetime, and its kind's figures. */
export function runPrintout(run: RunOutcome): string {
  const { result, totals, summary } = run;
  const der = summary.der as number | null;
  const energyJ = summary.energyJ as { total: number; radioTx: number };
  const drained = result.drainedUntilMs > result.durationMs ? ` (drained to ${humanDuration(result.drainedUntilMs)})` : '';
  return (
    [
      `run ${run.name} (seed ${run.seed}): ${counted(run.nodes, 'node')}, ${humanDuration(result.durationMs)} simulated${drained} in ${humanDuration(run.simulateWallMs)}`,
      `  frames: ${grouped(totals.attempts)} attempts, ${grouped(totals.sent)} sent, ${grouped(totals.dutyCycleBlocked)} dutyCycleBlocked`,
      `  fates:  ${Object.entries(totals.fates).filter(([, n]) => n > 0).map(([fate, n]) => `${fate} ${grouped(n)}`).join(', ') || 'none'}`,
      `  DER ${der === null ? 'n/a' : der.toFixed(4)}, airtime ${humanDuration(totals.airtimeMs)}, energy ${humanEnergy(energyJ.total)} (radio TX ${humanEnergy(energyJ.radioTx)}), ${counted((summary.nodes as { died: number }).died, 'node')} died`,
      ...networkLines(summary),
      ...(run.served ? inferenceLines(summary) : []),
      ...(run.federated ? federatedLines(summary) : []),
      `  results in ${run.outPath}/ (the dashboard: ${join(run.outPath, 'report.html')})`,
    ].join('\n') + '\n'
  );
}

/** timing.json: the wall-clock figures and the run's setting (never compared between runs). */
export function timingJson(timing: {
  readonly simulateWallMs: number;
  readonly totalWallMs: number;
  readonly result: SimulationResult;
  readonly transport: string;
  readonly workers: readonly string[];
  /** Federated learning: the threads that trained the clients. */
  readonly trainingThreads?: number;
  readonly checkpoints?: number;
  readonly resumedAtMs?: number;
  /** Whether the report was digested as the files were written (`--report-thread`), if it was to be. */
  readonly reportDigested?: boolean;
}): string {
  const { simulateWallMs, totalWallMs, result } = timing;
  return `${JSON.stringify(
    {
      startedAt: new Date(Date.now() - totalWallMs).toISOString(),
      simulateWallMs: Math.round(simulateWallMs),
      totalWallMs: Math.round(totalWallMs),
      eventsPerSecond: Math.round(result.events / (simulateWallMs / 1000)),
      virtualToWallRatio: Math.round(result.drainedUntilMs / simulateWallMs),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpu: cpus()[0]?.model ?? 'unknown',
      transport: timing.transport,
      workers: timing.workers,
      ...(timing.trainingThreads !== undefined && { trainingThreads: timing.trainingThreads }),
      ...(timing.checkpoints !== undefined && { checkpoints: timing.checkpoints }),
      ...(timing.resumedAtMs !== undefined && { resumedAtMs: timing.resumedAtMs }),
      ...(timing.reportDigested !== undefined && { reportDigested: timing.reportDigested }),
    },
    null,
    2,
  )}\n`;
}

/** The inference part of the run's printout: tokens, latency, joules, fidelity, placement. */
export function inferenceLines(summary: Record<string, unknown>): string[] {
  const s = summary as {
    tokens: number;
    latencyMs: { p50: number | null; p95: number | null };
    latencyComponentsMs: Record<string, number>;
    joulesPerToken: { mean: number | null; p95: number | null; withBackground: number | null };
    fidelity: { top1: number | null; compared: number };
    requests: { total: number; complete: number; failed: number; unfinished: number; texts: string[]; timeToFirstTokenMs: { p50: number | null } };
    nodes: { firstDeathMs: number | null };
    inference: {
      placement: string;
      nodesHoldingUnits: number;
      entry: string;
      largestShareOfWeights: number;
      framesPerToken: number;
      expertsDropped: number;
      expertsSkipped?: number;
      decoding?: { generatingPasses: number; tokensPerPass: number | null; drafted: number; accepted: number; msPerToken: number | null };
    };
  };
  const sec = (value: number | null): string => (value === null ? 'n/a' : humanDuration(value));
  const joules = (value: number | null): string => (value === null ? 'n/a' : humanEnergy(value));
  const parts = Object.entries(s.latencyComponentsMs)
    .filter(([, v]) => v > 0)
    .map(([key, v]) => `${key.replace(/Ms$/, '').replace(/([A-Z])/g, ' $1').toLowerCase()} ${humanDuration(v)}`)
    .join(', ');
  return [
    `  requests: ${s.requests.total} (${s.requests.complete} complete, ${s.requests.failed} failed, ${s.requests.unfinished} unfinished): ${s.requests.texts.map((t) => JSON.stringify(t)).join(', ')}`,
    `  tokens: ${s.tokens}, latency p50 ${sec(s.latencyMs.p50)}, p95 ${sec(s.latencyMs.p95)} (mean parts: ${parts || 'none'}); first token after ${sec(s.requests.timeToFirstTokenMs.p50)} (p50)`,
    ...speculativeLine(s.inference.decoding, sec),
    `  energy per token: ${joules(s.joulesPerToken.mean)} mean, ${joules(s.joulesPerToken.p95)} p95 (${joules(s.joulesPerToken.withBackground)} with every node's background)`,
    `  fidelity: ${s.fidelity.top1 === null ? 'n/a' : `${(100 * s.fidelity.top1).toFixed(1)} %`} of ${s.fidelity.compared} ${s.inference.decoding && s.inference.decoding.drafted > 0 ? 'passes' : 'tokens'} equal the single-node model's; ${s.inference.expertsDropped} experts dropped${s.inference.expertsSkipped ? `, ${s.inference.expertsSkipped} skipped for their links` : ''}; ${s.inference.framesPerToken.toFixed(1)} frames per token`,
    `  placement: ${s.inference.placement} over ${counted(s.inference.nodesHoldingUnits, 'node')} (largest share ${(100 * s.inference.largestShareOfWeights).toFixed(1)} % of the weights), entry ${s.inference.entry}; first node death: ${s.nodes.firstDeathMs === null ? 'none' : sec(s.nodes.firstDeathMs)}`,
  ];
}

/** With speculative decoding: passes, the draft tokens confirmed, and the time per token. */
function speculativeLine(decoding: { generatingPasses: number; tokensPerPass: number | null; drafted: number; accepted: number; msPerToken: number | null } | undefined, sec: (value: number | null) => string): string[] {
  if (!decoding || decoding.drafted === 0) return [];
  return [
    `  speculative decoding: ${decoding.generatingPasses} passes, ${decoding.tokensPerPass?.toFixed(2) ?? 'n/a'} tokens per pass (${decoding.accepted} of ${decoding.drafted} draft tokens confirmed), ${sec(decoding.msPerToken)} per token`,
  ];
}

/** The federated part of the run's printout. */
export function federatedLines(summary: Record<string, unknown>): string[] {
  const s = summary as { rounds: number; accuracy: { final: number | null; target: number | null; toTarget: { round: number; joules: number; airtimeMs: number; atMs: number } | null }; federated: { bytesUp: number; bytesDown: number; participants: number; dropouts: number; abandoned: number; roundJoules: number; finalValidationBitsPerChar?: number | null } };
  const target = s.accuracy.target === null ? '' : s.accuracy.toTarget ? `; ${(100 * s.accuracy.target).toFixed(0)} % reached in round ${s.accuracy.toTarget.round} after ${humanDuration(s.accuracy.toTarget.atMs)}, ${humanEnergy(s.accuracy.toTarget.joules)} and ${humanDuration(s.accuracy.toTarget.airtimeMs)} of airtime` : `; ${(100 * s.accuracy.target).toFixed(0)} % not reached`;
  return [
    `  federated: ${s.rounds} rounds, final validation accuracy ${s.accuracy.final === null ? 'n/a' : `${(100 * s.accuracy.final).toFixed(1)} %`}${s.federated.finalValidationBitsPerChar == null ? '' : ` (next character), ${s.federated.finalValidationBitsPerChar.toFixed(4)} bits/char`}${target}`,
    `  updates: ${s.federated.participants} aggregated, ${s.federated.dropouts} dropouts, ${s.federated.abandoned} abandoned; ${s.federated.bytesUp.toLocaleString('en')} B up, ${s.federated.bytesDown.toLocaleString('en')} B down; ${humanEnergy(s.federated.roundJoules)} in rounds`,
  ];
}

/** One federated round as it closes: `round 3: 10/10 updates, validation accuracy 81.2 % (loss 0.6112), 532.1 J, 1.0 h`. */
export function roundLine(round: RoundStats): string {
  const joules = (round.energyUj.transmit + round.energyUj.receive + round.energyUj.compute + round.energyUj.idle) / 1e6;
  const accuracy = Number.isNaN(round.validationAccuracy) ? 'n/a' : `${(100 * round.validationAccuracy).toFixed(1)} %`;
  const loss = Number.isNaN(round.validationLoss) ? '' : ` (loss ${round.validationLoss.toFixed(4)})`;
  return `round ${round.round}: ${round.participants}/${round.selected} updates, validation accuracy ${accuracy}${loss}, ${humanEnergy(joules)}, ${humanDuration(round.endMs - round.startMs)}`;
}

/** The network's lifetime and the nodes that delivered nothing (every run). */
export function networkLines(summary: Record<string, unknown>): string[] {
  const nodes = (summary as { nodes: { deliveredNothing: { count: number; first: string[] }; lifetime: { batteryNodes: number; firstDeath: Death; tenPercentDead: Death; halfDead: Death } } }).nodes;
  const lines: string[] = [];
  const { lifetime, deliveredNothing } = nodes;
  if (lifetime.batteryNodes > 0) {
    const death = (d: Death): string => (d.days === null ? 'beyond any extrapolation' : `${days(d.days)} (${d.node}, ${d.basis === 'died' ? 'simulated' : 'extrapolated'})`);
    lines.push(`  lifetime of ${counted(lifetime.batteryNodes, 'battery node')}: first death ${death(lifetime.firstDeath)}, 10 % dead ${death(lifetime.tenPercentDead)}, half dead ${death(lifetime.halfDead)}`);
  }
  const uplinks = (summary as { uplinks?: { sent: number; delivered: number; deliveryRatio: number | null } }).uplinks;
  if (uplinks) lines.push(`  uplinks to every gateway in range: ${grouped(uplinks.delivered)} of ${grouped(uplinks.sent)} reached the network (${uplinks.deliveryRatio === null ? 'n/a' : `${(100 * uplinks.deliveryRatio).toFixed(2)} %`}); DER above is per gateway`);
  for (const line of linkLayerLines(summary)) lines.push(line);
  if (deliveredNothing.count > 0) {
    const named = deliveredNothing.first.slice(0, 10).join(', ');
    lines.push(`  ${counted(deliveredNothing.count, 'node')} delivered nothing (tried to send; no frame received anywhere): ${named}${deliveredNothing.count > 10 ? ', …' : ''} (nodes.csv: receptionsReceived 0)`);
  }
  return lines;
}

interface Death {
  readonly days: number | null;
  readonly node: string | null;
  readonly basis: string | null;
}

/** Days for people: hours below two days, years above two years. */
function days(value: number): string {
  if (value < 2) return humanDuration(value * 86_400_000);
  if (value >= 730) return `${(value / 365.25).toFixed(1)} years`;
  return `${value.toFixed(1)} d`;
}

/** What the LoRaWAN layer and the peer MAC did (runs with `lorawan` or `peerMac`). */
function linkLayerLines(summary: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const messages = (summary as { messages: { unicastSent: number; unicastDelivered: number } }).messages;
  const l = (summary as { lorawan?: { uplinks: { first: number; retransmissions: number }; confirmed: { acked: number; failed: number }; acks: { sent: number; received: number; notSent: number }; adr: { linkAdrReqSent: number; applied: number; devicesBySfAtEnd: Record<string, number> } } }).lorawan;
  if (l) {
    lines.push(`  LoRaWAN: ${grouped(messages.unicastDelivered)} of ${grouped(messages.unicastSent)} messages reached the network; ${grouped(l.uplinks.first)} uplinks sent ${grouped(l.uplinks.first + l.uplinks.retransmissions)} times`);
    if (l.confirmed.acked + l.confirmed.failed > 0) lines.push(`  confirmed: ${grouped(l.confirmed.acked)} acknowledged, ${grouped(l.confirmed.failed)} given up; ACKs sent ${grouped(l.acks.sent)}, received ${grouped(l.acks.received)}, never sent ${grouped(l.acks.notSent)} (gateway duty cycle)`);
    if (l.adr.linkAdrReqSent > 0) lines.push(`  ADR: ${grouped(l.adr.linkAdrReqSent)} LinkADRReq sent, ${grouped(l.adr.applied)} applied; devices at the end: ${Object.entries(l.adr.devicesBySfAtEnd).map(([sf, n]) => `${sf} ${n}`).join(', ')} (adr.csv)`);
  }
  const p = (summary as { peerMac?: { framesAwaitingAck: number; acked: number; retransmissions: number; failed: number; acksNotSent: number; channelBusy: number } }).peerMac;
  if (p && p.framesAwaitingAck > 0) lines.push(`  peer MAC: ${grouped(p.acked)} of ${grouped(p.framesAwaitingAck)} frames acknowledged, ${grouped(p.retransmissions)} retransmissions, ${grouped(p.failed)} given up, ${grouped(p.acksNotSent)} ACKs not sent (duty cycle)`);
  if (p && p.channelBusy > 0) lines.push(`  listen before talk: ${counted(p.channelBusy, 'frame')} deferred by a busy channel`);
  return lines;
}
