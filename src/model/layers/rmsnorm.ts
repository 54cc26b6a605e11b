/** RMSNorm: y = x / sqrt(mean(x²) + ε) ⊙ g, per row (Zhang & Sennrich 2019, https://arxiv.org/abs/1910.07467). */
import { createParam, ones, type Param } from '../params.ts';

export interface RmsNorm {
  readonly gain: Param;
  readonly params: readonly Param[];
  forward(x: Float64Array, rows: number): { y: Float64Array; backward(dy: Float64Array): Float64Array };
}

export const rmsEpsilon = 1e-5;

export function createRmsNorm(name: string, dim: number): RmsNorm {
  const gain = createParam(`${name}.gain`, [dim], ones);
  return {
    gain,
    params: [gain],
    forward(x, rows) {
      const y = new Float64Array(rows * dim);
      const inv = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let ss = 0;
        for (let i = 0; i < dim; i++) ss += x[r * dim + i]! ** 2;
        inv[r] = 1 / Math.sqrt(ss / dim + rmsEpsilon);
        for (let i = 0; i < dim; i++) y[r * dim + i] = x[r * dim + i]! * inv[r]! * gain.value[i]!;
      }
      return {
        y,
        backward(dy) {
          const dx = new Float64Array(rows * dim);
          for (let r = 0; r < rows; r++) {
            const s = inv[r]!;
            // n = x·s; y = n⊙g; dn = dy⊙g; dx = s·(dn − n·mean(dn⊙n))
            let dot = 0;
            for (let i = 0; i < dim; i++) {
              const n = x[r * dim + i]! * s;
              const dn = dy[r * dim + i]! * gain.value[i]!;
              gain.grad[i]! += dy[r * dim + i]! * n;
              dot += dn * n;
            }
            dot /= dim;
            for (let i = 0; i < dim; i++) {
              const n = x[r * dim + i]! * s;
              dx[r * dim + i] = s * (dy[r * dim + i]! * gain.value[i]! - n * dot);
            }
          }
          return dx;
        },
      };
    },
  };
}
