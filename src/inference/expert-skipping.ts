/**
 * Link-aware expert choice (issue 21, point 5): of the routed experts the gate chose, those
 * whose call would cross a costly link and that weigh little in the mix are skipped, and the
 * others' weights renormalised (by the combine, as for a dropped expert). The cost is the
 * route's expected airtime from the attention node to the expert's serving node (one way);
 * an expert served on the attention node itself costs nothing and is never skipped. Related
 * work weighs channel quality in the gate (Song et al. 2025, "Mixture-of-Experts for
 * Distributed Edge Computing with Channel-Aware Gating Function",
 * https://arxiv.org/abs/2504.00819) or selects experts against communication cost ("Optimal
 * Expert Selection for Distributed Mixture-of-Experts at the Wireless Edge", 2025,
 * https://arxiv.org/abs/2503.13421), with channel models; here the swarm measures what
 * skipping costs in fidelity against the full model, frame by frame.
 */

export interface SkipRule {
  /** Expected airtime (ms, one way) above which an expert may be skipped. */
  readonly maxCallMs: number;
  /** Normalised gate weight below which it is. */
  readonly maxWeight: number;
}

/**
 * The positions (in `experts`) of the chosen experts to skip: served by another node at a
 * route cost above `maxCallMs`, with a gate weight below `maxWeight` (weights normalised over
 * the chosen experts). At least one routed expert is kept: the heaviest, ties to the first.
 */
export function expertsToSkip(rule: SkipRule, experts: readonly number[], weights: readonly number[], serving: readonly number[], from: number, costMs: (a: number, b: number) => number): number[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  const skip: number[] = [];
  experts.forEach((e, k) => {
    const at = serving[e]!;
    if (at < 0 || at === from) return;
    if (costMs(from, at) > rule.maxCallMs && weights[k]! / total < rule.maxWeight) skip.push(k);
  });
  if (skip.length < experts.length) return skip;
  const heaviest = weights.reduce((best, w, k) => (w > weights[best]! ? k : best), 0);
  return skip.filter((k) => k !== heaviest);
}
