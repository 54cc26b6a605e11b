/**
 * Multi-token prediction, DeepSeek-V3's sequential MTP module of depth 1 (DeepSeek-AI 2024,
 * https://arxiv.org/abs/2412.19437, §2.2): at position i it combines the main model's last
 * representation h_i (the residual stream after the last layer, before the final norm) with
 * the embedding of the next token t_{i+1},
 *
 *   h'_i = M · [RMSNorm(h_i); RMSNorm(Emb(t_{i+1}))]          (M: d × 2d)
 *   x_i  = h'_i + MLA(RMSNorm(h'_i)),  y_i = x_i + FFN(RMSNorm(x_i))   (one causal block)
 *   logits_i = Head(RMSNorm(y_i))                               (the shared output head)
 *
 * and predicts t_{i+2}. The embedding table and the output head are the main model's (shared,
 * as in DeepSeek-V3); the feed-forward is one dense SwiGLU expert. Its attention is causal over
 * the module's own positions, with a latent cache of its own for generation.
 */
import type { RandomStream } from '../../sim/rng.ts';
import type { Param } from '../params.ts';
import { createAttention, type Attention, type AttentionConfig, type LatentCache } from './attention.ts';
import type { Embedding } from './embedding.ts';
import { createExpert, type Expert } from './expert.ts';
import { createLinear, type Linear } from './linear.ts';
import { createRmsNorm, type RmsNorm } from './rmsnorm.ts';

export interface MtpConfig {
  /** Hidden width of the module's SwiGLU feed-forward. */
  readonly hidden: number;
}

export interface MtpModule {
  readonly hNorm: RmsNorm;
  readonly eNorm: RmsNorm;
  readonly proj: Linear;
  readonly attnNorm: RmsNorm;
  readonly attention: Attention;
  readonly ffnNorm: RmsNorm;
  readonly ffn: Expert;
  readonly outNorm: RmsNorm;
  readonly params: readonly Param[];
  /**
   * Rows i = 0 … rows−1: the main model's last representations h [rows, d] and the next tokens
   * t_{i+1}; logits for t_{i+2} through the shared head. Backward returns dL/dh and adds into
   * the shared embedding and head.
   */
  forward(h: Float64Array, nextIds: readonly number[], rows: number): { logits: Float64Array; backward(dLogits: Float64Array): Float64Array };
  /** One position (generation): h_i and t_{i+1} → logits for t_{i+2}; appends to the module's cache. */
  step(h: Float64Array, nextId: number, cache: LatentCache): Float64Array;
}

/** [a; b] per row: [rows, d] and [rows, d] → [rows, 2d]. */
function concatRows(a: Float64Array, b: Float64Array, rows: number, dim: number): Float64Array {
  const out = new Float64Array(rows * 2 * dim);
  for (let r = 0; r < rows; r++) {
    out.set(a.subarray(r * dim, (r + 1) * dim), r * 2 * dim);
    out.set(b.subarray(r * dim, (r + 1) * dim), r * 2 * dim + dim);
  }
  return out;
}

const addInto = (target: Float64Array, source: Float64Array): Float64Array => {
  for (let i = 0; i < target.length; i++) target[i]! += source[i]!;
  return target;
};

export function createMtp(name: string, dim: number, attention: AttentionConfig, config: MtpConfig, shared: { readonly embedding: Embedding; readonly head: Linear }, rng: RandomStream): MtpModule {
  const hNorm = createRmsNorm(`${name}.hNorm`, dim);
  const eNorm = createRmsNorm(`${name}.eNorm`, dim);
  const proj = createLinear(`${name}.proj`, 2 * dim, dim, rng);
  const attnNorm = createRmsNorm(`${name}.attnNorm`, dim);
  const attn = createAttention(`${name}.attention`, dim, attention, rng);
  const ffnNorm = createRmsNorm(`${name}.ffnNorm`, dim);
  const ffn = createExpert(`${name}.ffn`, dim, config.hidden, rng);
  const outNorm = createRmsNorm(`${name}.outNorm`, dim);
  const { embedding, head } = shared;
  /** The block after the projection, on `rows` positions: y = x + FFN(norm(x)), x = h' + MLA(norm(h')). */
  const block = (p: Float64Array, rows: number) => {
    const n1 = attnNorm.forward(p, rows);
    const a = attn.forward(n1.y, rows);
    const x = addInto(Float64Array.from(p), a.y);
    const n2 = ffnNorm.forward(x, rows);
    const f = ffn.forward(n2.y, rows);
    const y = addInto(Float64Array.from(x), f.y);
    return {
      y,
      backward(dy: Float64Array): Float64Array {
        const dx = addInto(n2.backward(f.backward(dy)), dy);
        return addInto(n1.backward(a.backward(dx)), dx);
      },
    };
  };
  return {
    hNorm,
    eNorm,
    proj,
    attnNorm,
    attention: attn,
    ffnNorm,
    ffn,
    outNorm,
    params: [...hNorm.params, ...eNorm.params, ...proj.params, ...attnNorm.params, ...attn.params, ...ffnNorm.params, ...ffn.params, ...outNorm.params],
    forward(h, nextIds, rows) {
      const nh = hNorm.forward(h, rows);
      const emb = embedding.forward(nextIds);
      const ne = eNorm.forward(emb.y, rows);
      const pp = proj.forward(concatRows(nh.y, ne.y, rows, dim), rows);
      const b = block(pp.y, rows);
      const no = outNorm.forward(b.y, rows);
      const logits = head.forward(no.y, rows);
      return {
        logits: logits.y,
        backward(dLogits) {
          const dp = pp.backward(b.backward(no.backward(logits.backward(dLogits))));
          const dnh = new Float64Array(rows * dim);
          const dne = new Float64Array(rows * dim);
          for (let r = 0; r < rows; r++) {
            dnh.set(dp.subarray(r * 2 * dim, r * 2 * dim + dim), r * dim);
            dne.set(dp.subarray(r * 2 * dim + dim, (r + 1) * 2 * dim), r * dim);
          }
          emb.backward(ne.backward(dne));
          return nh.backward(dnh);
        },
      };
    },
    step(h, nextId, cache) {
      const e = embedding.table.value.subarray(nextId * dim, (nextId + 1) * dim);
      const p = proj.forward(concatRows(hNorm.forward(h, 1).y, eNorm.forward(e, 1).y, 1, dim), 1).y;
      const x = addInto(Float64Array.from(p), attn.step(attnNorm.forward(p, 1).y, cache));
      const y = addInto(Float64Array.from(x), ffn.forward(ffnNorm.forward(x, 1).y, 1).y);
      return head.forward(outNorm.forward(y, 1).y, 1).y;
    },
  };
}
