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
              if (inputGradient) {
                for (let i = 0; i < inDim; i++) {
                  dw[wo + i]! += g * x[xo + i]!;
                  dx[xo + i]! += g * w[wo + i]!;
                }
              } else for (let i = 0; i < inDim; i++) dw[wo + i]! += g * x[xo + i]!;
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
      let sum = 0;
      for (let i = 0; i < inDim; i++) sum += x[xo + i]! * w[wo + i]!;
      y[r * outDim + o] = sum;
    }
  }
  return y;
}
