/**
 * Shallow equality of the flat records and arrays a group's nodes share (channels, airtime
 * parameters): setting a node up compares it with the node before instead of keying each in JSON.
 */

/** The same values in the same order. */
export function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** The same own keys in the same order, each with the same value (`Object.is`). */
export function sameFields(a: object, b: object): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  const others = Object.keys(b);
  if (!sameValues(keys, others)) return false;
  for (const key of keys) if (!Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  return true;
}
