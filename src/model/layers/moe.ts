/**
 * The MoE feed-forward of a layer: S shared experts every token passes through, plus the top-k
 * of E routed experts the gate picks, weighted (DeepSeekMoE, https://arxiv.org/abs/2401.06066).
 * With a capacity factor c, during training each routed expert takes at most ⌈rows·k/E·c⌉
 * tokens per pass, in row order; a token over capacity skips that expert (its weight is lost,
 * the residual carries it: GShard/Switch, https://arxiv.org/abs/2101.03961). Inference drops
 * nothing, so a token's output never depends on the tokens after it.
 */
import type { RandomStream } from '../../sim/rng.ts';
import type { Param } from '../params.ts';
import { createExpert, type Expert } from './expert.ts';
import { createGate, type Affinity, type Gate, type RoutingRestriction } from './gate.ts';

export interface MoeConfig {
  readonly experts: number;
  readonly shared: number;
  readonly hidden: number;
  readonly topK: number;
  readonly affinity: Affinity;
  /** Undefined: no token dropping. */
  readonly capacityFactor?: number;
}

export interface MoePass {
  readonly y: Float64Array;
  /** Tokens each routed expert took in this pass. */
  readonly load: Int32Array;
  /** (row, expert) pairs dropped over capacity. */
  readonly dropped: number;
  readonly experts: readonly (readonly number[])[];
  backward(dy: Float64Array): Float64Array;
}

export interface Moe {
  readonly config: MoeConfig;
  readonly gate: Gate;
  readonly routed: readonly Expert[];
  readonly shared: readonly Expert[];
  readonly params: readonly Param[];
  /** `training`: the capacity factor applies (tokens over capacity are dropped); at inference it does not. */
  forward(x: Float64Array, rows: number, restrict?: RoutingRestriction, training?: boolean): MoePass;
}

export function createMoe(name: string, dim: number, config: MoeConfig, rng: RandomStream): Moe {
  const gate = createGate(`${name}.gate`, dim, config.experts, config.topK, config.affinity, rng);
  const routed = Array.from({ length: config.experts }, (_, e) => createExpert(`${name}.expert${e}`, dim, config.hidden, rng));
  const shared = Array.from({ length: config.shared }, (_, s) => createExpert(`${name}.shared${s}`, dim, config.hidden, rng));
  return {
    config,
    gate,
    routed,
    shared,
    params: [...gate.params, ...routed.flatMap((e) => e.params), ...shared.flatMap((e) => e.params)],
    forward(x, rows, restrict, training = true) {
      const g = gate.forward(x, rows, restrict);
      const { experts: chosen, weights } = g.routing;
      const capacity = config.capacityFactor === undefined || !training ? Number.POSITIVE_INFINITY : Math.ceil(((rows * config.topK) / config.experts) * config.capacityFactor);
      // Rows per expert, in row order, within capacity.
      const rowsOf: number[][] = routed.map(() => []);
      const slotOf: number[][] = routed.map(() => []);
      const kept: boolean[][] = chosen.map((top) => top.map(() => false));
      let dropped = 0;
      chosen.forEach((top, r) =>
        top.forEach((e, i) => {
          if (rowsOf[e]!.length >= capacity) {
            dropped++;
            return;
          }
          rowsOf[e]!.push(r);
          slotOf[e]!.push(i);
          kept[r]![i] = true;
        }),
      );
      const y = new Float64Array(rows * dim);
      const sharedPasses = shared.map((expert) => expert.forward(x, rows));
      for (const pass of sharedPasses) for (let i = 0; i < y.length; i++) y[i]! += pass.y[i]!;
      const routedPasses = routed.map((expert, e) => {
        const list = rowsOf[e]!;
        if (list.length === 0) return undefined;
        const xs = new Float64Array(list.length * dim);
        list.forEach((r, j) => xs.set(x.subarray(r * dim, (r + 1) * dim), j * dim));
        const pass = expert.forward(xs, list.length);
        list.forEach((r, j) => {
          const w = weights[r]![slotOf[e]![j]!]!;
          for (let i = 0; i < dim; i++) y[r * dim + i]! += w * pass.y[j * dim + i]!;
        });
        return pass;
      });
      const load = Int32Array.from(rowsOf, (list) => list.length);
      return {
        y,
        load,
        dropped,
        experts: chosen.map((top, r) => top.filter((_, i) => kept[r]![i])),
        backward(dy) {
          const dx = new Float64Array(rows * dim);
          for (const pass of sharedPasses) {
            const d = pass.backward(dy);
            for (let i = 0; i < dx.length; i++) dx[i]! += d[i]!;
          }
          const dWeights = chosen.map((top) => top.map(() => 0));
          routedPasses.forEach((pass, e) => {
            if (!pass) return;
            const list = rowsOf[e]!;
            const dys = new Float64Array(list.length * dim);
            list.forEach((r, j) => {
              const slot = slotOf[e]![j]!;
              const w = weights[r]![slot]!;
              let dot = 0;
              for (let i = 0; i < dim; i++) {
                dys[j * dim + i] = w * dy[r * dim + i]!;
                dot += dy[r * dim + i]! * pass.y[j * dim + i]!;
              }
              dWeights[r]![slot] = dot;
            });
            const dxs = pass.backward(dys);
            list.forEach((r, j) => {
              for (let i = 0; i < dim; i++) dx[r * dim + i]! += dxs[j * dim + i]!;
            });
          });
          const dg = g.backward(dWeights);
          for (let i = 0; i < dx.length; i++) dx[i]! += dg[i]!;
          return dx;
        },
      };
    },
  };
}
