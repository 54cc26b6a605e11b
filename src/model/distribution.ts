/** A row of logits as a distribution: its log-softmax and its most likely index (ties to the first). */
import { mapValues } from './map-values.ts';

export function logSoftmax(logits: Float64Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const log = Math.log(sum) + max;
  return mapValues(logits, (v) => v - log);
}

export const argmax = (values: Float64Array): number => values.reduce((best, v, i) => (v > values[best]! ? i : best), 0);
