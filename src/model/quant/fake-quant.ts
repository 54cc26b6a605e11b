/**
 * Fake quantization for quantization-aware training (QAT), with the straight-through
 * estimator (Bengio et al. 2013, https://arxiv.org/abs/1308.3432; as in Jacob et al. 2018,
 * https://arxiv.org/abs/1712.05877). Before a batch's forward pass every weight matrix is
 * replaced by what the integer model will hold: each group's levels times its float32 scale,
 * by the same `quantizeMatrix` that builds the integer model, so that the float forward sees
 * exactly the deployed weights. After the backward pass the float ("latent") weights come back,
 * and each weight's gradient, taken with respect to its quantized value, passes straight
 * through to it, except where the weight lies beyond its group's clipping range (the rounding
 * cannot move it back, so it gets no gradient). The optimiser then steps the latent weights.
 *
 * Norm gains and the gate's bias stay float, as in the integer model; activations are not
 * fake-quantized (int8 at the unit boundaries costs 0.1 % of bits per character after training:
 * docs/explanation/tinyseek.md).
 */
import type { Param } from '../params.ts';
import type { TinySeek } from '../tinyseek.ts';
import { dequantizeMatrix, groupsOf, levelMax, quantizeMatrix, type Bits, type WeightGrid } from './integer.ts';

export interface QatSetting {
  readonly bits: Bits;
  readonly grid: WeightGrid;
}

export interface FakeQuantizer {
  /** Puts the quantized weights in place of the latent ones (before a forward pass). */
  apply(): void;
  /** Puts the latent weights back and passes the gradients through (after the backward pass). */
  restore(): void;
}

/** The matrices the integer model quantizes: every two-dimensional parameter, [rows, cols]. */
export const quantizedParams = (model: TinySeek): Param[] => model.params.filter((param) => param.shape.length === 2);

export function createFakeQuantizer(model: TinySeek, setting: QatSetting): FakeQuantizer {
  const params = quantizedParams(model);
  const latent = params.map((param) => new Float64Array(param.value.length));
  const passes = params.map((param) => new Uint8Array(param.value.length));
  let applied = false;
  return {
    apply() {
      if (applied) throw new Error('fake quantization is already applied');
      params.forEach((param, p) => {
        const [rows, cols] = param.shape as [number, number];
        latent[p]!.set(param.value);
        const matrix = quantizeMatrix(param.value, rows, cols, setting.bits, { ...setting.grid, groupSize: Math.min(setting.grid.groupSize, cols) });
        const top = levelMax(setting.bits, setting.grid.levels);
        const groups = groupsOf(matrix);
        const pass = passes[p]!;
        for (let i = 0; i < param.value.length; i++) {
          const scale = matrix.scales[Math.floor(i / cols) * groups + Math.floor((i % cols) / matrix.groupSize)]!;
          pass[i] = Math.abs(param.value[i]!) <= top * scale ? 1 : 0;
        }
        param.value.set(dequantizeMatrix(matrix));
      });
      applied = true;
    },
    restore() {
      if (!applied) throw new Error('fake quantization is not applied');
      params.forEach((param, p) => {
        param.value.set(latent[p]!);
        const pass = passes[p]!;
        for (let i = 0; i < param.grad.length; i++) if (pass[i] === 0) param.grad[i] = 0;
      });
      applied = false;
    },
  };
}

/** Runs `body` on the quantized weights, then puts the latent ones back (gradients pass as in `restore`). */
export function withQuantizedWeights<T>(quantizer: FakeQuantizer | undefined, body: () => T): T {
  if (!quantizer) return body();
  quantizer.apply();
  try {
    return body();
  } finally {
    quantizer.restore();
  }
}
