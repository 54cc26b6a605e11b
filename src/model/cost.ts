/**
 * What each unit of TinySeek costs (every operation reports its cost, which the hardware model
 * turns into time and energy per MCU): parameters, weight bytes at 8, 4 and 2 bits (packed
 * values, a float32 scale per output row or, with group-wise scales, per row and group of
 * input columns, float32 gains and biases), multiply-accumulates per token (with groups, one
 * more per group and row: its int32 sum times its scale), the latent KV-cache bytes per token,
 * and the int8 activation bytes that cross the unit's boundary (what a frame carries).
 *
 * Attention's keys and values are rebuilt from the cached latents for every position in the
 * cache (as the units compute them), so its MACs grow with the position: a token at position t
 * costs macsPerToken + (t + 1) · macsPerCachedPosition (the cache holds its own latent too).
 *
 * Besides the MACs, each unit does per-element work that is not a multiply-accumulate and that
 * an NPU does not run (issue 18: softmax, normalisation and transcendental activations fall
 * back to the CPU): the RMSNorms before attention, before the experts and before the head, the
 * attention softmax over the cached positions of every head, the gate's affinities, the
 * experts' SiLU, and the entry's softmax over the vocabulary to sample. It is counted in
 * elements, costed at the MCU's `softmax` rate.
 */
import type { TinySeekConfig } from './config.ts';

export interface UnitCost {
  readonly unit: 'embedding' | 'attention' | 'gate' | 'routedExpert' | 'sharedExpert' | 'combine' | 'head' | 'mtp';
  /** How many of this unit the model has (per layer units × layers). */
  readonly count: number;
  readonly parameters: number;
  readonly weightBytes: { readonly 8: number; readonly 4: number; readonly 2: number };
  /** MACs per token that do not depend on the position. */
  readonly macsPerToken: number;
  /** Extra MACs per token for each position in the cache, its own included. */
  readonly macsPerCachedPosition: number;
  /** Elements of normalisation, softmax and transcendental work per token (RMSNorm, softmax, sigmoid, SiLU). */
  readonly softmaxElementsPerToken: number;
  /** Extra such elements per token for each position in the cache (the attention softmax of every head). */
  readonly softmaxElementsPerCachedPosition: number;
  readonly latentBytesPerToken: number;
  readonly inputBytes: number;
  readonly outputBytes: number;
}

/** Bytes of a matrix [rows, cols] at `bits`: packed values plus a float32 scale per row, or per row and group of `groupSize` columns. */
export function matrixBytes(rows: number, cols: number, bits: number, groupSize?: number): number {
  return Math.ceil((rows * cols * bits) / 8) + 4 * rows * scaleGroups(cols, groupSize);
}

/** Scales per row: one, or one per group of columns. */
const scaleGroups = (cols: number, groupSize: number | undefined): number => (groupSize === undefined ? 1 : Math.ceil(cols / Math.min(groupSize, cols)));

/** The extra multiply-accumulates of group-wise scales for one product with a [rows, cols] matrix: one per group and row (none per row). */
export const scaleMacs = (rows: number, cols: number, groupSize: number | undefined): number => (groupSize === undefined ? 0 : rows * scaleGroups(cols, groupSize));

const atBits = (f: (bits: number) => number): UnitCost['weightBytes'] => ({ 8: f(8), 4: f(4), 2: f(2) });

/** Every unit's cost; `groupSize`: the weights have a scale per group of that many input columns (a model trained for low bits). */
export function unitCosts(config: TinySeekConfig, groupSize?: number): UnitCost[] {
  const { vocab, dim: d, heads, latentDim: dc, experts, sharedExperts, expertHidden: h, topK, layers } = config;
  const rotary = config.positions === 'rotary';
  const dr = rotary ? config.ropeDim! : 0;
  const positionRows = rotary ? 0 : config.context;
  const bytes = (rows: number, cols: number, b: number): number => matrixBytes(rows, cols, b, groupSize);
  const extra = (rows: number, cols: number): number => scaleMacs(rows, cols, groupSize);
  const attention = attentionMatrices(config, bytes, extra);
  const expert = (unit: 'routedExpert' | 'sharedExpert', count: number): UnitCost => ({
    unit,
    count,
    parameters: 3 * h * d,
    weightBytes: atBits((b) => 2 * bytes(h, d, b) + bytes(d, h, b)),
    macsPerToken: 3 * h * d + 2 * extra(h, d) + extra(d, h),
    macsPerCachedPosition: 0,
    softmaxElementsPerToken: h,
    softmaxElementsPerCachedPosition: 0,
    latentBytesPerToken: 0,
    inputBytes: d,
    outputBytes: d,
  });
  return [
    {
      unit: 'embedding',
      count: 1,
      parameters: (vocab + positionRows) * d,
      weightBytes: atBits((b) => bytes(vocab, d, b) + (positionRows > 0 ? bytes(positionRows, d, b) : 0)),
      macsPerToken: 0,
      macsPerCachedPosition: 0,
      softmaxElementsPerToken: 0,
      softmaxElementsPerCachedPosition: 0,
      latentBytesPerToken: 0,
      inputBytes: 1,
      outputBytes: d,
    },
    {
      unit: 'attention',
      count: layers,
      parameters: attention.parameters + d,
      weightBytes: atBits((b) => attention.bytes(b) + 4 * d),
      macsPerToken: attention.macsPerToken,
      macsPerCachedPosition: attention.macsPerCachedPosition,
      softmaxElementsPerToken: d,
      softmaxElementsPerCachedPosition: heads,
      latentBytesPerToken: dc + dr,
      inputBytes: d,
      outputBytes: d,
    },
    {
      unit: 'gate',
      count: layers,
      parameters: experts * d + d,
      weightBytes: atBits((b) => bytes(experts, d, b) + 4 * d + 4 * experts),
      macsPerToken: experts * d + extra(experts, d),
      macsPerCachedPosition: 0,
      softmaxElementsPerToken: d + experts,
      softmaxElementsPerCachedPosition: 0,
      latentBytesPerToken: 0,
      inputBytes: d,
      // The normed input for the experts, and per chosen expert its index and float32 weight.
      outputBytes: d + topK * 5,
    },
    expert('routedExpert', layers * experts),
    expert('sharedExpert', layers * sharedExperts),
    {
      unit: 'combine',
      count: layers,
      parameters: 0,
      weightBytes: atBits(() => 0),
      macsPerToken: (topK + sharedExperts) * d,
      macsPerCachedPosition: 0,
      softmaxElementsPerToken: 0,
      softmaxElementsPerCachedPosition: 0,
      latentBytesPerToken: 0,
      inputBytes: d * (1 + topK + sharedExperts),
      outputBytes: d,
    },
    {
      unit: 'head',
      count: 1,
      parameters: vocab * d + d,
      weightBytes: atBits((b) => bytes(vocab, d, b) + 4 * d),
      macsPerToken: vocab * d + extra(vocab, d),
      macsPerCachedPosition: 0,
      softmaxElementsPerToken: d + vocab,
      softmaxElementsPerCachedPosition: 0,
      latentBytesPerToken: 0,
      inputBytes: d,
      outputBytes: 4 * vocab,
    },
    ...(config.mtp ? [mtpUnit(config, bytes, extra, attention)] : []),
  ];
}

/** What an attention block's matrices cost (W_Q, W_DKV, W_UK, W_UV, W_O and the rotary projections), without its norm. */
interface AttentionMatrices {
  readonly parameters: number;
  bytes(b: number): number;
  readonly macsPerToken: number;
  readonly macsPerCachedPosition: number;
}

function attentionMatrices(config: TinySeekConfig, bytes: (rows: number, cols: number, b: number) => number, extra: (rows: number, cols: number) => number): AttentionMatrices {
  const { dim: d, heads, headDim, latentDim: dc } = config;
  const inner = heads * headDim;
  const rotary = config.positions === 'rotary';
  const dr = rotary ? config.ropeDim! : 0;
  return {
    parameters: inner * d + dc * d + 2 * inner * dc + d * inner + (heads + 1) * dr * d,
    bytes: (b) => bytes(inner, d, b) + bytes(dc, d, b) + 2 * bytes(inner, dc, b) + bytes(d, inner, b) + (rotary ? bytes(heads * dr, d, b) + bytes(dr, d, b) : 0),
    macsPerToken: inner * d + dc * d + d * inner + (heads + 1) * dr * d + extra(inner, d) + extra(dc, d) + extra(d, inner) + (rotary ? extra(heads * dr, d) + extra(dr, d) : 0),
    // Keys and values from each cached latent, then scores (with the rotary part) and the weighted sum.
    macsPerCachedPosition: 2 * inner * dc + 2 * inner + heads * dr + 2 * extra(inner, dc),
  };
}

/**
 * The multi-token prediction module (layers/mtp.ts): its projection of [h; embedding] (d × 2d),
 * one attention block and a SwiGLU feed-forward, five RMSNorms, and the shared output head's
 * MACs (it uses the entry's head and embedding table, whose bytes the head and embedding units
 * count). In: the last layer's residual and the next token; out: the drafted token.
 */
function mtpUnit(config: TinySeekConfig, bytes: (rows: number, cols: number, b: number) => number, extra: (rows: number, cols: number) => number, attention: AttentionMatrices): UnitCost {
  const { vocab, dim: d, heads, latentDim: dc } = config;
  const h = config.mtp!.hidden;
  const dr = config.positions === 'rotary' ? config.ropeDim! : 0;
  return {
    unit: 'mtp',
    count: 1,
    parameters: 2 * d * d + attention.parameters + 3 * h * d + 5 * d,
    weightBytes: atBits((b) => bytes(d, 2 * d, b) + attention.bytes(b) + 2 * bytes(h, d, b) + bytes(d, h, b) + 5 * 4 * d),
    macsPerToken: 2 * d * d + attention.macsPerToken + 3 * h * d + vocab * d + extra(d, 2 * d) + 2 * extra(h, d) + extra(d, h) + extra(vocab, d),
    macsPerCachedPosition: attention.macsPerCachedPosition,
    softmaxElementsPerToken: 4 * d + h + vocab,
    softmaxElementsPerCachedPosition: heads,
    latentBytesPerToken: dc + dr,
    inputBytes: d + 1,
    outputBytes: 1,
  };
}

export interface ModelCost {
  readonly parameters: number;
  readonly weightBytes: UnitCost['weightBytes'];
  /** MACs of one token without its attention over the cache (top-k routed experts and every shared expert active, no MTP module); add macsPerCachedPosition for each position in the cache, its own included. */
  readonly activeMacsPerToken: number;
  readonly macsPerCachedPosition: number;
  readonly latentBytesPerToken: number;
}

/** The model's cost; `served`: without an MTP module (the swarm does not place one yet). */
export function modelCost(config: TinySeekConfig, groupSize?: number, served = false): ModelCost {
  const units = unitCosts(config, groupSize).filter((u) => !(served && u.unit === 'mtp'));
  const sum = (f: (u: UnitCost) => number): number => units.reduce((total, u) => total + f(u), 0);
  // Per token: every unit once per layer, except routed experts (top-k of E per layer) and the
  // MTP module, which runs only when a decoder drafts with it.
  const active = (u: UnitCost): number => (u.unit === 'routedExpert' ? config.topK * config.layers : u.unit === 'mtp' ? 0 : u.count);
  return {
    parameters: sum((u) => u.parameters * u.count),
    weightBytes: atBits((b) => sum((u) => u.weightBytes[b as 8 | 4 | 2] * u.count)),
    activeMacsPerToken: sum((u) => u.macsPerToken * active(u)),
    macsPerCachedPosition: sum((u) => u.macsPerCachedPosition * (u.unit === 'mtp' ? 0 : u.count)),
    latentBytesPerToken: sum((u) => u.latentBytesPerToken * (u.unit === 'mtp' ? 0 : u.count)),
  };
}
