/**
 * A table of ordered pairs of node ids (sender, receiver) looked up straight from a CSV record's
 * bytes, each with four numbers of its own (the links' tallies: digest/receptions-digest.ts).
 * receptions.csv names two of 100,000 nodes per row, 8.6 million times in a city day, in no
 * order, so each row's cost is the memory it touches at random: here one 64-byte entry (one
 * cache line, or two) holding the key's hash and lengths, the key itself when it has at most
 * 16 bytes (`node-12345` and `gw-7`), and the four numbers. Looking each id up in an index of the
 * nodes, then the pair in a table of pairs, then its tallies in arrays touches five or six.
 * Open addressing with linear probing, at most three quarters full; longer keys are checked
 * against a pool of every key's bytes, which also gives the ids back at the end. Pure.
 *
 * @example
 * const pairs = createPairTable();
 * const row = Buffer.from('n-1,gw');
 * const e = pairs.entry(row, 0, 3, 4, 6);
 * pairs.numbers[pairs.numbersAt(e)]++;    // the pair's first number
 * pairs.forEach((bytes, s0, s1, r0, r1, at) => …) // 'n-1' and 'gw' in bytes, where its numbers are
 */

export interface PairTable {
  /** The entry of the pair (bytes[senderStart, senderEnd), bytes[receiverStart, receiverEnd)), added with numbers 0 if new; valid until the next pair is added. */
  entry(bytes: Uint8Array, senderStart: number, senderEnd: number, receiverStart: number, receiverEnd: number): number;
  /** The entry of a pair given as text. */
  entryOfText(sender: string, receiver: string): number;
  /** Where an entry's four numbers start in `numbers`. */
  numbersAt(entry: number): number;
  /** Every entry's numbers (re-read after adding a pair: the table may have grown). */
  readonly numbers: Float64Array;
  /** Each pair, in the order they were added: its ids' bytes (`bytes[senderStart, senderEnd)`, `bytes[receiverStart, receiverEnd)`) and where its numbers are. */
  forEach(visit: (bytes: Uint8Array, senderStart: number, senderEnd: number, receiverStart: number, receiverEnd: number, at: number) => void): void;
  /** Pairs added. */
  readonly size: number;
}

/** An entry: 16 Int32s (hash, sender length << 16 | receiver length, pool offset + 1 (0: empty), order added, the key's first 16 bytes in 4 words), the last 8 of them its 4 numbers (Float64). */
const ints = 16;
const keyWords = 4;
const keyBytes = keyWords * 4;

export function createPairTable(): PairTable {
  let capacity = 1 << 10;
  let buffer = new ArrayBuffer(capacity * 64);
  let table = new Int32Array(buffer);
  let numbers = new Float64Array(buffer);
  /** Every key's bytes, sender then receiver, in the order pairs were added. */
  let pool = new Uint8Array(1 << 16);
  let used = 0;
  let size = 0;
  const words = new Int32Array(keyWords);

  const grow = (): void => {
    const old = table;
    capacity *= 2;
    buffer = new ArrayBuffer(capacity * 64);
    table = new Int32Array(buffer);
    numbers = new Float64Array(buffer);
    const mask = capacity - 1;
    for (let e = 0; e < old.length; e += ints) {
      if (old[e + 2] === 0) continue;
      let at = old[e]! & mask;
      while (table[at * ints + 2] !== 0) at = (at + 1) & mask;
      table.set(old.subarray(e, e + ints), at * ints);
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
  /** Whether the key of the entry at `e` (in the pool) is the one looked up. */
  const samePooled = (e: number, bytes: Uint8Array, senderStart: number, senderEnd: number, receiverStart: number, receiverEnd: number): boolean => {
    let k = table[e + 2]! - 1;
    for (let i = senderStart; i < senderEnd; i++) if (pool[k++] !== bytes[i]) return false;
    for (let i = receiverStart; i < receiverEnd; i++) if (pool[k++] !== bytes[i]) return false;
    return true;
  };
  const add = (bytes: Uint8Array, senderStart: number, senderEnd: number, receiverStart: number, receiverEnd: number, h: number, packed: number): number => {
    if ((size + 1) * 4 > capacity * 3) grow();
    const mask = capacity - 1;
    let at = h & mask;
    while (table[at * ints + 2] !== 0) at = (at + 1) & mask;
    const e = at * ints;
    table[e] = h;
    table[e + 1] = packed;
    table[e + 2] = used + 1;
    table[e + 3] = size++;
    table.set(words, e + 4);
    store(bytes, senderStart, senderEnd);
    store(bytes, receiverStart, receiverEnd);
    return at;
  };

  const entry = (bytes: Uint8Array, senderStart: number, senderEnd: number, receiverStart: number, receiverEnd: number): number => {
    const senderLength = senderEnd - senderStart;
    const receiverLength = receiverEnd - receiverStart;
    if (senderLength > 0xffff || receiverLength > 0xffff) throw new RangeError(`node ids of at most 65,535 bytes, got ${senderLength} and ${receiverLength}`);
    const packed = (senderLength << 16) | receiverLength;
    // FNV-1a (draft-eastlake-fnv) over the key's bytes, its first 16 gathered into words on the way.
    words.fill(0);
    let h = 0x811c9dc5;
    let n = 0;
    for (let i = senderStart; i < senderEnd; i++, n++) {
      const b = bytes[i]!;
      h = Math.imul(h ^ b, 0x01000193);
      if (n < keyBytes) words[n >> 2]! |= b << ((n & 3) << 3);
    }
    for (let i = receiverStart; i < receiverEnd; i++, n++) {
      const b = bytes[i]!;
      h = Math.imul(h ^ b, 0x01000193);
      if (n < keyBytes) words[n >> 2]! |= b << ((n & 3) << 3);
    }
    // MurmurHash3's fmix32, so that every bit reaches the low ones the mask keeps.
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
    const mask = capacity - 1;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const e = at * ints;
      if (table[e + 2] === 0) return add(bytes, senderStart, senderEnd, receiverStart, receiverEnd, h, packed);
      if (table[e] !== h || table[e + 1] !== packed) continue;
      let same = true;
      for (let w = 0; same && w < keyWords; w++) same = table[e + 4 + w] === words[w];
      if (same && (n <= keyBytes || samePooled(e, bytes, senderStart, senderEnd, receiverStart, receiverEnd))) return at;
    }
  };
  return {
    entry,
    entryOfText(sender, receiver) {
      const a = Buffer.from(sender, 'utf8');
      const bytes = Buffer.concat([a, Buffer.from(receiver, 'utf8')]);
      return entry(bytes, 0, a.length, a.length, bytes.length);
    },
    numbersAt: (e) => e * 8 + 4,
    get numbers() {
      return numbers;
    },
    forEach(visit) {
      const order = new Int32Array(size);
      for (let at = 0; at < capacity; at++) if (table[at * ints + 2] !== 0) order[table[at * ints + 3]!] = at;
      for (const at of order) {
        const e = at * ints;
        const start = table[e + 2]! - 1;
        const middle = start + (table[e + 1]! >>> 16);
        visit(pool, start, middle, middle, middle + (table[e + 1]! & 0xffff), at * 8 + 4);
      }
    },
    get size() {
      return size;
    },
  };
}
