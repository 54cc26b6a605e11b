/**
 * The baseline a character model must beat: a bigram model (next character given the current
 * one) with add-α smoothing, counted on the training split. α is the one of a small grid that
 * does best on the validation split, which favours the baseline.
 */
import type { TextSample } from '../data/dataset.ts';
import { boundary } from '../data/dataset.ts';

export interface Bigram {
  readonly alpha: number;
  /** Bits per predicted character (end boundary included) on the samples. */
  bitsPerChar(samples: readonly TextSample[]): number;
}

export function fitBigram(train: readonly TextSample[], validation: readonly TextSample[], vocab: number): Bigram {
  const counts = new Float64Array(vocab * vocab);
  for (const sample of train) {
    const sequence = [boundary, ...sample.tokens, boundary];
    for (let i = 0; i + 1 < sequence.length; i++) counts[sequence[i]! * vocab + sequence[i + 1]!]! += 1;
  }
  const totals = new Float64Array(vocab);
  for (let a = 0; a < vocab; a++) for (let b = 0; b < vocab; b++) totals[a]! += counts[a * vocab + b]!;
  const withAlpha = (alpha: number): Bigram => ({
    alpha,
    bitsPerChar(samples) {
      let bits = 0;
      let n = 0;
      for (const sample of samples) {
        const sequence = [boundary, ...sample.tokens, boundary];
        for (let i = 0; i + 1 < sequence.length; i++) {
          const a = sequence[i]!;
          bits -= Math.log2((counts[a * vocab + sequence[i + 1]!]! + alpha) / (totals[a]! + alpha * vocab));
          n++;
        }
      }
      return bits / n;
    },
  });
  let best = withAlpha(1);
  for (const alpha of [0.01, 0.03, 0.1, 0.3, 1]) {
    const candidate = withAlpha(alpha);
    if (candidate.bitsPerChar(validation) < best.bitsPerChar(validation)) best = candidate;
  }
  return best;
}
