/**
 * sizing.csv and sizing-runs.csv (docs/reference/outputs.md#sizing-files): one row per case
 * (variant and count) with each figure's mean and 95 % interval, and one row per run.
 */
import { stringify } from 'csv-stringify/sync';
import { round } from '../../metrics/stats.ts';
import type { CountResult, Estimate } from '../../placement/sizing.ts';
import type { RunFigures } from './size-runs.ts';

export interface SizingFiles {
  /** The variants in their order (--mcus, then --vary). */
  readonly variants: readonly string[];
  mcuOf(variant: string): string;
  /** The other keys varied, e.g. "radio.sf=7 model.bits=8". */
  setting(variant: string): string;
  meetsTargets(result: CountResult): boolean;
  /** Whether the bisection after the ladder tried this count. */
  bisected(result: CountResult): boolean;
}

/** A figure rounded for a CSV cell; an empty cell when there is none (NaN, infinite), as in every other file. */
function cell(value: number, digits: number): number | string {
  return Number.isFinite(value) ? round(value, digits) : '';
}

const interval = (x: Estimate | undefined, digits: number): (number | string)[] => (x ? [cell(x.mean, digits), cell(x.low, digits), cell(x.high, digits)] : ['', '', '']);

export function sizingCsv(results: readonly CountResult[], runs: readonly RunFigures[], f: SizingFiles): string {
  const header = ['mcu', 'nodes', 'feasible', 'seeds', 'p95LatencyMs', 'p95LatencyMsLow', 'p95LatencyMsHigh', 'joulesPerToken', 'joulesPerTokenLow', 'joulesPerTokenHigh', 'lifetimeDays', 'lifetimeDaysLow', 'lifetimeDaysHigh', 'tokensPerHour', 'tokensPerHourLow', 'tokensPerHourHigh', 'completedShare', 'meetsTargets', 'bisected', 'why', 'settings', 'deliveryRatio', 'deliveryRatioLow', 'deliveryRatioHigh', 'accuracy', 'accuracyLow', 'accuracyHigh', 'energyJ', 'energyJLow', 'energyJHigh', 'timeToAccuracyMs', 'timeToAccuracyMsLow', 'timeToAccuracyMsHigh', 'capacityTokensPerHour', 'capacityTokensPerHourLow', 'capacityTokensPerHourHigh'];
  const feasibleRuns = (r: CountResult): number => runs.filter((run) => run.variant === r.variant && run.nodes === r.nodes && run.feasible).length;
  const rows = results.map((r) => [
    f.mcuOf(r.variant),
    r.nodes,
    r.feasible ? 1 : 0,
    feasibleRuns(r),
    ...interval(r.p95LatencyMs, 3),
    ...interval(r.joulesPerToken, 9),
    ...interval(r.lifetimeDays, 6),
    ...interval(r.tokensPerHour, 6),
    r.completedShare ? round(r.completedShare.mean, 6) : '',
    f.meetsTargets(r) ? 1 : 0,
    f.bisected(r) ? 1 : 0,
    r.why ?? '',
    f.setting(r.variant),
    ...interval(r.deliveryRatio, 6),
    ...interval(r.accuracy, 6),
    ...interval(r.energyJ, 6),
    ...interval(r.timeToAccuracyMs, 3),
    ...interval(r.capacity, 6),
  ]);
  return stringify([header, ...rows]);
}

export function sizingRunsCsv(runs: readonly RunFigures[], f: SizingFiles): string {
  const ordered = [...runs].sort((a, b) => f.variants.indexOf(a.variant) - f.variants.indexOf(b.variant) || a.nodes - b.nodes || a.seed - b.seed);
  const header = ['mcu', 'nodes', 'seed', 'feasible', 'nodesHoldingUnits', 'p95LatencyMs', 'joulesPerToken', 'lifetimeDays', 'tokensPerHour', 'completedShare', 'why', 'settings', 'deliveryRatio', 'accuracy', 'energyJ', 'timeToAccuracyMs', 'capacityTokensPerHour', 'capacityBound', 'failedNodes'];
  const row = (r: RunFigures): (string | number)[] => [f.mcuOf(r.variant), r.nodes, r.seed, r.feasible ? 1 : 0, r.nodesHoldingUnits, cell(r.p95LatencyMs, 3), cell(r.joulesPerToken, 9), cell(r.lifetimeDays, 6), cell(r.tokensPerHour, 6), cell(r.completedShare, 6), r.why, f.setting(r.variant), cell(r.deliveryRatio, 6), cell(r.accuracy, 6), cell(r.energyJ, 6), cell(r.timeToAccuracyMs, 3), cell(r.capacityTokensPerHour, 6), r.capacityBound, r.failed ?? ''];
  return stringify([header, ...ordered.map(row)]);
}
