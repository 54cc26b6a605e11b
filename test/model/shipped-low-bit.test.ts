/**
 * The shipped checkpoints of issue 21, made by `loraswarm model train --config
 * models/<name>.yaml` and never retrained in CI: tinyseek-names-int4 and -int2
 * (quantization-aware training distilled from models/tinyseek-names), each integer model judged
 * against the float model it was distilled from on every validation name, as `loraswarm model
 * eval` judges it; and tinyseek-names-mtp, with a multi-token prediction module.
 */
import { describe, expect, it } from 'vitest';
import { loadNames } from '../../src/data/names.ts';
import { modelCost } from '../../src/model/cost.ts';
import { readCheckpoint } from '../../src/model/io/checkpoint.ts';
import { measureFidelity } from '../../src/model/quant/fidelity.ts';
import { quantMatrices } from '../../src/model/quant/quantized-model.ts';
import { measureMtp } from '../../src/model/mtp-eval.ts';
import { evaluateBitsPerChar, teacherLogits } from '../../src/model/train-lm.ts';

const teacher = readCheckpoint('models/tinyseek-names/model.tskp');
const data = loadNames({ seed: 1 });
const floatBits = teacher.header.training.validationBitsPerChar as number;
const bigram = teacher.header.training.bigramValidationBitsPerChar as number;
// The teacher's logits for each validation name, computed once for the three models judged against it.
const teacherLogitsOf = teacherLogits(teacher.model);

describe('the shipped low-bit checkpoints', () => {
  it('int4: within 0.5 % of the float model’s bits per character (below it, in fact), KL ≤ 0.02, and the figures model.json records', () => {
    const { header, quantized } = readCheckpoint('models/tinyseek-names-int4/model.tskp');
    expect([...quantized.keys()]).toEqual([4]);
    const fidelity = measureFidelity(teacher.model, quantized.get(4)!, data.validation, teacherLogitsOf);
    expect(fidelity.positions).toBe(5863);
    expect(fidelity.floatBitsPerChar).toBeCloseTo(floatBits, 9);
    expect(fidelity.bitsPerChar).toBeLessThan(1.005 * floatBits);
    // Issue 21 asks for KL ≤ 0.02: groups of 16 reach 0.0190 (groups of 32 reached 0.0223). Seeded: asserted as measured.
    expect(fidelity.klDivergence).toBeLessThanOrEqual(0.02);
    expect(Number(fidelity.klDivergence.toFixed(4))).toBe(0.019);
    expect(Number(fidelity.bitsPerChar.toFixed(4))).toBe(2.8518);
    expect(Number(fidelity.top1Agreement.toFixed(4))).toBe(0.9461);
    expect(fidelity).toEqual(header.training.integer);
  }, 120_000);

  it('int2: within 5 % of the float model’s bits per character, well under the bigram’s, and the figures model.json records', () => {
    const { header, quantized } = readCheckpoint('models/tinyseek-names-int2/model.tskp');
    expect([...quantized.keys()]).toEqual([2]);
    const fidelity = measureFidelity(teacher.model, quantized.get(2)!, data.validation, teacherLogitsOf);
    expect(fidelity.bitsPerChar).toBeLessThan(1.05 * floatBits);
    expect(fidelity.bitsPerChar).toBeLessThan(bigram - 0.4);
    expect(fidelity).toEqual(header.training.integer);
  }, 120_000);

  it('cost what their groups add: a float32 scale per 64 input columns', () => {
    const int2 = readCheckpoint('models/tinyseek-names-int2/model.tskp').quantized.get(2)!;
    expect(int2.grid).toEqual({ levels: 'odd', groupSize: 64, scaleRule: 'mse' });
    const perRow = modelCost(teacher.header.config).weightBytes[2];
    const grouped = modelCost(teacher.header.config, 64).weightBytes[2];
    // 34,816 B more than one scale per row (+6 %): what the stored matrices hold, plus 1,408 B of float32 gains and gate biases.
    expect([perRow, grouped]).toEqual([570_016, 604_832]);
    expect(quantMatrices(int2).reduce((sum, [, m]) => sum + m.packed.length + 4 * m.scales.length, 0)).toBe(grouped - 1_408);
  });
});

describe('the distilled student (models/tinyseek-names-small)', () => {
  it('at int8, in about the bytes of the large model at int2, predicts the validation names better than the large model trained for int2', () => {
    const { header, model, quantized } = readCheckpoint('models/tinyseek-names-small/model.tskp');
    expect(header.config.experts).toBe(4);
    expect(modelCost(header.config).weightBytes[8]).toBe(616_288);
    const fidelity = measureFidelity(teacher.model, quantized.get(8)!, data.validation, teacherLogitsOf);
    // Seeded figures: 2.8294 bits/char at int8 (its own float 2.8277, the teacher's 2.8594); 89.66 % top-1 agreement with the teacher.
    expect([fidelity.bitsPerChar, fidelity.top1Agreement, fidelity.klDivergence].map((v) => Number(v.toFixed(4)))).toEqual([2.8294, 0.8966, 0.0856]);
    expect(evaluateBitsPerChar(model, data.validation)).toBeCloseTo(header.training.validationBitsPerChar as number, 9);
    const int2 = readCheckpoint('models/tinyseek-names-int2/model.tskp').header.training.integer as { bitsPerChar: number };
    expect(fidelity.bitsPerChar).toBeLessThan(int2.bitsPerChar);
  }, 120_000);
});

describe('the shipped model with a multi-token prediction module (models/tinyseek-names-mtp)', () => {
  it('guesses the token after next as model.json records, agreeing with the model’s own next guess more often than not', () => {
    const { header, model } = readCheckpoint('models/tinyseek-names-mtp/model.tskp');
    expect(header.config.mtp).toEqual({ hidden: 288 });
    const figures = measureMtp(model, data.validation);
    expect(figures).toEqual(header.training.mtp);
    expect(figures.positions).toBe(5863 - data.validation.length);
    expect(figures.agreement).toBeGreaterThan(0.6);
  }, 120_000);
});
