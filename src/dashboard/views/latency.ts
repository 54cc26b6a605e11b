/**
 * The token-latency view's data (issue 8): a histogram and the empirical CDF of the generated
 * tokens' latencies, their p50/p95/p99 (nearest rank, as summary.json computes them), and the
 * mean of each latency part. Pure: the browser draws what this returns.
 */
import { percentile } from '../../metrics/stats.ts';

export interface TokenLatency {
  readonly latencyMs: number;
  readonly parts: Readonly<Record<string, number>>;
}

export interface LatencyView {
  readonly count: number;
  /** Equal-width bins over [min, max] (one bin when all latencies are equal). */
  readonly histogram: readonly { readonly x0: number; readonly x1: number; readonly count: number }[];
  /** Each distinct latency with the share of tokens at or below it. */
  readonly cdf: readonly { readonly ms: number; readonly p: number }[];
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  /** Mean of each part over the tokens, in the parts' order of the first token. */
  readonly breakdown: readonly { readonly part: string; readonly meanMs: number }[];
}

export function latencyView(tokens: readonly TokenLatency[], bins = 20): LatencyView {
  const sorted = tokens.map((t) => t.latencyMs).sort((a, b) => a - b);
  const count = sorted.length;
  const at = (p: number): number | null => percentile(sorted, p) ?? null;
  if (count === 0) return { count, histogram: [], cdf: [], p50: null, p95: null, p99: null, breakdown: [] };
  const min = sorted[0]!;
  const max = sorted[count - 1]!;
  const n = max > min ? bins : 1;
  const width = max > min ? (max - min) / n : 1;
  const histogram = Array.from({ length: n }, (_, i) => ({ x0: min + i * width, x1: i === n - 1 ? max : min + (i + 1) * width, count: 0 }));
  for (const v of sorted) histogram[Math.min(n - 1, Math.floor((v - min) / width))]!.count++;
  const cdf: { ms: number; p: number }[] = [];
  sorted.forEach((v, i) => {
    if (i + 1 < count && sorted[i + 1] === v) return;
    cdf.push({ ms: v, p: (i + 1) / count });
  });
  const parts = Object.keys(tokens[0]!.parts);
  const breakdown = parts.map((part) => ({ part, meanMs: tokens.reduce((s, t) => s + (t.parts[part] ?? 0), 0) / count }));
  return { count, histogram, cdf, p50: at(50), p95: at(95), p99: at(99), breakdown };
}
