/**
 * Swarm inference's result files: tokens.csv (one row per token pass), requests.csv (one row
 * per request), placement.csv (one row per unit copy), and the keys summary.json adds.
 * Numbers are rounded to fixed decimals so that the files are byte-identical for the same
 * scenario and seed on any transport. Columns: docs/reference/outputs.md ("Model-serving files").
 */
import { networkLifetime, nodeLifetime } from '../metrics/lifetime.ts';
import { stringify } from 'csv-stringify/sync';
import type { EnergyTotals } from '../hw/energy-ledger.ts';
import type { NodeTally } from '../metrics/radio-tracker.ts';
import { percentile, round } from '../metrics/stats.ts';
import { subBandOf, type Region, type SubBand } from '../radio/regions.ts';
import type { Plan } from '../placement/place.ts';
import { componentKeys } from './components.ts';
import type { InferenceEngine } from './engine.ts';
import { tokenJoules, type TokenRecord } from './records.ts';

const ms = (value: number): number => round(value, 3);
const j = (uj: number): number => round(uj / 1e6, 9);
const maybe = (value: number, f: (v: number) => number): number | string => (Number.isFinite(value) ? f(value) : '');

export const tokenColumns = [
  'request', 'position', 'kind', 'input', 'output', 'positions', 'drafted', 'accepted', 'emitted', 'status', 'startMs', 'endMs', 'latencyMs', ...componentKeys, 'hops', 'frames', 'phyBytes', 'framesAirtimeMs',
  'energyJ', 'transmitJ', 'receiveJ', 'computeJ', 'processingJ', 'experts', 'expertsDropped', 'expertsSkipped', 'sharedExpertsDropped', 'attempts', 'matchesReference',
] as const;

export function tokensCsv(engine: InferenceEngine, symbols: readonly string[]): string {
  const symbol = (id: number): string => (id < 0 ? '' : (symbols[id] ?? String(id)));
  const rows = engine.tokens.map((t) => [
    t.request,
    t.position,
    t.kind,
    symbol(t.input),
    symbol(t.output),
    t.positions,
    t.drafted,
    t.accepted,
    t.emitted,
    t.status,
    ms(t.startMs),
    maybe(t.endMs, ms),
    maybe(t.endMs - t.startMs, ms),
    ...componentKeys.map((key) => ms(t.components[key])),
    t.hops,
    t.frames,
    t.phyBytes,
    ms(t.framesAirtimeMs),
    round(tokenJoules(t), 9),
    j(t.energyUj.transmit),
    j(t.energyUj.receive),
    j(t.energyUj.compute),
    j(t.energyUj.idle),
    t.experts.map((layer) => layer.join('+')).join('|'),
    t.expertsDropped,
    t.expertsSkipped,
    t.sharedExpertsDropped,
    t.attempts,
    t.matchesReference === undefined ? '' : t.matchesReference ? 1 : 0,
  ]);
  return stringify([[...tokenColumns], ...rows]);
}

export const requestColumns = ['request', 'entry', 'status', 'arrivalMs', 'admittedMs', 'firstTokenMs', 'endMs', 'timeToFirstTokenMs', 'tokens', 'tokensPerMinute', 'energyJ', 'text'] as const;

export function requestsCsv(engine: InferenceEngine, nodeIds: readonly string[]): string {
  const rows = engine.requests.map((r) => {
    const generated = r.tokens.reduce((sum, t) => sum + (t.kind === 'generated' && t.status === 'ok' ? t.emitted : 0), 0);
    const spanMs = r.endMs - r.arrivalMs;
    return [
      r.request,
      nodeIds[r.entry] ?? '',
      r.status === 'waiting' || r.status === 'running' ? 'unfinished' : r.status,
      ms(r.arrivalMs),
      maybe(r.admittedMs, ms),
      maybe(r.firstTokenMs, ms),
      maybe(r.endMs, ms),
      maybe(r.firstTokenMs - r.arrivalMs, ms),
      generated,
      Number.isFinite(spanMs) && spanMs > 0 ? round((generated * 60_000) / spanMs, 6) : '',
      round(r.tokens.reduce((sum, t) => sum + tokenJoules(t), 0), 9),
      r.text,
    ];
  });
  return stringify([[...requestColumns], ...rows]);
}

export function placementCsv(plan: Plan, nodeIds: readonly string[]): string {
  const rows: (string | number)[][] = [];
  plan.units.forEach((unit, u) => {
    plan.holders[u]!.forEach((node, replica) => rows.push([unit.id, unit.kind, unit.layer, replica, nodeIds[node]!, unit.weightBytes, unit.kvBytes, unit.workBytes, round(unit.load, 6)]));
  });
  return stringify([['unit', 'kind', 'layer', 'replica', 'node', 'weightBytes', 'kvBytes', 'workBytes', 'load'], ...rows]);
}

/** Busiest sub-band allowance used per node over `durationMs` (1 = at the legal limit). */
export function dutyCycleUtilisation(tallies: readonly NodeTally[], region: Region, durationMs: number): number[] {
  return tallies.map((tally) => {
    const byBand = new Map<SubBand, number>();
    for (const [channelHz, airtimeMs] of tally.airtimeByChannelMs) {
      const band = subBandOf(region, channelHz)!;
      byBand.set(band, (byBand.get(band) ?? 0) + airtimeMs);
    }
    return [...byBand].reduce((most, [band, airtimeMs]) => Math.max(most, airtimeMs / durationMs / band.dutyCycle), 0);
  });
}

export interface InferenceSummaryInput {
  readonly engine: InferenceEngine;
  readonly plan: Plan;
  readonly nodeIds: readonly string[];
  readonly energy: readonly EnergyTotals[];
  readonly tallies: readonly NodeTally[];
  readonly region: Region;
  readonly durationMs: number;
  /** Mains-powered nodes (no lifetime). */
  readonly mains: readonly boolean[];
}

/**
 * Battery lifetime extrapolated from the run: each battery node lasts its remaining charge at
 * the average net current it drew over the run (or died when it died); the swarm's lifetime is
 * its first node's. An extrapolation from a steady window, not a simulation to the end.
 */
export function extrapolatedLifetime(energy: readonly EnergyTotals[], mains: readonly boolean[], durationMs: number, nodeIds: readonly string[]): { days: number | null; node: string | null } {
  const first = networkLifetime(energy.map((e, i) => nodeLifetime(e, mains[i]!, durationMs)), nodeIds).firstDeath;
  return { days: first.days, node: first.node };
}

const stats = (values: readonly number[]): { p50: number | null; p95: number | null; p99: number | null; mean: number | null } => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number | null => {
    const v = percentile(sorted, p);
    return v === undefined ? null : ms(v);
  };
  return { p50: at(50), p95: at(95), p99: at(99), mean: sorted.length > 0 ? ms(sorted.reduce((s, v) => s + v, 0) / sorted.length) : null };
};

/**
 * What the passes that generated tokens cost per token (plain: one token per pass; speculative
 * decoding: the confirmed draft tokens and one more), so that the two decoders compare.
 */
function decodingSummary(generated: readonly TokenRecord[], tokens: number): Record<string, unknown> {
  const sum = (f: (t: TokenRecord) => number): number => generated.reduce((total, t) => total + f(t), 0);
  const drafted = sum((t) => t.drafted);
  const perToken = (value: number): number | null => (tokens > 0 ? value / tokens : null);
  const maybeRound = (value: number | null, digits: number): number | null => (value === null ? null : round(value, digits));
  return {
    generatingPasses: generated.length,
    positionsPerPass: generated.length > 0 ? round(sum((t) => t.positions) / generated.length, 6) : null,
    tokensPerPass: generated.length > 0 ? round(tokens / generated.length, 6) : null,
    drafted,
    accepted: sum((t) => t.accepted),
    acceptanceRate: drafted > 0 ? round(sum((t) => t.accepted) / drafted, 6) : null,
    msPerToken: maybeRound(perToken(sum((t) => t.endMs - t.startMs)), 3),
    framesPerToken: maybeRound(perToken(sum((t) => t.frames)), 6),
    phyBytesPerToken: maybeRound(perToken(sum((t) => t.phyBytes)), 3),
    framesAirtimeMsPerToken: maybeRound(perToken(sum((t) => t.framesAirtimeMs)), 3),
    joulesPerToken: maybeRound(perToken(sum(tokenJoules)), 9),
  };
}

/** The keys summary.json adds for a run that served a model (docs/reference/outputs.md). */
export function inferenceSummary(input: InferenceSummaryInput): Record<string, unknown> {
  const { engine, plan, nodeIds } = input;
  const generated = engine.tokens.filter((t) => t.kind === 'generated' && t.status === 'ok');
  const passes = engine.tokens.filter((t) => t.status === 'ok');
  // Tokens emitted: one per generating pass in plain decoding, the confirmed draft and one more in speculative.
  const tokens = generated.reduce((sum, t) => sum + t.emitted, 0);
  const joules = generated.map(tokenJoules).sort((a, b) => a - b);
  // Each pass's joules shared among the tokens it emitted (plain decoding: a pass's own).
  const joulesShared = generated.map((t) => tokenJoules(t) / Math.max(1, t.emitted)).sort((a, b) => a - b);
  const totalLoadJ = input.energy.reduce((sum, e) => sum + e.loadEnergyUj, 0) / 1e6;
  const hours = input.durationMs / 3_600_000;
  const compared = generated.filter((t) => t.matchesReference !== undefined);
  const utilisation = dutyCycleUtilisation(input.tallies, input.region, input.durationMs);
  const weights = plan.nodes.map((node) => node.weightBytes);
  const totalWeights = weights.reduce((s, w) => s + w, 0);
  const mean = (values: readonly number[]): number | null => (values.length > 0 ? values.reduce((s, v) => s + v, 0) / values.length : null);
  const requests = engine.requests;
  const ttft = requests.filter((r) => Number.isFinite(r.firstTokenMs)).map((r) => r.firstTokenMs - r.arrivalMs);
  return {
    tokens,
    latencyMs: stats(generated.map((t) => t.endMs - t.startMs)),
    latencyComponentsMs: Object.fromEntries(componentKeys.map((key) => [key, ms(mean(generated.map((t) => t.components[key])) ?? 0)])),
    joulesPerToken: {
      mean: tokens > 0 ? round(joules.reduce((s, v) => s + v, 0) / tokens, 9) : null,
      p95: joulesShared.length > 0 ? round(percentile(joulesShared, 95)!, 9) : null,
      // Every joule every node drew during the run (sleep, listening, idle included), per token.
      withBackground: tokens > 0 ? round(totalLoadJ / tokens, 9) : null,
    },
    tokensPerHour: tokens > 0 ? round(tokens / ((generated.reduce((last, t) => Math.max(last, t.endMs), Number.NEGATIVE_INFINITY) - requests.reduce((first, r) => Math.min(first, r.arrivalMs), Number.POSITIVE_INFINITY)) / 3_600_000), 6) : 0,
    lifetime: extrapolatedLifetime(input.energy, input.mains, input.durationMs, nodeIds),
    fidelity: { top1: compared.length > 0 ? round(compared.filter((t) => t.matchesReference).length / compared.length, 6) : null, compared: compared.length },
    expertLoad: engine.expertLoad.map((row) => [...row]),
    dutyCycleUtilisation: Object.fromEntries(nodeIds.map((id, i) => [id, round(utilisation[i]!, 6)])),
    requests: {
      total: requests.length,
      complete: requests.filter((r) => r.status === 'complete').length,
      failed: requests.filter((r) => r.status === 'failed').length,
      unfinished: requests.filter((r) => r.status === 'waiting' || r.status === 'running').length,
      timeToFirstTokenMs: stats(ttft),
      texts: requests.map((r) => r.text),
    },
    inference: {
      placement: plan.strategy,
      nodesHoldingUnits: plan.usedNodes,
      pipelines: plan.pipelines.length,
      entry: nodeIds[plan.entry],
      largestShareOfWeights: totalWeights > 0 ? round(weights.reduce((most, w) => Math.max(most, w), Number.NEGATIVE_INFINITY) / totalWeights, 6) : 0,
      expectedAirtimeMsPerToken: ms(plan.expectedAirtimeMsPerToken),
      tokenPasses: passes.length,
      framesPerToken: round(mean(passes.map((t) => t.frames)) ?? 0, 6),
      hopsPerToken: round(mean(passes.map((t) => t.hops)) ?? 0, 6),
      // Time on air of every frame a token pass caused (all branches and hops), and its share on the critical path.
      framesAirtimeMsPerToken: ms(mean(passes.map((t) => t.framesAirtimeMs)) ?? 0),
      criticalAirtimeMsPerToken: ms(mean(passes.map((t) => t.components.airtimeMs)) ?? 0),
      expertsDropped: engine.tokens.reduce((s, t) => s + t.expertsDropped, 0),
      expertsSkipped: engine.tokens.reduce((s, t) => s + t.expertsSkipped, 0),
      sharedExpertsDropped: engine.tokens.reduce((s, t) => s + t.sharedExpertsDropped, 0),
      failedTokens: engine.tokens.filter((t) => t.status === 'failed').length,
      decoding: decodingSummary(generated, tokens),
      ...engine.counters,
      // Energy no token caused (sleep, listening, idle), per node and hour of the run.
      backgroundJPerHour: Object.fromEntries(nodeIds.map((id, i) => [id, round((input.energy[i]!.loadEnergyUj - engine.attributedUj[i]!) / 1e6 / hours, 6)])),
    },
  };
}

export type { TokenRecord };
