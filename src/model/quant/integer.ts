/**
 * Integer arithmetic as an MCU runs it (CMSIS-NN, TFLite Micro): weights quantized symmetric
 * to 8, 4 or 2 bits and packed, with a float32 scale per output row or, for low-bit models,
 * per group of consecutive input columns; int8 activations; int32 accumulation; and
 * requantization by a fixed-point multiplier (a Q31 mantissa and a shift, TFLite's
 * QuantizeMultiplier / MultiplyByQuantizedMultiplier, https://github.com/tensorflow/tflite-micro).
 * Every product and sum here is an exact integer (in a JavaScript number, or a BigInt where a
 * requantization shift is too long for one). With groups, each group's int32 sum is scaled by
 * its float32 scale and the groups added on the FPU (as llama.cpp's Q4_0 blocks and group-wise
 * int4 kernels for Cortex-M do): one extra multiply-accumulate per group and row.
 */
import { mapValues } from '../map-values.ts';

export type Bits = 8 | 4 | 2;

/** Largest magnitude of a symmetric b-bit value: 127, 7, 1. */
export const qmax = (bits: Bits): number => 2 ** (bits - 1) - 1;

/**
 * The values a weight may take: `signed`, the integers −q … q (q = 2^(b−1) − 1, two's
 * complement in b bits: at 2 bits only −1, 0, 1); or `odd`, the odd integers ±1, ±3 …
 * ±(2^b − 1), every code used and no zero (at 2 bits ±1, ±3: the stretched elastic grid that
 * ParetoQ found best at 2 bits, Liu et al. 2025, https://arxiv.org/abs/2502.02631).
 */
export type Levels = 'signed' | 'odd';

/** Largest level magnitude: 2^(b−1) − 1 (signed) or 2^b − 1 (odd). */
export const levelMax = (bits: Bits, levels: Levels): number => (levels === 'odd' ? 2 ** bits - 1 : qmax(bits));

/** The level nearest v (in units of the scale), clamped to the grid. */
export function snap(v: number, bits: Bits, levels: Levels): number {
  const top = levelMax(bits, levels);
  const level = levels === 'odd' ? 2 * Math.round((v - 1) / 2) + 1 : Math.round(v);
  return Math.max(-top, Math.min(top, level));
}

/**
 * How a matrix is quantized: its levels, the columns that share a scale (the whole row, or a
 * group along the input dimension), and how a scale is chosen: `absmax`, the largest magnitude
 * on the top level; `mse`, the clipping (1, 0.965 … 0.335 of the largest magnitude) whose
 * rounding error is least.
 */
export interface WeightGrid {
  readonly levels: Levels;
  readonly groupSize: number;
  readonly scaleRule: 'absmax' | 'mse';
}

/** Today's int8/int4/int2 models: signed levels, one absmax scale per row. */
export const perRowGrid = (cols: number): WeightGrid => ({ levels: 'signed', groupSize: cols, scaleRule: 'absmax' });

/** A weight matrix [rows = out, cols = in], a float32 scale per row and group, packed little-end first. */
export interface QuantMatrix {
  readonly bits: Bits;
  readonly rows: number;
  readonly cols: number;
  readonly levels: Levels;
  /** Consecutive columns sharing a scale (cols: one scale per row). */
  readonly groupSize: number;
  /** Packed codes, 8/bits per byte: two's complement (signed) or (level + max) / 2 (odd). */
  readonly packed: Uint8Array;
  /** Row-major [rows, groups]. */
  readonly scales: Float64Array;
  /** The levels unpacked once (Int8Array), for the inner loops. */
  readonly values: Int8Array;
}

export const groupsOf = (matrix: { readonly cols: number; readonly groupSize: number }): number => Math.ceil(matrix.cols / matrix.groupSize);

const mseRatios = Array.from({ length: 20 }, (_, k) => 1 - 0.035 * k);

/** The float32 scale of weights[from, to) under `grid`. */
function groupScale(weights: Float64Array, from: number, to: number, bits: Bits, grid: WeightGrid): number {
  let max = 0;
  for (let i = from; i < to; i++) max = Math.max(max, Math.abs(weights[i]!));
  if (max === 0) return 1;
  const top = levelMax(bits, grid.levels);
  // float32, as the checkpoint stores it and an MCU holds it.
  if (grid.scaleRule === 'absmax') return Math.fround(max / top);
  let best = 0;
  let bestError = Number.POSITIVE_INFINITY;
  for (const ratio of mseRatios) {
    const scale = Math.fround((max * ratio) / top);
    let error = 0;
    for (let i = from; i < to; i++) {
      const d = weights[i]! - snap(weights[i]! / scale, bits, grid.levels) * scale;
      error += d * d;
    }
    if (error < bestError) {
      bestError = error;
      best = scale;
    }
  }
  return best;
}

export function quantizeMatrix(weights: Float64Array, rows: number, cols: number, bits: Bits, grid: WeightGrid = perRowGrid(cols)): QuantMatrix {
  const { levels, groupSize } = grid;
  if (!(Number.isInteger(groupSize) && groupSize >= 1)) throw new RangeError(`a group size must be a whole number ≥ 1, got ${groupSize}`);
  const size = Math.min(groupSize, cols);
  const groups = Math.ceil(cols / size);
  const values = new Int8Array(rows * cols);
  const scales = new Float64Array(rows * groups);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      const from = r * cols + g * size;
      const to = r * cols + Math.min(cols, (g + 1) * size);
      const scale = groupScale(weights, from, to, bits, grid);
      scales[r * groups + g] = scale;
      for (let i = from; i < to; i++) values[i] = snap(weights[i]! / scale, bits, levels);
    }
  }
  return { bits, rows, cols, levels, groupSize: size, packed: pack(values, bits, levels), scales, values };
}

/** The real weights a quantized matrix stands for: level × its group's scale. */
export function dequantizeMatrix(matrix: QuantMatrix): Float64Array {
  const { rows, cols, groupSize, values, scales } = matrix;
  const groups = groupsOf(matrix);
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = values[r * cols + c]! * scales[r * groups + Math.floor(c / groupSize)]!;
  return out;
}

/** Packs levels of `bits` bits, 8/bits per byte, lowest bits first. */
export function pack(values: Int8Array, bits: Bits, levels: Levels = 'signed'): Uint8Array {
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const top = levelMax(bits, levels);
  const out = new Uint8Array(Math.ceil(values.length / perByte));
  for (let i = 0; i < values.length; i++) {
    const code = levels === 'odd' ? (values[i]! + top) / 2 : values[i]! & mask;
    out[Math.floor(i / perByte)]! |= code << ((i % perByte) * bits);
  }
  return out;
}

export function unpack(packed: Uint8Array, count: number, bits: Bits, levels: Levels = 'signed'): Int8Array {
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const sign = 1 << (bits - 1);
  const top = levelMax(bits, levels);
  // int8 with signed levels: the bytes are the values (two's complement).
  if (bits === 8 && levels === 'signed') return new Int8Array(packed.buffer, packed.byteOffset, count).slice();
  const odd = levels === 'odd';
  const out = new Int8Array(count);
  // Byte by byte, each value `bits` further up (the first in the lowest bits).
  for (let b = 0, i = 0; i < count; b++) {
    let byte = packed[b]!;
    for (let k = 0; k < perByte && i < count; k++, i++) {
      const raw = byte & mask;
      byte >>= bits;
      out[i] = odd ? 2 * raw - top : raw & sign ? raw - (1 << bits) : raw;
    }
  }
  return out;
}

/**
 * An int8 tensor with its scale: real value = q · scale, or q · channelScales[i] for tensors
 * quantized per channel (the residual stream, whose channels differ in range; its consumers
 * dequantize it before their norm, so no matrix product sees per-channel input scales).
 */
export interface Int8Tensor {
  readonly data: Int8Array;
  readonly scale: number;
  readonly channelScales?: Float64Array;
}

export function quantizeActivations(values: Float64Array, scale: number | Float64Array): Int8Tensor {
  const data = new Int8Array(values.length);
  if (typeof scale === 'number') {
    for (let i = 0; i < values.length; i++) data[i] = Math.max(-127, Math.min(127, Math.round(values[i]! / scale)));
    return { data, scale };
  }
  for (let i = 0; i < values.length; i++) data[i] = Math.max(-127, Math.min(127, Math.round(values[i]! / scale[i]!)));
  return { data, scale: 1, channelScales: scale };
}

/** A per-tensor scale for values, from their largest magnitude (a dynamic scale). */
export function scaleFor(values: Float64Array): number {
  let max = 0;
  for (const value of values) max = Math.max(max, Math.abs(value));
  return max > 0 ? max / 127 : 1;
}

export function dequantize(tensor: Int8Tensor): Float64Array {
  const { data, scale } = tensor;
  const channels = tensor.channelScales;
  return channels ? mapValues(data, (q, i) => q * channels[i]!) : mapValues(data, (q) => q * scale);
}

/** int32 accumulators of W·x for one int8 vector (length cols): Σ w·x per row and group, [rows, groups]. */
export function matvecInt(matrix: QuantMatrix, x: Int8Array): Int32Array {
  if (x.length !== matrix.cols) throw new RangeError(`a ${matrix.rows}×${matrix.cols} matrix takes ${matrix.cols} values, got ${x.length}`);
  const { rows, cols, values, groupSize } = matrix;
  const groups = groupsOf(matrix);
  const acc = new Int32Array(rows * groups);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let g = 0; g < groups; g++) {
      acc[r * groups + g] = int8Dot(values, o, x, g * groupSize, Math.min(cols, (g + 1) * groupSize));
    }
  }
  return acc;
}

/** Σ over a row's groups of its int32 sum × the group's scale (per row: the one sum × its scale), [rows]. */
export function groupSums(matrix: QuantMatrix, acc: Int32Array): Float64Array {
  const groups = groupsOf(matrix);
  const out = new Float64Array(matrix.rows);
  for (let r = 0; r < matrix.rows; r++) {
    let sum = 0;
    for (let g = 0; g < groups; g++) sum += acc[r * groups + g]! * matrix.scales[r * groups + g]!;
    out[r] = sum;
  }
  return out;
}

/**
 * Real values of W·x from the int32 accumulators: per row, Σ_g (Σ w·x)_g · s_g, times x's
 * scale. The same numbers as matvecInt then groupSums, in one pass (every sum of int8 products
 * here is exact and within int32: at most 127 · 127 · cols).
 */
export function matvecReal(matrix: QuantMatrix, x: Int8Tensor): Float64Array {
  const { rows, cols, values, scales, groupSize } = matrix;
  const data = x.data;
  if (data.length !== cols) throw new RangeError(`a ${rows}×${cols} matrix takes ${cols} values, got ${data.length}`);
  const groups = groupsOf(matrix);
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    if (groups === 1) {
      out[r] = int8Dot(values, o, data, 0, cols) * scales[r]! * x.scale;
      continue;
    }
    let total = 0;
    for (let g = 0; g < groups; g++) total += int8Dot(values, o, data, g * groupSize, Math.min(cols, (g + 1) * groupSize)) * scales[r * groups + g]!;
    out[r] = total * x.scale;
  }
  return out;
}

/** A real multiplier 0 < m < 2³¹ as a Q31 mantissa in [2³⁰, 2³¹) and a right shift (may be negative). */
export interface FixedMultiplier {
  readonly mantissa: number;
  readonly shift: number;
}

export function fixedMultiplier(real: number): FixedMultiplier {
  if (!(real > 0) || !Number.isFinite(real)) throw new RangeError(`a requantization multiplier must be positive and finite, got ${real}`);
  let exponent = Math.floor(Math.log2(real)) + 1;
  let mantissa = Math.round(real * 2 ** (31 - exponent));
  if (mantissa === 2 ** 31) {
    mantissa /= 2;
    exponent += 1;
  }
  // real ≈ mantissa · 2^(exponent − 31): the product is shifted right by 31 − exponent.
  return { mantissa, shift: 31 - exponent };
}

/**
 * round(acc · mantissa / 2^shift), exactly, with round-half-up as CMSIS-NN's requantize does;
 * the 64-bit product is formed in two 16-bit halves so that every step is an exact integer.
 */
export function applyMultiplier(acc: number, multiplier: FixedMultiplier): number {
  const { mantissa, shift } = multiplier;
  if (shift <= 0) return acc * mantissa * 2 ** -shift;
  // Past 46 bits of shift the rounding term no longer fits beside the partial product.
  if (shift > 46) return Number((BigInt(acc) * BigInt(mantissa) + (1n << BigInt(shift - 1))) >> BigInt(shift));
  const hi = Math.floor(mantissa / 65_536);
  const lo = mantissa % 65_536;
  const pHi = acc * hi;
  const pLo = acc * lo + 2 ** (shift - 1);
  if (shift < 16) return pHi * 2 ** (16 - shift) + Math.floor(pLo / 2 ** shift);
  const carry = Math.floor(pLo / 65_536);
  return Math.floor((pHi + carry) / 2 ** (shift - 16));
}

/**
 * Requantizes int32 accumulators to int8 at `outScale` (one, or one per output channel):
 * acc · s_w[r] · s_x / s_out[r] by a fixed-point multiplier per channel, saturated; with
 * groups, round(Σ_g acc_g · s_w[r, g] · s_x / s_out[r]).
 */
export function requantize(acc: Int32Array, matrix: QuantMatrix, inScale: number, outScale: number | Float64Array): Int8Tensor {
  const data = new Int8Array(matrix.rows);
  // With groups the sums are scaled and added on the FPU, then rounded to the output scale.
  const grouped = groupsOf(matrix) > 1 ? groupSums(matrix, acc) : undefined;
  for (let r = 0; r < matrix.rows; r++) {
    const out = typeof outScale === 'number' ? outScale : outScale[r]!;
    const level = grouped ? Math.round((grouped[r]! * inScale) / out) : applyMultiplier(acc[r]!, fixedMultiplier((matrix.scales[r]! * inScale) / out));
    data[r] = Math.max(-127, Math.min(127, level));
  }
  return typeof outScale === 'number' ? { data, scale: outScale } : { data, scale: 1, channelScales: outScale };
}

/**
 * Σ a[offset + c] · b[c] for c in [from, to): int8 products summed exactly (at most
 * 127 · 127 · cols, far inside 2^53), so four partial sums give the same number as one, in a
 * quarter of the dependent additions.
 */
function int8Dot(a: ArrayLike<number>, offset: number, b: ArrayLike<number>, from: number, to: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let c = from;
  for (; c + 3 < to; c += 4) {
    s0 += a[offset + c]! * b[c]!;
    s1 += a[offset + c + 1]! * b[c + 1]!;
    s2 += a[offset + c + 2]! * b[c + 2]!;
    s3 += a[offset + c + 3]! * b[c + 3]!;
  }
  for (; c < to; c++) s0 += a[offset + c]! * b[c]!;
  return s0 + s1 + s2 + s3;
}
