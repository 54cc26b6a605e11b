/**
 * `Float64Array.from(values, fn)` as a plain loop. `from` with a mapping function goes through
 * the iteration protocol, several times slower on the hot paths of training and inference
 * (activations, softmax, norms); the numbers are the same.
 *
 * @example
 * mapValues([1, -2], (v) => Math.max(v, 0)) // Float64Array [1, 0]
 */
export function mapValues(values: ArrayLike<number>, fn: (value: number, index: number) => number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = fn(values[i]!, i);
  return out;
}
