/**
 * The multi-token prediction module in integer arithmetic (issue 21, point 3; the float module:
 * model/layers/mtp.ts). Its block, x = h' + MLA(RMSNorm(h')), y = x + FFN(RMSNorm(x)), is one
 * TinySeek layer with no routed experts and the feed-forward as its one shared expert, so the
 * swarm's own integer units run it, on a one-layer model whose head is the main model's head
 * after the module's own final norm. The projection M · [RMSNorm(h); RMSNorm(Emb(t))] is two
 * matrices, h's half and the embedding's half, whose products are added before the block's
 * input is quantized at its calibrated scale.
 */
import { boundary } from '../../data/dataset.ts';
import { createLatentCache } from '../layers/attention.ts';
import type { MtpModule } from '../layers/mtp.ts';
import { createGenerator, type TinySeek } from '../tinyseek.ts';
import { dequantize, matvecReal, quantizeActivations, quantizeMatrix, type Bits, type Int8Tensor, type QuantMatrix, type WeightGrid } from './integer.ts';
import type { BoundaryScales, QuantExpert, QuantizedTinySeek } from './quantized-model.ts';
import { attentionUnit, combineUnit, dynamic, gateScores, headUnit, rmsNorm, sharedExpertUnit, type Int8LatentCache } from './units.ts';
import { mapValues } from '../map-values.ts';

export interface QuantMtp {
  readonly hGain: Float64Array;
  readonly eGain: Float64Array;
  /** M's columns for RMSNorm(h) and for RMSNorm(Emb(t)), each d × d. */
  readonly projH: QuantMatrix;
  readonly projE: QuantMatrix;
  /** The block as a one-layer model: attention, no routed experts, the feed-forward as shared expert 0, the main head after the module's norm. */
  readonly block: QuantizedTinySeek;
}

/** The columns [from, from + width) of a [rows, cols] matrix. */
function columns(values: Float64Array, rows: number, cols: number, from: number, width: number): Float64Array {
  const out = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) out.set(values.subarray(r * cols + from, r * cols + from + width), r * width);
  return out;
}

/**
 * The module of `model` at `bits` (on `grid` when the main model was trained for it), with the
 * block's boundary scales from calibrateMtpScales; the embedding and head are `main`'s.
 */
export function quantizeMtp(model: TinySeek, main: QuantizedTinySeek, scales: BoundaryScales): QuantMtp {
  const mtp = model.mtp;
  if (!mtp) throw new Error('the model has no multi-token prediction module');
  const { config } = model;
  const d = config.dim;
  const bits: Bits = main.bits;
  const grid: WeightGrid | undefined = main.grid;
  const q = (values: Float64Array, rows: number, cols: number): QuantMatrix => quantizeMatrix(values, rows, cols, bits, grid && { ...grid, groupSize: Math.min(grid.groupSize, cols) });
  const a = mtp.attention;
  const inner = config.heads * config.headDim;
  const ffn: QuantExpert = { w1: q(mtp.ffn.gate.weight.value, mtp.ffn.hidden, d), w3: q(mtp.ffn.up.weight.value, mtp.ffn.hidden, d), w2: q(mtp.ffn.down.weight.value, d, mtp.ffn.hidden) };
  const block: QuantizedTinySeek = {
    config: { ...config, layers: 1, experts: 0, topK: 0, sharedExperts: 1, expertHidden: mtp.ffn.hidden },
    bits,
    grid,
    tokens: main.tokens,
    positions: undefined,
    layers: [
      {
        attnGain: Float64Array.from(mtp.attnNorm.gain.value),
        wq: q(a.q.weight.value, inner, d),
        wdkv: q(a.down.weight.value, config.latentDim, d),
        wuk: q(a.upK.weight.value, inner, config.latentDim),
        wuv: q(a.upV.weight.value, inner, config.latentDim),
        wo: q(a.out.weight.value, d, inner),
        wqr: a.qRope && q(a.qRope.weight.value, a.qRope.outDim, d),
        wkr: a.kRope && q(a.kRope.weight.value, a.kRope.outDim, d),
        moeGain: Float64Array.from(mtp.ffnNorm.gain.value),
        router: q(new Float64Array(0), 0, d),
        bias: new Float64Array(0),
        routed: [],
        shared: [ffn],
      },
    ],
    finalGain: Float64Array.from(mtp.outNorm.gain.value),
    head: main.head,
    scales,
  };
  const proj = mtp.proj.weight.value;
  return { hGain: Float64Array.from(mtp.hNorm.gain.value), eGain: Float64Array.from(mtp.eNorm.gain.value), projH: q(columns(proj, d, 2 * d, 0, d), d, d), projE: q(columns(proj, d, 2 * d, d, d), d, d), block };
}

/**
 * One position: the main model's last residual h_i (int8, its residual[L] scale) and the next
 * token → logits for the token after it; appends to the module's cache. `head` false: the block
 * only (a position read to fill the cache, whose guess nobody needs).
 */
export function mtpUnit(main: QuantizedTinySeek, mtp: QuantMtp, h: Int8Tensor, nextId: number, cache: Int8LatentCache, head = true): Float64Array | undefined {
  const d = main.config.dim;
  const hn = dynamic(rmsNorm(dequantize(h), mtp.hGain));
  const embedding = new Float64Array(d);
  for (let i = 0; i < d; i++) embedding[i] = main.tokens.values[nextId * d + i]! * main.tokens.scales[nextId * Math.ceil(d / main.tokens.groupSize) + Math.floor(i / main.tokens.groupSize)]!;
  const en = dynamic(rmsNorm(embedding, mtp.eGain));
  const ph = matvecReal(mtp.projH, hn);
  const pe = matvecReal(mtp.projE, en);
  const x = quantizeActivations(mapValues(ph, (v, i) => v + pe[i]!), mtp.block.scales.residual[0]!);
  const after = attentionUnit(mtp.block, 0, x, cache);
  const input = gateScores(mtp.block, 0, after).input;
  const y = combineUnit(mtp.block, 0, after, [sharedExpertUnit(mtp.block, 0, 0, input)], [], []);
  return head ? headUnit(mtp.block, y) : undefined;
}

/**
 * The block's boundary scales (as calibrateScales does for the main model): the float model
 * and its module run position by position over `texts`, the module fed each position's last
 * residual and the next token of the text.
 */
export function calibrateMtpScales(model: TinySeek, texts: readonly (readonly number[])[]): BoundaryScales {
  const mtp: MtpModule = model.mtp!;
  const { config } = model;
  const d = config.dim;
  const ropeDim = config.positions === 'rotary' ? config.ropeDim! : 0;
  const max = { input: new Float64Array(d), mid: new Float64Array(d), moeIn: 0, latent: 0, ropeKey: 0, expertOut: new Float64Array(d), output: new Float64Array(d) };
  const channels = (into: Float64Array, values: Float64Array): void => values.forEach((v, i) => (into[i] = Math.max(into[i]!, Math.abs(v))));
  const largest = (values: Float64Array): number => values.reduce((most, v) => Math.max(most, Math.abs(v)), 0);
  for (const tokens of texts) {
    const sequence = [boundary, ...tokens].slice(0, config.context);
    const generator = createGenerator(model);
    const cache = createLatentCache(config.latentDim, config.context, ropeDim);
    for (let position = 0; position + 1 < sequence.length; position++) {
      generator.next(sequence[position]!);
      const h = generator.lastResidual!;
      const e = model.embedding.table.value.subarray(sequence[position + 1]! * d, (sequence[position + 1]! + 1) * d);
      const joined = new Float64Array(2 * d);
      joined.set(mtp.hNorm.forward(h, 1).y, 0);
      joined.set(mtp.eNorm.forward(e, 1).y, d);
      const p = mtp.proj.forward(joined, 1).y;
      channels(max.input, p);
      const a = mtp.attention.step(mtp.attnNorm.forward(p, 1).y, cache);
      max.latent = Math.max(max.latent, largest(cache.latents.subarray(position * config.latentDim, (position + 1) * config.latentDim)));
      if (ropeDim > 0) max.ropeKey = Math.max(max.ropeKey, largest(cache.rope.subarray(position * ropeDim, (position + 1) * ropeDim)));
      const x = mapValues(p, (v, i) => v + a[i]!);
      channels(max.mid, x);
      const u = mtp.ffnNorm.forward(x, 1).y;
      max.moeIn = Math.max(max.moeIn, largest(u));
      const f = mtp.ffn.forward(u, 1).y;
      channels(max.expertOut, f);
      channels(max.output, mapValues(x, (v, i) => v + f[i]!));
    }
  }
  const scale = (m: number): number => (m > 0 ? m / 127 : 1);
  const perChannel = (values: Float64Array): Float64Array => Float64Array.from(values, scale);
  return { residual: [perChannel(max.input), perChannel(max.output)], mid: [perChannel(max.mid)], moeIn: [scale(max.moeIn)], latent: [scale(max.latent)], ropeKey: [scale(max.ropeKey)], expertOut: [perChannel(max.expertOut)] };
}
