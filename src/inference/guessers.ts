/**
 * Who guesses the next tokens at the entry in speculative decoding (issue 21, point 4), one per
 * request: a draft model held at the entry (draft.ts), which reads the request's tokens and
 * guesses ahead one token at a time; or the served model's own multi-token prediction module
 * (model/quant/mtp-units.ts), which reads each confirmed position's last-layer residual (from
 * the pass that came back) with the token after it, and guesses one token ahead. Each step is
 * work on the entry's MCU; guesses are sampled as the decoder samples, from the request's own
 * draft stream.
 */
import { sampleToken, samplingDistribution, type SamplingOptions } from '../model/sample.ts';
import type { Int8Tensor } from '../model/quant/integer.ts';
import { mtpUnit, type QuantMtp } from '../model/quant/mtp-units.ts';
import type { QuantizedTinySeek } from '../model/quant/quantized-model.ts';
import { createInt8LatentCache, type Int8LatentCache } from '../model/quant/units.ts';
import type { RandomStreamState, SavableStream } from '../sim/rng.ts';
import { createDrafter } from './draft.ts';
import { replayDraw } from './reference.ts';
import type { DraftedTokens } from './speculation.ts';
import type { McuWork } from './unit-work.ts';

export interface Guesser {
  /** Guesses up to `count` tokens after `ids` (the request's tokens so far), adding each step's work to `work`. */
  guess(ids: readonly number[], count: number, work: McuWork[]): DraftedTokens;
  /** `count` positions from `from` on became part of the text; `x`: the pass's last-layer residuals, from its first position. */
  confirmed(from: number, count: number, x: Int8Tensor): void;
  checkpoint(): GuesserState;
}

/** A guesser's state (a checkpoint holds it). */
export interface GuesserState {
  readonly caches: readonly Int8LatentCache[];
  readonly pending: { readonly from: number; readonly x: Int8Tensor } | undefined;
  readonly rng: RandomStreamState;
}

export interface GuesserSetup {
  readonly sampling: SamplingOptions;
  readonly rng: SavableStream;
  /** A step of the draft model at `position`, or of the MTP module (with its head or not). */
  draftWork(position: number): McuWork;
  mtpWork(position: number, head: boolean): McuWork;
}

function sample(logits: Float64Array, setup: GuesserSetup): { token: number; probabilities: Float64Array } {
  const draw = setup.sampling.temperature > 0 ? setup.rng.next() : 0;
  return { token: sampleToken(logits, setup.sampling, replayDraw(draw)), probabilities: setup.sampling.temperature > 0 ? samplingDistribution(logits, setup.sampling) : new Float64Array(0) };
}

/** The draft model: it reads the tokens it has not read, then guesses; refused guesses are cut from its caches. */
export function draftModelGuesser(draft: QuantizedTinySeek, setup: GuesserSetup, saved?: GuesserState): Guesser {
  const drafter = createDrafter(draft, saved?.caches);
  if (saved) setup.rng.restore(saved.rng);
  return {
    guess(ids, count, work) {
      const out: { tokens: number[]; probabilities: Float64Array[] } = { tokens: [], probabilities: [] };
      if (count === 0) return out;
      const read = (id: number): Float64Array => {
        work.push(setup.draftWork(drafter.length));
        return drafter.read(id);
      };
      let logits: Float64Array = new Float64Array(0);
      for (let p = drafter.length; p < ids.length; p++) logits = read(ids[p]!);
      for (let j = 0; j < count; j++) {
        if (j > 0) logits = read(out.tokens[j - 1]!);
        const guessed = sample(logits, setup);
        out.tokens.push(guessed.token);
        out.probabilities.push(guessed.probabilities);
      }
      return out;
    },
    confirmed: (from, count) => drafter.cut(from + count),
    checkpoint: () => ({ caches: drafter.caches, pending: undefined, rng: setup.rng.checkpoint() }),
  };
}

/**
 * The MTP module: position j reads the residual the pass returned for j and the token at j + 1
 * (so a position is read once the token after it is known: after its pass), and the last read
 * guesses the token after the last known one.
 */
export function mtpGuesser(model: QuantizedTinySeek, mtp: QuantMtp, setup: GuesserSetup, saved?: GuesserState): Guesser {
  const cache = saved?.caches[0] ?? createInt8LatentCache(model);
  let pending = saved?.pending;
  if (saved) setup.rng.restore(saved.rng);
  const d = model.config.dim;
  return {
    guess(ids, count, work) {
      const out: { tokens: number[]; probabilities: Float64Array[] } = { tokens: [], probabilities: [] };
      let logits: Float64Array | undefined;
      if (pending) {
        const { from, x } = pending;
        // The pass's positions, each with the token after it (known now).
        const last = Math.min(from + x.data.length / d, ids.length - 1);
        for (let j = from; j < last; j++) {
          const head = count > 0 && j === ids.length - 2;
          work.push(setup.mtpWork(j, head));
          logits = mtpUnit(model, mtp, { ...x, data: x.data.subarray((j - from) * d, (j - from + 1) * d) }, ids[j + 1]!, cache, head);
        }
        pending = undefined;
      }
      if (count > 0 && logits) {
        const guessed = sample(logits, setup);
        out.tokens.push(guessed.token);
        out.probabilities.push(guessed.probabilities);
      }
      return out;
    },
    confirmed(from, count, x) {
      pending = { from, x: { ...x, data: x.data.slice(0, count * d) } };
    },
    checkpoint: () => ({ caches: [cache], pending, rng: setup.rng.checkpoint() }),
  };
}
