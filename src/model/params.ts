/**
 * Trainable parameters: a named tensor of values with its gradient, both float64 (JavaScript's
 * numbers; checkpoints store them as float32). Layers own their parameters and add into the
 * gradients in their backward pass.
 */
import type { RandomStream } from '../sim/rng.ts';

export interface Param {
  readonly name: string;
  /** Row-major shape, e.g. [out, in] for a linear layer. */
  readonly shape: readonly number[];
  readonly value: Float64Array;
  readonly grad: Float64Array;
  /** Frozen parameters keep their values when an optimiser steps. */
  trainable: boolean;
}

export function createParam(name: string, shape: readonly number[], init: (i: number) => number): Param {
  const size = shape.reduce((a, b) => a * b, 1);
  const value = new Float64Array(size);
  // A new array is zeros already.
  if (init !== zeros) for (let i = 0; i < size; i++) value[i] = init(i);
  return { name, shape: [...shape], value, grad: new Float64Array(size), trainable: true };
}

/** Draws nothing: the weights of a model whose every value is read from a checkpoint next (checkpoint.ts). */
export const blankStream: RandomStream = { name: 'model/blank', next: () => 0, int: (minInclusive) => minInclusive, exponential: () => 0, normal: () => 0 };

/** Normal(0, std) initialisation from a seeded stream (zeros from `blankStream`). */
export function normalInit(rng: RandomStream, std: number): (i: number) => number {
  return rng === blankStream ? zeros : () => rng.normal() * std;
}

export const zeros = (): number => 0;
export const ones = (): number => 1;

export function zeroGrads(params: readonly Param[]): void {
  for (const param of params) param.grad.fill(0);
}

export function countParams(params: readonly Param[]): number {
  return params.reduce((sum, param) => sum + param.value.length, 0);
}
