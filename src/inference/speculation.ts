/**
 * Verifying a draft (speculative decoding, issue 21): the swarm's pass returns the model's
 * logits at the pass's input and at each draft token after it; the entry keeps the longest
 * prefix of the draft the model confirms and adds one token of the model's own.
 *
 * At temperature 0 a draft token is confirmed when it is the model's likeliest token, and the
 * model's own token is its likeliest: the tokens are the plain decoder's exactly. Above 0, the
 * rule of Leviathan, Kalman and Matias (2023, https://arxiv.org/abs/2211.17192, Algorithm 1)
 * and Chen et al. (2023, https://arxiv.org/abs/2302.01318): draft token x drawn from the draft's
 * distribution q is kept with probability min(1, p(x)/q(x)); at the first one refused, the
 * model's token is drawn from max(0, p − q) renormalised; when all are kept, from p. The
 * tokens are then distributed exactly as the plain decoder's, p being the distribution the
 * plain decoder samples from (temperature and top-p, model/sample.ts).
 */
import { drawFrom, sampleToken, samplingDistribution, type SamplingOptions } from '../model/sample.ts';
import { replayDraw } from './reference.ts';

export interface Verdict {
  /** Draft tokens confirmed. */
  readonly accepted: number;
  /** The confirmed draft tokens, then the model's own. */
  readonly tokens: readonly number[];
}

export interface DraftedTokens {
  readonly tokens: readonly number[];
  /** The draft's sampling distribution at each (used above temperature 0). */
  readonly probabilities: readonly Float64Array[];
}

/**
 * `logitsAt(j)`: the model's logits where draft token j stands (j = drafts: after the last);
 * undefined when they are not known (a reference that stopped earlier), which ends the
 * verification with undefined. `draw()` gives the uniform draws, taken only above temperature 0.
 */
export function verifyDraft(draft: DraftedTokens, logitsAt: (j: number) => Float64Array | undefined, sampling: SamplingOptions, draw: () => number): Verdict | undefined {
  const tokens: number[] = [];
  for (let j = 0; j < draft.tokens.length; j++) {
    const logits = logitsAt(j);
    if (!logits) return undefined;
    const guess = draft.tokens[j]!;
    if (sampling.temperature === 0) {
      const own = sampleToken(logits, sampling, replayDraw(0));
      if (own !== guess) return { accepted: j, tokens: [...tokens, own] };
    } else {
      const p = samplingDistribution(logits, sampling);
      const q = draft.probabilities[j]!;
      if (!(draw() < p[guess]! / q[guess]!)) {
        const residual = p.map((pi, id) => Math.max(0, pi - q[id]!));
        const own = residual.some((r) => r > 0) ? drawFrom(residual, draw()) : drawFrom(p, draw());
        return { accepted: j, tokens: [...tokens, own] };
      }
    }
    tokens.push(guess);
  }
  const last = logitsAt(draft.tokens.length);
  if (!last) return undefined;
  // All confirmed: the model's token after them, drawn as the plain decoder draws.
  const own = sampleToken(last, sampling, replayDraw(sampling.temperature > 0 ? draw() : 0));
  return { accepted: draft.tokens.length, tokens: [...tokens, own] };
}

/** A draw source that records its draws. */
export function recordingDraws(next: () => number): { draw: () => number; readonly draws: number[] } {
  const draws: number[] = [];
  return {
    draws,
    draw: () => {
      const value = next();
      draws.push(value);
      return value;
    },
  };
}

/** Replays recorded draws; `exact()`: every one was taken, and none asked for past the end. */
export function replayingDraws(draws: readonly number[]): { draw: () => number; exact(): boolean } {
  let next = 0;
  let overran = false;
  return {
    draw() {
      if (next < draws.length) return draws[next++]!;
      overran = true;
      return 0;
    },
    exact: () => !overran && next === draws.length,
  };
}
