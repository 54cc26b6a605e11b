/** The table `sweep` and `sweep merge` print: run, swept values, seed and headline metrics. */
import { flattenSummary, type SweepRow, type SweptValue } from '../../run/sweep.ts';

/** The summary figures the table shows, those the summary has. */
const headlineMetrics = ['frames.sent', 'der', 'messages.latencyMs.p95', 'energyJ.total', 'nodes.died'];

/**
 * Run, swept values, seed and the headline metrics, in aligned columns, one line each.
 *
 * @example
 * sweepTable(rows) // 'run  groups.1.count  seed  frames.sent  der …\n1    10              1     33           1 …\n'
 */
export function sweepTable(rows: readonly SweepRow[]): string {
  const first = new Map(flattenSummary(rows[0]?.summary ?? {}));
  const metrics = headlineMetrics.filter((path) => first.has(path));
  // As in sweep.csv, a swept `seed` shows in the seed column, as the run's actual seed.
  const sweptOf = (row: SweepRow): readonly SweptValue[] => row.swept.filter((value) => value.key !== 'seed');
  const header = ['run', ...(rows[0] ? sweptOf(rows[0]) : []).map((value) => value.key), 'seed', ...metrics];
  const lines = rows.map((row) => {
    const leaves = new Map(flattenSummary(row.summary));
    const shown = metrics.map((path) => leaves.get(path) ?? null).map((value) => (value === null ? 'n/a' : String(value)));
    return [String(row.run), ...sweptOf(row).map((value) => value.value), String(row.seed), ...shown];
  });
  // A reduction, not a spread: a sweep may have 10,000 rows (issue 14, item 7).
  const widths = header.map((title, column) => lines.reduce((width, line) => Math.max(width, line[column]!.length), title.length));
  return [header, ...lines].map((line) => `${line.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()}\n`).join('');
}
