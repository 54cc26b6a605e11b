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
 * The same for a frozen weight's gradient, left out while `weight.trainable` is false.
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
          // dW += dyᵀ·x, db += Σ dy, dx = dy·W. A frozen weight or bias (`trainable: false`)
          // gets no gradient, which nothing reads.
          const w = weight.value;
          const dw = weight.grad;
          const weightGradient = weight.trainable;
          const biasGradient = bias !== undefined && bias.trainable;
          const dx = new Float64Array(inputGradient ? rows * inDim : 0);
          if (!inputGradient && !weightGradient && !biasGradient) return dx;
          const grads: Grads = { dy, x, w, dw: weightGradient ? dw : undefined, dx: inputGradient ? dx : undefined, db: biasGradient ? bias.grad : undefined, inDim, outDim };
          for (let r = 0; r < rows; r++) backwardRow(grads, r);
          return dx;
        },
      };
    },
  };
}

/** What one row's backward reads and adds to (undefined: a gradient not wanted). */
interface Grads {
  readonly dy: Float64Array;
  readonly x: Float64Array;
  readonly w: Float64Array;
  readonly dw: Float64Array | undefined;
  readonly dx: Float64Array | undefined;
  readonly db: Float64Array | undefined;
  readonly inDim: number;
  readonly outDim: number;
}

/**
 * Row r's share: for each output o with a gradient g ≠ 0, dW[o] += g·x[r], dx[r] += g·W[o],
 * db[o] += g. Four outputs at a time when none of their gradients is 0: x[r] is read once for
 * four rows of dW, and dx[r] takes its four terms in o's order, as one output at a time
 * would, so every element adds the same terms in the same order (the same bits).
 */
function backwardRow(grads: Grads, r: number): void {
  const { dy, x, w, dw, dx, db, inDim, outDim } = grads;
  const xo = r * inDim;
  const go = r * outDim;
  let o = 0;
  for (; o + 3 < outDim; o += 4) {
    const g0 = dy[go + o]!;
    const g1 = dy[go + o + 1]!;
    const g2 = dy[go + o + 2]!;
    const g3 = dy[go + o + 3]!;
    if (g0 === 0 || g1 === 0 || g2 === 0 || g3 === 0) {
      for (let k = o; k < o + 4; k++) backwardOne(grads, xo, k, dy[go + k]!);
      continue;
    }
    const w0 = o * inDim;
    const w1 = w0 + inDim;
    const w2 = w1 + inDim;
    const w3 = w2 + inDim;
    if (dw) {
      for (let i = 0; i < inDim; i++) {
        const xi = x[xo + i]!;
        dw[w0 + i]! += g0 * xi;
        dw[w1 + i]! += g1 * xi;
        dw[w2 + i]! += g2 * xi;
        dw[w3 + i]! += g3 * xi;
      }
    }
    if (dx) {
      for (let i = 0; i < inDim; i++) {
        let d = dx[xo + i]!;
        d += g0 * w[w0 + i]!;
        d += g1 * w[w1 + i]!;
        d += g2 * w[w2 + i]!;
        d += g3 * w[w3 + i]!;
        dx[xo + i] = d;
      }
    }
    if (db) {
      db[o]! += g0;
      db[o + 1]! += g1;
      db[o + 2]! += g2;
      db[o + 3]! += g3;
    }
  }
  for (; o < outDim; o++) backwardOne(grads, xo, o, dy[go + o]!);
}

/** One output's share of a row's backward (nothing when its gradient is 0). */
function backwardOne(grads: Grads, xo: number, o: number, g: number): void {
  if (g === 0) return;
  const wo = o * grads.inDim;
  if (grads.dw) addScaled(grads.dw, wo, g, grads.x, xo, grads.inDim);
  if (grads.dx) addScaled(grads.dx, xo, g, grads.w, wo, grads.inDim);
  if (grads.db) grads.db[o]! += g;
}

/**
 * target[t + i] += g · source[s + i] for i < n, unrolled by four: each element adds the same
 * term as the plain loop, so the same bits, about a fifth faster in V8.
 */
function addScaled(target: Float64Array, t: number, g: number, source: Float64Array, s: number, n: number): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    target[t + i]! += g * source[s + i]!;
    target[t + i + 1]! += g * source[s + i + 1]!;
    target[t + i + 2]! += g * source[s + i + 2]!;
    target[t + i + 3]! += g * source[s + i + 3]!;
  }
  for (; i < n; i++) target[t + i]! += g * source[s + i]!;
}

/** x [rows, inDim] times Wᵀ where W is [outDim, inDim]. */
export function matmulTransposed(x: Float64Array, w: Float64Array, rows: number, inDim: number, outDim: number): Float64Array {
  const y = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    const xo = r * inDim;
    const yo = r * outDim;
    let o = 0;
    // Four outputs at a time: four sums side by side, each still in index order (the same bits
    // as one output at a time), so the additions do not wait on each other and x is read once.
    for (; o + 3 < outDim; o += 4) {
      const w0 = o * inDim;
      const w1 = w0 + inDim;
      const w2 = w1 + inDim;
      const w3 = w2 + inDim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < inDim; i++) {
        const xi = x[xo + i]!;
        s0 += xi * w[w0 + i]!;
        s1 += xi * w[w1 + i]!;
        s2 += xi * w[w2 + i]!;
        s3 += xi * w[w3 + i]!;
      }
      y[yo + o] = s0;
      y[yo + o + 1] = s1;
      y[yo + o + 2] = s2;
      y[yo + o + 3] = s3;
    }
    for (; o < outDim; o++) {
      const wo = o * inDim;
      let sum = 0;
      for (let i = 0; i < inDim; i++) sum += x[xo + i]! * w[wo + i]!;
      y[yo + o] = sum;
    }
  }
  return y;
}
