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
          backwardRows(grads, rows);
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
 * The backward pass over a batch: for each row r and output o with a gradient g ≠ 0,
 * dW[o] += g·x[r], dx[r] += g·W[o], db[o] += g. Every element of dW, dx and db adds the same
 * terms in the same order as a loop over rows, then outputs, one at a time would (rows in order
 * for dW and db, outputs in order for dx), so the same bits; only the loops are arranged so that
 * each value read serves several sums.
 */
function backwardRows(grads: Grads, rows: number): void {
  const { dx, dw, db, outDim } = grads;
  if (dw) byRowPairs(grads, dw, rows, weightQuad, weightPair);
  if (dx) byRowPairs(grads, dx, rows, inputQuad, inputPair);
  if (db) {
    const dy = grads.dy;
    for (let r = 0; r < rows; r++) for (let o = 0; o < outDim; o++) if (dy[r * outDim + o] !== 0) db[o]! += dy[r * outDim + o]!;
  }
}

const nonZero4 = (a: Float64Array, k: number): boolean => a[k] !== 0 && a[k + 1] !== 0 && a[k + 2] !== 0 && a[k + 3] !== 0;

/** Row r's terms at outputs o … o + 3 (`one`), or rows r and r + 1's (`pair`), added into dW or dx. */
type QuadStep = (grads: Grads, target: Float64Array, r: number, o: number) => void;

/**
 * Rows two at a time, four outputs at a time: `pair` where all eight gradients are non-zero
 * (one pass for both rows), else `one` for row r, then row r + 1; an odd last row by `one`.
 * Each element of the target takes its terms in the order a row, then an output, at a time
 * gives them: quads are disjoint in dW, and each row's dx takes its quads in output order.
 */
function byRowPairs(grads: Grads, target: Float64Array, rows: number, one: QuadStep, pair: QuadStep): void {
  const { dy, outDim } = grads;
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    for (let o = 0; o < outDim; o += 4) {
      if (o + 3 < outDim && nonZero4(dy, r * outDim + o) && nonZero4(dy, (r + 1) * outDim + o)) pair(grads, target, r, o);
      else {
        one(grads, target, r, o);
        one(grads, target, r + 1, o);
      }
    }
  }
  if (r < rows) for (let o = 0; o < outDim; o += 4) one(grads, target, r, o);
}

/** dW += rows r and r + 1's terms at outputs o … o + 3, all eight gradients non-zero: each dW element read once for both rows, row r's term added first. */
function weightPair(grads: Grads, dw: Float64Array, r: number, o: number): void {
  const { dy, x, inDim, outDim } = grads;
  const xa = r * inDim;
  const xb = xa + inDim;
  const ga = r * outDim + o;
  const gb = ga + outDim;
  const a0 = dy[ga]!;
  const a1 = dy[ga + 1]!;
  const a2 = dy[ga + 2]!;
  const a3 = dy[ga + 3]!;
  const b0 = dy[gb]!;
  const b1 = dy[gb + 1]!;
  const b2 = dy[gb + 2]!;
  const b3 = dy[gb + 3]!;
  const w0 = o * inDim;
  const w1 = w0 + inDim;
  const w2 = w1 + inDim;
  const w3 = w2 + inDim;
  for (let i = 0; i < inDim; i++) {
    const p = x[xa + i]!;
    const q = x[xb + i]!;
    let d0 = dw[w0 + i]!;
    let d1 = dw[w1 + i]!;
    let d2 = dw[w2 + i]!;
    let d3 = dw[w3 + i]!;
    d0 += a0 * p;
    d1 += a1 * p;
    d2 += a2 * p;
    d3 += a3 * p;
    dw[w0 + i] = d0 + b0 * q;
    dw[w1 + i] = d1 + b1 * q;
    dw[w2 + i] = d2 + b2 * q;
    dw[w3 + i] = d3 + b3 * q;
  }
}

/** Row r's terms of dW for outputs o … o + 3 (fewer at the end): x[r] read once for four rows of dW when none of their gradients is 0. */
function weightQuad(grads: Grads, dw: Float64Array, r: number, o: number): void {
  const { dy, x, inDim, outDim } = grads;
  const xo = r * inDim;
  const go = r * outDim;
  if (o + 3 >= outDim || !nonZero4(dy, go + o)) {
    for (let k = o; k < Math.min(o + 4, outDim); k++) if (dy[go + k] !== 0) addScaled(dw, k * inDim, dy[go + k]!, x, xo, inDim);
    return;
  }
  const g0 = dy[go + o]!;
  const g1 = dy[go + o + 1]!;
  const g2 = dy[go + o + 2]!;
  const g3 = dy[go + o + 3]!;
  const w0 = o * inDim;
  const w1 = w0 + inDim;
  const w2 = w1 + inDim;
  const w3 = w2 + inDim;
  for (let i = 0; i < inDim; i++) {
    const xi = x[xo + i]!;
    dw[w0 + i]! += g0 * xi;
    dw[w1 + i]! += g1 * xi;
    dw[w2 + i]! += g2 * xi;
    dw[w3 + i]! += g3 * xi;
  }
}

/** dx[r] and dx[r + 1] += their terms at outputs o … o + 3, all eight gradients non-zero: each weight read once for both rows, each row adding its four terms in o's order. */
function inputPair(grads: Grads, dx: Float64Array, r: number, o: number): void {
  const { dy, w, inDim, outDim } = grads;
  const xa = r * inDim;
  const xb = xa + inDim;
  const ga = r * outDim + o;
  const gb = ga + outDim;
  const a0 = dy[ga]!;
  const a1 = dy[ga + 1]!;
  const a2 = dy[ga + 2]!;
  const a3 = dy[ga + 3]!;
  const b0 = dy[gb]!;
  const b1 = dy[gb + 1]!;
  const b2 = dy[gb + 2]!;
  const b3 = dy[gb + 3]!;
  const w0 = o * inDim;
  const w1 = w0 + inDim;
  const w2 = w1 + inDim;
  const w3 = w2 + inDim;
  for (let i = 0; i < inDim; i++) {
    const v0 = w[w0 + i]!;
    const v1 = w[w1 + i]!;
    const v2 = w[w2 + i]!;
    const v3 = w[w3 + i]!;
    let p = dx[xa + i]!;
    let q = dx[xb + i]!;
    p += a0 * v0;
    q += b0 * v0;
    p += a1 * v1;
    q += b1 * v1;
    p += a2 * v2;
    q += b2 * v2;
    p += a3 * v3;
    q += b3 * v3;
    dx[xa + i] = p;
    dx[xb + i] = q;
  }
}

/** Row r's terms of dx for outputs o … o + 3 (fewer at the end), in o's order: four a pass when none of their gradients is 0. */
function inputQuad(grads: Grads, dx: Float64Array, r: number, o: number): void {
  const { dy, w, inDim, outDim } = grads;
  const xo = r * inDim;
  const go = r * outDim;
  if (o + 3 >= outDim || !nonZero4(dy, go + o)) {
    for (let k = o; k < Math.min(o + 4, outDim); k++) if (dy[go + k] !== 0) addScaled(dx, xo, dy[go + k]!, w, k * inDim, inDim);
    return;
  }
  const g0 = dy[go + o]!;
  const g1 = dy[go + o + 1]!;
  const g2 = dy[go + o + 2]!;
  const g3 = dy[go + o + 3]!;
  const w0 = o * inDim;
  const w1 = w0 + inDim;
  const w2 = w1 + inDim;
  const w3 = w2 + inDim;
  for (let i = 0; i < inDim; i++) {
    let d = dx[xo + i]!;
    d += g0 * w[w0 + i]!;
    d += g1 * w[w1 + i]!;
    d += g2 * w[w2 + i]!;
    d += g3 * w[w3 + i]!;
    dx[xo + i] = d;
  }
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

/**
 * x [rows, inDim] times Wᵀ where W is [outDim, inDim]. Two rows and four outputs at a time:
 * eight sums side by side, each still in index order (the same bits as one output of one row at
 * a time), so the additions do not wait on each other and each value of W read serves two rows.
 */
export function matmulTransposed(x: Float64Array, w: Float64Array, rows: number, inDim: number, outDim: number): Float64Array {
  const y = new Float64Array(rows * outDim);
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    let o = 0;
    for (; o + 3 < outDim; o += 4) rowPairQuad(x, w, y, r, o, inDim, outDim);
    for (; o < outDim; o++) {
      y[r * outDim + o] = dot(x, r * inDim, w, o * inDim, inDim);
      y[(r + 1) * outDim + o] = dot(x, (r + 1) * inDim, w, o * inDim, inDim);
    }
  }
  if (r < rows) {
    let o = 0;
    for (; o + 3 < outDim; o += 4) rowQuad(x, w, y, r, o, inDim, outDim);
    for (; o < outDim; o++) y[r * outDim + o] = dot(x, r * inDim, w, o * inDim, inDim);
  }
  return y;
}

/** y's row r at outputs o … o + 3 (a batch of one row, or the last of an odd batch). */
function rowQuad(x: Float64Array, w: Float64Array, y: Float64Array, r: number, o: number, inDim: number, outDim: number): void {
  const xo = r * inDim;
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
  const yo = r * outDim + o;
  y[yo] = s0;
  y[yo + 1] = s1;
  y[yo + 2] = s2;
  y[yo + 3] = s3;
}

/** y's rows r, r + 1 at outputs o … o + 3. */
function rowPairQuad(x: Float64Array, w: Float64Array, y: Float64Array, r: number, o: number, inDim: number, outDim: number): void {
  const xa = r * inDim;
  const xb = xa + inDim;
  const w0 = o * inDim;
  const w1 = w0 + inDim;
  const w2 = w1 + inDim;
  const w3 = w2 + inDim;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let b3 = 0;
  for (let i = 0; i < inDim; i++) {
    const p = x[xa + i]!;
    const q = x[xb + i]!;
    const v0 = w[w0 + i]!;
    const v1 = w[w1 + i]!;
    const v2 = w[w2 + i]!;
    const v3 = w[w3 + i]!;
    a0 += p * v0;
    a1 += p * v1;
    a2 += p * v2;
    a3 += p * v3;
    b0 += q * v0;
    b1 += q * v1;
    b2 += q * v2;
    b3 += q * v3;
  }
  const ya = r * outDim + o;
  const yb = ya + outDim;
  y[ya] = a0;
  y[ya + 1] = a1;
  y[ya + 2] = a2;
  y[ya + 3] = a3;
  y[yb] = b0;
  y[yb + 1] = b1;
  y[yb + 2] = b2;
  y[yb + 3] = b3;
}

/** Σ a[s + i]·b[t + i] for i < n, in index order. */
function dot(a: Float64Array, s: number, b: Float64Array, t: number, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[s + i]! * b[t + i]!;
  return sum;
}
