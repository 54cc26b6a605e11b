import { beforeAll, describe, expect, it } from 'vitest';
import { loadNames } from '../../src/data/names.ts';
import { calibrateScales } from '../../src/model/quant/calibrate.ts';
import { measureFidelity } from '../../src/model/quant/fidelity.ts';
import { quantizeWeights, type QuantizedTinySeek } from '../../src/model/quant/quantized-model.ts';
import { attentionUnit, combineUnit, createInt8LatentCache, createIntGenerator, embeddingUnit, gateUnit, headUnit, routedExpertUnit, sharedExpertUnit } from '../../src/model/quant/units.ts';
import { createTinySeek, type TinySeek } from '../../src/model/tinyseek.ts';
import { trainLanguageModel } from '../../src/model/train-lm.ts';

const data = loadNames({ seed: 1 });
let model: TinySeek;
let int8: QuantizedTinySeek;

beforeAll(() => {
  model = createTinySeek({ vocab: 28, dim: 32, layers: 2, heads: 2, headDim: 16, latentDim: 16, context: 16, experts: 8, sharedExperts: 1, expertHidden: 64, topK: 2, affinity: 'sigmoid', biasUpdate: 0.001 }, 1);
  // No validation texts: the training log's closing validation figure (a forward pass over every
  // validation name) is not read here, and validation texts take no part in training.
  trainLanguageModel(model, data.train, [], { steps: 300, batchSize: 32, learningRate: 0.005, minLearningRate: 0.0005, warmupSteps: 20, optimizer: 'adamw', weightDecay: 0.01, clipNorm: 1, seed: 1, evalEvery: 1000 });
  int8 = quantizeWeights(model, 8, calibrateScales(model, data.train.slice(0, 200).map((sample) => sample.tokens)));
}, 120_000);

describe('the integer units', () => {
  it('composed one by one, int8 tensors passed between them as the swarm will, give exactly the integer forward', () => {
    const ids = [0, 5, 9, 1, 14, 2, 19];
    const generator = createIntGenerator(int8);
    const caches = int8.layers.map(() => createInt8LatentCache(int8));
    ids.forEach((id, position) => {
      let x = embeddingUnit(int8, id, position);
      for (let l = 0; l < int8.layers.length; l++) {
        const h = attentionUnit(int8, l, x, caches[l]!);
        expect(h.data).toBeInstanceOf(Int8Array);
        const gate = gateUnit(int8, l, h);
        const routed = gate.experts.map((e) => routedExpertUnit(int8, l, e, gate.input));
        const shared = [sharedExpertUnit(int8, l, 0, gate.input)];
        x = combineUnit(int8, l, h, shared, routed, gate.weights);
      }
      expect(Array.from(headUnit(int8, x))).toEqual(Array.from(generator.next(id)));
    });
    // The int8 latent cache: d_c bytes per position and layer.
    expect(caches.map((cache) => [cache.length, cache.latents.byteLength])).toEqual([
      [7, 16 * 16],
      [7, 16 * 16],
    ]);
  });

  it('compose exactly with rotary positions too (the int8 cache holds the latent and the rotary key)', () => {
    const rotary = createTinySeek({ vocab: 28, dim: 16, layers: 1, heads: 2, headDim: 8, latentDim: 8, context: 16, experts: 4, sharedExperts: 1, expertHidden: 16, topK: 2, affinity: 'sigmoid', biasUpdate: 0, positions: 'rotary', ropeDim: 4 }, 2);
    const q = quantizeWeights(rotary, 8, calibrateScales(rotary, data.train.slice(0, 20).map((sample) => sample.tokens)));
    const generator = createIntGenerator(q);
    const cache = createInt8LatentCache(q);
    [0, 4, 7, 1].forEach((id, position) => {
      const h = attentionUnit(q, 0, embeddingUnit(q, id, position), cache);
      const gate = gateUnit(q, 0, h);
      const x = combineUnit(q, 0, h, [sharedExpertUnit(q, 0, 0, gate.input)], gate.experts.map((e) => routedExpertUnit(q, 0, e, gate.input)), gate.weights);
      expect(Array.from(headUnit(q, x))).toEqual(Array.from(generator.next(id)));
    });
    expect(cache.rope.length).toBe(4 * 16);
    expect(Array.from(cache.rope.subarray(0, 16)).some((v) => v !== 0)).toBe(true);
  });

  it('agree with the float reference: int8 top-1 ≥ 95 % of validation positions; int4 and int2 measured', () => {
    const samples = data.validation.slice(0, 300);
    const scales = int8.scales;
    const results = [8, 4, 2].map((bits) => measureFidelity(model, bits === 8 ? int8 : quantizeWeights(model, bits as 4 | 2, scales), samples));
    expect(results.map((r) => r.positions)).toEqual([2095, 2095, 2095]);
    expect(results[0]!.top1Agreement).toBeGreaterThanOrEqual(0.95);
    // Seeded figures (300 validation names): int8 0.9699, int4 0.6606, int2 0.2835.
    expect(results.map((r) => Number(r.top1Agreement.toFixed(4)))).toEqual([0.9699, 0.6606, 0.2835]);
    expect(results[0]!.klDivergence).toBeLessThan(0.002);
    expect(results[0]!.bitsPerChar).toBeCloseTo(results[0]!.floatBitsPerChar, 2);
  });
});
