/**
 * The MoE gate (router) of DeepSeek-V3 (https://arxiv.org/abs/2412.19437, §2.1.2): affinities
 * s = sigmoid(x·Wᵀ) (or softmax), top-k selection on s + b where the per-expert bias b only
 * affects selection, weights = the chosen affinities normalised over the chosen experts
 * (sigmoid) or the softmax affinities themselves. The bias is updated from observed load
 * (b_i −= γ·sign(load_i − mean load)); it is not trained by gradient. A routing restriction
 * lets the caller limit each token's candidates (node-limited routing in the swarm).
 */
import type { RandomStream } from '../../sim/rng.ts';
import type { Param } from '../params.ts';
import { createLinear, type Linear } from './linear.ts';

export type Affinity = 'sigmoid' | 'softmax';

/** Given a token's row index, the experts it may use (undefined: all). */
export type RoutingRestriction = (row: number) => readonly number[] | undefined;

export interface Routing {
  /** Per row: the chosen experts (in descending biased score) and their weights. */
  readonly experts: readonly (readonly number[])[];
  readonly weights: readonly (readonly number[])[];
  /** Affinities [rows, E] before the bias. */
  readonly affinity: Float64Array;
}

export interface Gate {
  readonly experts: number;
  readonly topK: number;
  readonly affinity: Affinity;
  readonly linear: Linear;
  /** The load-balancing bias, one per expert (selection only). */
  readonly bias: Float64Array;
  readonly params: readonly Param[];
  forward(x: Float64Array, rows: number, restrict?: RoutingRestriction): { routing: Routing; backward(dWeights: readonly (readonly number[])[]): Float64Array };
  /** The bias rule: overloaded experts' bias goes down by γ, underloaded ones' up. */
  updateBias(load: ArrayLike<number>, gamma: number): void;
}

export function createGate(name: string, dim: number, experts: number, topK: number, affinity: Affinity, rng: RandomStream): Gate {
  if (!Number.isInteger(topK) || topK < 1 || topK > experts) throw new RangeError(`top-k must be in 1..${experts}, got ${topK}`);
  const linear = createLinear(`${name}.router`, dim, experts, rng);
  const bias = new Float64Array(experts);
  return {
    experts,
    topK,
    affinity,
    linear,
    bias,
    params: linear.params,
    forward(x, rows, restrict) {
      const logits = linear.forward(x, rows);
      const a = new Float64Array(rows * experts);
      for (let r = 0; r < rows; r++) {
        const o = r * experts;
        if (affinity === 'sigmoid') {
          for (let e = 0; e < experts; e++) a[o + e] = 1 / (1 + Math.exp(-logits.y[o + e]!));
        } else {
          let max = Number.NEGATIVE_INFINITY;
          for (let e = 0; e < experts; e++) max = Math.max(max, logits.y[o + e]!);
          let sum = 0;
          for (let e = 0; e < experts; e++) sum += (a[o + e] = Math.exp(logits.y[o + e]! - max));
          for (let e = 0; e < experts; e++) a[o + e]! /= sum;
        }
      }
      const chosen: number[][] = [];
      const weights: number[][] = [];
      for (let r = 0; r < rows; r++) {
        const o = r * experts;
        const candidates = restrict?.(r) ?? Array.from({ length: experts }, (_, e) => e);
        if (candidates.length < topK) throw new RangeError(`the routing restriction leaves ${candidates.length} experts for row ${r}, fewer than top-k ${topK}`);
        // Ties broken by the lower expert index, so that selection is deterministic.
        const top = [...candidates].sort((p, q) => a[o + q]! + bias[q]! - (a[o + p]! + bias[p]!) || p - q).slice(0, topK);
        chosen.push(top);
        if (affinity === 'sigmoid') {
          const sum = top.reduce((s, e) => s + a[o + e]!, 0);
          weights.push(top.map((e) => a[o + e]! / sum));
        } else weights.push(top.map((e) => a[o + e]!));
      }
      return {
        routing: { experts: chosen, weights, affinity: a },
        backward(dWeights) {
          const ds = new Float64Array(rows * experts);
          for (let r = 0; r < rows; r++) {
            const o = r * experts;
            const top = chosen[r]!;
            const dw = dWeights[r]!;
            const da = new Float64Array(experts);
            if (affinity === 'sigmoid') {
              const sum = top.reduce((s, e) => s + a[o + e]!, 0);
              const w = weights[r]!;
              let dot = 0;
              top.forEach((_, i) => (dot += dw[i]! * w[i]!));
              top.forEach((e, i) => (da[e] = (dw[i]! - dot) / sum));
              for (let e = 0; e < experts; e++) ds[o + e] = da[e]! * a[o + e]! * (1 - a[o + e]!);
            } else {
              top.forEach((e, i) => (da[e] = dw[i]!));
              let dot = 0;
              for (let e = 0; e < experts; e++) dot += da[e]! * a[o + e]!;
              for (let e = 0; e < experts; e++) ds[o + e] = a[o + e]! * (da[e]! - dot);
            }
          }
          return logits.backward(ds);
        },
      };
    },
    updateBias(load, gamma) {
      let mean = 0;
      for (let e = 0; e < experts; e++) mean += load[e]!;
      mean /= experts;
      for (let e = 0; e < experts; e++) bias[e]! -= gamma * Math.sign(load[e]! - mean);
    },
  };
}
