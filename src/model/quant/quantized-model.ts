/**
 * TinySeek quantized for MCUs: every weight matrix per output channel at 8, 4 or 2 bits
 * (embeddings per row), the norms' gains and the gate's bias kept as float32 (a few hundred
 * numbers), and calibrated int8 scales for every tensor that crosses a unit boundary — the
 * tensors the swarm sends in frames.
 */
import type { TinySeekConfig } from '../config.ts';
import type { TinySeek } from '../tinyseek.ts';
import { quantizeMatrix, type Bits, type QuantMatrix } from './integer.ts';

export interface QuantExpert {
  readonly w1: QuantMatrix;
  readonly w3: QuantMatrix;
  readonly w2: QuantMatrix;
}

export interface QuantLayer {
  readonly attnGain: Float64Array;
  readonly wq: QuantMatrix;
  readonly wdkv: QuantMatrix;
  readonly wuk: QuantMatrix;
  readonly wuv: QuantMatrix;
  readonly wo: QuantMatrix;
  /** Rotary projections, with rotary positions. */
  readonly wqr: QuantMatrix | undefined;
  readonly wkr: QuantMatrix | undefined;
  readonly moeGain: Float64Array;
  readonly router: QuantMatrix;
  readonly bias: Float64Array;
  readonly routed: readonly QuantExpert[];
  readonly shared: readonly QuantExpert[];
}

/**
 * Calibrated int8 scales of the unit-boundary tensors, per layer. Tensors that enter a matrix
 * product as they are (the MoE input, the latents) have one scale; the residual stream and the
 * expert outputs, which their receivers dequantize first, have one per channel.
 */
export interface BoundaryScales {
  /** The residual stream entering layer l (index L: after the last layer), per channel. */
  readonly residual: readonly Float64Array[];
  /** The residual after layer l's attention, per channel. */
  readonly mid: readonly Float64Array[];
  /** Layer l's normed MoE input (what the gate and the experts receive). */
  readonly moeIn: readonly number[];
  /** Layer l's latent (the KV cache entries). */
  readonly latent: readonly number[];
  /** Layer l's rotary key (cached beside the latent), with rotary positions. */
  readonly ropeKey: readonly number[];
  /** Layer l's expert outputs (routed and shared), per channel. */
  readonly expertOut: readonly Float64Array[];
}

export interface QuantizedTinySeek {
  readonly config: TinySeekConfig;
  readonly bits: Bits;
  readonly tokens: QuantMatrix;
  readonly positions: QuantMatrix | undefined;
  readonly layers: readonly QuantLayer[];
  readonly finalGain: Float64Array;
  readonly head: QuantMatrix;
  readonly scales: BoundaryScales;
}

export function quantizeWeights(model: TinySeek, bits: Bits, scales: BoundaryScales): QuantizedTinySeek {
  const { config } = model;
  const q = (values: Float64Array, rows: number, cols: number): QuantMatrix => quantizeMatrix(values, rows, cols, bits);
  const expert = (e: TinySeek['blocks'][number]['moe']['routed'][number]): QuantExpert => ({
    w1: q(e.gate.weight.value, e.hidden, config.dim),
    w3: q(e.up.weight.value, e.hidden, config.dim),
    w2: q(e.down.weight.value, config.dim, e.hidden),
  });
  const inner = config.heads * config.headDim;
  return {
    config,
    bits,
    tokens: q(model.embedding.table.value, config.vocab, config.dim),
    positions: model.positions && q(model.positions.table.value, config.context, config.dim),
    layers: model.blocks.map((block) => ({
      attnGain: Float64Array.from(block.attnNorm.gain.value),
      wq: q(block.attention.q.weight.value, inner, config.dim),
      wdkv: q(block.attention.down.weight.value, config.latentDim, config.dim),
      wuk: q(block.attention.upK.weight.value, inner, config.latentDim),
      wuv: q(block.attention.upV.weight.value, inner, config.latentDim),
      wo: q(block.attention.out.weight.value, config.dim, inner),
      wqr: block.attention.qRope && q(block.attention.qRope.weight.value, block.attention.qRope.outDim, config.dim),
      wkr: block.attention.kRope && q(block.attention.kRope.weight.value, block.attention.kRope.outDim, config.dim),
      moeGain: Float64Array.from(block.moeNorm.gain.value),
      router: q(block.moe.gate.linear.weight.value, config.experts, config.dim),
      bias: Float64Array.from(block.moe.gate.bias),
      routed: block.moe.routed.map(expert),
      shared: block.moe.shared.map(expert),
    })),
    finalGain: Float64Array.from(model.finalNorm.gain.value),
    head: q(model.head.weight.value, config.vocab, config.dim),
    scales,
  };
}
