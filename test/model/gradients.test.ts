/**
 * Every layer's backward pass against central finite differences, in float64: the worst
 * relative error over sampled entries of every parameter and of the input must stay below
 * 1e-5 (gradTolerance, gradcheck.ts).
 */
import { describe, expect, it } from 'vitest';
import { createAttention } from '../../src/model/layers/attention.ts';
import { createEmbedding } from '../../src/model/layers/embedding.ts';
import { createExpert } from '../../src/model/layers/expert.ts';
import { createGate } from '../../src/model/layers/gate.ts';
import { createLinear } from '../../src/model/layers/linear.ts';
import { createMoe } from '../../src/model/layers/moe.ts';
import { createRmsNorm } from '../../src/model/layers/rmsnorm.ts';
import { crossEntropy } from '../../src/model/loss.ts';
import { createTinySeek } from '../../src/model/tinyseek.ts';
import { createRandomStreams } from '../../src/sim/rng.ts';
import { checkGradients, dot, gradTolerance, projection, randomInput, type Check } from './gradcheck.ts';

const rng = () => createRandomStreams(1).stream('init');

function expectAllWithin(checks: readonly Check[]): void {
  expect(checks.length).toBeGreaterThan(0);
  for (const check of checks) expect(check.worst, check.name).toBeLessThan(gradTolerance);
}

/** loss = Σ forward(x) ⊙ R, for a layer mapping [rows, inDim] → rows of outputs. */
function checkLayer(params: Parameters<typeof checkGradients>[0], forward: (x: Float64Array) => { y: Float64Array; backward(dy: Float64Array): Float64Array | void }, x: Float64Array): Check[] {
  const probe = forward(x).y;
  const r = projection(probe.length);
  return checkGradients(
    params,
    () => dot(forward(x).y, r),
    () => {
      const pass = forward(x);
      return pass.backward(r) ?? undefined;
    },
    x,
  );
}

describe('gradients against finite differences', () => {
  it('linear (with bias)', () => {
    const layer = createLinear('l', 5, 4, rng(), { bias: true });
    expectAllWithin(checkLayer(layer.params, (x) => layer.forward(x, 3), randomInput(15)));
  });

  it('linear without its input\'s gradient (a first layer on data), or with a frozen weight: the other gradients bit for bit the same', () => {
    const x = randomInput(15);
    const dy = randomInput(12);
    const [full, data] = [true, false].map((inputGradient) => {
      const layer = createLinear('l', 5, 4, rng(), { bias: true, inputGradient });
      const dx = layer.forward(x, 3).backward(dy);
      return { dx, grads: layer.params.map((param) => Array.from(param.grad)) };
    });
    expect(data!.grads).toEqual(full!.grads);
    expect([full!.dx.length, data!.dx.length]).toEqual([15, 0]);
    // A frozen weight gets no gradient; the bias and dx are the same bits as before.
    const frozen = createLinear('l', 5, 4, rng(), { bias: true });
    frozen.weight.trainable = false;
    const dx = frozen.forward(x, 3).backward(dy);
    expect(Array.from(dx)).toEqual(Array.from(full!.dx));
    expect(frozen.params.map((param) => Array.from(param.grad))).toEqual([Array.from({ length: 20 }, () => 0), full!.grads[1]]);
  });

  it('embedding', () => {
    const layer = createEmbedding('e', 7, 4, rng());
    const ids = [3, 1, 3, 6];
    const r = projection(16);
    expectAllWithin(checkGradients(layer.params, () => dot(layer.forward(ids).y, r), () => void layer.forward(ids).backward(r)));
  });

  it('RMSNorm', () => {
    const layer = createRmsNorm('n', 6);
    for (let i = 0; i < 6; i++) layer.gain.value[i] = 0.5 + i / 5;
    expectAllWithin(checkLayer(layer.params, (x) => layer.forward(x, 3), randomInput(18)));
  });

  it('a SwiGLU expert (routed and shared experts are this expert)', () => {
    const layer = createExpert('x', 5, 7, rng());
    expectAllWithin(checkLayer(layer.params, (x) => layer.forward(x, 3), randomInput(15)));
  });

  it.each(['sigmoid', 'softmax'] as const)('the gate with top-k selection, %s affinity, and a nonzero balancing bias', (affinity) => {
    const gate = createGate('g', 5, 6, 2, affinity, rng());
    gate.bias.set([0.1, -0.05, 0, 0.02, -0.1, 0.03]);
    const x = randomInput(20);
    // loss = Σ weights ⊙ R over the chosen experts: the gradient flows through the chosen affinities.
    const r = projection(8);
    const weightsLoss = (pass: ReturnType<typeof gate.forward>): number => pass.routing.weights.flat().reduce((sum, w, i) => sum + w * r[i]!, 0);
    const checks = checkGradients(
      gate.params,
      () => weightsLoss(gate.forward(x, 4)),
      () => {
        const pass = gate.forward(x, 4);
        return pass.backward(pass.routing.weights.map((row, k) => row.map((_, i) => r[k * 2 + i]!)));
      },
      x,
    );
    expectAllWithin(checks);
  });

  it.each([
    ['no capacity limit', undefined],
    ['capacity factor 1 (tokens dropped)', 1],
  ])('a MoE layer: gate, 4 routed experts (top-2), 1 shared, %s', (_, capacityFactor) => {
    const layer = createMoe('m', 5, { experts: 4, shared: 1, hidden: 6, topK: 2, affinity: 'sigmoid', ...(capacityFactor !== undefined && { capacityFactor }) }, rng());
    const x = randomInput(30);
    const pass = layer.forward(x, 6);
    if (capacityFactor !== undefined) expect(pass.dropped).toBeGreaterThan(0);
    expectAllWithin(checkLayer(layer.params, (input) => layer.forward(input, 6), x));
  });

  it('multi-head latent attention (causal)', () => {
    const layer = createAttention('a', 6, { heads: 2, headDim: 3, latentDim: 4 }, rng());
    expectAllWithin(checkLayer(layer.params, (x) => layer.forward(x, 5), randomInput(30)));
  });

  it('multi-head latent attention with decoupled rotary positions', () => {
    const layer = createAttention('a', 6, { heads: 2, headDim: 3, latentDim: 4, ropeDim: 4 }, rng());
    const checks = checkLayer(layer.params, (x) => layer.forward(x, 5), randomInput(30));
    expectAllWithin(checks);
    expect(checks.map((check) => check.name)).toEqual(expect.arrayContaining(['a.wqr.weight', 'a.wkr.weight']));
  });

  it.each(['learned', 'rotary'] as const)('the whole model through the output head and cross-entropy (%s positions)', (positions) => {
    const model = createTinySeek(
      { vocab: 9, dim: 8, layers: 2, heads: 2, headDim: 4, latentDim: 4, context: 8, experts: 4, sharedExperts: 1, expertHidden: 6, topK: 2, affinity: 'sigmoid', biasUpdate: 0, positions, ropeDim: 2 },
      4,
    );
    const ids = [0, 3, 5, 2, 7, 1];
    const targets = [3, 5, 2, 7, 1, 0];
    const loss = (): number => crossEntropy(model.forward(ids).logits, targets, 9).loss;
    const checks = checkGradients(model.params, loss, () => {
      const pass = model.forward(ids);
      pass.backward(crossEntropy(pass.logits, targets, 9).dLogits);
      return undefined;
    }, undefined, 4);
    expectAllWithin(checks);
    expect(checks.map((check) => check.name)).toContain('head.weight');
    expect(checks.map((check) => check.name)).toContain('layer1.moe.gate.router.weight');
  });
});
