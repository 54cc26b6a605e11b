/**
 * Integer arithmetic as an MCU runs it (CMSIS-NN, TFLite Micro): weights quantized per output
 * channel, symmetric, to 8, 4 or 2 bits and packed; int8 activations; int32 accumulation; and
 * requantization by a fixed-point multiplier (a Q31 mantissa and a shift, TFLite's
 * QuantizeMultiplier / MultiplyByQuantizedMultiplier, https://github.com/tensorflow/tflite-micro).
 * Every product and sum here is an exact integer (in a JavaScript number, or a BigInt where a
 * requantization shift is too long for one).
 */

export type Bits = 8 | 4 | 2;

/** Largest magnitude of a symmetric b-bit value: 127, 7, 1. */
export const qmax = (bits: Bits): number => 2 ** (bits - 1) - 1;

/** A weight matrix [rows = out, cols = in], per-row scale, packed little-end first. */
export interface QuantMatrix {
  readonly bits: Bits;
  readonly rows: number;
  readonly cols: number;
  /** Packed signed values, 8/bits per byte, two's complement in `bits` bits. */
  readonly packed: Uint8Array;
  readonly scales: Float64Array;
  /** The values unpacked once (Int8Array), for the inner loops. */
  readonly values: Int8Array;
}

export function quantizeMatrix(weights: Float64Array, rows: number, cols: number, bits: Bits): QuantMatrix {
  const q = qmax(bits);
  const values = new Int8Array(rows * cols);
  const scales = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = 0; c < cols; c++) max = Math.max(max, Math.abs(weights[r * cols + c]!));
    // float32, as the checkpoint stores it and an MCU holds it.
    const scale = Math.fround(max > 0 ? max / q : 1);
    scales[r] = scale;
    for (let c = 0; c < cols; c++) values[r * cols + c] = Math.max(-q, Math.min(q, Math.round(weights[r * cols + c]! / scale)));
  }
  return { bits, rows, cols, packed: pack(values, bits), scales, values };
}

/** Packs signed values of `bits` bits, 8/bits per byte, lowest bits first. */
export function pack(values: Int8Array, bits: Bits): Uint8Array {
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(Math.ceil(values.length / perByte));
  for (let i = 0; i < values.length; i++) out[Math.floor(i / perByte)]! |= (values[i]! & mask) << ((i % perByte) * bits);
  return out;
}

export function unpack(packed: Uint8Array, count: number, bits: Bits): Int8Array {
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const sign = 1 << (bits - 1);
  const out = new Int8Array(count);
  for (let i = 0; i < count; i++) {
    const raw = (packed[Math.floor(i / perByte)]! >> ((i % perByte) * bits)) & mask;
    out[i] = raw & sign ? raw - (1 << bits) : raw;
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
  const channels = tensor.channelScales;
  return channels ? Float64Array.from(tensor.data, (q, i) => q * channels[i]!) : Float64Array.from(tensor.data, (q) => q * tensor.scale);
}

/** int32 accumulators of W·x for one int8 vector (length cols): Σ w·x per row. */
export function matvecInt(matrix: QuantMatrix, x: Int8Array): Int32Array {
  if (x.length !== matrix.cols) throw new RangeError(`a ${matrix.rows}×${matrix.cols} matrix takes ${matrix.cols} values, got ${x.length}`);
  const { rows, cols, values } = matrix;
  const acc = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    const o = r * cols;
    for (let c = 0; c < cols; c++) sum += values[o + c]! * x[c]!;
    acc[r] = sum;
  }
  return acc;
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
 * acc · s_w[r] · s_x / s_out[r] by a fixed-point multiplier per channel, saturated.
 */
export function requantize(acc: Int32Array, matrix: QuantMatrix, inScale: number, outScale: number | Float64Array): Int8Tensor {
  const data = new Int8Array(acc.length);
  for (let r = 0; r < acc.length; r++) {
    const out = typeof outScale === 'number' ? outScale : outScale[r]!;
    data[r] = Math.max(-127, Math.min(127, applyMultiplier(acc[r]!, fixedMultiplier((matrix.scales[r]! * inScale) / out))));
  }
  return typeof outScale === 'number' ? { data, scale: outScale } : { data, scale: 1, channelScales: outScale };
}
