/**
 * The shipped checkpoint, models/tinyseek-names (made by `loraswarm model train --config
 * models/tinyseek-names.yaml`, never retrained in CI): it beats the bigram baseline, its int8
 * model agrees with it, and it is big enough that small nodes must share it.
 */
import { describe, expect, it } from 'vitest';
import { loadNames } from '../../src/data/names.ts';
import { mcuProfiles } from '../../src/hw/mcu-profiles.ts';
import { fitBigram } from '../../src/model/bigram.ts';
import { modelCost } from '../../src/model/cost.ts';
import { readCheckpoint } from '../../src/model/io/checkpoint.ts';
import { measureFidelity } from '../../src/model/quant/fidelity.ts';
import { evaluateBitsPerChar } from '../../src/model/train-lm.ts';
import { runCli } from '../helpers/cli.ts';

const { header, model, quantized } = readCheckpoint('models/tinyseek-names/model.tskp');
const data = loadNames({ seed: 1 });

describe('models/tinyseek-names', () => {
  it('has at least 8 routed experts per layer and int8 weights over twice the nrf52840\u2019s model flash budget', () => {
    expect(header.config.experts).toBeGreaterThanOrEqual(8);
    const budget = mcuProfiles.nrf52840.modelFlashBytes;
    expect(modelCost(header.config).weightBytes[8]).toBeGreaterThan(2 * budget);
  });

  it('predicts validation names in fewer bits per character than a bigram model fitted on the same training split', () => {
    const bits = evaluateBitsPerChar(model, data.validation);
    const bigram = fitBigram(data.train, data.validation, data.vocabulary.size).bitsPerChar(data.validation);
    expect(bits).toBeLessThan(bigram);
    expect(bits).toBeCloseTo(header.training.validationBitsPerChar as number, 9);
  }, 120_000);

  it('has an int8 model that agrees with the float one on the top-1 next character at ≥ 95 % of validation positions', () => {
    const fidelity = measureFidelity(model, quantized.get(8)!, data.validation);
    expect(fidelity.positions).toBe(data.validation.reduce((n, sample) => n + Math.min(sample.tokens.length + 1, header.config.context), 0));
    expect(fidelity.top1Agreement).toBeGreaterThanOrEqual(0.95);
  }, 180_000);

  it('samples name-like strings', async () => {
    const result = await runCli(['model', 'sample', 'models/tinyseek-names', '--count', '12', '--seed', '7']);
    expect(result.status).toBe(0);
    const names = result.stdout.trim().split('\n');
    expect(names).toHaveLength(12);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z-]{1,15}$/);
  });
});
