/**
 * How far the integer model is from the float reference on held-out texts: top-1 agreement of
 * the next-token prediction, the mean KL divergence KL(p_float ‖ p_int) in nats per position,
 * and both models' bits per character.
 */
import type { TextSample } from '../../data/dataset.ts';
import { argmax, logSoftmax } from '../distribution.ts';
import type { TinySeek } from '../tinyseek.ts';
import { framed } from '../train-lm.ts';
import type { Bits } from './integer.ts';
import type { QuantizedTinySeek } from './quantized-model.ts';
import { createIntGenerator } from './units.ts';

export interface Fidelity {
  readonly bits: Bits;
  readonly positions: number;
  readonly top1Agreement: number;
  readonly klDivergence: number;
  readonly bitsPerChar: number;
  readonly floatBitsPerChar: number;
}

/** `referenceLogits`: the float model's logits for a text, when the caller keeps them (several integer models judged against one reference). */
export function measureFidelity(model: TinySeek, quantized: QuantizedTinySeek, samples: readonly TextSample[], referenceLogits?: (sample: TextSample) => Float64Array): Fidelity {
  const vocab = model.config.vocab;
  let positions = 0;
  let agree = 0;
  let kl = 0;
  let intNats = 0;
  let floatNats = 0;
  for (const sample of samples) {
    const { inputs, targets } = framed(sample.tokens, model.config.context);
    const full = referenceLogits ? referenceLogits(sample) : model.forward(inputs).logits;
    const generator = createIntGenerator(quantized);
    inputs.forEach((id, t) => {
      const pf = logSoftmax(full.subarray(t * vocab, (t + 1) * vocab));
      const pq = logSoftmax(generator.next(id));
      if (argmax(pf) === argmax(pq)) agree++;
      for (let c = 0; c < vocab; c++) kl += Math.exp(pf[c]!) * (pf[c]! - pq[c]!);
      intNats -= pq[targets[t]!]!;
      floatNats -= pf[targets[t]!]!;
      positions++;
    });
  }
  return {
    bits: quantized.bits,
    positions,
    top1Agreement: agree / positions,
    klDivergence: kl / positions,
    bitsPerChar: intNats / positions / Math.LN2,
    floatBitsPerChar: floatNats / positions / Math.LN2,
  };
}
