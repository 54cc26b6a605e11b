/**
 * Calibration of the unit-boundary scales: the float model runs position by position over
 * calibration texts (as generation does), and each boundary tensor's largest magnitude sets
 * its int8 scale (max/127).
 */
import { boundary } from '../../data/dataset.ts';
import { createLatentCache } from '../layers/attention.ts';
import type { TinySeek } from '../tinyseek.ts';
import type { BoundaryScales } from './quantized-model.ts';
import { mapValues } from '../map-values.ts';

export function calibrateScales(model: TinySeek, texts: readonly (readonly number[])[]): BoundaryScales {
  const { config } = model;
  const L = config.layers;
  const d = config.dim;
  const perChannel = (n: number): Float64Array[] => Array.from({ length: n }, () => new Float64Array(d));
  const max = { residual: perChannel(L + 1), mid: perChannel(L), moeIn: new Float64Array(L), latent: new Float64Array(L), ropeKey: new Float64Array(L), expertOut: perChannel(L) };
  const observe = (into: Float64Array, index: number, values: Float64Array): void => {
    for (const value of values) into[index] = Math.max(into[index]!, Math.abs(value));
  };
  const observeChannels = (into: Float64Array[], index: number, values: Float64Array): void => {
    const target = into[index]!;
    values.forEach((value, i) => (target[i] = Math.max(target[i]!, Math.abs(value))));
  };
  for (const tokens of texts) {
    const caches = model.blocks.map(() => createLatentCache(config.latentDim, config.context, config.positions === 'rotary' ? config.ropeDim! : 0));
    const sequence = [boundary, ...tokens].slice(0, config.context);
    sequence.forEach((id, position) => {
      let x = new Float64Array(config.dim);
      for (let i = 0; i < config.dim; i++) x[i] = model.embedding.table.value[id * config.dim + i]! + (model.positions ? model.positions.table.value[position * config.dim + i]! : 0);
      model.blocks.forEach((block, l) => {
        observeChannels(max.residual, l, x);
        const a = block.attention.step(block.attnNorm.forward(x, 1).y, caches[l]!);
        observe(max.latent, l, caches[l]!.latents.subarray(position * config.latentDim, (position + 1) * config.latentDim));
        const ropeDim = caches[l]!.rope.length / config.context;
        if (ropeDim > 0) observe(max.ropeKey, l, caches[l]!.rope.subarray(position * ropeDim, (position + 1) * ropeDim));
        const h = mapValues(x, (v, i) => v + a[i]!);
        observeChannels(max.mid, l, h);
        const u = block.moeNorm.forward(h, 1).y;
        observe(max.moeIn, l, u);
        const pass = block.moe.forward(u, 1, undefined, false);
        for (const e of pass.experts[0]!) observeChannels(max.expertOut, l, block.moe.routed[e]!.forward(u, 1).y);
        for (const shared of block.moe.shared) observeChannels(max.expertOut, l, shared.forward(u, 1).y);
        x = mapValues(h, (v, i) => v + pass.y[i]!);
      });
      observeChannels(max.residual, L, x);
    });
  }
  const toScale = (values: Float64Array): number[] => Array.from(values, (m) => (m > 0 ? m / 127 : 1));
  const toScales = (values: Float64Array[]): Float64Array[] => values.map((channels) => mapValues(channels, (m) => (m > 0 ? m / 127 : 1)));
  return { residual: toScales(max.residual), mid: toScales(max.mid), moeIn: toScale(max.moeIn), latent: toScale(max.latent), ropeKey: toScale(max.ropeKey), expertOut: toScales(max.expertOut) };
}
