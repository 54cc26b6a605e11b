/** Finite-difference gradient checks for the model's layers (central differences, float64). */
import type { Param } from '../../src/model/params.ts';
import { createRandomStreams } from '../../src/sim/rng.ts';

/**
 * The documented tolerance: relative error below 1e-5 (CS231n's threshold for networks with
 * kinks; a wrong backward pass gives errors near 1), with gradients below 1e-6 in magnitude
 * compared on that scale (their finite differences are mostly rounding noise).
 */
export const gradTolerance = 1e-5;
const eps = 1e-5;

/** |a − n| / max(|a| + |n|, 1e-6): 0 when equal, up to 1. */
export function relativeError(analytic: number, numeric: number): number {
  return Math.abs(analytic - numeric) / Math.max(Math.abs(analytic) + Math.abs(numeric), 1e-6);
}

export interface Check {
  readonly name: string;
  readonly worst: number;
  readonly checked: number;
}

/**
 * `loss()` runs forward and returns the scalar; `lossAndBackward()` also fills every param's
 * grad (and returns the input's gradient when `input` is given). Up to `samples` entries of
 * each tensor are checked.
 */
export function checkGradients(params: readonly Param[], loss: () => number, lossAndBackward: () => Float64Array | undefined, input?: Float64Array, samples = 12): Check[] {
  for (const param of params) param.grad.fill(0);
  const dInput = lossAndBackward();
  const pick = createRandomStreams(5).stream('gradcheck');
  const checks: Check[] = [];
  const check = (name: string, values: Float64Array, analytic: (i: number) => number): void => {
    let worst = 0;
    const n = Math.min(samples, values.length);
    for (let k = 0; k < n; k++) {
      const i = values.length <= samples ? k : pick.int(0, values.length - 1);
      const saved = values[i]!;
      values[i] = saved + eps;
      const plus = loss();
      values[i] = saved - eps;
      const minus = loss();
      values[i] = saved;
      worst = Math.max(worst, relativeError(analytic(i), (plus - minus) / (2 * eps)));
    }
    checks.push({ name, worst, checked: n });
  };
  for (const param of params) check(param.name, param.value, (i) => param.grad[i]!);
  if (input && dInput) check('input', input, (i) => dInput[i]!);
  return checks;
}

/** A fixed random projection R, so that loss = Σ y ⊙ R exercises every output. */
export function projection(size: number, seed = 9): Float64Array {
  const rng = createRandomStreams(seed).stream('projection');
  return Float64Array.from({ length: size }, () => rng.normal());
}

export function randomInput(size: number, seed = 3): Float64Array {
  const rng = createRandomStreams(seed).stream('input');
  return Float64Array.from({ length: size }, () => rng.normal());
}

export const dot = (a: Float64Array, b: Float64Array): number => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
};
