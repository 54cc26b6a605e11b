/**
 * A digest of what a run serves: the quantized weights and scales of the model (and of the
 * entry's draft model), and where each unit is placed. A worker loads and places the model
 * itself, from the scenario's checkpoint path (run-relative on its own machine): the run hands
 * it this digest, and a worker whose model differs is refused instead of serving other bytes
 * (issue 22).
 */
import { createHash } from 'node:crypto';
import { quantMatrices, type QuantizedTinySeek } from '../model/quant/quantized-model.ts';
import type { Plan } from '../placement/place.ts';

export function servedModelDigest(served: { readonly model: QuantizedTinySeek; readonly draft?: QuantizedTinySeek | undefined; readonly plan: Plan }): string {
  const hash = createHash('sha256');
  for (const model of [served.model, served.draft]) {
    if (!model) continue;
    for (const [name, matrix] of quantMatrices(model)) {
      hash.update(name);
      hash.update(matrix.packed);
      hash.update(new Uint8Array(matrix.scales.buffer, matrix.scales.byteOffset, matrix.scales.byteLength));
    }
    hash.update(JSON.stringify(model.scales));
  }
  hash.update(JSON.stringify({ holders: served.plan.holders, entry: served.plan.entry, pipelines: served.plan.pipelines }));
  return hash.digest('hex');
}
