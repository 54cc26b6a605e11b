/**
 * How well the multi-token prediction module guesses the token after next, on held-out texts
 * with the true tokens fed (teacher forcing): its top-1 accuracy against the true token, its
 * agreement with the main model's own top-1 prediction one position later (the share of
 * drafts that greedy speculative decoding would accept when the main model's tokens are the
 * text's), and its bits per character.
 */
import type { TextSample } from '../data/dataset.ts';
import type { TinySeek } from './tinyseek.ts';
import { framed } from './train-lm.ts';

export interface MtpFigures {
  readonly positions: number;
  readonly accuracy: number;
  readonly agreement: number;
  readonly bitsPerChar: number;
}

const argmaxRow = (values: Float64Array, row: number, width: number): number => {
  let best = 0;
  for (let c = 1; c < width; c++) if (values[row * width + c]! > values[row * width + best]!) best = c;
  return best;
};

function logSoftmaxAt(values: Float64Array, row: number, width: number, index: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < width; c++) max = Math.max(max, values[row * width + c]!);
  let sum = 0;
  for (let c = 0; c < width; c++) sum += Math.exp(values[row * width + c]! - max);
  return values[row * width + index]! - max - Math.log(sum);
}

export function measureMtp(model: TinySeek, samples: readonly TextSample[]): MtpFigures {
  if (!model.mtp) throw new Error('the model has no multi-token prediction module');
  const vocab = model.config.vocab;
  let positions = 0;
  let correct = 0;
  let agree = 0;
  let nats = 0;
  for (const sample of samples) {
    const { inputs, targets } = framed(sample.tokens, model.config.context);
    if (inputs.length < 2) continue;
    const pass = model.forward(inputs, { mtp: true });
    for (let i = 0; i + 1 < inputs.length; i++) {
      const guess = argmaxRow(pass.mtpLogits!, i, vocab);
      if (guess === targets[i + 1]) correct++;
      if (guess === argmaxRow(pass.logits, i + 1, vocab)) agree++;
      nats -= logSoftmaxAt(pass.mtpLogits!, i, vocab, targets[i + 1]!);
      positions++;
    }
  }
  return { positions, accuracy: correct / positions, agreement: agree / positions, bitsPerChar: nats / positions / Math.LN2 };
}
