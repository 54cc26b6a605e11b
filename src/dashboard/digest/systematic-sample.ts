/**
 * A systematic sample of a stream of unknown length: every k-th item in order (the 0th, the
 * k-th, the 2k-th…), with k the smallest power of two that keeps at most `limit` items. It
 * starts with k = 1 and, whenever the kept items would pass the limit, doubles k and drops
 * every other kept item, so it holds at most `limit` items at any time and needs no count in
 * advance. Deterministic: the same stream gives the same sample. Told how many items to expect,
 * it starts at the k that count needs and so does not first keep items it would drop: with the
 * right count the sample is the same, and only the kept items are ever made.
 *
 * @example
 * const sample = createSystematicSample<number>(3);
 * for (let i = 0; i < 10; i++) if (sample.wants()) sample.keep(i); else sample.skip();
 * sample.items // [0, 4, 8]; sample.every === 4; sample.seen === 10
 */

export interface SystematicSample<T> {
  /** Whether the next item is kept (call `keep` with it, or `skip`). */
  wants(): boolean;
  keep(item: T): void;
  skip(): void;
  /** The kept items, in stream order. */
  readonly items: readonly T[];
  /** k: one item in `every` is kept. */
  readonly every: number;
  /** Items the stream has offered. */
  readonly seen: number;
}

export function createSystematicSample<T>(limit: number, expected = 0): SystematicSample<T> {
  if (!(limit >= 1)) throw new RangeError(`a sample keeps at least 1 item, got ${limit}`);
  let items: T[] = [];
  let every = 1;
  while (Math.ceil(expected / every) > limit) every *= 2;
  let seen = 0;
  /** The next multiple of `every`: asked of every row of a large file, so no division per row. */
  let next = 0;
  return {
    wants: () => seen === next,
    keep(item) {
      if (items.length === limit) {
        // Every kept index is a multiple of k; those that are multiples of 2k are every other one.
        every *= 2;
        items = items.filter((_, i) => i % 2 === 0);
        if (seen % every !== 0) {
          seen++;
          next = Math.ceil(seen / every) * every;
          return;
        }
      }
      items.push(item);
      seen++;
      next += every;
    },
    skip() {
      seen++;
    },
    get items() {
      return items;
    },
    get every() {
      return every;
    },
    get seen() {
      return seen;
    },
  };
}
