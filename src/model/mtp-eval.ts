/**
 * How well the multi-token prediction module guesses the token after next, on held-out texts
 * with the true tokens fed (teacher forcing): its top-1 accuracy against the true token, its
 * agreement with the main model's own top-1 prediction one position later (the share of
 * drafts that greedy speculative decoding would accept when the main model's tokens are the
 * text's), and its bits per character.
 */
import type { TextSample } from '../data/dataset.ts';
import { argmax, logSoftmax } from './distribution.ts';
import type { TinySeek } from './tinyseek.ts';
import { framed } from './train-lm.ts';

export interface MtpFigures {
  readonly positions: number;
  readonly accuracy: number;
  readonly agreement: number;
  readonly bitsPerChar: number;
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
    const row = (values: Float64Array, r: number): Float64Array => values.subarray(r * vocab, (r + 1) * vocab);
    for (let i = 0; i + 1 < inputs.length; i++) {
      const drafted = row(pass.mtpLogits!, i);
      const guess = argmax(drafted);
      if (guess === targets[i + 1]) correct++;
      if (guess === argmax(row(pass.logits, i + 1))) agree++;
      nats -= logSoftmax(drafted)[targets[i + 1]!]!;
      positions++;
    }
  }
  return { positions, accuracy: correct / positions, agreement: agree / positions, bitsPerChar: nats / positions / Math.LN2 };
}
