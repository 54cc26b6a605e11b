/**
 * TinySeek, the float reference: token embedding (plus learned positions, or rotary ones in
 * attention); per layer
 * x ← x + MLA(RMSNorm(x)), x ← x + MoE(RMSNorm(x)); a final RMSNorm and the output head.
 * `forward` runs a whole sequence (training, with backward); `createGenerator` runs one
 * position at a time with each layer's latent KV cache.
 */
import { createRandomStreams } from '../sim/rng.ts';
import type { TinySeekConfig } from './config.ts';
import { createAttention, createLatentCache, type Attention, type LatentCache } from './layers/attention.ts';
import { createEmbedding, type Embedding } from './layers/embedding.ts';
import type { RoutingRestriction } from './layers/gate.ts';
import { createLinear, type Linear } from './layers/linear.ts';
import { createMoe, type Moe } from './layers/moe.ts';
import { createRmsNorm, type RmsNorm } from './layers/rmsnorm.ts';
import type { Param } from './params.ts';

export interface Block {
  readonly attnNorm: RmsNorm;
  readonly attention: Attention;
  readonly moeNorm: RmsNorm;
  readonly moe: Moe;
}

export interface TinySeek {
  readonly config: TinySeekConfig;
  readonly embedding: Embedding;
  /** The learned position table; undefined with rotary positions. */
  readonly positions: Embedding | undefined;
  readonly blocks: readonly Block[];
  readonly finalNorm: RmsNorm;
  readonly head: Linear;
  readonly params: readonly Param[];
  /** Logits [T, vocab] for a sequence of token ids; `restrict(layer)` limits each token's experts. */
  forward(ids: readonly number[], options?: { restrict?: (layer: number) => RoutingRestriction | undefined; training?: boolean }): ForwardPass;
}

export interface ForwardPass {
  readonly logits: Float64Array;
  /** Tokens each routed expert took, per layer. */
  readonly load: readonly Int32Array[];
  readonly dropped: number;
  backward(dLogits: Float64Array): void;
}

export function createTinySeek(config: TinySeekConfig, seed: number): TinySeek {
  const rng = createRandomStreams(seed);
  const init = rng.stream('model/init');
  const { dim } = config;
  const embedding = createEmbedding('embedding', config.vocab, dim, init);
  const rotary = config.positions === 'rotary';
  if (rotary && !(Number.isInteger(config.ropeDim) && config.ropeDim! > 0 && config.ropeDim! % 2 === 0)) throw new RangeError(`rotary positions need an even ropeDim > 0, got ${config.ropeDim}`);
  const positions = rotary ? undefined : createEmbedding('positions', config.context, dim, init, 0.1);
  const blocks: Block[] = Array.from({ length: config.layers }, (_, l) => ({
    attnNorm: createRmsNorm(`layer${l}.attnNorm`, dim),
    attention: createAttention(`layer${l}.attention`, dim, { heads: config.heads, headDim: config.headDim, latentDim: config.latentDim, ropeDim: rotary ? config.ropeDim! : 0 }, init),
    moeNorm: createRmsNorm(`layer${l}.moeNorm`, dim),
    moe: createMoe(
      `layer${l}.moe`,
      dim,
      {
        experts: config.experts,
        shared: config.sharedExperts,
        hidden: config.expertHidden,
        topK: config.topK,
        affinity: config.affinity,
        ...(config.capacityFactor !== undefined && { capacityFactor: config.capacityFactor }),
      },
      init,
    ),
  }));
  const finalNorm = createRmsNorm('finalNorm', dim);
  const head = createLinear('head', dim, config.vocab, init);
  const params = [
    ...embedding.params,
    ...(positions?.params ?? []),
    ...blocks.flatMap((b) => [...b.attnNorm.params, ...b.attention.params, ...b.moeNorm.params, ...b.moe.params]),
    ...finalNorm.params,
    ...head.params,
  ];
  return {
    config,
    embedding,
    positions,
    blocks,
    finalNorm,
    head,
    params,
    forward(ids, options = {}) {
      const rows = ids.length;
      if (rows < 1 || rows > config.context) throw new RangeError(`a sequence must have 1..${config.context} tokens, got ${rows}`);
      const tok = embedding.forward(ids);
      const pos = positions?.forward(ids.map((_, t) => t));
      let x = pos ? Float64Array.from(tok.y, (v, i) => v + pos.y[i]!) : Float64Array.from(tok.y);
      const backs: ((dy: Float64Array) => Float64Array)[] = [];
      const load: Int32Array[] = [];
      let dropped = 0;
      blocks.forEach((block, l) => {
        const n1 = block.attnNorm.forward(x, rows);
        const a = block.attention.forward(n1.y, rows);
        const h = new Float64Array(x.length);
        for (let i = 0; i < h.length; i++) h[i] = x[i]! + a.y[i]!;
        const n2 = block.moeNorm.forward(h, rows);
        const m = block.moe.forward(n2.y, rows, options.restrict?.(l), options.training ?? false);
        load.push(m.load);
        dropped += m.dropped;
        const next = new Float64Array(h.length);
        for (let i = 0; i < next.length; i++) next[i] = h[i]! + m.y[i]!;
        backs.push((dy) => {
          const dh = n2.backward(m.backward(dy));
          for (let i = 0; i < dh.length; i++) dh[i]! += dy[i]!;
          const dx = n1.backward(a.backward(dh));
          for (let i = 0; i < dx.length; i++) dx[i]! += dh[i]!;
          return dx;
        });
        x = next;
      });
      const nf = finalNorm.forward(x, rows);
      const logits = head.forward(nf.y, rows);
      return {
        logits: logits.y,
        load,
        dropped,
        backward(dLogits) {
          let d = nf.backward(logits.backward(dLogits));
          for (let l = backs.length - 1; l >= 0; l--) d = backs[l]!(d);
          tok.backward(d);
          pos?.backward(d);
        },
      };
    },
  };
}

/** Generation state: one latent cache per layer. */
export interface Generator {
  /** Feeds one token; returns the logits for the next. */
  next(id: number): Float64Array;
  readonly caches: readonly LatentCache[];
}

export function createGenerator(model: TinySeek): Generator {
  const { config } = model;
  const caches = model.blocks.map(() => createLatentCache(config.latentDim, config.context, config.positions === 'rotary' ? config.ropeDim! : 0));
  return {
    caches,
    next(id) {
      const position = caches[0]!.length;
      if (position >= config.context) throw new RangeError(`the context holds ${config.context} tokens`);
      if (!Number.isInteger(id) || id < 0 || id >= config.vocab) throw new RangeError(`token id must be in 0..${config.vocab - 1}, got ${id}`);
      const x = new Float64Array(config.dim);
      const tok = model.embedding.table.value;
      const pos = model.positions?.table.value;
      for (let i = 0; i < config.dim; i++) x[i] = tok[id * config.dim + i]! + (pos ? pos[position * config.dim + i]! : 0);
      let h = x;
      model.blocks.forEach((block, l) => {
        const a = block.attention.step(block.attnNorm.forward(h, 1).y, caches[l]!);
        const mid = new Float64Array(config.dim);
        for (let i = 0; i < mid.length; i++) mid[i] = h[i]! + a[i]!;
        const m = block.moe.forward(block.moeNorm.forward(mid, 1).y, 1, undefined, false).y;
        const next = new Float64Array(config.dim);
        for (let i = 0; i < next.length; i++) next[i] = mid[i]! + m[i]!;
        h = next;
      });
      return model.head.forward(model.finalNorm.forward(h, 1).y, 1).y;
    },
  };
}
