/**
 * Node ids to their index in nodes.csv, looked up straight from a CSV record's bytes: an
 * open-addressing table on the FNV-1a hash of each id's UTF-8 bytes (Fowler, Noll and Vo,
 * draft-eastlake-fnv), each hit checked byte for byte. A receptions.csv of 8.6 million rows
 * names two nodes per row; making a string of each and hashing it in a Map would cost more
 * than reading the file.
 *
 * @example
 * const index = createIdIndex(['gw', 'n-1']);
 * index.find(Buffer.from('x,n-1'), 2, 5) // 1
 */

export interface IdIndex {
  /** The index of the id in `bytes[start, end)`, or -1; the index `guess` is tried first (series.csv names the nodes in order). */
  find(bytes: Uint8Array, start: number, end: number, guess?: number): number;
  /** The index of `id`, or -1. */
  findText(id: string): number;
}

function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash >>> 0;
}

/** The index of `ids`; a repeated id means its last place, as a Map built in order (the run model's). */
export function createIdIndex(ids: readonly string[]): IdIndex {
  const encoded = ids.map((id) => Buffer.from(id, 'utf8'));
  const offsets = new Int32Array(ids.length + 1);
  encoded.forEach((bytes, i) => (offsets[i + 1] = offsets[i]! + bytes.length));
  const pool = new Uint8Array(offsets[ids.length]!);
  encoded.forEach((bytes, i) => pool.set(bytes, offsets[i]!));
  let size = 16;
  while (size < ids.length * 2) size *= 2;
  const mask = size - 1;
  const slots = new Int32Array(size).fill(-1);
  const same = (i: number, bytes: Uint8Array, start: number, end: number): boolean => {
    const from = offsets[i]!;
    if (offsets[i + 1]! - from !== end - start) return false;
    for (let k = 0; k < end - start; k++) if (pool[from + k] !== bytes[start + k]) return false;
    return true;
  };
  const find = (bytes: Uint8Array, start: number, end: number, guess = -1): number => {
    if (guess >= 0 && guess < ids.length && same(guess, bytes, start, end)) return guess;
    for (let slot = fnv1a(bytes, start, end) & mask; ; slot = (slot + 1) & mask) {
      const i = slots[slot]!;
      if (i < 0) return -1;
      if (same(i, bytes, start, end)) return i;
    }
  };
  encoded.forEach((bytes, i) => {
    let slot = fnv1a(bytes, 0, bytes.length) & mask;
    while (slots[slot]! >= 0 && !same(slots[slot]!, bytes, 0, bytes.length)) slot = (slot + 1) & mask;
    slots[slot] = i;
  });
  return {
    find,
    findText(id) {
      const bytes = Buffer.from(id, 'utf8');
      return find(bytes, 0, bytes.length);
    },
  };
}
