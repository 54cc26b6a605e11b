/**
 * Multi-head latent attention (DeepSeek-V2, https://arxiv.org/abs/2405.04434, §2.1): keys and
 * values are rebuilt from a low-rank latent c = W_DKV·x, k = W_UK·c, v = W_UV·c, so the cache
 * holds only c (d_c numbers per token and layer) instead of 2·H·d_h. Causal. Positions are
 * either added to the input (learned; tinyseek.ts) or, with `ropeDim` > 0, DeepSeek's
 * decoupled rotary embedding: each head's query gets d_r extra dimensions q_r = RoPE(W_QR·x)
 * and every head shares one rotary key k_r = RoPE(W_KR·x), cached beside the latent (d_c + d_r
 * numbers per token and layer); scores are (q·k + q_r·k_r)/√(d_h + d_r) (RoFormer,
 * https://arxiv.org/abs/2104.09864, with base 10,000).
 */
import type { RandomStream } from '../../sim/rng.ts';
import type { Param } from '../params.ts';
import { createLinear, type Linear } from './linear.ts';

export interface AttentionConfig {
  readonly heads: number;
  readonly headDim: number;
  readonly latentDim: number;
  /** Decoupled rotary dimensions per head (even); 0 or absent: no rotary embedding. */
  readonly ropeDim?: number;
}

/** Rotates consecutive pairs of `v` (length a multiple of `dim`, `dim` even) by position·θ_i, θ_i = 10000^(−2i/dim). */
export function rotate(v: Float64Array, dim: number, position: number, inverse = false): Float64Array {
  const out = new Float64Array(v.length);
  for (let base = 0; base < v.length; base += dim) {
    for (let i = 0; i < dim; i += 2) {
      const angle = (inverse ? -position : position) * 10000 ** (-i / dim);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      const a = v[base + i]!;
      const b = v[base + i + 1]!;
      out[base + i] = a * c - b * s;
      out[base + i + 1] = a * s + b * c;
    }
  }
  return out;
}

export interface Attention {
  readonly config: AttentionConfig;
  readonly q: Linear;
  readonly down: Linear;
  readonly upK: Linear;
  readonly upV: Linear;
  readonly out: Linear;
  /** The rotary projections, with `ropeDim` > 0. */
  readonly qRope: Linear | undefined;
  readonly kRope: Linear | undefined;
  readonly params: readonly Param[];
  /** The whole sequence at once (training). */
  forward(x: Float64Array, rows: number): { y: Float64Array; latent: Float64Array; backward(dy: Float64Array): Float64Array };
  /** One new position, given the latents of the earlier ones (generation); appends its own latent to the cache. */
  step(x: Float64Array, cache: LatentCache): Float64Array;
}

/** The latent KV cache of one layer: d_c numbers per position, and d_r for the rotary key. */
export interface LatentCache {
  latents: Float64Array;
  rope: Float64Array;
  length: number;
}

export function createLatentCache(latentDim: number, capacity: number, ropeDim = 0): LatentCache {
  return { latents: new Float64Array(latentDim * capacity), rope: new Float64Array(ropeDim * capacity), length: 0 };
}

export function createAttention(name: string, dim: number, config: AttentionConfig, rng: RandomStream): Attention {
  const { heads, headDim, latentDim } = config;
  const ropeDim = config.ropeDim ?? 0;
  if (ropeDim % 2 !== 0) throw new RangeError(`ropeDim must be even, got ${ropeDim}`);
  const inner = heads * headDim;
  const q = createLinear(`${name}.wq`, dim, inner, rng);
  const down = createLinear(`${name}.wdkv`, dim, latentDim, rng);
  const upK = createLinear(`${name}.wuk`, latentDim, inner, rng);
  const upV = createLinear(`${name}.wuv`, latentDim, inner, rng);
  const out = createLinear(`${name}.wo`, inner, dim, rng);
  const qRope = ropeDim > 0 ? createLinear(`${name}.wqr`, dim, heads * ropeDim, rng) : undefined;
  const kRope = ropeDim > 0 ? createLinear(`${name}.wkr`, dim, ropeDim, rng) : undefined;
  const scale = 1 / Math.sqrt(headDim + ropeDim);
  /** Rotates row r of a [rows, width] array by position offset + r. */
  const rotateRows = (values: Float64Array, rows: number, width: number, offset: number, inverse = false): Float64Array => {
    const result = new Float64Array(values.length);
    for (let r = 0; r < rows; r++) result.set(rotate(values.subarray(r * width, (r + 1) * width), ropeDim, offset + r, inverse), r * width);
    return result;
  };

  /** Attention of `rows` queries over `keys` positions; query r sees keys 0..offset+r. */
  const attend = (qs: Float64Array, ks: Float64Array, vs: Float64Array, rows: number, keys: number, offset: number, qr?: Float64Array, kr?: Float64Array): { o: Float64Array; p: Float64Array } => {
    const o = new Float64Array(rows * inner);
    const p = new Float64Array(heads * rows * keys);
    for (let h = 0; h < heads; h++) {
      for (let r = 0; r < rows; r++) {
        const visible = offset + r + 1;
        const base = (h * rows + r) * keys;
        let max = Number.NEGATIVE_INFINITY;
        for (let s = 0; s < visible; s++) {
          let dot = 0;
          for (let i = 0; i < headDim; i++) dot += qs[r * inner + h * headDim + i]! * ks[s * inner + h * headDim + i]!;
          if (qr && kr) for (let i = 0; i < ropeDim; i++) dot += qr[(r * heads + h) * ropeDim + i]! * kr[s * ropeDim + i]!;
          p[base + s] = dot * scale;
          max = Math.max(max, p[base + s]!);
        }
        let sum = 0;
        for (let s = 0; s < visible; s++) sum += (p[base + s] = Math.exp(p[base + s]! - max));
        for (let s = 0; s < visible; s++) {
          const w = (p[base + s]! /= sum);
          for (let i = 0; i < headDim; i++) o[r * inner + h * headDim + i]! += w * vs[s * inner + h * headDim + i]!;
        }
      }
    }
    return { o, p };
  };

  return {
    config,
    q,
    down,
    upK,
    upV,
    out,
    qRope,
    kRope,
    params: [...q.params, ...down.params, ...upK.params, ...upV.params, ...out.params, ...(qRope?.params ?? []), ...(kRope?.params ?? [])],
    forward(x, rows) {
      const qp = q.forward(x, rows);
      const cp = down.forward(x, rows);
      const kp = upK.forward(cp.y, rows);
      const vp = upV.forward(cp.y, rows);
      const qrp = qRope?.forward(x, rows);
      const krp = kRope?.forward(x, rows);
      const qr = qrp && rotateRows(qrp.y, rows, heads * ropeDim, 0);
      const kr = krp && rotateRows(krp.y, rows, ropeDim, 0);
      const { o, p } = attend(qp.y, kp.y, vp.y, rows, rows, 0, qr, kr);
      const op = out.forward(o, rows);
      return {
        y: op.y,
        latent: cp.y,
        backward(dy) {
          const dO = op.backward(dy);
          const dq = new Float64Array(rows * inner);
          const dk = new Float64Array(rows * inner);
          const dv = new Float64Array(rows * inner);
          const dqr = new Float64Array(rows * heads * ropeDim);
          const dkr = new Float64Array(rows * ropeDim);
          const dP = new Float64Array(rows);
          for (let h = 0; h < heads; h++) {
            for (let r = 0; r < rows; r++) {
              const base = (h * rows + r) * rows;
              let dot = 0;
              for (let s = 0; s <= r; s++) {
                let g = 0;
                for (let i = 0; i < headDim; i++) {
                  g += dO[r * inner + h * headDim + i]! * vp.y[s * inner + h * headDim + i]!;
                  dv[s * inner + h * headDim + i]! += p[base + s]! * dO[r * inner + h * headDim + i]!;
                }
                dP[s] = g;
                dot += g * p[base + s]!;
              }
              for (let s = 0; s <= r; s++) {
                const dS = p[base + s]! * (dP[s]! - dot) * scale;
                for (let i = 0; i < headDim; i++) {
                  dq[r * inner + h * headDim + i]! += dS * kp.y[s * inner + h * headDim + i]!;
                  dk[s * inner + h * headDim + i]! += dS * qp.y[r * inner + h * headDim + i]!;
                }
                if (qr && kr) {
                  for (let i = 0; i < ropeDim; i++) {
                    dqr[(r * heads + h) * ropeDim + i]! += dS * kr[s * ropeDim + i]!;
                    dkr[s * ropeDim + i]! += dS * qr[(r * heads + h) * ropeDim + i]!;
                  }
                }
              }
            }
          }
          const dc = kp.backward(dk);
          const dc2 = vp.backward(dv);
          for (let i = 0; i < dc.length; i++) dc[i]! += dc2[i]!;
          const dx = qp.backward(dq);
          const dx2 = cp.backward(dc);
          for (let i = 0; i < dx.length; i++) dx[i]! += dx2[i]!;
          if (qrp && krp) {
            // The rotation is orthogonal: its gradient is the inverse rotation.
            const dxq = qrp.backward(rotateRows(dqr, rows, heads * ropeDim, 0, true));
            const dxk = krp.backward(rotateRows(dkr, rows, ropeDim, 0, true));
            for (let i = 0; i < dx.length; i++) dx[i]! += dxq[i]! + dxk[i]!;
          }
          return dx;
        },
      };
    },
    step(x, cache) {
      const position = cache.length;
      if ((position + 1) * latentDim > cache.latents.length) throw new RangeError(`the latent cache holds ${cache.latents.length / latentDim} positions`);
      const qs = q.forward(x, 1).y;
      cache.latents.set(down.forward(x, 1).y, position * latentDim);
      const qr = qRope && rotate(qRope.forward(x, 1).y, ropeDim, position);
      if (kRope) cache.rope.set(rotate(kRope.forward(x, 1).y, ropeDim, position), position * ropeDim);
      cache.length = position + 1;
      const latents = cache.latents.subarray(0, cache.length * latentDim);
      // Keys and values are rebuilt from the cached latents, exactly as the full forward builds them.
      const ks = upK.forward(latents, cache.length).y;
      const vs = upV.forward(latents, cache.length).y;
      const { o } = attend(qs, ks, vs, 1, cache.length, position, qr, kRope && cache.rope.subarray(0, cache.length * ropeDim));
      return out.forward(o, 1).y;
    },
  };
}
