/**
 * y = x·Wᵀ (+ b) for a batch of rows: x is [rows, in], W is [out, in], y is [rows, out].
 */
import { createParam, normalInit, zeros, type Param } from '../params.ts';
import type { RandomStream } from '../../sim/rng.ts';

export interface Linear {
  readonly inDim: number;
  readonly outDim: number;
  readonly weight: Param;
  readonly bias: Param | undefined;
  readonly params: readonly Param[];
  forward(x: Float64Array, rows: number): { y: Float64Array; backward(dy: Float64Array): Float64Array };
}

/**
 * `inputGradient: false`: backward leaves out dx (and returns an empty array), for a first
 * layer whose input is data: that halves its backward pass, and changes no weight's gradient.
 */
export function createLinear(name: string, inDim: number, outDim: number, rng: RandomStream, options: { bias?: boolean; std?: number; inputGradient?: boolean } = {}): Linear {
  const weight = createParam(`${name}.weight`, [outDim, inDim], normalInit(rng, options.std ?? 1 / Math.sqrt(inDim)));
  const bias = options.bias ? createParam(`${name}.bias`, [outDim], zeros) : undefined;
  const inputGradient = options.inputGradient ?? true;
  return {
    inDim,
    outDim,
    weight,
    bias,
    params: bias ? [weight, bias] : [weight],
    forward(x, rows) {
      const y = matmulTransposed(x, weight.value, rows, inDim, outDim);
      if (bias) for (let r = 0; r < rows; r++) for (let o = 0; o < outDim; o++) y[r * outDim + o]! += bias.value[o]!;
      return {
        y,
        backward(dy) {
          // dW += dyᵀ·x, db += Σ dy, dx = dy·W
          const w = weight.value;
          const dw = weight.grad;
          const dx = new Float64Array(inputGradient ? rows * inDim : 0);
          for (let r = 0; r < rows; r++) {
            const xo = r * inDim;
            for (let o = 0; o < outDim; o++) {
              const g = dy[r * outDim + o]!;
              if (g === 0) continue;
              const wo = o * inDim;
              // Unrolled by four: each element still adds its terms in the same order, so the
              // same bits as the plain loop, a fifth faster in V8.
              if (inputGradient) {
                let i = 0;
                for (; i + 3 < inDim; i += 4) {
                  const a = wo + i;
                  const b = xo + i;
                  dw[a]! += g * x[b]!;
                  dx[b]! += g * w[a]!;
                  dw[a + 1]! += g * x[b + 1]!;
                  dx[b + 1]! += g * w[a + 1]!;
                  dw[a + 2]! += g * x[b + 2]!;
                  dx[b + 2]! += g * w[a + 2]!;
                  dw[a + 3]! += g * x[b + 3]!;
                  dx[b + 3]! += g * w[a + 3]!;
                }
                for (; i < inDim; i++) {
                  dw[wo + i]! += g * x[xo + i]!;
                  dx[xo + i]! += g * w[wo + i]!;
                }
              } else {
                let i = 0;
                for (; i + 3 < inDim; i += 4) {
                  dw[wo + i]! += g * x[xo + i]!;
                  dw[wo + i + 1]! += g * x[xo + i + 1]!;
                  dw[wo + i + 2]! += g * x[xo + i + 2]!;
                  dw[wo + i + 3]! += g * x[xo + i + 3]!;
                }
                for (; i < inDim; i++) dw[wo + i]! += g * x[xo + i]!;
              }
              if (bias) bias.grad[o]! += g;
            }
          }
          return dx;
        },
      };
    },
  };
}

/** x [rows, inDim] times Wᵀ where W is [outDim, inDim]. */
export function matmulTransposed(x: Float64Array, w: Float64Array, rows: number, inDim: number, outDim: number): Float64Array {
  const y = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    const xo = r * inDim;
    for (let o = 0; o < outDim; o++) {
      const wo = o * inDim;
      // Unrolled by four, still one sum in index order: the same bits as the plain loop.
      let sum = 0;
      let i = 0;
      for (; i + 3 < inDim; i += 4) {
        sum += x[xo + i]! * w[wo + i]!;
        sum += x[xo + i + 1]! * w[wo + i + 1]!;
        sum += x[xo + i + 2]! * w[wo + i + 2]!;
        sum += x[xo + i + 3]! * w[wo + i + 3]!;
      }
      for (; i < inDim; i++) sum += x[xo + i]! * w[wo + i]!;
      y[r * outDim + o] = sum;
    }
  }
  return y;
}
