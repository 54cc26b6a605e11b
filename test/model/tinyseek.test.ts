import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadNames } from '../../src/data/names.ts';
import type { TinySeekConfig } from '../../src/model/config.ts';
import { fitBigram } from '../../src/model/bigram.ts';
import { decodeCheckpoint, encodeCheckpoint, CheckpointError } from '../../src/model/io/checkpoint.ts';
import { createGenerator, createTinySeek } from '../../src/model/tinyseek.ts';
import { framed, trainLanguageModel } from '../../src/model/train-lm.ts';
import { calibrateScales } from '../../src/model/quant/calibrate.ts';
import { quantizeWeights } from '../../src/model/quant/quantized-model.ts';
import { createIntGenerator } from '../../src/model/quant/units.ts';

const small: TinySeekConfig = { vocab: 28, dim: 16, layers: 2, heads: 2, headDim: 8, latentDim: 6, context: 12, experts: 8, sharedExperts: 1, expertHidden: 16, topK: 2, affinity: 'sigmoid', biasUpdate: 0 };

describe('TinySeek', () => {
  it('gives, one token at a time with the latent KV cache, exactly the logits of the full forward pass', () => {
    for (const affinity of ['sigmoid', 'softmax'] as const) {
      const model = createTinySeek({ ...small, affinity }, 7);
      model.blocks.forEach((block) => block.moe.gate.bias.set([0.01, -0.02, 0, 0.03, 0, -0.01, 0.02, 0]));
      const ids = [0, 5, 9, 1, 14, 27, 3, 3, 12, 0, 8];
      const full = model.forward(ids).logits;
      const generator = createGenerator(model);
      ids.forEach((id, t) => expect(Array.from(generator.next(id))).toEqual(Array.from(full.subarray(t * 28, (t + 1) * 28))));
      // The cache holds only the latents: d_c numbers per position and layer.
      expect(generator.caches.map((cache) => cache.length)).toEqual([11, 11]);
      expect(generator.caches[0]!.latents.length).toBe(6 * 12);
    }
  });

  it('with rotary positions too: the cache holds the latent and the shared rotary key, and generation matches the full pass', () => {
    const model = createTinySeek({ ...small, positions: 'rotary', ropeDim: 4 }, 7);
    expect(model.positions).toBeUndefined();
    const ids = [0, 5, 9, 1, 14, 27, 3];
    const full = model.forward(ids).logits;
    const generator = createGenerator(model);
    ids.forEach((id, t) => {
      const step = generator.next(id);
      step.forEach((value, c) => expect(value).toBeCloseTo(full[t * 28 + c]!, 12));
    });
    expect(generator.caches[0]!.rope.length).toBe(4 * 12);
    expect(() => createTinySeek({ ...small, positions: 'rotary', ropeDim: 3 }, 1)).toThrow('rotary positions need an even ropeDim > 0, got 3');
  });

  it('drops tokens over capacity only in training, so that generation still equals the full pass', () => {
    const model = createTinySeek({ ...small, capacityFactor: 1 }, 7);
    const ids = [0, 5, 9, 1, 14, 27, 3, 3, 12, 0, 8];
    expect(model.forward(ids, { training: true }).dropped).toBeGreaterThan(0);
    const full = model.forward(ids);
    expect(full.dropped).toBe(0);
    const generator = createGenerator(model);
    ids.forEach((id, t) => expect(Array.from(generator.next(id))).toEqual(Array.from(full.logits.subarray(t * 28, (t + 1) * 28))));
    expect(() => generator.next(28)).toThrow('token id must be in 0..27, got 28');
  });

  it('restricts each token\u2019s experts when asked (the swarm\u2019s node-limited routing)', () => {
    const model = createTinySeek(small, 7);
    const ids = [0, 5, 9, 1, 14];
    const pass = model.forward(ids, { restrict: () => () => [2, 5, 6] });
    for (const load of pass.load) expect([0, 1, 3, 4, 7].map((e) => load[e])).toEqual([0, 0, 0, 0, 0]);
    expect(pass.load.map((load) => load.reduce((a, b) => a + b, 0))).toEqual([10, 10]);
  });

  it('round-trips through a checkpoint (float32 values), and refuses truncated, altered or foreign files', () => {
    const model = createTinySeek(small, 3);
    for (const param of model.params) for (let i = 0; i < param.value.length; i++) param.value[i] = Math.fround(param.value[i]!);
    model.blocks[1]!.moe.gate.bias[4] = Math.fround(0.125);
    const bytes = encodeCheckpoint(model, { kind: 'chars', symbols: ['.', 'a'] }, { note: 'test' });
    const back = decodeCheckpoint(bytes);
    expect(back.header.training).toEqual({ note: 'test' });
    back.model.params.forEach((param, i) => expect(Array.from(param.value)).toEqual(Array.from(model.params[i]!.value)));
    expect(back.model.blocks[1]!.moe.gate.bias[4]).toBe(0.125);
    expect(Array.from(back.model.forward([0, 1, 2]).logits)).toEqual(Array.from(model.forward([0, 1, 2]).logits));
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 100), 'cut.tskp')).toThrow('cut.tskp: not a usable TinySeek checkpoint: the SHA-256 checksum does not match: the file is truncated or altered');
    const altered = Uint8Array.from(bytes);
    altered[500]! ^= 1;
    expect(() => decodeCheckpoint(altered)).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(Buffer.from('PK\u0003\u0004 a zip file, not a model, long enough to be read'))).toThrow('expected the magic "TSKP", found "PK\\u0003\\u0004"');
    const future = Uint8Array.from(bytes);
    future[4] = 4;
    expect(() => decodeCheckpoint(future)).toThrow('expected version 1 to 3, found 4');
  });

  it('stores the int8, int4 and int2 models with their calibrated scales (version 2), which give what quantizing again gives', () => {
    const model = createTinySeek(small, 5);
    for (const param of model.params) for (let i = 0; i < param.value.length; i++) param.value[i] = Math.fround(param.value[i]!);
    const scales = calibrateScales(model, [[1, 2, 3], [4, 5]]);
    const bytes = encodeCheckpoint(model, { kind: 'chars', symbols: ['.'] }, {}, { scales, calibration: { texts: 2 } });
    expect(bytes[4]).toBe(2);
    const back = decodeCheckpoint(bytes);
    expect([...back.quantized.keys()]).toEqual([8, 4, 2]);
    for (const bits of [8, 4, 2] as const) {
      const stored = createIntGenerator(back.quantized.get(bits)!);
      const fresh = createIntGenerator(quantizeWeights(model, bits, scales));
      for (const id of [0, 3, 9, 1]) expect(Array.from(stored.next(id))).toEqual(Array.from(fresh.next(id)));
    }
    expect(back.header.quantized!.matrices.filter((m) => m.bits === 4).length).toBe(2 + 2 * (5 + 1 + 3 * 9) + 1);
    // A header that lies, under a valid checksum, is refused with a CheckpointError.
    const reheader = (edit: (header: Record<string, unknown>) => void): Uint8Array => {
      const buffer = Buffer.from(bytes);
      const length = buffer.readUInt32LE(6);
      const header = JSON.parse(buffer.toString('utf8', 10, 10 + length)) as Record<string, unknown>;
      edit(header);
      const text = Buffer.from(JSON.stringify(header), 'utf8');
      const body = Buffer.concat([buffer.subarray(0, 6), Buffer.alloc(4), text, buffer.subarray(10 + length, buffer.length - 32)]);
      body.writeUInt32LE(text.length, 6);
      return Buffer.concat([body, createHash('sha256').update(body).digest()]);
    };
    const tensors = (h: Record<string, unknown>): { offset: number }[] => h.tensors as { offset: number }[];
    expect(() => decodeCheckpoint(reheader((h) => (tensors(h)[1]!.offset = -3)))).toThrow('needs a name and whole-number offset and length');
    expect(() => decodeCheckpoint(reheader((h) => (tensors(h)[1]!.offset = tensors(h)[0]!.offset)))).toThrow('overlap');
    expect(() => decodeCheckpoint(reheader((h) => ((h.quantized as { matrices: { packedBytes: number }[] }).matrices[0]!.packedBytes -= 1)))).toThrow('inconsistent entry');
    expect(() => decodeCheckpoint(reheader((h) => ((h.config as { topK: number }).topK = 99)))).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(reheader((h) => delete h.config))).toThrow('the header lacks its config or tensor table');
    const v1 = decodeCheckpoint(encodeCheckpoint(model, { kind: 'chars', symbols: ['.'] }, {}));
    expect(v1.quantized.size).toBe(0);
    const cut = Uint8Array.from(bytes.subarray(0, bytes.length - 40));
    expect(() => decodeCheckpoint(cut)).toThrow(CheckpointError);
  });
});

describe('the first-name data', () => {
  it('lower-cases and deduplicates both lists, splits them 90/10 with a seed, and keeps every name once', () => {
    const data = loadNames({ seed: 1 });
    expect([data.train.length, data.validation.length]).toEqual([7580, 842]);
    expect(data.vocabulary.symbols.join('')).toBe('.-abcdefghijklmnopqrstuvwxyz');
    const all = [...data.train, ...data.validation].map((sample) => sample.text);
    expect(new Set(all).size).toBe(8422);
    expect(data.train.filter((sample) => sample.group === 'both').length + data.validation.filter((sample) => sample.group === 'both').length).toBe(418);
    expect(loadNames({ seed: 1 }).validation.slice(0, 3).map((sample) => sample.text)).toEqual(data.validation.slice(0, 3).map((sample) => sample.text));
    expect(loadNames({ seed: 2 }).validation.slice(0, 3).map((sample) => sample.text)).not.toEqual(data.validation.slice(0, 3).map((sample) => sample.text));
    expect(data.vocabulary.decode(data.vocabulary.encode('anne-marie'))).toBe('anne-marie');
    expect(framed(data.vocabulary.encode('ada'), 16)).toEqual({ inputs: [0, 2, 5, 2], targets: [2, 5, 2, 0] });
    expect(loadNames({ seed: 1, vocabulary: 'bytes' }).vocabulary.size).toBe(257);
  });

  it('has a bigram baseline with add-α smoothing, α chosen on validation', () => {
    const data = loadNames({ seed: 1 });
    const bigram = fitBigram(data.train, data.validation, data.vocabulary.size);
    expect(bigram.alpha).toBe(0.1);
    expect(bigram.bitsPerChar(data.validation)).toBeCloseTo(3.4957, 4);
  });
});

describe('DeepSeek-V3 bias-rule load balancing', () => {
  it('lowers the max/mean expert load over a validation pass', () => {
    const data = loadNames({ seed: 1 });
    const loadRatio = (biasUpdate: number): number => {
      const model = createTinySeek({ ...small, layers: 1, biasUpdate }, 11);
      trainLanguageModel(model, data.train, data.validation, { steps: 120, batchSize: 16, learningRate: 0.01, minLearningRate: 0.001, warmupSteps: 10, optimizer: 'adamw', weightDecay: 0.01, clipNorm: 1, seed: 1, evalEvery: 1000 });
      const load = new Float64Array(small.experts);
      for (const sample of data.validation) model.forward(framed(sample.tokens, small.context).inputs).load[0]!.forEach((n, e) => (load[e]! += n));
      const mean = load.reduce((a, b) => a + b, 0) / load.length;
      return Math.max(...load) / mean;
    };
    const off = loadRatio(0);
    const on = loadRatio(0.01);
    // Seeded: 1.7861 with the rule off, 1.1066 with γ = 0.01 (8 experts, top-2, 120 steps).
    expect(off).toBeCloseTo(1.7861163227016885, 12);
    expect(on).toBeCloseTo(1.106600716356814, 12);
    expect(on).toBeLessThan(off);
  }, 60_000);
});
