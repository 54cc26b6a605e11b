/**
 * Link-aware expert choice (issue 21, point 5): a far routed expert of small gate weight is
 * skipped, the others renormalised, and what it costs in fidelity is measured against the
 * full model (the single-node reference), token by token.
 */
import { describe, expect, it } from 'vitest';
import { expertsToSkip } from '../../src/inference/expert-skipping.ts';
import { runInference } from '../helpers/inference.ts';

describe('which experts are skipped', () => {
  const cost = (a: number, b: number): number => Math.abs(a - b) * 100;
  it('skips a far expert of small weight, never a local or near one, and keeps the heaviest', () => {
    // From node 0: expert 3 is on node 2 (200 ms), expert 5 on node 0 itself, expert 7 on node 1 (100 ms).
    const serving = [0, 0, 0, 2, 0, 0, 0, 1];
    expect(expertsToSkip({ maxCallMs: 150, maxWeight: 0.5 }, [3, 5], [0.3, 0.7], serving, 0, cost)).toEqual([0]);
    expect(expertsToSkip({ maxCallMs: 150, maxWeight: 0.5 }, [3, 7], [0.3, 0.7], serving, 0, cost)).toEqual([0]);
    expect(expertsToSkip({ maxCallMs: 150, maxWeight: 0.25 }, [3, 7], [0.3, 0.7], serving, 0, cost)).toEqual([]);
    expect(expertsToSkip({ maxCallMs: 50, maxWeight: 0.8 }, [7, 3], [0.7, 0.3], serving, 0, cost)).toEqual([1]);
    // Both far and light enough: the heavier stays. Unreachable experts (−1) are dropped elsewhere, not skipped.
    expect(expertsToSkip({ maxCallMs: 50, maxWeight: 1 }, [3, 7], [0.45, 0.55], serving, 0, cost)).toEqual([0]);
    expect(expertsToSkip({ maxCallMs: 0, maxWeight: 1 }, [3, 4], [0.5, 0.5], [0, 0, 0, 2, -1], 0, cost)).toEqual([0]);
  });
});

describe('inference-spread.yaml with skipping', () => {
  it('calls fewer experts over fewer frames, and pays in agreement with the full model', () => {
    const full = runInference('scenarios/inference-spread.yaml');
    const skipping = runInference('scenarios/inference-spread.yaml', ['inference.skipExperts.maxCallMs=130', 'inference.skipExperts.maxWeight=0.3']);
    expect(full.summary.inference.expertsSkipped).toBe(0);
    expect(full.summary.fidelity).toEqual({ top1: 1, compared: 25 });
    // Seeded figures: 9 of the chosen experts skipped, 1,062 ms of airtime per token instead of 1,190.
    expect(skipping.summary.inference.expertsSkipped).toBe(9);
    expect(skipping.engine.tokens.reduce((n, t) => n + t.expertsSkipped, 0)).toBe(9);
    expect([full.summary.inference.framesAirtimeMsPerToken, skipping.summary.inference.framesAirtimeMsPerToken]).toEqual([1190.113, 1061.933]);
    expect(skipping.summary.fidelity).toEqual({ top1: 0.869565, compared: 23 });
    // A skip is not a drop: nothing timed out, nothing was lost.
    expect(skipping.summary.inference.expertsDropped).toBe(0);
    // The combined experts are the chosen ones less the skipped: a token with a skip combined one routed expert in that layer.
    const skipped = skipping.engine.tokens.filter((t) => t.expertsSkipped > 0);
    expect(skipped.every((t) => t.experts.some((layer) => layer.length === 1))).toBe(true);
  });
});
