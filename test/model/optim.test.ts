import { describe, expect, it } from 'vitest';
import { clipGradients, createAdamW, createSgd } from '../../src/model/optim.ts';
import { createParam } from '../../src/model/params.ts';

describe('optimisers', () => {
  it('AdamW and SGD minimise a quadratic, leave frozen parameters alone, and AdamW decays only matrices', () => {
    for (const optimizer of [createAdamW({ weightDecay: 0 }), createSgd({ momentum: 0.9 })]) {
      const w = createParam('w', [2, 2], () => 3);
      const frozen = createParam('f', [2], () => 5);
      frozen.trainable = false;
      for (let step = 0; step < 500; step++) {
        // loss = Σ (w − 1)², frozen sees a gradient but must not move.
        for (let i = 0; i < 4; i++) w.grad[i] = 2 * (w.value[i]! - 1);
        frozen.grad.fill(1);
        optimizer.step([w, frozen], 0.05);
      }
      for (const value of w.value) expect(value).toBeCloseTo(1, 3);
      expect(Array.from(frozen.value)).toEqual([5, 5]);
    }
    const decayed = createParam('m', [1, 1], () => 1);
    const gain = createParam('g', [1], () => 1);
    const adamw = createAdamW({ weightDecay: 0.5 });
    adamw.step([decayed, gain], 0.1);
    expect(decayed.value[0]).toBeCloseTo(1 - 0.1 * 0.5, 12);
    expect(gain.value[0]).toBe(1);
  });

  it('clips the global gradient norm', () => {
    const a = createParam('a', [2], () => 0);
    const b = createParam('b', [1], () => 0);
    a.grad.set([3, 0]);
    b.grad.set([4]);
    expect(clipGradients([a, b], 1)).toBe(5);
    expect([...a.grad, ...b.grad].map((g) => Number(g.toFixed(12)))).toEqual([0.6, 0, 0.8]);
    expect(clipGradients([a, b], 10)).toBeCloseTo(1, 12);
  });
});
