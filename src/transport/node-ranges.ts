/**
 * A set of node indices written as ranges, the way a partition's user name lists its nodes
 * (`partition:0-199,400,402-405`). One set has one name: ranges ascending, disjoint and not
 * touching, a single node written alone. A name from the network is bounded before it is read.
 */

/** Inclusive [first, last] pairs, flat: [first0, last0, first1, last1, …], in canonical order. */
export type NodeRanges = readonly number[];

/** The longest name read (a user name crosses the network): a few hundred ranges. */
export const maxNodeRangesChars = 4096;

const rangePattern = /^(0|[1-9][0-9]{0,9})(?:-(0|[1-9][0-9]{0,9}))?$/;

/** The ranges of a list of node indices (any order, repeats allowed). */
export function nodeRanges(nodes: readonly number[]): NodeRanges {
  const sorted = Float64Array.from(nodes).sort();
  const ranges: number[] = [];
  for (const node of sorted) {
    if (!Number.isInteger(node) || node < 0) throw new RangeError(`a node index must be an integer ≥ 0, got ${node}`);
    const last = ranges.length - 1;
    if (last > 0 && node <= ranges[last]! + 1) ranges[last] = Math.max(ranges[last]!, node);
    else ranges.push(node, node);
  }
  return ranges;
}

/** `0-199,400`: the canonical name of a set. */
export function nodeRangesName(ranges: NodeRanges): string {
  const parts: string[] = [];
  for (let i = 0; i < ranges.length; i += 2) parts.push(ranges[i] === ranges[i + 1] ? String(ranges[i]) : `${ranges[i]}-${ranges[i + 1]}`);
  return parts.join(',');
}

/**
 * The set a name stands for in a run of `nodeCount` nodes, or undefined when the name is too
 * long, malformed, not canonical, empty, or names a node outside the run.
 */
export function parseNodeRanges(name: string, nodeCount: number): NodeRanges | undefined {
  if (name.length === 0 || name.length > maxNodeRangesChars) return undefined;
  const ranges: number[] = [];
  for (const part of name.split(',')) {
    const match = rangePattern.exec(part);
    if (!match) return undefined;
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last <= first && match[2] !== undefined) return undefined;
    if (last >= nodeCount) return undefined;
    // Ascending, disjoint and not touching the previous range: the one name of the set.
    if (ranges.length > 0 && first <= ranges[ranges.length - 1]! + 1) return undefined;
    ranges.push(first, last);
  }
  return ranges;
}

/** Whether `node` is in the set (binary search over the ranges). */
export function rangesInclude(ranges: NodeRanges, node: number): boolean {
  let low = 0;
  let high = ranges.length / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (node < ranges[2 * middle]!) high = middle - 1;
    else if (node > ranges[2 * middle + 1]!) low = middle + 1;
    else return true;
  }
  return false;
}
