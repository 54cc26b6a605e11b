/**
 * Multi-head latent attention (DeepSeek-V2, https://arxiv.org/abs/2405.04434, §2.1): keys and
 * values are rebuilt from a low-rank latent c = W_DKV·x, k = W_UK·c, v = W_UV·c, so the cache
 * holds only c (d_c numbers per token and layer) instead of 2·H·d_h. Causal, with positions
 * added to the input (learned positions; see model.ts).
 */
import type { RandomStream } from '../../sim/rng.ts';
import type { Param } from '../params.ts';
import { createLinear, type Linear } from './linear.ts';

export interface AttentionConfig {
  readonly heads: number;
  readonly headDim: number;
  readonly latentDim: number;
}

export interface Attention {
  readonly config: AttentionConfig;
  readonly q: Linear;
  readonly down: Linear;
  readonly upK: Linear;
  readonly upV: Linear;
  readonly out: Linear;
  readonly params: readonly Param[];
  /** The whole sequence at once (training). */
  forward(x: Float64Array, rows: number): { y: Float64Array; latent: Float64Array; backward(dy: Float64Array): Float64Array };
  /** One new position, given the latents of the earlier ones (generation); appends its own latent to the cache. */
  step(x: Float64Array, cache: LatentCache): Float64Array;
}

/** The latent KV cache of one layer: d_c numbers per position. */
export interface LatentCache {
  latents: Float64Array;
  length: number;
}

export function createLatentCache(latentDim: number, capacity: number): LatentCache {
  return { latents: new Float64Array(latentDim * capacity), length: 0 };
}

export function createAttention(name: string, dim: number, config: AttentionConfig, rng: RandomStream): Attention {
  const { heads, headDim, latentDim } = config;
  const inner = heads * headDim;
  const q = createLinear(`${name}.wq`, dim, inner, rng);
  const down = createLinear(`${name}.wdkv`, dim, latentDim, rng);
  const upK = createLinear(`${name}.wuk`, latentDim, inner, rng);
  const upV = createLinear(`${name}.wuv`, latentDim, inner, rng);
  const out = createLinear(`${name}.wo`, inner, dim, rng);
  const scale = 1 / Math.sqrt(headDim);

  /** Attention of `rows` queries over `keys` positions; query r sees keys 0..offset+r. */
  const attend = (qs: Float64Array, ks: Float64Array, vs: Float64Array, rows: number, keys: number, offset: number): { o: Float64Array; p: Float64Array } => {
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
    params: [...q.params, ...down.params, ...upK.params, ...upV.params, ...out.params],
    forward(x, rows) {
      const qp = q.forward(x, rows);
      const cp = down.forward(x, rows);
      const kp = upK.forward(cp.y, rows);
      const vp = upV.forward(cp.y, rows);
      const { o, p } = attend(qp.y, kp.y, vp.y, rows, rows, 0);
      const op = out.forward(o, rows);
      return {
        y: op.y,
        latent: cp.y,
        backward(dy) {
          const dO = op.backward(dy);
          const dq = new Float64Array(rows * inner);
          const dk = new Float64Array(rows * inner);
          const dv = new Float64Array(rows * inner);
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
              }
            }
          }
          const dc = kp.backward(dk);
          const dc2 = vp.backward(dv);
          for (let i = 0; i < dc.length; i++) dc[i]! += dc2[i]!;
          const dx = qp.backward(dq);
          const dx2 = cp.backward(dc);
          for (let i = 0; i < dx.length; i++) dx[i]! += dx2[i]!;
          return dx;
        },
      };
    },
    step(x, cache) {
      const position = cache.length;
      if ((position + 1) * latentDim > cache.latents.length) throw new RangeError(`the latent cache holds ${cache.latents.length / latentDim} positions`);
      const qs = q.forward(x, 1).y;
      cache.latents.set(down.forward(x, 1).y, position * latentDim);
      cache.length = position + 1;
      const latents = cache.latents.subarray(0, cache.length * latentDim);
      // Keys and values are rebuilt from the cached latents, exactly as the full forward builds them.
      const ks = upK.forward(latents, cache.length).y;
      const vs = upV.forward(latents, cache.length).y;
      const { o } = attend(qs, ks, vs, 1, cache.length, position);
      return out.forward(o, 1).y;
    },
  };
}
