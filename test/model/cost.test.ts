import { describe, expect, it } from 'vitest';
import type { TinySeekConfig } from '../../src/model/config.ts';
import { matrixBytes, modelCost, unitCosts } from '../../src/model/cost.ts';
import { countParams } from '../../src/model/params.ts';
import { createTinySeek } from '../../src/model/tinyseek.ts';

// d = 4, 1 layer, 2 heads × 2, latent 3, context 5, 3 routed experts (top-2) + 1 shared of hidden 6, vocab 7.
const config: TinySeekConfig = { vocab: 7, dim: 4, layers: 1, heads: 2, headDim: 2, latentDim: 3, context: 5, experts: 3, sharedExperts: 1, expertHidden: 6, topK: 2, affinity: 'sigmoid', biasUpdate: 0 };

describe('model info: costs per unit, against hand counts', () => {
  it('counts parameters, MACs, latent bytes and boundary bytes of every unit', () => {
    const byUnit = Object.fromEntries(unitCosts(config).map((u) => [u.unit, u]));
    // Embedding: (7 + 5) rows of 4.
    expect(byUnit.embedding).toMatchObject({ parameters: 48, macsPerToken: 0, inputBytes: 1, outputBytes: 4 });
    // Attention: Wq 4×4 + Wdkv 3×4 + Wuk 4×3 + Wuv 4×3 + Wo 4×4 + gain 4 = 16+12+12+12+16+4 = 72.
    // MACs: q 16 + latent 12 + out 16 = 44; per cached position: k 12 + v 12 + scores 4 + sum 4 = 32.
    expect(byUnit.attention).toMatchObject({ parameters: 72, macsPerToken: 44, macsPerCachedPosition: 32, latentBytesPerToken: 3 });
    // Gate: router 3×4 + gain 4 = 16; 12 MACs; out: 4 bytes + 2 × (index + float32 weight).
    expect(byUnit.gate).toMatchObject({ parameters: 16, macsPerToken: 12, outputBytes: 14 });
    // An expert: W1 6×4, W3 6×4, W2 4×6 = 72 parameters, 72 MACs.
    expect(byUnit.routedExpert).toMatchObject({ count: 3, parameters: 72, macsPerToken: 72 });
    expect(byUnit.sharedExpert).toMatchObject({ count: 1, parameters: 72 });
    expect(byUnit.combine).toMatchObject({ macsPerToken: 12, inputBytes: 16, outputBytes: 4 });
    // Head: 7×4 + gain 4 = 32; 28 MACs; 7 float32 logits out.
    expect(byUnit.head).toMatchObject({ parameters: 32, macsPerToken: 28, outputBytes: 28 });
  });

  it('counts weight bytes: packed values plus a float32 scale per row (and float32 gains and biases)', () => {
    expect(matrixBytes(6, 4, 8)).toBe(24 + 24);
    expect(matrixBytes(6, 4, 4)).toBe(12 + 24);
    expect(matrixBytes(6, 4, 2)).toBe(6 + 24);
    const expert = unitCosts(config).find((u) => u.unit === 'routedExpert')!;
    expect(expert.weightBytes).toEqual({ 8: 3 * 24 + 2 * 24 + 16, 4: 3 * 12 + 2 * 24 + 16, 2: 3 * 6 + 2 * 24 + 16 });
  });

  it('with rotary positions: no position table; W_QR (H·d_r × d) and W_KR (d_r × d) per layer; d_r more cache bytes', () => {
    const rotary = { ...config, positions: 'rotary' as const, ropeDim: 2 };
    const byUnit = Object.fromEntries(unitCosts(rotary).map((u) => [u.unit, u]));
    expect(byUnit.embedding!.parameters).toBe(28);
    // 72 + W_QR 4×4 + W_KR 2×4 = 96; MACs 44 + 16 + 8 = 68; per cached position 32 + 2 heads × 2.
    expect(byUnit.attention).toMatchObject({ parameters: 96, macsPerToken: 68, macsPerCachedPosition: 36, latentBytesPerToken: 5 });
    expect(modelCost(rotary).parameters).toBe(countParams(createTinySeek(rotary, 1).params));
  });

  it('totals the model: parameters equal the model\u2019s own count; active MACs use top-k routed experts', () => {
    const total = modelCost(config);
    expect(total.parameters).toBe(countParams(createTinySeek(config, 1).params));
    expect(total.parameters).toBe(48 + 72 + 16 + 3 * 72 + 72 + 32);
    // 44 attention + 12 gate + 2 × 72 routed + 72 shared + 12 combine + 28 head.
    expect(total.activeMacsPerToken).toBe(44 + 12 + 144 + 72 + 12 + 28);
    expect(total.latentBytesPerToken).toBe(3);
  });
});
