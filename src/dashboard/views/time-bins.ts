/**
 * The time grid of the figures a large run's report keeps exact without keeping every row
 * (frames sent, airtime): edges edge(i) = spanMs · i / count, bin i holding what happened in
 * (edge(i−1), edge(i)], bin 0 what happened at or before 0 (times past the span go to further
 * bins of the same width). The report's time slider stands at edge(i), i = 0…1000, when the
 * span is the run's end and `count` the slider's steps, since both compute `spanMs * i / count`:
 * there, the sum of the bins that end by t is exactly the figure "by time t". Pure.
 *
 * @example
 * const bins = { spanMs: 1000, count: 10 };
 * binOf(bins, 0)     // 0
 * binOf(bins, 100)   // 1: (0, 100]
 * binOf(bins, 100.5) // 2
 * sumThrough(bins, [1, 2, 3], 100) // 3: bins 0 and 1 end by 100
 */

export interface TimeBins {
  readonly spanMs: number;
  readonly count: number;
}

/** The i-th edge of the grid (ms), computed as the slider computes its time. */
export function binEdgeMs(bins: TimeBins, i: number): number {
  return (bins.spanMs * i) / bins.count;
}

/** The bin holding `atMs`: the smallest i with atMs ≤ edge(i). */
export function binOf(bins: TimeBins, atMs: number): number {
  if (!(atMs > 0) || !(bins.spanMs > 0)) return 0;
  let i = Math.max(1, Math.ceil((atMs * bins.count) / bins.spanMs));
  while (atMs > binEdgeMs(bins, i)) i++;
  while (i > 1 && atMs <= binEdgeMs(bins, i - 1)) i--;
  return i;
}

/** How many bins end by `t`: the i with edge(i) ≤ t are 0…n−1. */
export function binsThrough(bins: TimeBins, t: number): number {
  if (!(t >= 0)) return 0;
  if (!(bins.spanMs > 0) || !Number.isFinite(t)) return Number.POSITIVE_INFINITY;
  let n = Math.floor((t * bins.count) / bins.spanMs) + 1;
  while (n > 1 && binEdgeMs(bins, n - 1) > t) n--;
  while (binEdgeMs(bins, n) <= t) n++;
  return n;
}

/** The sum of `values[i]` over the bins that end by `t`. */
export function sumThrough(bins: TimeBins, values: readonly number[], t: number): number {
  const n = Math.min(values.length, binsThrough(bins, t));
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  return sum;
}
