/**
 * Optimisers over a model's trainable parameters: SGD (with momentum) and AdamW (Loshchilov &
 * Hutter, https://arxiv.org/abs/1711.05101: decoupled weight decay), and gradient clipping by
 * global norm. Frozen parameters (`trainable: false`) keep their values.
 */
import type { Param } from './params.ts';

export interface Optimizer {
  step(params: readonly Param[], learningRate: number): void;
}

export function createSgd(options: { momentum?: number; weightDecay?: number } = {}): Optimizer {
  const momentum = options.momentum ?? 0;
  const velocity = new Map<Param, Float64Array>();
  return {
    step(params, lr) {
      for (const p of params) {
        if (!p.trainable) continue;
        let v = velocity.get(p);
        if (!v) velocity.set(p, (v = new Float64Array(p.value.length)));
        for (let i = 0; i < p.value.length; i++) {
          // Decay only matrices (weights), as AdamW here does.
          const g = p.grad[i]! + (p.shape.length > 1 ? (options.weightDecay ?? 0) : 0) * p.value[i]!;
          v[i] = momentum * v[i]! + g;
          p.value[i]! -= lr * v[i]!;
        }
      }
    },
  };
}

export function createAdamW(options: { beta1?: number; beta2?: number; epsilon?: number; weightDecay?: number } = {}): Optimizer {
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const epsilon = options.epsilon ?? 1e-8;
  const weightDecay = options.weightDecay ?? 0.01;
  const state = new Map<Param, { m: Float64Array; v: Float64Array }>();
  let t = 0;
  return {
    step(params, lr) {
      t++;
      const c1 = 1 - beta1 ** t;
      const c2 = 1 - beta2 ** t;
      for (const p of params) {
        if (!p.trainable) continue;
        let s = state.get(p);
        if (!s) state.set(p, (s = { m: new Float64Array(p.value.length), v: new Float64Array(p.value.length) }));
        // Decay only matrices (weights), not gains and biases.
        const decay = p.shape.length > 1 ? weightDecay : 0;
        for (let i = 0; i < p.value.length; i++) {
          const g = p.grad[i]!;
          s.m[i] = beta1 * s.m[i]! + (1 - beta1) * g;
          s.v[i] = beta2 * s.v[i]! + (1 - beta2) * g * g;
          p.value[i]! -= lr * ((s.m[i]! / c1) / (Math.sqrt(s.v[i]! / c2) + epsilon) + decay * p.value[i]!);
        }
      }
    },
  };
}

/** Scales every trainable gradient so that their global L2 norm is at most `maxNorm`; returns the norm before. */
export function clipGradients(params: readonly Param[], maxNorm: number): number {
  let sum = 0;
  for (const p of params) if (p.trainable) for (let i = 0; i < p.grad.length; i++) sum += p.grad[i]! ** 2;
  const norm = Math.sqrt(sum);
  if (norm > maxNorm) {
    const scale = maxNorm / norm;
    for (const p of params) if (p.trainable) for (let i = 0; i < p.grad.length; i++) p.grad[i]! *= scale;
  }
  return norm;
}
