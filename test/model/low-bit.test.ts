/**
 * Low-bit weights (issue 21): group-wise scales and odd levels in the integer path, fake
 * quantization with straight-through gradients, the distillation loss, and checkpoints that
 * hold only the integer model they were trained for.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadNames } from '../../src/data/names.ts';
import { modelCost, unitCosts } from '../../src/model/cost.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/model/io/checkpoint.ts';
import { crossEntropy, distillationDivergence, distillationLoss } from '../../src/model/loss.ts';
import { calibrateScales } from '../../src/model/quant/calibrate.ts';
import { createFakeQuantizer, quantizedParams } from '../../src/model/quant/fake-quant.ts';
import { dequantizeMatrix, groupsOf, matvecInt, matvecReal, pack, quantizeMatrix, requantize, unpack, type Bits, type WeightGrid } from '../../src/model/quant/integer.ts';
import { quantizeWeights, quantMatrices } from '../../src/model/quant/quantized-model.ts';
import { attentionUnit, combineUnit, createInt8LatentCache, createIntGenerator, embeddingUnit, gateUnit, headUnit, routedExpertUnit, sharedExpertUnit } from '../../src/model/quant/units.ts';
import { createTinySeek } from '../../src/model/tinyseek.ts';
import { gradTolerance, relativeError } from './gradcheck.ts';

const grid = (levels: 'signed' | 'odd', groupSize: number): WeightGrid => ({ levels, groupSize, scaleRule: 'mse' });
const smallConfig = { vocab: 28, dim: 16, layers: 2, heads: 2, headDim: 8, latentDim: 8, context: 16, experts: 4, sharedExperts: 1, expertHidden: 24, topK: 2, affinity: 'sigmoid', biasUpdate: 0 } as const;
const data = loadNames({ seed: 1 });

describe('group-wise scales and odd levels', () => {
  it.each([4, 2] as const)('packs %i-bit odd levels losslessly (fuzz): ±1, ±3 …, every code used', (bits: Bits) => {
    const top = 2 ** bits - 1;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** bits - 1 }), { maxLength: 40 }), (codes) => {
        const values = Int8Array.from(codes, (c) => 2 * c - top);
        expect(Array.from(unpack(pack(values, bits, 'odd'), values.length, bits, 'odd'))).toEqual(Array.from(values));
      }),
    );
  });

  it('quantizes each group of a row with its own scale; 2-bit odd levels are ±1 and ±3', () => {
    // Two groups of 2 in each row: the second group is ten times smaller than the first.
    const w = Float64Array.from([0.9, -0.3, 0.09, -0.03, 0.3, 0.1, -0.03, 0.01]);
    const m = quantizeMatrix(w, 2, 4, 2, { levels: 'odd', groupSize: 2, scaleRule: 'absmax' });
    expect(groupsOf(m)).toBe(2);
    expect(Array.from(m.values)).toEqual([3, -1, 3, -1, 3, 1, -3, 1]);
    expect(Array.from(m.scales)).toEqual([0.3, 0.03, 0.1, 0.01].map(Math.fround));
    expect(Array.from(dequantizeMatrix(m)).map((v) => Number(v.toFixed(6)))).toEqual([0.9, -0.3, 0.09, -0.03, 0.3, 0.1, -0.03, 0.01]);
    // Per row, the small group would round to the smallest levels of the large one's scale.
    expect(Array.from(quantizeMatrix(w, 2, 4, 2, { levels: 'odd', groupSize: 4, scaleRule: 'absmax' }).values)).toEqual([3, -1, 1, -1, 3, 1, -1, 1]);
    // The least-error scale clips: for a row with one outlier it gives the rest more levels.
    const outlier = Float64Array.from([1, 0.1, 0.12, -0.11, 0.09, 0.1, -0.1, 0.11]);
    const absmax = quantizeMatrix(outlier, 1, 8, 2, { levels: 'odd', groupSize: 8, scaleRule: 'absmax' });
    const mse = quantizeMatrix(outlier, 1, 8, 2, { levels: 'odd', groupSize: 8, scaleRule: 'mse' });
    const error = (m: typeof mse): number => dequantizeMatrix(m).reduce((sum, v, i) => sum + (v - outlier[i]!) ** 2, 0);
    expect(error(mse)).toBeLessThan(error(absmax));
  });

  it('with groups, W·x is Σ over groups of the int32 sum × its scale, and requantizes by rounding that', () => {
    const rng = fc.sample(fc.double({ min: -1, max: 1, noNaN: true }), { seed: 4, numRuns: 6 * 20 });
    const m = quantizeMatrix(Float64Array.from(rng), 6, 20, 4, grid('signed', 8));
    expect(groupsOf(m)).toBe(3);
    const x = Int8Array.from({ length: 20 }, (_, i) => ((i * 37) % 255) - 127);
    const acc = matvecInt(m, x);
    expect(acc).toHaveLength(18);
    const w = dequantizeMatrix(m);
    const real = matvecReal(m, { data: x, scale: 0.02 });
    for (let r = 0; r < 6; r++) {
      let expected = 0;
      for (let c = 0; c < 20; c++) expected += w[r * 20 + c]! * x[c]! * 0.02;
      expect(relativeError(real[r]!, expected)).toBeLessThan(1e-12);
    }
    const out = requantize(acc, m, 0.02, 0.05);
    expect(Array.from(out.data)).toEqual(Array.from(real, (v) => Math.max(-127, Math.min(127, Math.round(v / 0.05)))));
  });

  it.each([
    [4, 'signed', 8],
    [2, 'odd', 8],
    [2, 'odd', 5],
  ] as const)('int%i units with %s levels in groups of %i composed give exactly the integer forward', (bits, levels, groupSize) => {
    const model = createTinySeek(smallConfig, 3);
    const q = quantizeWeights(model, bits, calibrateScales(model, data.train.slice(0, 20).map((sample) => sample.tokens)), undefined, grid(levels, groupSize));
    expect(q.layers[0]!.routed[0]!.w2.groupSize).toBe(groupSize);
    const generator = createIntGenerator(q);
    const caches = q.layers.map(() => createInt8LatentCache(q));
    [0, 4, 7, 1, 12].forEach((id, position) => {
      let x = embeddingUnit(q, id, position);
      for (let l = 0; l < q.layers.length; l++) {
        const h = attentionUnit(q, l, x, caches[l]!);
        const gate = gateUnit(q, l, h);
        x = combineUnit(q, l, h, [sharedExpertUnit(q, l, 0, gate.input)], gate.experts.map((e) => routedExpertUnit(q, l, e, gate.input)), gate.weights);
      }
      expect(Array.from(headUnit(q, x))).toEqual(Array.from(generator.next(id)));
    });
  });

  it('counts the group scales: 4 bytes per group and row, and one multiply-accumulate per group and row', () => {
    const config = { ...smallConfig, vocab: 28 };
    const perRow = modelCost(config);
    const grouped = modelCost(config, 8);
    const model = createTinySeek(config, 1);
    const matrices = quantMatrices(quantizeWeights(model, 4, calibrateScales(model, [[1, 2, 3]]), undefined, grid('signed', 8)));
    const packed = matrices.reduce((sum, [, m]) => sum + m.packed.length + 4 * m.scales.length, 0);
    // Weights: every matrix's packed values and group scales, plus the float32 gains and gate biases.
    const floats = 4 * (2 * 2 * config.dim + config.dim + 2 * config.experts);
    expect(grouped.weightBytes[4]).toBe(packed + floats);
    expect(grouped.weightBytes[4] - perRow.weightBytes[4]).toBe(matrices.reduce((sum, [, m]) => sum + 4 * (m.scales.length - m.rows), 0));
    // Per token, one extra MAC per group and row of every matrix used (top-2 of 4 routed experts, the shared one).
    const expert = unitCosts(config, 8).find((u) => u.unit === 'routedExpert')!;
    expect(expert.macsPerToken - 3 * config.expertHidden * config.dim).toBe(2 * 24 * 2 + 16 * 3);
  });
});

describe('quantization-aware training', () => {
  it('puts in the integer model’s weights exactly, and gives the latent ones back', () => {
    const model = createTinySeek(smallConfig, 2);
    const setting = { bits: 2 as const, grid: grid('odd', 8) };
    const latent = quantizedParams(model).map((param) => Float64Array.from(param.value));
    const q = quantizeWeights(model, 2, calibrateScales(model, [[1, 2]]), undefined, setting.grid);
    const quantizer = createFakeQuantizer(model, setting);
    quantizer.apply();
    const byName = new Map(quantMatrices(q).map(([, m], i) => [i, m]));
    // Same order: tokens, positions, per layer the attention's, the router, the experts', the head.
    quantizedParams(model).forEach((param, i) => expect(Array.from(param.value)).toEqual(Array.from(dequantizeMatrix(byName.get(i)!))));
    quantizer.restore();
    quantizedParams(model).forEach((param, i) => expect(Array.from(param.value)).toEqual(Array.from(latent[i]!)));
    expect(() => quantizer.restore()).toThrow('fake quantization is not applied');
  });

  it('gradient check: the gradient that passes straight through is the exact gradient at the quantized weights, and none reaches a clipped weight', () => {
    // The whole-model check's model (gradients.test.ts), in groups of 4 at 2 bits.
    const tiny = { vocab: 9, dim: 8, layers: 2, heads: 2, headDim: 4, latentDim: 4, context: 8, experts: 4, sharedExperts: 1, expertHidden: 6, topK: 2, affinity: 'sigmoid', biasUpdate: 0 } as const;
    const model = createTinySeek(tiny, 4);
    const quantizer = createFakeQuantizer(model, { bits: 2, grid: grid('odd', 4) });
    const inputs = [0, 3, 5, 2, 7, 1];
    const targets = [3, 5, 2, 7, 1, 0];
    const loss = (): number => crossEntropy(model.forward(inputs).logits, targets, tiny.vocab).loss;
    quantizer.apply();
    for (const param of model.params) param.grad.fill(0);
    const pass = model.forward(inputs);
    pass.backward(crossEntropy(pass.logits, targets, tiny.vocab).dLogits);
    // Every weight: central differences with respect to its quantized value. A gradient below
    // 1e-4 is compared absolutely (its difference quotient is mostly rounding noise, ~2e-11).
    let checked = 0;
    for (const param of quantizedParams(model)) {
      for (let i = 0; i < param.value.length; i++) {
        const saved = param.value[i]!;
        param.value[i] = saved + 1e-5;
        const plus = loss();
        param.value[i] = saved - 1e-5;
        const minus = loss();
        param.value[i] = saved;
        const numeric = (plus - minus) / 2e-5;
        const analytic = param.grad[i]!;
        if (Math.abs(analytic) + Math.abs(numeric) >= 1e-4) expect(relativeError(analytic, numeric), `${param.name}[${i}]`).toBeLessThan(gradTolerance);
        else expect(Math.abs(analytic - numeric), `${param.name}[${i}]`).toBeLessThan(1e-9);
        checked++;
      }
    }
    expect(checked).toBe(quantizedParams(model).reduce((n, param) => n + param.value.length, 0));
    const atQuantized = quantizedParams(model).map((param) => Float64Array.from(param.grad));
    const quantized = quantizedParams(model).map((param) => Float64Array.from(param.value));
    quantizer.restore();
    let clipped = 0;
    let passed = 0;
    quantizedParams(model).forEach((param, p) => {
      for (let i = 0; i < param.grad.length; i++) {
        // A weight beyond its group's top level is where the rounding put it at the top.
        const beyond = Math.abs(param.value[i]!) > Math.abs(quantized[p]![i]!) + 1e-12 && Math.abs(quantized[p]![i]!) > 0;
        if (param.grad[i] === 0 && atQuantized[p]![i] !== 0) clipped++;
        else if (param.grad[i] === atQuantized[p]![i]) passed++;
        if (param.grad[i] === 0 && atQuantized[p]![i] !== 0) expect(beyond).toBe(true);
      }
    });
    expect(clipped).toBeGreaterThan(0);
    expect(passed).toBeGreaterThan(clipped);
  });

  it('gradient check: distillation’s gradient is that of (1 − w) · cross-entropy + w · τ² · KL(teacher ‖ student)', () => {
    const rows = 3;
    const classes = 5;
    const logits = Float64Array.from({ length: rows * classes }, (_, i) => Math.sin(i * 1.7));
    const teacher = Float64Array.from({ length: rows * classes }, (_, i) => Math.cos(i * 0.9) * 2);
    const targets = [1, -1, 4];
    for (const [weight, temperature] of [
      [1, 1],
      [0.5, 2],
      [0.25, 0.5],
    ] as const) {
      const total = (z: Float64Array): number => (1 - weight) * crossEntropy(z, targets, classes).loss + weight * temperature ** 2 * distillationDivergence(z, teacher, targets, classes, temperature);
      const { dLogits } = distillationLoss(logits, teacher, targets, classes, weight, temperature);
      for (let i = 0; i < logits.length; i++) {
        const saved = logits[i]!;
        logits[i] = saved + 1e-5;
        const plus = total(logits);
        logits[i] = saved - 1e-5;
        const minus = total(logits);
        logits[i] = saved;
        expect(relativeError(dLogits[i]!, (plus - minus) / 2e-5)).toBeLessThan(gradTolerance);
      }
    }
  });
});

describe('a checkpoint of a model trained for one integer model', () => {
  it('holds only that bit width, with its levels and groups, and reads back the same integer model', () => {
    const model = createTinySeek(smallConfig, 6);
    const scales = calibrateScales(model, [[3, 4, 5]]);
    const setting = grid('odd', 8);
    const bytes = encodeCheckpoint(model, { kind: 'chars', symbols: [] }, { quantization: { bits: 2, ...setting } }, { scales, calibration: {}, grids: new Map([[2, setting]]) });
    expect(Buffer.from(bytes).readUInt16LE(4)).toBe(3);
    const { quantized } = decodeCheckpoint(bytes);
    expect([...quantized.keys()]).toEqual([2]);
    const read = quantized.get(2)!;
    expect(read.grid).toEqual(setting);
    const direct = quantizeWeights(decodeCheckpoint(bytes).model, 2, scales, undefined, setting);
    for (const [[name, a], [, b]] of quantMatrices(read).map((entry, i) => [entry, quantMatrices(direct)[i]!] as const)) {
      expect([name, a.levels, a.groupSize, Array.from(a.values), Array.from(a.scales)]).toEqual([name, b.levels, b.groupSize, Array.from(b.values), Array.from(b.scales)]);
    }
    // Without grids: versions and widths as before (all three, per row).
    const plain = encodeCheckpoint(model, { kind: 'chars', symbols: [] }, {}, { scales, calibration: {} });
    expect(Buffer.from(plain).readUInt16LE(4)).toBe(2);
    expect([...decodeCheckpoint(plain).quantized.keys()]).toEqual([8, 4, 2]);
  });
});
