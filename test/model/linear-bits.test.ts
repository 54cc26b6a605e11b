/**
 * The linear layer's loops are arranged for speed (two rows and four outputs at a time); its
 * numbers must stay those of the plain loops, one row, then one output at a time, to the bit:
 * every trained checkpoint, golden file and seeded figure depends on them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLinear } from '../../src/model/layers/linear.ts';
import { blankStream } from '../../src/model/params.ts';

/** y = x·Wᵀ + b, then dW += dyᵀ·x, dx = dy·W, db += Σ dy, skipping zero gradients: the plain loops. */
function plain(x: Float64Array, w: Float64Array, b: Float64Array | undefined, dy: Float64Array, rows: number, inDim: number, outDim: number, dw0: Float64Array, db0: Float64Array) {
  const y = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outDim; o++) {
      let sum = 0;
      for (let i = 0; i < inDim; i++) sum += x[r * inDim + i]! * w[o * inDim + i]!;
      y[r * outDim + o] = sum;
    }
  }
  if (b) for (let r = 0; r < rows; r++) for (let o = 0; o < outDim; o++) y[r * outDim + o]! += b[o]!;
  const dw = dw0.slice();
  const db = db0.slice();
  const dx = new Float64Array(rows * inDim);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outDim; o++) {
      const g = dy[r * outDim + o]!;
      if (g === 0) continue;
      for (let i = 0; i < inDim; i++) dw[o * inDim + i]! += g * x[r * inDim + i]!;
      for (let i = 0; i < inDim; i++) dx[r * inDim + i]! += g * w[o * inDim + i]!;
      db[o]! += g;
    }
  }
  return { y, dw, dx, db };
}

const sameBits = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** Values with zeros (a ReLU's gradient), negative zeros and a wide range of magnitudes. */
const value = fc.oneof(
  { arbitrary: fc.double({ min: -4, max: 4, noNaN: true }), weight: 20 },
  { arbitrary: fc.constantFrom(0, -0, 1e-300, -3e12), weight: 1 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), weight: 2 },
);

describe('the linear layer', () => {
  it('gives the plain loops’ outputs and gradients to the bit, whatever the shape and the zeros (2,000 seeded cases)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 19 }),
        fc.integer({ min: 1, max: 13 }),
        fc.boolean(),
        fc.infiniteStream(value),
        fc.constantFrom(0, 0, 0.1, 0.5),
        (rows, inDim, outDim, bias, values, zeroShare) => {
          const layer = createLinear('l', inDim, outDim, blankStream, { bias });
          const draw = (n: number, zeros = 0): Float64Array => Float64Array.from({ length: n }, (_, i) => ((i * 761 + 337) % 1000) / 1000 < zeros ? 0 : values.next().value);
          layer.weight.value.set(draw(outDim * inDim));
          layer.bias?.value.set(draw(outDim));
          // Gradients already summed by an earlier batch.
          layer.weight.grad.set(draw(outDim * inDim));
          layer.bias?.grad.set(draw(outDim));
          const dw0 = layer.weight.grad.slice();
          const db0 = layer.bias ? layer.bias.grad.slice() : new Float64Array(0);
          const x = draw(rows * inDim);
          const dy = draw(rows * outDim, zeroShare);
          const want = plain(x, layer.weight.value, layer.bias?.value, dy, rows, inDim, outDim, dw0, db0);
          const pass = layer.forward(x, rows);
          expect(sameBits(pass.y, want.y)).toBe(true);
          const dx = pass.backward(dy);
          expect(sameBits(dx, want.dx)).toBe(true);
          expect(sameBits(layer.weight.grad, want.dw)).toBe(true);
          if (layer.bias) expect(sameBits(layer.bias.grad, want.db)).toBe(true);
        },
      ),
      { seed: 7, numRuns: 2000 },
    );
  });
});
