/**
 * Node partitions: which nodes a worker process runs, written as comma-separated indices and
 * inclusive ranges, e.g. `0-99,150,200-249`.
 */

/** A partition text that does not parse or does not fit the swarm. */
export class PartitionError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'PartitionError';
  }
}

/**
 * The sorted node indices of `text` in a swarm of `nodes` nodes.
 * @example
 * parsePartition('0-2,5', 8); // [0, 1, 2, 5]
 */
export function parsePartition(text: string, nodes: number): number[] {
  const expected = `node indices and ranges in 0..${nodes - 1}, e.g. "0-99,150"`;
  if (text.trim() === '') throw new PartitionError(`expected ${expected}, found an empty text`);
  const chosen = new Set<number>();
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const match = /^(\d{1,9})(?:\s*-\s*(\d{1,9}))?$/.exec(part);
    if (!match) throw new PartitionError(`expected ${expected}, found ${JSON.stringify(part)}`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) throw new PartitionError(`expected a range low-high, found ${JSON.stringify(part)} (high below low)`);
    if (to >= nodes) throw new PartitionError(`expected ${expected}, found ${JSON.stringify(part)}: the swarm has ${nodes} nodes`);
    for (let i = from; i <= to; i++) {
      if (chosen.has(i)) throw new PartitionError(`expected each node once, found node ${i} twice in ${JSON.stringify(text)}`);
      chosen.add(i);
    }
  }
  return [...chosen].sort((a, b) => a - b);
}

/**
 * The shortest text for a set of indices.
 * @example
 * formatPartition([0, 1, 2, 5]); // '0-2,5'
 */
export function formatPartition(indices: readonly number[]): string {
  const sorted = [...indices].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * `parts` contiguous partitions of nearly equal size covering 0..nodes-1, the larger ones
 * first. `splitEvenly(10, 3)` → [[0..3], [4..6], [7..9]].
 */
export function splitEvenly(nodes: number, parts: number): number[][] {
  if (!Number.isInteger(parts) || parts < 1 || parts > nodes) throw new PartitionError(`expected 1..${nodes} parts for ${nodes} nodes, found ${parts}`);
  const result: number[][] = [];
  let start = 0;
  for (let p = 0; p < parts; p++) {
    const size = Math.floor(nodes / parts) + (p < nodes % parts ? 1 : 0);
    result.push(Array.from({ length: size }, (_, i) => start + i));
    start += size;
  }
  return result;
}
