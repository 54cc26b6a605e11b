/**
 * Lists reused from window to window: a count says how much of them is in use, and nothing is
 * truncated (emptying an array gives its storage back, and the next window's items would
 * allocate it again: at a city's millions of windows, most of what a frame cost).
 */

/** Writes item `i` of a reused list, appending at its end. */
export function putAt<T>(list: T[], i: number, value: T): void {
  if (i < list.length) list[i] = value;
  else list.push(value);
}
