/**
 * The draft model of speculative decoding (issue 21, inference.speculative): a small TinySeek
 * held whole at the entry node, in its flash beside the embedding and the head, run with the
 * same integer units as the swarm's model. It guesses the next tokens one at a time; its
 * latent caches are cut back to the tokens the swarm's model confirmed.
 */
import { unitCosts } from '../model/cost.ts';
import type { TinySeekConfig } from '../model/config.ts';
import { workCost } from '../hw/compute-cost.ts';
import type { McuProfile } from '../hw/mcu-profiles.ts';
import type { TierId } from '../hw/memory-tiers.ts';
import type { QuantizedTinySeek } from '../model/quant/quantized-model.ts';
import type { Bits } from '../model/quant/integer.ts';
import { groupSizeOf } from '../model/quant/quantized-model.ts';
import type { Int8LatentCache } from '../model/quant/units.ts';
import { createReference, type Reference } from './reference.ts';
import type { McuWork } from './unit-work.ts';

/** What the draft adds to the entry's `io` unit (placement/units.ts). */
export interface DraftFootprint {
  readonly weightBytes: number;
  /** Its latent caches for every concurrent request. */
  readonly kvBytes: number;
  /** Its working buffers while it runs. */
  readonly workBytes: number;
}

export function draftFootprint(draft: QuantizedTinySeek, concurrentRequests: number): DraftFootprint {
  const config = draft.config;
  const costs = unitCosts(config, groupSizeOf(draft));
  const bits = draft.bits;
  const weightBytes = costs.filter((c) => c.unit !== 'mtp').reduce((sum, c) => sum + c.weightBytes[bits] * c.count, 0);
  const latent = costs.reduce((sum, c) => sum + c.latentBytesPerToken * c.count, 0);
  const widest = Math.max(config.vocab, config.expertHidden, config.heads * config.headDim, config.dim);
  return { weightBytes, kvBytes: latent * config.context * concurrentRequests, workBytes: 4 * widest + 2 * config.dim + 4 * config.vocab };
}

/** The work of one step of the draft at a position (all its units, top-k routed experts) on an MCU; its costs are worked out once. */
export function draftStepWork(draft: QuantizedTinySeek): (mcu: McuProfile, position: number, weightsIn: TierId) => McuWork {
  const config = draft.config;
  const costs = unitCosts(config, groupSizeOf(draft)).filter((c) => c.unit !== 'mtp');
  const active = (c: (typeof costs)[number]): number => (c.unit === 'routedExpert' ? config.topK * config.layers : c.count);
  const sum = (f: (c: (typeof costs)[number]) => number): number => costs.reduce((total, c) => total + f(c), 0);
  const macsPerToken = sum((c) => active(c) * c.macsPerToken);
  const macsPerCached = sum((c) => c.count * c.macsPerCachedPosition);
  const elementsPerToken = sum((c) => active(c) * c.softmaxElementsPerToken);
  const elementsPerCached = sum((c) => c.count * c.softmaxElementsPerCachedPosition);
  // Each step reads the whole head, the active experts' and the attention blocks' weights.
  const bytes = sum((c) => active(c) * (c.unit === 'embedding' ? 0 : c.weightBytes[draft.bits]));
  return (mcu, position, weightsIn) => {
    const ops = [
      { op: 'matmul' as const, macs: macsPerToken + (position + 1) * macsPerCached },
      { op: 'softmax' as const, macs: elementsPerToken + (position + 1) * elementsPerCached },
    ];
    const cost = workCost(mcu, { ops, weightBytes: bytes, weightsIn });
    return { ms: cost.latencyMs, powerMw: cost.powerMw };
  };
}

/** What the served model's MTP module adds to the entry (speculative decoding with draft: mtp): its block and projection, its latent caches. */
export function mtpFootprint(config: TinySeekConfig, bits: Bits, groupSize: number | undefined, concurrentRequests: number): DraftFootprint {
  const mtp = unitCosts(config, groupSize).find((c) => c.unit === 'mtp')!;
  return { weightBytes: mtp.weightBytes[bits], kvBytes: mtp.latentBytesPerToken * config.context * concurrentRequests, workBytes: 4 * Math.max(config.mtp!.hidden, config.vocab) + 4 * config.dim };
}

/** The work of one step of the MTP module at a position on an MCU; `head`: with the shared head's logits (the guess), else the block only. Its costs are worked out once. */
export function mtpStepWork(config: TinySeekConfig, bits: Bits, groupSize: number | undefined): (mcu: McuProfile, position: number, head: boolean, weightsIn: TierId) => McuWork {
  const costs = unitCosts(config, groupSize);
  const mtp = costs.find((c) => c.unit === 'mtp')!;
  const shared = costs.find((c) => c.unit === 'head')!;
  return (mcu, position, head, weightsIn) => {
    const without = head ? 0 : 1;
    const macs = mtp.macsPerToken - without * shared.macsPerToken + (position + 1) * mtp.macsPerCachedPosition;
    const elements = mtp.softmaxElementsPerToken - without * shared.softmaxElementsPerToken + (position + 1) * mtp.softmaxElementsPerCachedPosition;
    const cost = workCost(mcu, { ops: [{ op: 'matmul', macs }, { op: 'softmax', macs: elements }], weightBytes: mtp.weightBytes[bits] + (head ? shared.weightBytes[bits] : 0), weightsIn });
    return { ms: cost.latencyMs, powerMw: cost.powerMw };
  };
}

/** The draft's state for one request: its caches hold the positions it has read. */
export interface Drafter {
  /** Positions read. */
  readonly length: number;
  /** Reads token `id` at the next position: the draft's logits for the one after. */
  read(id: number): Float64Array;
  /** Forgets every position from `length` on. */
  cut(length: number): void;
  readonly caches: readonly Int8LatentCache[];
}

export function createDrafter(draft: QuantizedTinySeek, caches?: readonly Int8LatentCache[]): Drafter {
  const reference: Reference = createReference(draft, caches);
  return {
    get length() {
      return reference.position;
    },
    read: (id) => reference.step(id, []),
    cut(length) {
      for (const cache of reference.caches) cache.length = Math.min(cache.length, length);
    },
    caches: reference.caches,
  };
}
