/**
 * The multi-token prediction module (issue 21, point 3): gradients against finite
 * differences, the generator's step against the whole-sequence forward, its cost, and its
 * training beside the main loss.
 */
import { describe, expect, it } from 'vitest';
import { loadNames } from '../../src/data/names.ts';
import { modelCost, unitCosts } from '../../src/model/cost.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/model/io/checkpoint.ts';
import { crossEntropy } from '../../src/model/loss.ts';
import { measureMtp } from '../../src/model/mtp-eval.ts';
import { countParams } from '../../src/model/params.ts';
import { createGenerator, createTinySeek } from '../../src/model/tinyseek.ts';
import { evaluateBitsPerChar, trainLanguageModel } from '../../src/model/train-lm.ts';
import { checkGradients, gradTolerance } from './gradcheck.ts';

const plainTiny = { vocab: 9, dim: 8, layers: 2, heads: 2, headDim: 4, latentDim: 4, context: 8, experts: 4, sharedExperts: 1, expertHidden: 6, topK: 2, affinity: 'sigmoid', biasUpdate: 0 } as const;
const tiny = { ...plainTiny, mtp: { hidden: 6 } } as const;

describe('the multi-token prediction module', () => {
  it.each(['learned', 'rotary'] as const)('gradient check: the whole model with its MTP loss, through the shared embedding and head (%s positions)', (positions) => {
    const model = createTinySeek({ ...tiny, positions, ropeDim: 2 }, 4);
    const ids = [0, 3, 5, 2, 7, 1];
    const targets = [3, 5, 2, 7, 1, 0];
    const loss = (): number => {
      const pass = model.forward(ids, { mtp: true });
      return crossEntropy(pass.logits, targets, 9).loss + 0.3 * crossEntropy(pass.mtpLogits!, targets.slice(1), 9).loss;
    };
    const checks = checkGradients(model.params, loss, () => {
      const pass = model.forward(ids, { mtp: true });
      const dMtp = crossEntropy(pass.mtpLogits!, targets.slice(1), 9).dLogits.map((v) => 0.3 * v);
      pass.backward(crossEntropy(pass.logits, targets, 9).dLogits, dMtp);
      return undefined;
    }, undefined, 4);
    for (const check of checks) expect(check.worst, check.name).toBeLessThan(gradTolerance);
    const names = checks.map((check) => check.name);
    for (const name of ['mtp.proj.weight', 'mtp.attention.wdkv.weight', 'mtp.ffn.w2.weight', 'mtp.outNorm.gain', 'embedding.table', 'head.weight']) expect(names).toContain(name);
  });

  it('drafts in generation exactly what the whole-sequence forward predicts, and leaves the main model’s logits as they were without it', () => {
    const model = createTinySeek(tiny, 7);
    const plain = createTinySeek(plainTiny, 7);
    const ids = [0, 3, 5, 2, 7, 1];
    const pass = model.forward(ids, { mtp: true });
    // The module's weights are drawn after all others: the main model is the plain one.
    expect(Array.from(pass.logits)).toEqual(Array.from(plain.forward(ids).logits));
    expect(plain.forward(ids, { mtp: true }).mtpLogits).toBeUndefined();
    const generator = createGenerator(model);
    ids.slice(0, -1).forEach((id, i) => {
      const logits = generator.next(id);
      for (let c = 0; c < 9; c++) expect(logits[c]).toBeCloseTo(pass.logits[i * 9 + c]!, 10);
      const draft = generator.draft(ids[i + 1]!);
      for (let c = 0; c < 9; c++) expect(draft[c]).toBeCloseTo(pass.mtpLogits![i * 9 + c]!, 10);
    });
    expect(generator.mtpCache.length).toBe(5);
    expect(() => createGenerator(plain).draft(1)).toThrow('the model has no multi-token prediction module');
  });

  it('is costed as a unit of its own, outside the per-token MACs, and counted in the parameters a checkpoint must hold', () => {
    const model = createTinySeek(tiny, 1);
    const mtp = unitCosts(tiny).find((u) => u.unit === 'mtp')!;
    expect(mtp.parameters).toBe(countParams(model.mtp!.params));
    expect(modelCost(tiny).parameters).toBe(countParams(model.params));
    expect(modelCost(tiny).activeMacsPerToken).toBe(modelCost(plainTiny).activeMacsPerToken);
    // Projection 2d·d, attention, feed-forward and the shared head.
    expect(mtp.macsPerToken).toBe(2 * 64 + 8 * 8 + 4 * 8 + 8 * 8 + 3 * 6 * 8 + 9 * 8);
    const read = decodeCheckpoint(encodeCheckpoint(model, { kind: 'chars', symbols: [] }, {}));
    expect(read.header.config.mtp).toEqual({ hidden: 6 });
    expect(Array.from(read.model.mtp!.proj.weight.value)).toEqual(Array.from(model.mtp!.proj.weight.value, Math.fround));
  });

  it('learns beside the main loss: trained for 150 steps it guesses the token after next far above chance, and the main model still learns', () => {
    const data = loadNames({ seed: 1 });
    const config = { vocab: 28, dim: 32, layers: 1, heads: 2, headDim: 16, latentDim: 16, context: 16, experts: 4, sharedExperts: 1, expertHidden: 32, topK: 2, affinity: 'sigmoid', biasUpdate: 0.001, mtp: { hidden: 32 } } as const;
    const model = createTinySeek(config, 1);
    const samples = data.validation.slice(0, 200);
    const before = measureMtp(model, samples);
    const mainBefore = evaluateBitsPerChar(model, samples);
    trainLanguageModel(model, data.train, data.validation, { steps: 150, batchSize: 16, learningRate: 0.01, minLearningRate: 0.001, warmupSteps: 10, optimizer: 'adamw', weightDecay: 0.01, clipNorm: 1, seed: 1, evalEvery: 1000, mtpWeight: 0.3 });
    const after = measureMtp(model, samples);
    expect(after.accuracy).toBeGreaterThan(5 * before.accuracy);
    expect(after.positions).toBe(samples.reduce((n, s) => n + Math.min(s.tokens.length + 1, 16) - 1, 0));
    // Seeded figures: chance is 1/28 = 0.0357; the untrained module guesses no better.
    expect([before.accuracy, after.accuracy, after.agreement, after.bitsPerChar].map((v) => Number(v.toFixed(4)))).toEqual([0.0345, 0.3092, 0.6546, 3.1679]);
    expect(evaluateBitsPerChar(model, samples)).toBeLessThan(mainBefore - 0.5);
  }, 60_000);
});
