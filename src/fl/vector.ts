/**
 * A model's parameters as one flat vector (what clients send and the server averages), and the
 * mask of the entries a client trains (partial models: a node whose memory cannot hold the
 * whole model's training state trains a subset; issue 7, "Partial models").
 */
import type { Param } from '../model/params.ts';

export function sizeOf(params: readonly Param[]): number {
  return params.reduce((sum, p) => sum + p.value.length, 0);
}

export function flatten(params: readonly Param[]): Float64Array {
  const out = new Float64Array(sizeOf(params));
  let at = 0;
  for (const p of params) {
    out.set(p.value, at);
    at += p.value.length;
  }
  return out;
}

export function assign(params: readonly Param[], vector: Float64Array): void {
  if (vector.length !== sizeOf(params)) throw new RangeError(`expected a vector of ${sizeOf(params)} values, found ${vector.length}`);
  let at = 0;
  for (const p of params) {
    p.value.set(vector.subarray(at, at + p.value.length));
    at += p.value.length;
  }
}

/** 1 for each entry of a trainable parameter, 0 for frozen ones. */
export function trainableMask(params: readonly Param[]): Uint8Array {
  const out = new Uint8Array(sizeOf(params));
  let at = 0;
  for (const p of params) {
    if (p.trainable) out.fill(1, at, at + p.value.length);
    at += p.value.length;
  }
  return out;
}
