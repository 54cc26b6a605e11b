/**
 * The table `sweep` and `sweep merge` print: run, swept values, seed, and the headline metrics
 * of the runs' kind (radio; and token latency and energy for model serving, accuracy and round
 * joules for federated learning) that differ between the rows (all of them when none does).
 */
import { flattenSummary, type SweepRow, type SweptValue } from '../../run/sweep.ts';

/** The summary figures the table may show, those the summary has. */
const headlineMetrics = [
  'frames.sent',
  'der',
  'messages.latencyMs.p95',
  'energyJ.total',
  'nodes.died',
  // Model serving.
  'tokens',
  'latencyMs.p95',
  'joulesPerToken.mean',
  'fidelity.top1',
  // Federated learning.
  'rounds',
  'accuracy.final',
  'accuracy.toTarget.round',
  'federated.roundJoules',
];

/**
 * Run, swept values, seed and the headline metrics, in aligned columns, one line each.
 *
 * @example
 * sweepTable(rows) // 'run  groups.1.count  seed  frames.sent  der …\n1    10              1     33           1 …\n'
 */
export function sweepTable(rows: readonly SweepRow[]): string {
  const first = new Map(flattenSummary(rows[0]?.summary ?? {}));
  const leavesOf = rows.map((row) => new Map(flattenSummary(row.summary)));
  const present = headlineMetrics.filter((path) => first.has(path));
  const differing = present.filter((path) => leavesOf.some((leaves) => leaves.get(path) !== leavesOf[0]!.get(path)));
  const metrics = differing.length > 0 ? differing : present;
  // As in sweep.csv, a swept `seed` shows in the seed column, as the run's actual seed.
  const sweptOf = (row: SweepRow): readonly SweptValue[] => row.swept.filter((value) => value.key !== 'seed');
  const header = ['run', ...(rows[0] ? sweptOf(rows[0]) : []).map((value) => value.key), 'seed', ...metrics];
  const lines = rows.map((row, r) => {
    const leaves = leavesOf[r]!;
    const shown = metrics.map((path) => leaves.get(path) ?? null).map((value) => (value === null ? 'n/a' : String(value)));
    return [String(row.run), ...sweptOf(row).map((value) => value.value), String(row.seed), ...shown];
  });
  // A reduction, not a spread: a sweep may have 10,000 rows (issue 14, item 7).
  const widths = header.map((title, column) => lines.reduce((width, line) => Math.max(width, line[column]!.length), title.length));
  return [header, ...lines].map((line) => `${line.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()}\n`).join('');
}
