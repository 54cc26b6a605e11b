import { mapValues } from '../map-values.ts';

/** ReLU, elementwise. */
export function relu(x: Float64Array): { y: Float64Array; backward(dy: Float64Array): Float64Array } {
  const y = mapValues(x, (v) => (v > 0 ? v : 0));
  return { y, backward: (dy) => mapValues(dy, (g, i) => (x[i]! > 0 ? g : 0)) };
}
