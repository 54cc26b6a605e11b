/**
 * TinySeek's integer units, the pieces the swarm places on nodes (how they are grouped on
 * nodes: docs/explanation/design-notes.md, "Swarm inference"):
 * embedding, attention block (with its int8 latent cache), gate, one routed or shared expert,
 * combine, and head. Int8 tensors go in and out at the calibrated boundary scales; inside a
 * unit every matrix product is int8 × b-bit weights with int32 accumulation, and the
 * elementwise steps (RMSNorm, softmax, SiLU, the gate's sigmoid) run on the dequantized
 * values in floating point, as a Cortex-M4F/M33 does them on its FPU; intermediate int8
 * tensors inside a unit take a scale from their own largest value.
 */
import { rmsEpsilon } from '../layers/rmsnorm.ts';
import { rotate } from '../layers/attention.ts';
import type { RoutingRestriction } from '../layers/gate.ts';
import { dequantize, groupsOf, matvecInt, matvecReal, quantizeActivations, requantize, scaleFor, type Int8Tensor, type QuantMatrix } from './integer.ts';
import type { QuantExpert, QuantizedTinySeek } from './quantized-model.ts';
import { mapValues } from '../map-values.ts';

export function rmsNorm(x: Float64Array, gain: Float64Array): Float64Array {
  let ss = 0;
  for (const v of x) ss += v * v;
  const inv = 1 / Math.sqrt(ss / x.length + rmsEpsilon);
  return mapValues(x, (v, i) => v * inv * gain[i]!);
}

/** An int8 tensor inside a unit, at a scale from its own largest value. */
export const dynamic = (values: Float64Array): Int8Tensor => quantizeActivations(values, scaleFor(values));

/** The int8 latent cache of one layer: d_c bytes per position, and d_r for the rotary key. */
export interface Int8LatentCache {
  readonly latents: Int8Array;
  readonly rope: Int8Array;
  length: number;
}

const ropeDimOf = (model: QuantizedTinySeek): number => (model.config.positions === 'rotary' ? model.config.ropeDim! : 0);

export function createInt8LatentCache(model: QuantizedTinySeek): Int8LatentCache {
  return { latents: new Int8Array(model.config.latentDim * model.config.context), rope: new Int8Array(ropeDimOf(model) * model.config.context), length: 0 };
}

/** One real weight of a table: its level × its group's float32 scale. */
function weightAt(matrix: QuantMatrix, row: number, col: number): number {
  return matrix.values[row * matrix.cols + col]! * matrix.scales[row * groupsOf(matrix) + Math.floor(col / matrix.groupSize)]!;
}

/** Token and position embeddings → the residual stream entering layer 0. */
export function embeddingUnit(model: QuantizedTinySeek, id: number, position: number): Int8Tensor {
  const { dim } = model.config;
  const { tokens, positions } = model;
  const x = new Float64Array(dim);
  for (let i = 0; i < dim; i++) x[i] = weightAt(tokens, id, i) + (positions ? weightAt(positions, position, i) : 0);
  return quantizeActivations(x, model.scales.residual[0]!);
}

/** Layer l's attention block: x (residual) → x + MLA(RMSNorm(x)), at the `mid` scale. */
export function attentionUnit(model: QuantizedTinySeek, layer: number, x: Int8Tensor, cache: Int8LatentCache): Int8Tensor {
  const { heads, headDim, latentDim } = model.config;
  const w = model.layers[layer]!;
  const inner = heads * headDim;
  const xr = dequantize(x);
  const n = dynamic(rmsNorm(xr, w.attnGain));
  const q = matvecReal(w.wq, n);
  const latentScale = model.scales.latent[layer]!;
  const c = requantize(matvecInt(w.wdkv, n.data), w.wdkv, n.scale, latentScale);
  const position = cache.length;
  cache.latents.set(c.data, position * latentDim);
  const ropeDim = ropeDimOf(model);
  const ropeScale = model.scales.ropeKey[layer]!;
  const qr = w.wqr && rotate(matvecReal(w.wqr, n), ropeDim, position);
  if (w.wkr) cache.rope.set(quantizeActivations(rotate(matvecReal(w.wkr, n), ropeDim, position), ropeScale).data, position * ropeDim);
  cache.length = position + 1;
  const keys: Float64Array[] = [];
  const values: Float64Array[] = [];
  for (let s = 0; s < cache.length; s++) {
    const latent = { data: cache.latents.subarray(s * latentDim, (s + 1) * latentDim), scale: latentScale };
    keys.push(matvecReal(w.wuk, latent));
    values.push(matvecReal(w.wuv, latent));
  }
  const o = new Float64Array(inner);
  const scale = 1 / Math.sqrt(headDim + ropeDim);
  for (let h = 0; h < heads; h++) {
    const scores = keys.map((k, s) => {
      let dot = 0;
      for (let i = 0; i < headDim; i++) dot += q[h * headDim + i]! * k[h * headDim + i]!;
      if (qr) for (let i = 0; i < ropeDim; i++) dot += qr[h * ropeDim + i]! * cache.rope[s * ropeDim + i]! * ropeScale;
      return dot * scale;
    });
    const max = scores.reduce((most, score) => Math.max(most, score), Number.NEGATIVE_INFINITY);
    const p = scores.map((s) => Math.exp(s - max));
    const sum = p.reduce((a, b) => a + b, 0);
    p.forEach((weight, s) => {
      for (let i = 0; i < headDim; i++) o[h * headDim + i]! += (weight / sum) * values[s]![h * headDim + i]!;
    });
  }
  const out = matvecReal(w.wo, dynamic(o));
  return quantizeActivations(mapValues(xr, (v, i) => v + out[i]!), model.scales.mid[layer]!);
}

export interface GateDecision {
  /** The normed MoE input every chosen expert (and each shared expert) receives. */
  readonly input: Int8Tensor;
  readonly experts: readonly number[];
  readonly weights: readonly number[];
}

/** Layer l's gate scores: the normed MoE input and every expert's affinity. */
export function gateScores(model: QuantizedTinySeek, layer: number, h: Int8Tensor): { readonly input: Int8Tensor; readonly affinity: Float64Array } {
  const w = model.layers[layer]!;
  const input = quantizeActivations(rmsNorm(dequantize(h), w.moeGain), model.scales.moeIn[layer]!);
  const logits = matvecReal(w.router, input);
  if (model.config.affinity === 'sigmoid') return { input, affinity: mapValues(logits, (z) => 1 / (1 + Math.exp(-z))) };
  const max = logits.reduce((most, logit) => Math.max(most, logit), Number.NEGATIVE_INFINITY);
  const e = mapValues(logits, (z) => Math.exp(z - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return { input, affinity: mapValues(e, (v) => v / sum) };
}

/** Layer l's gate: RMSNorm(h) at the `moeIn` scale, affinities, top-k on biased scores (among the candidates `restrict` allows). */
export function gateUnit(model: QuantizedTinySeek, layer: number, h: Int8Tensor, restrict?: RoutingRestriction): GateDecision {
  return gateDecision(model, layer, gateScores(model, layer, h), restrict?.(0) ?? undefined);
}

/** Top-k of the biased affinities among `candidates` (all experts when undefined). */
export function gateDecision(model: QuantizedTinySeek, layer: number, scores: { readonly input: Int8Tensor; readonly affinity: Float64Array }, candidates?: readonly number[]): GateDecision {
  const { experts, topK, affinity } = model.config;
  const bias = model.layers[layer]!.bias;
  const a = scores.affinity;
  const pool = candidates ?? Array.from({ length: experts }, (_, e) => e);
  const top = [...pool].sort((p, q) => a[q]! + bias[q]! - (a[p]! + bias[p]!) || p - q).slice(0, topK);
  const sum = top.reduce((s, e) => s + a[e]!, 0);
  return { input: scores.input, experts: top, weights: top.map((e) => (affinity === 'sigmoid' ? a[e]! / sum : a[e]!)) };
}

/**
 * Expert outputs by input, per expert. An expert is a pure function of its input, and a served
 * token runs each of its experts twice with the same input: on the swarm's expert node, then in
 * the single-node reference that checks it (inference/reference.ts); a sizing search serves the
 * same requests at every node count. At most `expertMemo.entries` inputs are kept per expert (the
 * oldest dropped first), and a hit returns a copy, so no caller shares another's array.
 */
export const expertMemo = {
  /** Inputs kept per expert; 0 computes every call (bench/model.ts measures the arithmetic so). */
  entries: 64,
};
const memo = new WeakMap<QuantExpert, Map<string, Int8Tensor>>();

/** The input's scale and bytes as a key; undefined for per-channel scales (not memoized). */
function memoKey(input: Int8Tensor): string | undefined {
  if (input.channelScales) return undefined;
  return `${input.scale}:${Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength).toString('latin1')}`;
}

function runExpert(model: QuantizedTinySeek, layer: number, expert: QuantExpert, input: Int8Tensor): Int8Tensor {
  const key = expertMemo.entries > 0 ? memoKey(input) : undefined;
  if (key === undefined) return computeExpert(model, layer, expert, input);
  let outputs = memo.get(expert);
  if (!outputs) memo.set(expert, (outputs = new Map()));
  let output = outputs.get(key);
  if (!output) {
    output = computeExpert(model, layer, expert, input);
    if (outputs.size >= expertMemo.entries) outputs.delete(outputs.keys().next().value!);
    outputs.set(key, output);
  }
  return { ...output, data: output.data.slice() };
}

function computeExpert(model: QuantizedTinySeek, layer: number, expert: QuantExpert, input: Int8Tensor): Int8Tensor {
  const g = matvecReal(expert.w1, input);
  const u = matvecReal(expert.w3, input);
  const hidden = dynamic(mapValues(g, (z, i) => (z / (1 + Math.exp(-z))) * u[i]!));
  return requantize(matvecInt(expert.w2, hidden.data), expert.w2, hidden.scale, model.scales.expertOut[layer]!);
}

/** One routed expert of layer l. */
export function routedExpertUnit(model: QuantizedTinySeek, layer: number, expert: number, input: Int8Tensor): Int8Tensor {
  return runExpert(model, layer, model.layers[layer]!.routed[expert]!, input);
}

/** One shared expert of layer l. */
export function sharedExpertUnit(model: QuantizedTinySeek, layer: number, expert: number, input: Int8Tensor): Int8Tensor {
  return runExpert(model, layer, model.layers[layer]!.shared[expert]!, input);
}

/** Layer l's combine: h + Σ shared + Σ weight · routed, at the next residual scale. */
export function combineUnit(model: QuantizedTinySeek, layer: number, h: Int8Tensor, shared: readonly Int8Tensor[], routed: readonly Int8Tensor[], weights: readonly number[]): Int8Tensor {
  const y = dequantize(h);
  for (const out of shared) {
    const values = dequantize(out);
    for (let i = 0; i < y.length; i++) y[i]! += values[i]!;
  }
  routed.forEach((out, k) => {
    const values = dequantize(out);
    for (let i = 0; i < y.length; i++) y[i]! += weights[k]! * values[i]!;
  });
  return quantizeActivations(y, model.scales.residual[layer + 1]!);
}

/** The final RMSNorm and the output head: logits (real values of the int32 accumulators). */
export function headUnit(model: QuantizedTinySeek, x: Int8Tensor): Float64Array {
  return matvecReal(model.head, dynamic(rmsNorm(dequantize(x), model.finalGain)));
}

/** The integer forward, one position at a time: the units composed. */
export function createIntGenerator(model: QuantizedTinySeek): { next(id: number): Float64Array; readonly caches: readonly Int8LatentCache[] } {
  const caches = model.layers.map(() => createInt8LatentCache(model));
  return {
    caches,
    next(id) {
      const position = caches[0]!.length;
      if (position >= model.config.context) throw new RangeError(`the context holds ${model.config.context} tokens`);
      if (!Number.isInteger(id) || id < 0 || id >= model.config.vocab) throw new RangeError(`token id must be in 0..${model.config.vocab - 1}, got ${id}`);
      let x = embeddingUnit(model, id, position);
      model.layers.forEach((layer, l) => {
        const h = attentionUnit(model, l, x, caches[l]!);
        const gate = gateUnit(model, l, h);
        const shared = layer.shared.map((_, s) => sharedExpertUnit(model, l, s, gate.input));
        const routed = gate.experts.map((e) => routedExpertUnit(model, l, e, gate.input));
        x = combineUnit(model, l, h, shared, routed, gate.weights);
      });
      return headUnit(model, x);
    },
  };
}
