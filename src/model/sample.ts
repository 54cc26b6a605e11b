/**
 * Sampling the next token from logits with a seeded stream: greedy, temperature, and top-p
 * (nucleus, Holtzman et al. 2019, https://arxiv.org/abs/1904.09751).
 */
import type { RandomStream } from '../sim/rng.ts';
import { boundary } from '../data/dataset.ts';
import { createGenerator, type TinySeek } from './tinyseek.ts';

export interface SamplingOptions {
  /** 0 means greedy. */
  readonly temperature: number;
  /** Keep the smallest set of tokens whose probability reaches p (1: all). */
  readonly topP: number;
}

export function sampleToken(logits: Float64Array, options: SamplingOptions, rng: RandomStream): number {
  if (options.temperature === 0) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
    return best;
  }
  const { kept, keptSum } = nucleus(logits, options);
  let draw = rng.next() * keptSum;
  for (const entry of kept) {
    draw -= entry.p;
    if (draw < 0) return entry.id;
  }
  return kept[kept.length - 1]!.id;
}

/**
 * The tokens sampleToken draws among above temperature 0: weights exp((logit − max) / T),
 * likeliest first (ties by id), the smallest set whose probability reaches topP, and their sum.
 */
function nucleus(logits: Float64Array, options: SamplingOptions): { readonly kept: readonly { id: number; p: number }[]; readonly keptSum: number } {
  let max = Number.NEGATIVE_INFINITY;
  for (const value of logits) max = Math.max(max, value);
  const probs = Array.from(logits, (value, id) => ({ id, p: Math.exp((value - max) / options.temperature) }));
  const sum = probs.reduce((s, entry) => s + entry.p, 0);
  probs.sort((a, b) => b.p - a.p || a.id - b.id);
  const kept: typeof probs = [];
  let mass = 0;
  for (const entry of probs) {
    kept.push(entry);
    mass += entry.p / sum;
    if (mass >= options.topP) break;
  }
  return { kept, keptSum: kept.reduce((s, entry) => s + entry.p, 0) };
}

/**
 * The distribution `sampleToken` draws from (temperature, then the top-p nucleus), as
 * probabilities per token id; at temperature 0 all the mass is on the likeliest token.
 */
export function samplingDistribution(logits: Float64Array, options: SamplingOptions): Float64Array {
  const out = new Float64Array(logits.length);
  if (options.temperature === 0) {
    out[sampleToken(logits, options, { name: 'greedy', next: () => 0, int: () => 0, exponential: () => 0, normal: () => 0 })] = 1;
    return out;
  }
  const { kept, keptSum } = nucleus(logits, options);
  for (const entry of kept) out[entry.id] = entry.p / keptSum;
  return out;
}

/** A token drawn from `probs` (any non-negative weights) with one uniform draw in [0, 1). */
export function drawFrom(probs: Float64Array, uniform: number): number {
  let total = 0;
  for (const p of probs) total += p;
  let draw = uniform * total;
  let last = -1;
  for (let id = 0; id < probs.length; id++) {
    if (probs[id]! <= 0) continue;
    last = id;
    draw -= probs[id]!;
    if (draw < 0) return id;
  }
  return last;
}

/** Generates one text: from the boundary until the model emits the boundary or the context is full. */
export function generate(model: TinySeek, options: SamplingOptions, rng: RandomStream): number[] {
  const generator = createGenerator(model);
  const out: number[] = [];
  let token = boundary;
  for (let t = 0; t < model.config.context; t++) {
    token = sampleToken(generator.next(token), options, rng);
    if (token === boundary) break;
    out.push(token);
  }
  return out;
}
