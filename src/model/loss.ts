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

/**
 * Knowledge distillation (Hinton et al. 2015, https://arxiv.org/abs/1503.02531): per row,
 * (1 − weight) · cross-entropy on the target + weight · τ² · KL(p_teacher^τ ‖ p_student^τ),
 * where p^τ = softmax(logits / τ); the gradient of the KL term with respect to the student's
 * logits is τ · (p_student^τ − p_teacher^τ). Averaged over the rows that have a target; the
 * loss returned is the cross-entropy alone (the student's own bits per character).
 */
export function distillationLoss(logits: Float64Array, teacherLogits: Float64Array, targets: readonly number[], classes: number, weight: number, temperature: number): LossResult {
  const hard = crossEntropy(logits, targets, classes);
  if (weight === 0) return hard;
  const dLogits = hard.dLogits;
  for (let i = 0; i < dLogits.length; i++) dLogits[i]! *= 1 - weight;
  const count = hard.count;
  const student = new Float64Array(classes);
  const teacher = new Float64Array(classes);
  for (let r = 0; r < targets.length; r++) {
    if (targets[r]! < 0) continue;
    const o = r * classes;
    softmaxInto(logits, o, classes, temperature, student);
    softmaxInto(teacherLogits, o, classes, temperature, teacher);
    for (let c = 0; c < classes; c++) dLogits[o + c]! += (weight * temperature * (student[c]! - teacher[c]!)) / count;
  }
  return { loss: hard.loss, dLogits, count };
}

/** softmax(values[o … o + n) / τ) into `out`. */
function softmaxInto(values: Float64Array, o: number, n: number, temperature: number, out: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < n; c++) max = Math.max(max, values[o + c]! / temperature);
  let sum = 0;
  for (let c = 0; c < n; c++) sum += out[c] = Math.exp(values[o + c]! / temperature - max);
  for (let c = 0; c < n; c++) out[c]! /= sum;
}

/** KL(p_teacher^τ ‖ p_student^τ) in nats, averaged over the rows that have a target (what distillation minimises). */
export function distillationDivergence(logits: Float64Array, teacherLogits: Float64Array, targets: readonly number[], classes: number, temperature: number): number {
  const student = new Float64Array(classes);
  const teacher = new Float64Array(classes);
  let kl = 0;
  let count = 0;
  for (let r = 0; r < targets.length; r++) {
    if (targets[r]! < 0) continue;
    softmaxInto(logits, r * classes, classes, temperature, student);
    softmaxInto(teacherLogits, r * classes, classes, temperature, teacher);
    for (let c = 0; c < classes; c++) if (teacher[c]! > 0) kl += teacher[c]! * Math.log(teacher[c]! / student[c]!);
    count++;
  }
  return count > 0 ? kl / count : 0;
}
