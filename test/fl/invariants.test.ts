/**
 * The exact invariants of issue 7's acceptance: FedSGD is one step of full-batch gradient
 * descent on the union; FedAvg with one client is that client's local training; FedProx with
 * μ = 0 is FedAvg; FedAvgM with momentum 0 and server learning rate 1 is FedAvg; top-k at 100 %
 * without error feedback is the identity; with error feedback, what was sent plus the residual
 * is what was raw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist.ts';
import { batchOf, createClassifier } from '../../src/model/classifier.ts';
import { crossEntropy } from '../../src/model/loss.ts';
import { zeroGrads } from '../../src/model/params.ts';
import { createRandomStreams } from '../../src/sim/rng.ts';
import { createCompressor, decodeUpdate, encodeUpdate, lossless, sparsify } from '../../src/fl/compression.ts';
import { runFederation } from '../../src/fl/federation.ts';
import { trainLocal } from '../../src/fl/local.ts';
import { partition } from '../../src/fl/partition.ts';
import { flatten } from '../../src/fl/vector.ts';
import { createStrategy } from '../../src/fl/strategies.ts';

const data = loadMnist({ seed: 1 });
const train = data.train.slice(0, 600);
const maxDiff = (a: Float64Array, b: Float64Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('exact invariants', () => {
  it('FedSGD (C = 1, E = 1, full batch) is one step of full-batch gradient descent on the union', () => {
    const partitions = partition(train, data.labels, 6, { kind: 'dirichlet', alpha: 0.5 }, createRandomStreams(3).stream('p'));
    const model = createClassifier('logistic', data.dim, 10, 1);
    const start = flatten(model.params);
    const fed = runFederation(model, data, { partitions, strategy: { kind: 'fedavg' }, local: { epochs: 1, batchSize: 'full', learningRate: 0.5 }, fraction: 1, rounds: 1, seed: 1, compression: lossless });
    // One gradient-descent step on the 600 samples at once.
    const central = createClassifier('logistic', data.dim, 10, 1);
    const { x, labels } = batchOf(data, Array.from(train));
    zeroGrads(central.params);
    const pass = central.forward(x, train.length);
    pass.backward(crossEntropy(pass.logits, labels, 10).dLogits);
    for (const p of central.params) for (let i = 0; i < p.value.length; i++) p.value[i]! -= 0.5 * p.grad[i]!;
    expect(maxDiff(fed.global, flatten(central.params))).toBeLessThan(1e-12);
    expect(maxDiff(fed.global, start)).toBeGreaterThan(1e-3);
  });

  it('FedAvg with one client is that client\'s local training', () => {
    const local = { epochs: 2, batchSize: 32, learningRate: 0.1 } as const;
    const model = createClassifier('mlp', data.dim, 10, 2, 16);
    const start = flatten(model.params);
    const fed = runFederation(model, data, { partitions: [train], strategy: { kind: 'fedavg' }, local, fraction: 1, rounds: 1, seed: 4, compression: lossless });
    const alone = createClassifier('mlp', data.dim, 10, 2, 16);
    const result = trainLocal(alone, data, train, start, local, createRandomStreams(4).stream('fl/client/0/round/1'));
    expect(maxDiff(fed.global, Float64Array.from(start, (w, i) => w + result.delta[i]!))).toBeLessThan(1e-12);
  });

  it('FedProx with μ = 0 is FedAvg, and FedAvgM with momentum 0 and server learning rate 1 is FedAvg', () => {
    const partitions = partition(train, data.labels, 5, { kind: 'shards', perClient: 2 }, createRandomStreams(5).stream('p'));
    const run = (strategy: Parameters<typeof runFederation>[2]['strategy']) =>
      runFederation(createClassifier('logistic', data.dim, 10, 3), data, { partitions, strategy, local: { epochs: 1, batchSize: 20, learningRate: 0.2 }, fraction: 0.6, rounds: 3, seed: 6 });
    const fedavg = run({ kind: 'fedavg' });
    expect(run({ kind: 'fedprox', mu: 0 }).global).toEqual(fedavg.global);
    expect(run({ kind: 'fedavgm', momentum: 0, serverLearningRate: 1 }).global).toEqual(fedavg.global);
    // And μ > 0 or momentum > 0 do change it.
    expect(maxDiff(run({ kind: 'fedprox', mu: 1 }).global, fedavg.global)).toBeGreaterThan(1e-6);
    expect(maxDiff(run({ kind: 'fedavgm', momentum: 0.9, serverLearningRate: 1 }).global, fedavg.global)).toBeGreaterThan(1e-6);
  });

  it('top-k at 100 % without error feedback is the identity', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }), (values) => {
        const x = Float64Array.from(values);
        expect(sparsify(x, 1).kept).toEqual(x);
        // Through the bytes, float32 is the only rounding.
        const { bytes, sent } = encodeUpdate(x, { bits: 32, topK: 1, errorFeedback: false });
        expect(decodeUpdate(bytes, x.length)).toEqual(sent);
        expect(sent).toEqual(Float64Array.from(x, Math.fround));
      }),
      { numRuns: 300 },
    );
  });

  it('with error feedback, the sum of what was sent plus the residual is the sum of the raw updates', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 50, maxLength: 50 }), { minLength: 1, maxLength: 8 }), fc.constantFrom(0.05, 0.1, 0.5), fc.constantFrom(32 as const, 8 as const), (rounds, fraction, bits) => {
        const compressor = createCompressor({ bits, topK: fraction, errorFeedback: true });
        const sentSum = new Float64Array(50);
        const rawSum = new Float64Array(50);
        for (const values of rounds) {
          const raw = Float64Array.from(values);
          const { bytes, sent } = compressor.compress(raw);
          expect(decodeUpdate(bytes, 50)).toEqual(sent);
          for (let i = 0; i < 50; i++) {
            sentSum[i]! += sent[i]!;
            rawSum[i]! += raw[i]!;
          }
        }
        for (let i = 0; i < 50; i++) expect(sentSum[i]! + compressor.residual![i]!).toBeCloseTo(rawSum[i]!, 9);
      }),
      { numRuns: 200 },
    );
  });
});

describe('FedBuff', () => {
  it('discounts a stale buffer: the step shrinks by 1/√(1 + staleness)', () => {
    const strategy = createStrategy({ kind: 'fedbuff', bufferSize: 2, serverLearningRate: 0.5 });
    const global = Float64Array.from([1, 1]);
    const fresh = strategy.apply(global, [{ delta: Float64Array.from([2, 0]), weight: 1, staleness: 0 }, { delta: Float64Array.from([0, 2]), weight: 3, staleness: 0 }]);
    expect([...fresh]).toEqual([1 + 0.5 * (2 / 4), 1 + 0.5 * (6 / 4)]);
    const stale = strategy.apply(global, [{ delta: Float64Array.from([2, 0]), weight: 1, staleness: 3 }, { delta: Float64Array.from([0, 2]), weight: 3, staleness: 3 }]);
    expect(stale[0]! - 1).toBeCloseTo((fresh[0]! - 1) / 2, 12);
    expect(stale[1]! - 1).toBeCloseTo((fresh[1]! - 1) / 2, 12);
  });

  it('counts staleness within a round in memory: later buffers start from an older model', () => {
    const partitions = partition(train, data.labels, 6, { kind: 'iid' }, createRandomStreams(3).stream('p'));
    const fed = runFederation(createClassifier('logistic', data.dim, 10, 1), data, { partitions, strategy: { kind: 'fedbuff', bufferSize: 2, serverLearningRate: 1 }, local: { epochs: 1, batchSize: 20, learningRate: 0.1 }, fraction: 1, rounds: 1, seed: 1, compression: lossless });
    const sync = runFederation(createClassifier('logistic', data.dim, 10, 1), data, { partitions, strategy: { kind: 'fedavg' }, local: { epochs: 1, batchSize: 20, learningRate: 0.1 }, fraction: 1, rounds: 1, seed: 1, compression: lossless });
    expect(maxDiff(fed.global, sync.global)).toBeGreaterThan(1e-6);
    expect(fed.records[0]!.validationAccuracy).toBeGreaterThan(0.5);
  });
});
