/** ReLU, elementwise. */
export function relu(x: Float64Array): { y: Float64Array; backward(dy: Float64Array): Float64Array } {
  const y = Float64Array.from(x, (v) => (v > 0 ? v : 0));
  return { y, backward: (dy) => Float64Array.from(dy, (g, i) => (x[i]! > 0 ? g : 0)) };
}
