/**
 * Speculative decoding across the swarm (issue 21, point 4): the verification rule on its own
 * (greedy equality, and above temperature 0 the plain decoder's distribution), then the swarm:
 * the plain decoder's tokens at temperature 0, seeded figures above it, the draft's bytes on the
 * entry, and the errors a bad draft gets.
 */
import { describe, expect, it } from 'vitest';
import { drawFrom, sampleToken, samplingDistribution } from '../../src/model/sample.ts';
import { replayDraw } from '../../src/inference/reference.ts';
import { verifyDraft } from '../../src/inference/speculation.ts';
import { draftFootprint, mtpFootprint } from '../../src/inference/draft.ts';
import { InputError } from '../../src/scenario/errors.ts';
import { createRandomStreams } from '../../src/sim/rng.ts';
import { runInference } from '../helpers/inference.ts';

const logits = (values: readonly number[]): Float64Array => Float64Array.from(values);

describe('verifying a draft', () => {
  const greedy = { temperature: 0, topP: 1 };
  const at = [logits([0, 3, 1, 0]), logits([2, 0, 1, 0]), logits([0, 0, 0, 5]), logits([1, 0, 4, 0])];
  const never = (): number => {
    throw new Error('no draw at temperature 0');
  };

  it('at temperature 0 keeps the draft while it is the likeliest token, then gives the likeliest', () => {
    // The likeliest tokens are 1, 0, 3, 2: a draft [1, 0, 2] is confirmed for two tokens, then corrected to 3.
    expect(verifyDraft({ tokens: [1, 0, 2], probabilities: [] }, (j) => at[j], greedy, never)).toEqual({ accepted: 2, tokens: [1, 0, 3] });
    // All confirmed: one more of the model's own.
    expect(verifyDraft({ tokens: [1, 0, 3], probabilities: [] }, (j) => at[j], greedy, never)).toEqual({ accepted: 3, tokens: [1, 0, 3, 2] });
    expect(verifyDraft({ tokens: [2], probabilities: [] }, (j) => at[j], greedy, never)).toEqual({ accepted: 0, tokens: [1] });
    // No draft: the plain decoder's token.
    expect(verifyDraft({ tokens: [], probabilities: [] }, (j) => at[j], greedy, never)).toEqual({ accepted: 0, tokens: [1] });
    // Logits not known (a reference that read fewer positions): no verdict.
    expect(verifyDraft({ tokens: [1, 0], probabilities: [] }, (j) => (j < 1 ? at[j] : undefined), greedy, never)).toBeUndefined();
  });

  it('gives sampleToken\u2019s distribution as probabilities (temperature, then the top-p nucleus)', () => {
    const values = logits([0.3, 2.1, -1, 1.7, 0.9, 2.1]);
    for (const sampling of [{ temperature: 0.8, topP: 0.95 }, { temperature: 1.5, topP: 0.6 }, { temperature: 1, topP: 1 }]) {
      const probabilities = samplingDistribution(values, sampling);
      const counts = new Float64Array(values.length);
      const n = 20_000;
      for (let i = 0; i < n; i++) counts[sampleToken(values, sampling, replayDraw((i + 0.5) / n))]!++;
      // Draws on an even grid: each token's share within one grid step of its probability.
      for (let id = 0; id < values.length; id++) expect(Math.abs(counts[id]! / n - probabilities[id]!)).toBeLessThanOrEqual(1 / n + 1e-12);
    }
    expect([...samplingDistribution(values, { temperature: 0, topP: 0.9 })]).toEqual([0, 1, 0, 0, 0, 0]);
    expect(drawFrom(Float64Array.from([0, 2, 0, 2]), 0.49)).toBe(1);
    expect(drawFrom(Float64Array.from([0, 2, 0, 2]), 0.51)).toBe(3);
  });

  it('above temperature 0 emits tokens distributed as the plain decoder\u2019s, whatever the draft (seeded, 100,000 trials)', () => {
    const target = [logits([1.2, 0.1, 2.0, -0.5, 0.7]), logits([0.2, 1.5, 0.3, 1.1, -1])];
    const draftLogits = [logits([2.5, 0.4, 0.8, 0.1, 0.2]), logits([0.1, 0.2, 2.4, 1.0, 0.3])];
    for (const sampling of [{ temperature: 0.8, topP: 1 }, { temperature: 1, topP: 0.9 }]) {
      const rng = createRandomStreams(21).stream('speculative-test');
      const first = new Float64Array(5);
      const second = new Float64Array(5);
      const trials = 100_000;
      let accepted = 0;
      let seconds = 0;
      for (let i = 0; i < trials; i++) {
        // The draft guesses two tokens from its own distribution (the second after its own first guess).
        const tokens = draftLogits.map((l) => sampleToken(l, sampling, replayDraw(rng.next())));
        const probabilities = draftLogits.map((l) => samplingDistribution(l, sampling));
        // The model's logits after the first token do not depend on it here, so the pair's law is p₀ × p₁.
        const verdict = verifyDraft({ tokens, probabilities }, (j) => target[Math.min(j, 1)], sampling, () => rng.next())!;
        first[verdict.tokens[0]!]!++;
        // A second token follows a confirmed first one.
        if (verdict.tokens.length > 1) {
          second[verdict.tokens[1]!]!++;
          seconds++;
        }
        accepted += verdict.accepted;
      }
      const p0 = samplingDistribution(target[0]!, sampling);
      const p1 = samplingDistribution(target[1]!, sampling);
      // Within 0.5 percentage points of the target law (the sampling error is about 0.15).
      for (let id = 0; id < 5; id++) {
        expect(Math.abs(first[id]! / trials - p0[id]!)).toBeLessThan(0.005);
        expect(Math.abs(second[id]! / seconds - p1[id]!)).toBeLessThan(0.01);
      }
      // A draft this far off is often refused: between none and all accepted.
      expect(accepted / trials).toBeGreaterThan(0.2);
      expect(accepted / trials).toBeLessThan(1.5);
    }
  });
});

describe('speculative decoding in inference-2g4.yaml', () => {
  const speculative = (k: number, more: readonly string[] = []): string[] => ['inference.speculative.draft=tinyseek-names-draft', `inference.speculative.tokens=${k}`, ...more];

  it('generates exactly the plain decoder\u2019s tokens at temperature 0, prompts read several at a time', () => {
    for (const prompt of [undefined, 'ja', 'mar']) {
      const sets = ['inference.temperature=0', ...(prompt === undefined ? [] : [`inference.prompt=${prompt}`])];
      const plain = runInference('scenarios/inference-2g4.yaml', sets);
      for (const k of [1, 3]) {
        const run = runInference('scenarios/inference-2g4.yaml', [...sets, ...speculative(k)]);
        expect(run.engine.requests.map((r) => r.generated)).toEqual(plain.engine.requests.map((r) => r.generated));
        expect(run.summary.tokens).toBe(plain.summary.tokens);
        expect(run.summary.fidelity.top1).toBe(1);
        // Fewer passes, each carrying more positions.
        expect(run.engine.tokens.length).toBeLessThan(plain.engine.tokens.length);
        expect(Math.max(...run.engine.tokens.map((t) => t.positions))).toBe(k + 1);
      }
    }
  });

  it('reports, seeded, what the passes cost per token against the plain decoder', () => {
    const plain = runInference('scenarios/inference-2g4.yaml', ['inference.temperature=0']);
    const run = runInference('scenarios/inference-2g4.yaml', ['inference.temperature=0', ...speculative(2)]);
    expect(run.summary.requests.texts).toEqual(['alexandra', 'alexandra', 'alexandra', 'alexandra', 'alexandra']);
    const decoding = run.summary.inference.decoding as unknown as Record<string, number>;
    expect(decoding).toEqual({
      generatingPasses: 20,
      positionsPerPass: 3,
      tokensPerPass: 2.5,
      drafted: 40,
      accepted: 35,
      acceptanceRate: 0.875,
      msPerToken: 315.325,
      framesPerToken: 8,
      phyBytesPerToken: 1124.6,
      framesAirtimeMsPerToken: 285.145,
      joulesPerToken: 0.026695289,
    });
    // On always-listening 2.4 GHz radios time on air grows with the bytes: a pass of 3 positions
    // costs more than 2.5 plain passes, and speculation loses.
    expect((plain.summary.inference.decoding as unknown as Record<string, number>).msPerToken).toBe(240.498);
  });

  it('samples above temperature 0 from seeded streams, every pass equal to the single-node reference', () => {
    const run = runInference('scenarios/inference-2g4.yaml', speculative(3));
    expect(run.summary.requests.texts).toEqual(['stephan', 'adalin', 'manell', 'elizabeth', 'elizabeth']);
    expect(run.summary.fidelity).toEqual({ top1: 1, compared: 13 });
    expect(run.summary.inference.decoding).toEqual({
      generatingPasses: 13,
      positionsPerPass: 4,
      tokensPerPass: 3.230769,
      drafted: 39,
      accepted: 32,
      acceptanceRate: 0.820513,
      msPerToken: 314.947,
      framesPerToken: 7.738095,
      phyBytesPerToken: 1134.048,
      framesAirtimeMsPerToken: 285.993,
      joulesPerToken: 0.026782538,
    });
    expect(run.engine.tokens.every((t) => t.status === 'ok' && t.accepted <= t.drafted)).toBe(true);
  });

  it('runs an expert asked for several positions once, counting it once against the queue limit', () => {
    const plain = runInference('scenarios/inference-2g4.yaml', ['inference.temperature=0', 'inference.expertQueueLimit=2']);
    const run = runInference('scenarios/inference-2g4.yaml', ['inference.temperature=0', 'inference.expertQueueLimit=2', ...speculative(2)]);
    expect([plain.summary.inference.refusedCalls, plain.summary.inference.expertsDropped]).toEqual([0, 0]);
    // Three positions may ask one node for three different experts: those beyond the limit are refused.
    expect([run.summary.inference.refusedCalls, run.summary.inference.expertsDropped]).toEqual([5, 5]);
    expect(run.summary.requests.texts).toEqual(plain.summary.requests.texts);
  });

  it('waits for a call as many time-outs as it carries positions: on duty-cycled links the passes lose almost no expert', () => {
    const plain = runInference('scenarios/inference-replicas.yaml', ['inference.temperature=0']);
    const run = runInference('scenarios/inference-replicas.yaml', ['inference.temperature=0', ...speculative(2)]);
    expect([plain.summary.inference.expertsDropped, plain.summary.fidelity.top1]).toEqual([0, 1]);
    // One expert dropped (a call given up after its retry) changes one name: lossless holds while nothing is dropped.
    expect([run.summary.inference.expertsDropped, run.summary.fidelity]).toEqual([1, { top1: 0.96, compared: 50 }]);
    expect(run.summary.requests.texts.filter((t, i) => t !== plain.summary.requests.texts[i])).toEqual(['alice']);
  });

  it('counts the draft\u2019s weights and caches on the entry node', () => {
    const plain = runInference('scenarios/inference-2g4.yaml', ['inference.requests.count=1']);
    const run = runInference('scenarios/inference-2g4.yaml', ['inference.requests.count=1', ...speculative(2)]);
    const io = (r: typeof run) => r.setup.plan.units.find((u) => u.id === 'io')!;
    const footprint = draftFootprint(run.setup.draft!, 2);
    // 130,608 int8 weights and a float32 scale per row; two requests' latent caches; the widest buffers.
    expect(footprint).toEqual({ weightBytes: 140_672, kvBytes: 1536, workBytes: 720 });
    expect(io(run).weightBytes - io(plain).weightBytes).toBe(footprint.weightBytes);
    expect(io(run).kvBytes).toBe(footprint.kvBytes);
  });

  it('refuses a draft it cannot find, naming the setting', () => {
    expect(() => runInference('scenarios/inference-2g4.yaml', speculative(2).map((s) => s.replace('tinyseek-names-draft', 'no-such-draft')))).toThrow(InputError);
    try {
      runInference('scenarios/inference-2g4.yaml', speculative(2).map((s) => s.replace('tinyseek-names-draft', 'no-such-draft')));
    } catch (error) {
      expect((error as InputError).message).toMatch(/inference\.speculative\.draft: expected a model directory or a \.tskp file, found nothing at "no-such-draft"/);
    }
  });
});

describe('speculative decoding with the served model\u2019s own MTP module', () => {
  const mtp = ['model.checkpoint=tinyseek-names-mtp', 'inference.speculative.draft=mtp'];

  it('generates the plain decoder\u2019s tokens at temperature 0, one guess per pass from the last layer\u2019s residuals', () => {
    const plain = runInference('scenarios/inference-2g4.yaml', ['inference.temperature=0', 'model.checkpoint=tinyseek-names-mtp']);
    const run = runInference('scenarios/inference-2g4.yaml', ['inference.temperature=0', ...mtp]);
    expect(run.engine.requests.map((r) => r.generated)).toEqual(plain.engine.requests.map((r) => r.generated));
    expect(run.summary.requests.texts).toEqual(['alexia', 'alexia', 'alexia', 'alexia', 'alexia']);
    expect(run.summary.fidelity).toEqual({ top1: 1, compared: 25 });
    const decoding = run.summary.inference.decoding as unknown as Record<string, number>;
    // The first pass of a request has no residual to guess from: 4 guesses for 5 passes per request.
    expect([decoding.generatingPasses, decoding.drafted, decoding.accepted, decoding.tokensPerPass]).toEqual([25, 20, 15, 1.4]);
    expect([decoding.msPerToken, (plain.summary.inference.decoding as unknown as Record<string, number>).msPerToken]).toEqual([341.923, 250.833]);
    expect(Math.max(...run.engine.tokens.map((t) => t.positions))).toBe(2);
  });

  it('counts the module on the entry node', () => {
    const plain = runInference('scenarios/inference-2g4.yaml', ['inference.requests.count=1', 'model.checkpoint=tinyseek-names-mtp']);
    const run = runInference('scenarios/inference-2g4.yaml', ['inference.requests.count=1', ...mtp]);
    const io = (r: typeof run) => r.setup.plan.units.find((u) => u.id === 'io')!;
    const footprint = mtpFootprint(run.setup.model.config, 8, undefined, 2);
    expect(footprint.weightBytes).toBe(io(run).weightBytes - io(plain).weightBytes);
    // 78,144 parameters at int8 with their row scales and norm gains; two requests' latent caches; buffers.
    expect(footprint).toEqual({ weightBytes: 83_072, kvBytes: 1024, workBytes: 1408 });
  });

  it('refuses a served model without a module, and more than one guess per pass', () => {
    expect(() => runInference('scenarios/inference-2g4.yaml', ['inference.speculative.draft=mtp'])).toThrow(/inference\.speculative\.draft: expected a served model with a multi-token prediction module/);
    expect(() => runInference('scenarios/inference-2g4.yaml', [...mtp, 'inference.speculative.tokens=2'])).toThrow(/inference\.speculative\.tokens: expected 1 with draft "mtp"/);
  });
});

