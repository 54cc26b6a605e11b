/**
 * Slots for ordered pairs of node ids (sender, receiver) straight from a CSV record's bytes,
 * numbered 0, 1, 2… in order of first appearance. One probe of one open-addressing table per
 * record, each entry's hash, key place and slot side by side in one Int32Array (one cache line),
 * the keys' bytes in a pool: receptions.csv names two of 100,000 nodes per row, and looking
 * each up in the index of all nodes and then the pair in a table of pairs costs three cache
 * misses where this costs one or two. The ids of a slot are read back once, at the end. Pure.
 *
 * @example
 * const pairs = createPairSlots();
 * const row = Buffer.from('n-1,gw');
 * pairs.slot(row, 0, 3, 4, 6) // 0
 * pairs.ids(0)               // ['n-1', 'gw']
 */

export interface PairSlots {
  /** The slot of the pair (bytes[senderStart, senderEnd), bytes[receiverStart, receiverEnd)), numbering it if new. */
  slot(bytes: Uint8Array, senderStart: number, senderEnd: number, receiverStart: number, receiverEnd: number): number;
  /** The slot of a pair given as text. */
  slotOfText(sender: string, receiver: string): number;
  /** The sender's and receiver's ids of a slot. */
  ids(slot: number): [string, string];
  /** Pairs numbered. */
  readonly size: number;
}

/** Int32s per table entry: hash, pool offset, sender length << 16 | receiver length, slot. */
const width = 4;

function fnv(hash: number, bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  return hash;
}

export function createPairSlots(): PairSlots {
  let capacity = 1 << 12;
  let table = new Int32Array(capacity * width).fill(-1);
  let pool = new Uint8Array(1 << 16);
  let used = 0;
  let offsets = new Int32Array(1024);
  let lengths = new Int32Array(1024);
  let size = 0;

  const grow = (): void => {
    const old = table;
    capacity *= 2;
    table = new Int32Array(capacity * width).fill(-1);
    const mask = capacity - 1;
    for (let e = 0; e < old.length; e += width) {
      if (old[e + 3]! < 0) continue;
      let at = old[e]! & mask;
      while (table[at * width + 3]! >= 0) at = (at + 1) & mask;
      table.set(old.subarray(e, e + width), at * width);
    }
  };
  const store = (bytes: Uint8Array, start: number, end: number): void => {
    if (used + end - start > pool.length) {
      const bigger = new Uint8Array(Math.max(pool.length * 2, used + end - start));
      bigger.set(pool.subarray(0, used));
      pool = bigger;
    }
    pool.set(bytes.subarray(start, end), used);
    used += end - start;
  };
  const slot = (bytes: Uint8Array, senderStart: number, senderEnd: number, receiverStart: number, receiverEnd: number): number => {
    const senderLength = senderEnd - senderStart;
    const receiverLength = receiverEnd - receiverStart;
    const packed = (senderLength << 16) | receiverLength;
    // FNV-1a (draft-eastlake-fnv) over sender, a comma and receiver, then MurmurHash3's fmix32 so that every bit reaches the low ones the mask keeps.
    let h = fnv(Math.imul(fnv(0x811c9dc5, bytes, senderStart, senderEnd) ^ 44, 0x01000193), bytes, receiverStart, receiverEnd);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
    const mask = capacity - 1;
    let at = h & mask;
    for (; ; at = (at + 1) & mask) {
      const e = at * width;
      const found = table[e + 3]!;
      if (found < 0) break;
      if (table[e] !== h || table[e + 2] !== packed) continue;
      let k = table[e + 1]!;
      let same = true;
      for (let i = senderStart; same && i < senderEnd; i++) same = pool[k++] === bytes[i];
      for (let i = receiverStart; same && i < receiverEnd; i++) same = pool[k++] === bytes[i];
      if (same) return found;
    }
    if (senderLength > 0xffff || receiverLength > 0xffff) throw new RangeError(`node ids longer than 65,535 bytes, got ${senderLength} and ${receiverLength}`);
    const e = at * width;
    table[e] = h;
    table[e + 1] = used;
    table[e + 2] = packed;
    table[e + 3] = size;
    if (size === offsets.length) {
      const moreOffsets = new Int32Array(size * 2);
      moreOffsets.set(offsets);
      offsets = moreOffsets;
      const moreLengths = new Int32Array(size * 2);
      moreLengths.set(lengths);
      lengths = moreLengths;
    }
    offsets[size] = used;
    lengths[size] = packed;
    store(bytes, senderStart, senderEnd);
    store(bytes, receiverStart, receiverEnd);
    if (++size * 2 > capacity) grow();
    return size - 1;
  };
  const decoder = new TextDecoder();
  return {
    slot,
    slotOfText(sender, receiver) {
      const a = Buffer.from(sender, 'utf8');
      const bytes = Buffer.concat([a, Buffer.from(receiver, 'utf8')]);
      return slot(bytes, 0, a.length, a.length, bytes.length);
    },
    ids(s) {
      const start = offsets[s]!;
      const senderLength = lengths[s]! >>> 16;
      const receiverLength = lengths[s]! & 0xffff;
      return [decoder.decode(pool.subarray(start, start + senderLength)), decoder.decode(pool.subarray(start + senderLength, start + senderLength + receiverLength))];
    },
    get size() {
      return size;
    },
  };
}
