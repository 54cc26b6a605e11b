/**
 * "Did you mean": the known word closest to a misspelt one, when it is close enough to be a
 * likely typo (edit distance at most a third of the word, and at least one).
 * Edit distance: fastest-levenshtein (https://github.com/ka-weihe/fastest-levenshtein).
 */
import { closest, distance } from 'fastest-levenshtein';

export function closestTo(word: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(word, [...known]);
  const limit = Math.max(1, Math.floor(word.length / 3));
  return distance(word.toLowerCase(), best.toLowerCase()) <= limit && best !== word ? best : undefined;
}

/** "; did you mean "x"?" for a misspelt name among `known`, or nothing. */
export function didYouMean(word: string, known: readonly string[]): string {
  const suggestion = closestTo(word, known);
  return suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
}
