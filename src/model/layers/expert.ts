/**
 * One feed-forward expert, SwiGLU as in DeepSeek-V2/V3 (Shazeer 2020,
 * https://arxiv.org/abs/2002.05202): y = W₂·(silu(W₁x) ⊙ W₃x).
 */
import type { RandomStream } from '../../sim/rng.ts';
import type { Param } from '../params.ts';
import { createLinear, type Linear } from './linear.ts';

export interface Expert {
  readonly up: Linear;
  readonly gate: Linear;
  readonly down: Linear;
  readonly hidden: number;
  readonly params: readonly Param[];
  forward(x: Float64Array, rows: number): { y: Float64Array; backward(dy: Float64Array): Float64Array };
}

export const silu = (z: number): number => z / (1 + Math.exp(-z));

export function createExpert(name: string, dim: number, hidden: number, rng: RandomStream): Expert {
  const gate = createLinear(`${name}.w1`, dim, hidden, rng);
  const up = createLinear(`${name}.w3`, dim, hidden, rng);
  const down = createLinear(`${name}.w2`, hidden, dim, rng);
  return {
    up,
    gate,
    down,
    hidden,
    params: [...gate.params, ...up.params, ...down.params],
    forward(x, rows) {
      const g = gate.forward(x, rows);
      const u = up.forward(x, rows);
      const h = new Float64Array(rows * hidden);
      for (let i = 0; i < h.length; i++) h[i] = silu(g.y[i]!) * u.y[i]!;
      const d = down.forward(h, rows);
      return {
        y: d.y,
        backward(dy) {
          const dh = d.backward(dy);
          const dg = new Float64Array(h.length);
          const du = new Float64Array(h.length);
          for (let i = 0; i < h.length; i++) {
            const z = g.y[i]!;
            const s = 1 / (1 + Math.exp(-z));
            du[i] = dh[i]! * z * s;
            dg[i] = dh[i]! * u.y[i]! * (s + z * s * (1 - s));
          }
          const dx = g.backward(dg);
          const dx2 = u.backward(du);
          for (let i = 0; i < dx.length; i++) dx[i]! += dx2[i]!;
          return dx;
        },
      };
    },
  };
}
