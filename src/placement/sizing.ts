/**
 * Sizing (issue 6, "Sizing and sweeps"): the node counts to try, the statistics over seeds, and
 * the choice of the smallest count that meets every target. Pure.
 *
 * A count meets a target on the conservative side of its 95 % confidence interval over the
 * seeds: the upper bounds of the ceilings (p95 token latency, energy, time to accuracy) at most
 * their targets, the lower bounds of the floors (lifetime, tokens per hour, delivery ratio,
 * accuracy) at least theirs. With one seed the interval is the value.
 *
 * The figures sized here are positive and skewed (latencies, joules, days, tokens), so their
 * interval is Student's t on the logarithms (the geometric mean's interval, mapped back), which
 * never crosses zero and needs no clamping; shares (delivery ratios, accuracies) take it on the
 * logits, which keeps them inside (0, 1); a figure with a zero (or a share with a 1) among its
 * values falls back to the next scale, and the plain t interval, uncut.
 */

export class SizingError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'SizingError';
  }
}

/**
 * Node counts from `a..b` (a ladder of steps of about ×1.25 from a to b, both included, for
 * wide ranges; every count for ranges of at most 12), `a..b/s` (every s-th count) or a list
 * `8,12,16`.
 */
export function parseCounts(text: string): number[] {
  const range = /^\s*(\d+)\s*\.\.\s*(\d+)\s*(?:\/\s*(\d+)\s*)?$/.exec(text);
  let counts: number[];
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    if (a < 1 || b < a) throw new SizingError(`expected a range a..b with 1 ≤ a ≤ b, found ${JSON.stringify(text)}`);
    if (range[3] !== undefined) {
      const step = Number(range[3]);
      if (step < 1) throw new SizingError(`expected a step ≥ 1, found ${JSON.stringify(text)}`);
      counts = [];
      for (let n = a; n <= b; n += step) counts.push(n);
      if (counts[counts.length - 1] !== b) counts.push(b);
    } else if (b - a <= 12) counts = Array.from({ length: b - a + 1 }, (_, i) => a + i);
    else {
      counts = [a];
      while (counts[counts.length - 1]! < b) counts.push(Math.min(b, Math.max(counts[counts.length - 1]! + 1, Math.round(counts[counts.length - 1]! * 1.25))));
    }
  } else if (/^\s*\d+(\s*,\s*\d+)*\s*$/.test(text)) {
    counts = [...new Set(text.split(',').map((part) => Number(part.trim())))].sort((x, y) => x - y);
    if (counts[0]! < 1) throw new SizingError(`expected node counts ≥ 1, found ${JSON.stringify(text)}`);
  } else throw new SizingError(`expected a..b, a..b/step or a list such as 8,12,16, found ${JSON.stringify(text)}`);
  if (counts.length > 200) throw new SizingError(`expected at most 200 node counts, found ${counts.length} in ${JSON.stringify(text)}`);
  return counts;
}

/** Two-sided 95 % Student-t quantiles by degrees of freedom (standard tables); 1.96 beyond 30. */
const t95 = [Number.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export interface Estimate {
  readonly mean: number;
  /** 95 % confidence interval over the seeds (the value itself with one seed): on the log scale for positive figures. */
  readonly low: number;
  readonly high: number;
  readonly n: number;
}

export function estimate(values: readonly number[], kind: 'positive' | 'share' = 'positive'): Estimate | undefined {
  // Lifetimes of swarms on mains are infinite: so is their estimate.
  if (values.length > 0 && values.every((v) => v === Number.POSITIVE_INFINITY)) return { mean: Number.POSITIVE_INFINITY, low: Number.POSITIVE_INFINITY, high: Number.POSITIVE_INFINITY, n: values.length };
  const finite = values.filter((v) => Number.isFinite(v));
  const n = finite.length;
  if (n === 0) return undefined;
  const mean = finite.reduce((s, v) => s + v, 0) / n;
  if (n === 1) return { mean, low: mean, high: mean, n };
  const t = t95[n - 1] ?? 1.96;
  // Shares strictly between 0 and 1 on the logit scale (the interval stays inside (0, 1)); positive figures on the log scale.
  const scale = kind === 'share' && finite.every((v) => v > 0 && v < 1) ? logit : finite.every((v) => v > 0) ? log : undefined;
  if (scale) {
    const mapped = finite.map((v) => scale.to(v));
    const centre = mapped.reduce((s, v) => s + v, 0) / n;
    const half = t * Math.sqrt(mapped.reduce((s, v) => s + (v - centre) ** 2, 0) / (n - 1) / n);
    // Equal values give exactly their value (exp(log(v)) can be off by an ulp).
    if (half === 0) return { mean, low: finite[0]!, high: finite[0]!, n };
    return { mean, low: scale.from(centre - half), high: scale.from(centre + half), n };
  }
  const half = t * Math.sqrt(finite.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) / n);
  return { mean, low: mean - half, high: mean + half, n };
}

const log = { to: Math.log, from: Math.exp };
const logit = { to: (p: number): number => Math.log(p / (1 - p)), from: (x: number): number => 1 / (1 + Math.exp(-x)) };

export interface Targets {
  readonly p95LatencyMs?: number;
  readonly lifetimeDays?: number;
  readonly tokensPerHour?: number;
  /** Share of the messages (uplinks, counted once however many gateways heard them) delivered, 0..1. */
  readonly deliveryRatio?: number;
  /** Final validation accuracy of a federated run, 0..1. */
  readonly accuracy?: number;
  /** Joules: to the accuracy target in a federated run, the whole run's otherwise. */
  readonly energyJ?: number;
  /** Simulated time until a federated run first reaches the accuracy target, ms. */
  readonly timeToAccuracyMs?: number;
}

export interface CountResult {
  readonly nodes: number;
  readonly variant: string;
  /** False when the model did not fit (every seed). */
  readonly feasible: boolean;
  readonly p95LatencyMs: Estimate | undefined;
  readonly joulesPerToken: Estimate | undefined;
  readonly lifetimeDays: Estimate | undefined;
  readonly tokensPerHour: Estimate | undefined;
  /** Requests served (inference only: undefined for other workloads). */
  readonly completedShare: Estimate | undefined;
  readonly deliveryRatio?: Estimate | undefined;
  readonly accuracy?: Estimate | undefined;
  readonly energyJ?: Estimate | undefined;
  readonly timeToAccuracyMs?: Estimate | undefined;
  /** Tokens per hour the case sustains (size --capacity, or a tokens/h target): the tokens/h target is checked against it. */
  readonly capacity?: Estimate | undefined;
  /** What binds this case, from its first seed: the memory that ran out, or what the latency and the lifetime are made of. */
  readonly why?: string;
}

export type TargetName = 'p95 latency' | 'lifetime' | 'tokens/h' | 'delivery ratio' | 'accuracy' | 'energy' | 'time to accuracy';

/**
 * Every target: a ceiling (the interval's upper bound must be at most it) or a floor (its lower
 * bound at least it), in the order the reports list them.
 */
export const targetKinds: readonly { readonly key: keyof Targets; readonly target: TargetName; readonly ceiling: boolean; readonly figure: (r: CountResult) => Estimate | undefined }[] = [
  { key: 'p95LatencyMs', target: 'p95 latency', ceiling: true, figure: (r) => r.p95LatencyMs },
  { key: 'lifetimeDays', target: 'lifetime', ceiling: false, figure: (r) => r.lifetimeDays },
  // What the swarm sustains when it was measured, else what it served at the scenario's request rate.
  { key: 'tokensPerHour', target: 'tokens/h', ceiling: false, figure: (r) => r.capacity ?? r.tokensPerHour },
  { key: 'deliveryRatio', target: 'delivery ratio', ceiling: false, figure: (r) => r.deliveryRatio },
  { key: 'accuracy', target: 'accuracy', ceiling: false, figure: (r) => r.accuracy },
  { key: 'energyJ', target: 'energy', ceiling: true, figure: (r) => r.energyJ },
  { key: 'timeToAccuracyMs', target: 'time to accuracy', ceiling: true, figure: (r) => r.timeToAccuracyMs },
];

/** Whether a count meets every target (conservative side of each interval); in serving runs, every request must complete. */
export function meets(result: CountResult, targets: Targets): boolean {
  if (!result.feasible || (result.completedShare !== undefined && result.completedShare.low < 1)) return false;
  return checkTargets(result, targets).every((check) => check.met);
}

/** The smallest count (then the first variant in the given order) that meets every target. */
export function smallestMeeting(results: readonly CountResult[], targets: Targets, variants: readonly string[]): CountResult | undefined {
  return [...results].filter((r) => meets(r, targets)).sort((a, b) => a.nodes - b.nodes || variants.indexOf(a.variant) - variants.indexOf(b.variant))[0];
}

/**
 * The true minimum (issue 19, point 3): after a ladder of counts, the count to try next for
 * `variant`: halfway between the largest count below the smallest passing one that fails, and
 * that passing count; undefined when they are adjacent (or nothing passes, or the smallest
 * count tried passes). Assumes meeting the targets is monotone in the count between the two
 * (more boards never hold less): every count tried is reported, so a reader sees any exception.
 *
 * @example
 * nextBisection([{ nodes: 10, … fails }, { nodes: 13, … passes }], targets, 'nrf52840'); // 11
 */
export function nextBisection(results: readonly CountResult[], targets: Targets, variant: string): number | undefined {
  const mine = results.filter((r) => r.variant === variant).sort((a, b) => a.nodes - b.nodes);
  const pass = mine.find((r) => meets(r, targets));
  if (!pass) return undefined;
  const below = mine.filter((r) => r.nodes < pass.nodes);
  const fail = below[below.length - 1];
  if (!fail || pass.nodes - fail.nodes <= 1) return undefined;
  return Math.floor((fail.nodes + pass.nodes) / 2);
}

export interface TargetCheck {
  readonly target: TargetName;
  /** The conservative side of the interval: what is compared with the target; NaN when the case has no such figure (an accuracy never reached). */
  readonly value: number;
  readonly limit: number;
  readonly met: boolean;
  /** Relative margin to the target: positive when met (e.g. 0.23: 23 % below a latency ceiling). */
  readonly margin: number;
}

/**
 * Each target against a count's result, on the conservative side of its interval, with the
 * margin. A feasible case without the figure (no token served, an accuracy never reached)
 * misses the target; a case whose model does not fit is left out (nothing was measured).
 */
export function checkTargets(result: CountResult, targets: Targets): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const { key, target, ceiling, figure: of } of targetKinds) {
    const limit = targets[key];
    if (limit === undefined) continue;
    const figure = of(result);
    if (!figure) {
      if (result.feasible) checks.push({ target, value: Number.NaN, limit, met: false, margin: Number.NaN });
      continue;
    }
    const value = ceiling ? figure.high : figure.low;
    checks.push({ target, value, limit, met: ceiling ? value <= limit : value >= limit, margin: ceiling ? 1 - value / limit : value / limit - 1 });
  }
  return checks;
}

export const objectives = ['nodes', 'energy', 'cost', 'lifetime'] as const;
export type Objective = (typeof objectives)[number];

/**
 * The case an objective picks among those that meet every target (issue 19, point 4):
 * `nodes` the fewest boards (then the first variant given), `energy` the fewest joules per
 * token (mean; without tokens, the fewest joules: to the accuracy target, or over the run), `cost` the lowest bill of the group's MCUs (count × unit price; variants without
 * a price cannot be costed and are left out), `lifetime` the longest lifetime (its conservative
 * bound). Ties go to fewer nodes, then the variants' order.
 */
export function chooseBy(results: readonly CountResult[], targets: Targets, variants: readonly string[], objective: Objective, priceOf: (variant: string) => number | undefined): CountResult | undefined {
  const order = (a: CountResult, b: CountResult): number => a.nodes - b.nodes || variants.indexOf(a.variant) - variants.indexOf(b.variant);
  const key: Record<Objective, (r: CountResult) => number> = {
    nodes: (r) => r.nodes,
    energy: (r) => r.joulesPerToken?.mean ?? r.energyJ?.mean ?? Number.POSITIVE_INFINITY,
    cost: (r) => r.nodes * (priceOf(r.variant) ?? Number.POSITIVE_INFINITY),
    lifetime: (r) => -(r.lifetimeDays?.low ?? 0),
  };
  const candidates = results.filter((r) => meets(r, targets) && Number.isFinite(key[objective](r)));
  return [...candidates].sort((a, b) => key[objective](a) - key[objective](b) || order(a, b))[0];
}
