/** Softmax cross-entropy over rows of logits, in nats, averaged over the rows that have a target. */

export interface LossResult {
  readonly loss: number;
  readonly dLogits: Float64Array;
  readonly count: number;
}

/** `targets[r] < 0` skips row r. */
export function crossEntropy(logits: Float64Array, targets: readonly number[], classes: number): LossResult {
  const rows = targets.length;
  const dLogits = new Float64Array(logits.length);
  let loss = 0;
  let count = 0;
  for (let r = 0; r < rows; r++) if (targets[r]! >= 0) count++;
  for (let r = 0; r < rows; r++) {
    const target = targets[r]!;
    if (target < 0) continue;
    const o = r * classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[o + c]!);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[o + c]! - max);
    const logSum = Math.log(sum) + max;
    loss += logSum - logits[o + target]!;
    for (let c = 0; c < classes; c++) dLogits[o + c] = (Math.exp(logits[o + c]! - logSum) - (c === target ? 1 : 0)) / count;
  }
  return { loss: count > 0 ? loss / count : 0, dLogits, count };
}
