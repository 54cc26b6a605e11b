/**
 * Sorts the first `count` items of an array in place, stably (ties keep their order, as
 * Array.prototype.sort keeps them), leaving the rest of the array as it is. The hot path sorts
 * a few items per window (the window's transmissions, deliveries, final frames and
 * receptions) in arrays it reuses: `Array.prototype.sort` would need the array cut to the
 * count first (setting `length` is a runtime call) and allocates its work arrays at every
 * call, where an insertion sort of a few items allocates nothing. Longer runs of items go to
 * the built-in sort.
 *
 * @example
 * const items = [3, 1, 2, 9, 9];
 * sortPrefix(items, 3, (a, b) => a - b); // items: [1, 2, 3, 9, 9]
 */

/** Up to this many items are sorted by insertion. */
const insertionLimit = 24;

export function sortPrefix<T>(items: T[], count: number, compare: (a: T, b: T) => number): void {
  if (count <= 1) return;
  if (count > insertionLimit) {
    if (items.length === count) {
      items.sort(compare);
      return;
    }
    const sorted = items.slice(0, count).sort(compare);
    for (let i = 0; i < count; i++) items[i] = sorted[i]!;
    return;
  }
  for (let i = 1; i < count; i++) {
    const item = items[i]!;
    let j = i - 1;
    // Strictly greater only: an item moves past no equal one (stable).
    while (j >= 0 && compare(items[j]!, item) > 0) {
      items[j + 1] = items[j]!;
      j--;
    }
    items[j + 1] = item;
  }
}
