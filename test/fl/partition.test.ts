/** Partitioners: every sample exactly once, the skew each one promises, reproducible from the seed. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist.ts';
import { createRandomStreams } from '../../src/sim/rng.ts';
import { labelCounts, partition, PartitionError, type PartitionSpec } from '../../src/fl/partition.ts';
import { decodeUpdate, encodeUpdate, UpdateCodecError } from '../../src/fl/compression.ts';

const data = loadMnist({ seed: 1 });
const rng = (seed = 1) => createRandomStreams(seed).stream('partition');
const specs: PartitionSpec[] = [{ kind: 'iid' }, { kind: 'dirichlet', alpha: 0.3 }, { kind: 'shards', perClient: 2 }, { kind: 'power-law', exponent: 1.2 }];

describe('partitioners', () => {
  it.each(specs)('$kind assigns every sample exactly once', (spec) => {
    const parts = partition(data.train, data.labels, 50, spec, rng());
    const seen = new Uint8Array(data.labels.length);
    for (const part of parts) for (const i of part) seen[i]!++;
    expect(parts.reduce((s, p) => s + p.length, 0)).toBe(data.train.length);
    for (const i of data.train) expect(seen[i]).toBe(1);
    expect(partition(data.train, data.labels, 50, spec, rng())).toEqual(parts);
  });

  it('gives each skew its shape, exactly for seed 1', () => {
    const classesPerClient = (spec: PartitionSpec) => labelCounts(partition(data.train, data.labels, 50, spec, rng()), data.labels, 10).map((c) => c.filter((n) => n > 0).length);
    expect(Math.min(...classesPerClient({ kind: 'iid' }))).toBe(10);
    // Two shards of sorted labels: one or two digits per client (a shard may straddle two digits).
    expect(Math.max(...classesPerClient({ kind: 'shards', perClient: 2 }))).toBeLessThanOrEqual(4);
    const iidSizes = partition(data.train, data.labels, 50, { kind: 'iid' }, rng()).map((p) => p.length);
    expect(Math.max(...iidSizes) - Math.min(...iidSizes)).toBeLessThanOrEqual(1);
    const powerSizes = partition(data.train, data.labels, 50, { kind: 'power-law', exponent: 1.2 }, rng()).map((p) => p.length).sort((a, b) => b - a);
    expect(powerSizes[0]).toBeGreaterThan(10 * powerSizes[25]!);
    const dirichletSizes = partition(data.train, data.labels, 50, { kind: 'dirichlet', alpha: 0.3 }, rng()).map((p) => p.length);
    expect(Math.min(...dirichletSizes)).toBeGreaterThanOrEqual(10);
    expect(Math.min(...classesPerClient({ kind: 'dirichlet', alpha: 0.3 }))).toBeLessThan(Math.min(...classesPerClient({ kind: 'dirichlet', alpha: 100 })));
  });

  it('keeps every sample when a tiny α underflows every draw', () => {
    const parts = partition(data.train.slice(0, 2000), data.labels, 4, { kind: 'dirichlet', alpha: 0.001, minSize: 1 }, rng(2));
    expect(parts.reduce((s, p) => s + p.length, 0)).toBe(2000);
  });

  it('iid with perClient gives each client its own samples and leaves the rest unused, so that more clients bring more data (issue 19)', () => {
    const few = partition(data.train, data.labels, 4, { kind: 'iid', perClient: 100 }, rng());
    const many = partition(data.train, data.labels, 12, { kind: 'iid', perClient: 100 }, rng());
    expect(few.map((p) => p.length)).toEqual([100, 100, 100, 100]);
    expect(new Set(many.flatMap((p) => [...p])).size).toBe(1200);
    // The same shuffle: the first clients hold the same samples whatever the count.
    expect(many.slice(0, 4)).toEqual(few);
    expect(() => partition(data.train, data.labels, 100, { kind: 'iid', perClient: 100 }, rng())).toThrow('expected at most 90 samples per client (9000 training samples for 100 clients), found perClient 100');
  });

  it('refuses impossible partitions', () => {
    expect(() => partition([1, 2], [0, 0, 0], 3, { kind: 'iid' }, rng())).toThrow(PartitionError);
    expect(() => partition(data.train.slice(0, 10), data.labels, 4, { kind: 'shards', perClient: 3 }, rng())).toThrow(/at most one shard per sample/);
    expect(() => partition(data.train, data.labels, 4, { kind: 'dirichlet', alpha: 0 }, rng())).toThrow(/α > 0/);
  });
});

describe('update codec', () => {
  it('sizes updates by their compression', () => {
    const x = Float64Array.from({ length: 7850 }, (_, i) => Math.sin(i));
    expect(encodeUpdate(x, { bits: 32, topK: 1, errorFeedback: false }).bytes.length).toBe(5 + 4 * 7850);
    expect(encodeUpdate(x, { bits: 8, topK: 1, errorFeedback: false }).bytes.length).toBe(5 + 4 + 7850);
    // Top-10 %: 785 values, each with a 1-byte gap (gaps < 128), after a 2-byte count.
    const sparse = encodeUpdate(x, { bits: 8, topK: 0.1, errorFeedback: false }).bytes.length;
    expect(sparse).toBeLessThan(5 + 2 + 2 * 785 + 4 + 785 + 1);
  });

  it('decodes what it encodes and refuses anything else with an UpdateCodecError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.integer({ min: 0, max: 20 }), (bytes, n) => {
        try {
          const out = decodeUpdate(bytes, n);
          expect(out.length).toBe(n);
        } catch (error) {
          expect(error).toBeInstanceOf(UpdateCodecError);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
