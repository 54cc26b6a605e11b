/**
 * Update compression (issue 7): what a client's delta becomes before it goes on the radio, and
 * the bytes that travel.
 * - int8 quantization: one float32 scale (max |x| / 127) and an int8 per value;
 * - top-k sparsification: the k = ⌈fraction · n⌉ largest |x| (ties to the lower index), their
 *   indices as LEB128 varints of the gaps between them, and their values (float32, or int8 with
 *   quantization);
 * - error feedback (Seide et al. 2014; Karimireddy et al. 2019, https://arxiv.org/abs/1901.09847):
 *   the client adds what it did not send last time to this update, and keeps what it does not
 *   send now, so that Σ sent + residual = Σ raw updates.
 * The server decodes the bytes (`decodeUpdate`) into the dense delta it averages.
 */
import { mapValues } from '../model/map-values.ts';

export interface CompressionSpec {
  /** Bits per value: 64 (float64, lossless), 32 (float32) or 8 (int8 with a float32 scale). */
  readonly bits: 64 | 32 | 8;
  /** Share of the entries sent (top-k); 1 sends them all. */
  readonly topK: number;
  readonly errorFeedback: boolean;
}

/** Every value as float32: what an uncompressed update costs on the radio. */
export const noCompression: CompressionSpec = { bits: 32, topK: 1, errorFeedback: false };

/** Every value as float64: exact, for the invariants. */
export const lossless: CompressionSpec = { bits: 64, topK: 1, errorFeedback: false };

export class UpdateCodecError extends Error {
  constructor(detail: string) {
    super(`malformed update: ${detail}`);
    this.name = 'UpdateCodecError';
  }
}

/** The top-k entries of x by magnitude (k of n; ties to the lower index), indices ascending. */
export function topK(x: Float64Array, k: number): Int32Array {
  if (k >= x.length) return Int32Array.from(x, (_, i) => i);
  const order = Array.from(x, (_, i) => i).sort((a, b) => Math.abs(x[b]!) - Math.abs(x[a]!) || a - b);
  return Int32Array.from(order.slice(0, Math.max(0, k))).sort();
}

/** The sparsifier alone, in float64: what it keeps (dense) and what it leaves. */
export function sparsify(x: Float64Array, fraction: number): { kept: Float64Array; left: Float64Array } {
  const k = Math.ceil(fraction * x.length);
  const kept = new Float64Array(x.length);
  for (const i of topK(x, k)) kept[i] = x[i]!;
  return { kept, left: mapValues(x, (v, i) => v - kept[i]!) };
}

function writeVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** Encodes a delta: kind byte (bit 0 sparse, bit 1 int8, bit 2 float64), n (u32), then the body. */
export function encodeUpdate(raw: Float64Array, spec: CompressionSpec): { bytes: Uint8Array; sent: Float64Array } {
  // A diverged client's NaN or ∞ would poison the whole scale: such entries go as 0.
  const x = raw.every(Number.isFinite) ? raw : raw.map((v) => (Number.isFinite(v) ? v : 0));
  const n = x.length;
  const sparse = spec.topK < 1;
  const indices = sparse ? topK(x, Math.ceil(spec.topK * n)) : Int32Array.from(x, (_, i) => i);
  const header: number[] = [(sparse ? 1 : 0) | (spec.bits === 8 ? 2 : 0) | (spec.bits === 64 ? 4 : 0), (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const sent = new Float64Array(n);
  const body: number[] = [];
  if (sparse) writeVarint(body, indices.length);
  let previous = -1;
  const values: number[] = [];
  for (const i of indices) {
    if (sparse) writeVarint(body, i - previous - 1);
    previous = i;
    values.push(x[i]!);
  }
  let valueBytes: Uint8Array;
  if (spec.bits === 8) {
    const max = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    // A scale too small for float32 (values of ~1e-40) would divide by zero: such values are 0.
    const fitted = Math.fround(max / 127);
    const scale = fitted > 0 ? fitted : 1;
    valueBytes = new Uint8Array(4 + values.length);
    new DataView(valueBytes.buffer).setFloat32(0, scale);
    values.forEach((v, k) => {
      // `|| 0` turns −0 into 0, as the byte carries it.
      const q = Math.max(-127, Math.min(127, Math.round(v / scale))) || 0;
      valueBytes[4 + k] = q & 0xff;
      sent[indices[k]!] = q * scale;
    });
  } else if (spec.bits === 64) {
    valueBytes = new Uint8Array(8 * values.length);
    const view = new DataView(valueBytes.buffer);
    values.forEach((v, k) => {
      view.setFloat64(8 * k, v);
      sent[indices[k]!] = v;
    });
  } else {
    valueBytes = new Uint8Array(4 * values.length);
    const view = new DataView(valueBytes.buffer);
    values.forEach((v, k) => {
      view.setFloat32(4 * k, v);
      sent[indices[k]!] = Math.fround(v);
    });
  }
  const bytes = new Uint8Array(header.length + body.length + valueBytes.length);
  bytes.set(header, 0);
  bytes.set(body, header.length);
  bytes.set(valueBytes, header.length + body.length);
  return { bytes, sent };
}

/** The dense delta the bytes carry (exactly the `sent` of `encodeUpdate`). */
export function decodeUpdate(bytes: Uint8Array, expectedLength: number): Float64Array {
  if (bytes.length < 5) throw new UpdateCodecError(`expected at least 5 bytes, found ${bytes.length}`);
  const kind = bytes[0]!;
  if (kind > 5) throw new UpdateCodecError(`expected kind 0..5 (bit 0 sparse, bit 1 int8, bit 2 float64), found ${kind}`);
  const n = ((bytes[1]! << 24) >>> 0) + (bytes[2]! << 16) + (bytes[3]! << 8) + bytes[4]!;
  if (n !== expectedLength) throw new UpdateCodecError(`expected ${expectedLength} parameters, found ${n}`);
  let at = 5;
  const readVarint = (): number => {
    let value = 0;
    let factor = 1;
    for (;;) {
      if (at >= bytes.length) throw new UpdateCodecError('expected a varint, found the end');
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * factor;
      if (byte < 0x80) return value;
      factor *= 128;
      if (factor > 2 ** 28) throw new UpdateCodecError('expected a varint of at most 5 bytes');
    }
  };
  const sparse = (kind & 1) === 1;
  const int8 = (kind & 2) === 2;
  const float64 = (kind & 4) === 4;
  let indices: number[];
  if (sparse) {
    const k = readVarint();
    if (k > n) throw new UpdateCodecError(`expected at most ${n} entries, found ${k}`);
    indices = [];
    let previous = -1;
    for (let j = 0; j < k; j++) {
      previous += readVarint() + 1;
      if (previous >= n) throw new UpdateCodecError(`expected indices below ${n}, found ${previous}`);
      indices.push(previous);
    }
  } else indices = Array.from({ length: n }, (_, i) => i);
  const need = int8 ? 4 + indices.length : (float64 ? 8 : 4) * indices.length;
  if (bytes.length - at !== need) throw new UpdateCodecError(`expected ${need} bytes of values, found ${bytes.length - at}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, need);
  const out = new Float64Array(n);
  if (int8) {
    const scale = view.getFloat32(0);
    indices.forEach((i, k) => {
      out[i] = ((bytes[at + 4 + k]! << 24) >> 24) * scale;
    });
  } else if (float64) indices.forEach((i, k) => (out[i] = view.getFloat64(8 * k)));
  else indices.forEach((i, k) => (out[i] = view.getFloat32(4 * k)));
  return out;
}

/** A client's compressor, with its error-feedback residual. */
export interface Compressor {
  compress(delta: Float64Array): { bytes: Uint8Array; sent: Float64Array };
  readonly residual: Float64Array | undefined;
  /** Takes back the error-feedback residual a checkpoint saved. */
  restoreResidual(residual: Float64Array | undefined): void;
}

export function createCompressor(spec: CompressionSpec): Compressor {
  let residual: Float64Array | undefined;
  return {
    get residual() {
      return residual;
    },
    restoreResidual(saved) {
      residual = saved;
    },
    compress(delta) {
      const input = spec.errorFeedback && residual ? mapValues(delta, (v, i) => v + residual![i]!) : delta;
      const result = encodeUpdate(input, spec);
      if (spec.errorFeedback) residual = mapValues(input, (v, i) => v - result.sent[i]!);
      return result;
    },
  };
}
