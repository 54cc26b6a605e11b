/**
 * The units of TinySeek the swarm places on nodes (issue 6, "Placement"), from the model's
 * cost report (model/cost.ts):
 * - `io`: the token embedding (and learned positions) with the output head; the requests
 *   start and end there (the entry node);
 * - `attention` of layer l: the MLA block with the layer's gate and combine, and the latent
 *   KV cache for the context length and the concurrent requests;
 * - `routed` expert e of layer l, and `shared` expert s of layer l.
 * Weights go to flash; the KV cache and the working buffers (input, output and the int32
 * accumulators of the widest matrix) go to SRAM. Units on one node run one at a time, so a
 * node's activation SRAM is the largest of its units' working buffers.
 */
import type { TinySeekConfig } from '../model/config.ts';
import { unitCosts, type UnitCost } from '../model/cost.ts';
import type { Bits } from '../model/quant/integer.ts';

export type UnitKind = 'io' | 'attention' | 'routed' | 'shared';

export interface PlaceableUnit {
  /** `io`, `L0.attention`, `L0.expert3`, `L1.shared0`. */
  readonly id: string;
  readonly kind: UnitKind;
  /** −1 for `io`. */
  readonly layer: number;
  /** Expert index for `routed` and `shared`, else 0. */
  readonly index: number;
  readonly weightBytes: number;
  /** Latent KV cache for every concurrent request, SRAM. */
  readonly kvBytes: number;
  /** Working buffers while the unit runs, SRAM. */
  readonly workBytes: number;
  /** Expected calls per generated token. */
  readonly load: number;
}

export interface UnitOptions {
  readonly bits: Bits;
  readonly concurrentRequests: number;
  /** Measured share of tokens each routed expert serves, [layer][expert] (default: topK / E each). */
  readonly expertLoad?: readonly (readonly number[])[];
  /** The weights have a float32 scale per group of this many input columns (default: per row). */
  readonly groupSize?: number;
  /** What the entry holds beside the embedding and head: the draft model of speculative decoding. */
  readonly entryExtra?: { readonly weightBytes: number; readonly kvBytes: number; readonly workBytes: number };
}

const costOf = (costs: readonly UnitCost[], unit: UnitCost['unit']): UnitCost => costs.find((c) => c.unit === unit)!;

export function placeableUnits(config: TinySeekConfig, options: UnitOptions): PlaceableUnit[] {
  const costs = unitCosts(config, options.groupSize);
  const { bits } = options;
  const embedding = costOf(costs, 'embedding');
  const head = costOf(costs, 'head');
  const attention = costOf(costs, 'attention');
  const gate = costOf(costs, 'gate');
  const routed = costOf(costs, 'routedExpert');
  const shared = costOf(costs, 'sharedExpert');
  const d = config.dim;
  const inner = config.heads * config.headDim;
  // int32 accumulators of the widest matrix the unit multiplies by, plus its input and output.
  const work = (rows: number, input: number, output: number): number => 4 * rows + input + output;
  const units: PlaceableUnit[] = [
    {
      id: 'io',
      kind: 'io',
      layer: -1,
      index: 0,
      weightBytes: embedding.weightBytes[bits] + head.weightBytes[bits] + (options.entryExtra?.weightBytes ?? 0),
      kvBytes: options.entryExtra?.kvBytes ?? 0,
      workBytes: Math.max(work(config.vocab, d, 4 * config.vocab), options.entryExtra?.workBytes ?? 0),
      load: 1,
    },
  ];
  for (let l = 0; l < config.layers; l++) {
    units.push({
      id: `L${l}.attention`,
      kind: 'attention',
      layer: l,
      index: 0,
      weightBytes: attention.weightBytes[bits] + gate.weightBytes[bits],
      kvBytes: attention.latentBytesPerToken * config.context * options.concurrentRequests,
      // Keys and values of every cached position are rebuilt one position at a time.
      workBytes: work(Math.max(inner, d, config.experts), d, d) + 4 * config.context * config.heads,
      load: 1,
    });
    for (let s = 0; s < config.sharedExperts; s++) {
      units.push({ id: `L${l}.shared${s}`, kind: 'shared', layer: l, index: s, weightBytes: shared.weightBytes[bits], kvBytes: 0, workBytes: work(config.expertHidden, d, d), load: 1 });
    }
    for (let e = 0; e < config.experts; e++) {
      const load = options.expertLoad?.[l]?.[e] ?? config.topK / config.experts;
      units.push({ id: `L${l}.expert${e}`, kind: 'routed', layer: l, index: e, weightBytes: routed.weightBytes[bits], kvBytes: 0, workBytes: work(config.expertHidden, d, d), load });
    }
  }
  return units;
}
