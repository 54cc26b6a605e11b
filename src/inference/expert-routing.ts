/**
 * Which node serves each expert for a token, and node-limited routing (issue 6).
 *
 * A layer's attention node calls, for each expert, its nearest live replica: the holder with
 * the least expected airtime over the current routes (itself at no cost), none when every
 * holder is dead or unreachable; with several pipelines, its own pipeline's copy first. Node-limited routing (DeepSeek-V3, §2.1.2 "Node-Limited
 * Routing", https://arxiv.org/abs/2412.19437): each serving node scores the sum of the
 * ⌈K / M⌉ highest biased affinities among the experts it would serve; the token's candidates
 * are the experts of the M best nodes (ties to the lower node index), so its routed experts
 * span at most M nodes.
 */

/**
 * The serving node of every expert (−1 when none is reachable), from its holders and the route
 * costs. With `own`, a pipeline's index: its copy (`nodes[own]`) while it is alive and reachable,
 * else the nearest other.
 */
export function servingNodes(holders: readonly (readonly number[])[], from: number, costMs: (from: number, to: number) => number, alive: (node: number) => boolean, own?: number): number[] {
  return holders.map((nodes) => {
    const mine = own === undefined ? undefined : nodes[own];
    if (mine !== undefined && alive(mine) && (mine === from || Number.isFinite(costMs(from, mine)))) return mine;
    let best = -1;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const node of nodes) {
      if (!alive(node)) continue;
      const cost = node === from ? 0 : costMs(from, node);
      if (cost < bestCost || (cost === bestCost && best >= 0 && node < best)) {
        best = node;
        bestCost = cost;
      }
    }
    return Number.isFinite(bestCost) ? best : -1;
  });
}

/**
 * Candidate experts for a token: all when `maxNodes` is undefined (or at least the number of
 * serving nodes), else those of the `maxNodes` best-scoring nodes. Experts with no serving node
 * stay candidates only without a limit (the gate may choose them; they are then dropped).
 */
export function nodeLimitedCandidates(scores: ArrayLike<number>, serving: readonly number[], topK: number, maxNodes: number | undefined): number[] {
  const all = Array.from({ length: serving.length }, (_, e) => e);
  if (maxNodes === undefined) return all;
  const byNode = new Map<number, number[]>();
  serving.forEach((node, e) => {
    if (node < 0) return;
    const list = byNode.get(node);
    if (list) list.push(e);
    else byNode.set(node, [e]);
  });
  if (byNode.size <= maxNodes) return all.filter((e) => serving[e]! >= 0);
  const perNode = Math.ceil(topK / maxNodes);
  const ranked = [...byNode.entries()]
    .map(([node, experts]) => ({
      node,
      experts,
      score: experts
        .map((e) => scores[e]!)
        .sort((a, b) => b - a)
        .slice(0, perNode)
        .reduce((sum, s) => sum + s, 0),
    }))
    .sort((a, b) => b.score - a.score || a.node - b.node)
    .slice(0, maxNodes);
  return ranked.flatMap((entry) => entry.experts).sort((a, b) => a - b);
}
