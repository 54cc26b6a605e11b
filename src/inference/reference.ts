/**
 * The single-node reference: the same integer units, run on one node with nothing lost, fed
 * the prefix the swarm produced and restricted to the candidate experts the swarm's gate
 * allowed. A swarm token "matches the reference" when the reference, sampling with the same
 * random draw, emits the same token (issue 6, "Records").
 */
import { attentionUnit, combineUnit, createInt8LatentCache, embeddingUnit, gateDecision, gateScores, headUnit, routedExpertUnit, sharedExpertUnit, type Int8LatentCache } from '../model/quant/units.ts';
import type { QuantizedTinySeek } from '../model/quant/quantized-model.ts';
import type { RandomStream } from '../sim/rng.ts';

export interface Reference {
  /** Logits after the token `id` at the next position; candidates per layer (undefined: all experts). */
  step(id: number, candidates: readonly (readonly number[] | undefined)[]): Float64Array;
  readonly position: number;
  /** Its key-value caches, one per layer (a checkpoint saves them). */
  readonly caches: readonly Int8LatentCache[];
}

/** `caches`: a checkpoint's (the reference goes on from there). */
export function createReference(model: QuantizedTinySeek, caches: readonly Int8LatentCache[] = model.layers.map(() => createInt8LatentCache(model))): Reference {
  return {
    caches,
    get position() {
      return caches[0]!.length;
    },
    step(id, candidates) {
      const position = caches[0]!.length;
      let x = embeddingUnit(model, id, position);
      model.layers.forEach((layer, l) => {
        const h = attentionUnit(model, l, x, caches[l]!);
        const gate = gateDecision(model, l, gateScores(model, l, h), candidates[l]);
        const shared = layer.shared.map((_, s) => sharedExpertUnit(model, l, s, gate.input));
        const routed = gate.experts.map((e) => routedExpertUnit(model, l, e, gate.input));
        x = combineUnit(model, l, h, shared, routed, gate.weights);
      });
      return headUnit(model, x);
    },
  };
}

/** A random stream that replays one recorded draw (sampling draws once per token). */
export function replayDraw(draw: number): RandomStream {
  return {
    name: 'replay',
    next: () => draw,
    int: () => {
      throw new Error('replayDraw: only next() is recorded');
    },
    exponential: () => {
      throw new Error('replayDraw: only next() is recorded');
    },
    normal: () => {
      throw new Error('replayDraw: only next() is recorded');
    },
  };
}
