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
import { createMtp, type MtpModule } from './layers/mtp.ts';
import { createRmsNorm, type RmsNorm } from './layers/rmsnorm.ts';
import { blankStream, type Param } from './params.ts';
import { mapValues } from './map-values.ts';

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
  /** The multi-token prediction module, when the config has one. */
  readonly mtp: MtpModule | undefined;
  readonly params: readonly Param[];
  /**
   * Logits [T, vocab] for a sequence of token ids; `restrict(layer)` limits each token's
   * experts; with `mtp` (and a module), also the module's logits for the token after next.
   */
  forward(ids: readonly number[], options?: { restrict?: (layer: number) => RoutingRestriction | undefined; training?: boolean; mtp?: boolean }): ForwardPass;
}

export interface ForwardPass {
  readonly logits: Float64Array;
  /** With `mtp`: [T − 1, vocab], row i predicting the token at i + 2 from position i and the token at i + 1. */
  readonly mtpLogits: Float64Array | undefined;
  /** Tokens each routed expert took, per layer. */
  readonly load: readonly Int32Array[];
  readonly dropped: number;
  backward(dLogits: Float64Array, dMtpLogits?: Float64Array): void;
}

/**
 * `weights`: `random` draws every weight from the seed's stream; `blank` leaves them zero, for
 * a model whose every value is read from a checkpoint next (checkpoint.ts): drawing 1.9 million
 * normals was a quarter of loading the shipped model.
 */
export function createTinySeek(config: TinySeekConfig, seed: number, weights: 'random' | 'blank' = 'random'): TinySeek {
  const init = weights === 'random' ? createRandomStreams(seed).stream('model/init') : blankStream;
  const { dim } = config;
  const embedding = createEmbedding('embedding', config.vocab, dim, init);
  const rotary = config.positions === 'rotary';
  if (rotary && !(Number.isInteger(config.ropeDim) && config.ropeDim! > 0 && config.ropeDim! % 2 === 0)) throw new RangeError(`rotary positions need an even ropeDim > 0, got ${config.ropeDim}`);
  const positions = rotary ? undefined : createEmbedding('positions', config.context, dim, init, 0.1);
  const attention = { heads: config.heads, headDim: config.headDim, latentDim: config.latentDim, ropeDim: rotary ? config.ropeDim! : 0 };
  const blocks: Block[] = Array.from({ length: config.layers }, (_, l) => ({
    attnNorm: createRmsNorm(`layer${l}.attnNorm`, dim),
    attention: createAttention(`layer${l}.attention`, dim, attention, init),
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
  // Drawn after every other weight, so that a model with a module starts as one without it.
  const mtp = config.mtp && createMtp('mtp', dim, attention, config.mtp, { embedding, head }, init);
  const params = [
    ...embedding.params,
    ...(positions?.params ?? []),
    ...blocks.flatMap((b) => [...b.attnNorm.params, ...b.attention.params, ...b.moeNorm.params, ...b.moe.params]),
    ...finalNorm.params,
    ...head.params,
    ...(mtp?.params ?? []),
  ];
  return {
    config,
    embedding,
    positions,
    blocks,
    finalNorm,
    head,
    mtp,
    params,
    forward(ids, options = {}) {
      const rows = ids.length;
      if (rows < 1 || rows > config.context) throw new RangeError(`a sequence must have 1..${config.context} tokens, got ${rows}`);
      const tok = embedding.forward(ids);
      const pos = positions?.forward(ids.map((_, t) => t));
      let x = pos ? mapValues(tok.y, (v, i) => v + pos.y[i]!) : Float64Array.from(tok.y);
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
      const extra = options.mtp && mtp && rows > 1 ? mtp.forward(x.subarray(0, (rows - 1) * dim), ids.slice(1), rows - 1) : undefined;
      return {
        logits: logits.y,
        mtpLogits: extra?.logits,
        load,
        dropped,
        backward(dLogits, dMtpLogits) {
          let d = nf.backward(logits.backward(dLogits));
          if (extra && dMtpLogits) {
            const dh = extra.backward(dMtpLogits);
            for (let i = 0; i < dh.length; i++) d[i]! += dh[i]!;
          }
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
  /**
   * With an MTP module: the logits for the token after next, from the last position fed and
   * the next token `nextId` (the module's step; it appends to the module's own cache).
   */
  draft(nextId: number): Float64Array;
  /** The module's latent cache (empty without a module). */
  readonly mtpCache: LatentCache;
  /** The residual stream after the last layer at the last position fed (before the final norm). */
  readonly lastResidual: Float64Array | undefined;
}

export function createGenerator(model: TinySeek): Generator {
  const { config } = model;
  const ropeDim = config.positions === 'rotary' ? config.ropeDim! : 0;
  const caches = model.blocks.map(() => createLatentCache(config.latentDim, config.context, ropeDim));
  const mtpCache = createLatentCache(config.latentDim, model.mtp ? config.context : 0, ropeDim);
  let last: Float64Array | undefined;
  return {
    caches,
    mtpCache,
    get lastResidual() {
      return last;
    },
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
      last = h;
      return model.head.forward(model.finalNorm.forward(h, 1).y, 1).y;
    },
    draft(nextId) {
      if (!model.mtp) throw new Error('the model has no multi-token prediction module');
      if (!last) throw new Error('draft needs a position fed first');
      if (!Number.isInteger(nextId) || nextId < 0 || nextId >= config.vocab) throw new RangeError(`token id must be in 0..${config.vocab - 1}, got ${nextId}`);
      return model.mtp.step(last, nextId, mtpCache);
    },
  };
}
