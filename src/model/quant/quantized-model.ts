/**
 * TinySeek quantized for MCUs: every weight matrix per output channel at 8, 4 or 2 bits
 * (embeddings per row), the norms' gains and the gate's bias kept as float32 (a few hundred
 * numbers), and calibrated int8 scales for every tensor that crosses a unit boundary — the
 * tensors the swarm sends in frames.
 */
import type { TinySeekConfig } from '../config.ts';
import type { TinySeek } from '../tinyseek.ts';
import { quantizeMatrix, type Bits, type QuantMatrix, type WeightGrid } from './integer.ts';

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
  /** The grid of a model trained for these bits (group-wise scales); undefined: one absmax scale per row. */
  readonly grid: WeightGrid | undefined;
  readonly tokens: QuantMatrix;
  readonly positions: QuantMatrix | undefined;
  readonly layers: readonly QuantLayer[];
  readonly finalGain: Float64Array;
  readonly head: QuantMatrix;
  readonly scales: BoundaryScales;
}

/**
 * Quantizes every weight matrix of `model` at `bits`, one absmax scale per row or on `grid`
 * (the grid of quantization-aware training: group-wise scales, odd levels); `stored(name)` may
 * supply a matrix instead (a checkpoint's quantized section), which must have the same shape.
 */
export function quantizeWeights(model: TinySeek, bits: Bits, scales: BoundaryScales, stored?: (name: string) => QuantMatrix | undefined, grid?: WeightGrid): QuantizedTinySeek {
  const { config } = model;
  let nameOf = '';
  const q = (values: Float64Array, rows: number, cols: number): QuantMatrix => {
    const given = stored?.(nameOf);
    if (given && (given.rows !== rows || given.cols !== cols || given.bits !== bits)) throw new RangeError(`stored matrix ${nameOf} is ${given.rows}×${given.cols} at ${given.bits} bits, expected ${rows}×${cols} at ${bits}`);
    return given ?? quantizeMatrix(values, rows, cols, bits, grid && { ...grid, groupSize: Math.min(grid.groupSize, cols) });
  };
  const named = <T>(name: string, make: () => T): T => {
    nameOf = name;
    return make();
  };
  const expert = (prefix: string, e: TinySeek['blocks'][number]['moe']['routed'][number]): QuantExpert => ({
    w1: named(`${prefix}.w1`, () => q(e.gate.weight.value, e.hidden, config.dim)),
    w3: named(`${prefix}.w3`, () => q(e.up.weight.value, e.hidden, config.dim)),
    w2: named(`${prefix}.w2`, () => q(e.down.weight.value, config.dim, e.hidden)),
  });
  const inner = config.heads * config.headDim;
  return {
    config,
    bits,
    grid,
    tokens: named('tokens', () => q(model.embedding.table.value, config.vocab, config.dim)),
    positions: model.positions && named('positions', () => q(model.positions!.table.value, config.context, config.dim)),
    layers: model.blocks.map((block, l) => ({
      attnGain: Float64Array.from(block.attnNorm.gain.value),
      wq: named(`layer${l}.wq`, () => q(block.attention.q.weight.value, inner, config.dim)),
      wdkv: named(`layer${l}.wdkv`, () => q(block.attention.down.weight.value, config.latentDim, config.dim)),
      wuk: named(`layer${l}.wuk`, () => q(block.attention.upK.weight.value, inner, config.latentDim)),
      wuv: named(`layer${l}.wuv`, () => q(block.attention.upV.weight.value, inner, config.latentDim)),
      wo: named(`layer${l}.wo`, () => q(block.attention.out.weight.value, config.dim, inner)),
      wqr: block.attention.qRope && named(`layer${l}.wqr`, () => q(block.attention.qRope!.weight.value, block.attention.qRope!.outDim, config.dim)),
      wkr: block.attention.kRope && named(`layer${l}.wkr`, () => q(block.attention.kRope!.weight.value, block.attention.kRope!.outDim, config.dim)),
      moeGain: Float64Array.from(block.moeNorm.gain.value),
      router: named(`layer${l}.router`, () => q(block.moe.gate.linear.weight.value, config.experts, config.dim)),
      bias: Float64Array.from(block.moe.gate.bias),
      routed: block.moe.routed.map((e, i) => expert(`layer${l}.expert${i}`, e)),
      shared: block.moe.shared.map((e, i) => expert(`layer${l}.shared${i}`, e)),
    })),
    finalGain: Float64Array.from(model.finalNorm.gain.value),
    head: named('head', () => q(model.head.weight.value, config.vocab, config.dim)),
    scales,
  };
}

/** The columns per scale of a quantized model's grid (undefined: one scale per row), for its costs. */
export const groupSizeOf = (model: QuantizedTinySeek): number | undefined => model.grid?.groupSize;

/** Every weight matrix of a quantized model, by the names `quantizeWeights` gives them. */
export function quantMatrices(model: QuantizedTinySeek): [string, QuantMatrix][] {
  const out: [string, QuantMatrix][] = [['tokens', model.tokens]];
  if (model.positions) out.push(['positions', model.positions]);
  model.layers.forEach((layer, l) => {
    out.push([`layer${l}.wq`, layer.wq], [`layer${l}.wdkv`, layer.wdkv], [`layer${l}.wuk`, layer.wuk], [`layer${l}.wuv`, layer.wuv], [`layer${l}.wo`, layer.wo]);
    if (layer.wqr) out.push([`layer${l}.wqr`, layer.wqr]);
    if (layer.wkr) out.push([`layer${l}.wkr`, layer.wkr]);
    out.push([`layer${l}.router`, layer.router]);
    const experts = (prefix: string, list: readonly QuantExpert[]): void =>
      list.forEach((e, i) => out.push([`${prefix}${i}.w1`, e.w1], [`${prefix}${i}.w3`, e.w3], [`${prefix}${i}.w2`, e.w2]));
    experts(`layer${l}.expert`, layer.routed);
    experts(`layer${l}.shared`, layer.shared);
  });
  out.push(['head', model.head]);
  return out;
}
