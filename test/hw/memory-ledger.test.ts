import { describe, expect, it } from 'vitest';
import { checkStaticAllocation, createMemoryLedger, memoryKinds } from '../../src/hw/memory-ledger.ts';

const budgets = { flashBytes: 1_048_576, sramBytes: 262_144 };

describe('memory ledger: static check', () => {
  it('checkStaticAllocation accepts allocations that fill a region exactly', () => {
    expect(checkStaticAllocation(budgets, { firmware: 48_576, weights: 1_000_000, firmwareBaseline: 62_144, activations: 200_000 })).toEqual({ ok: true });
  });

  it('checkStaticAllocation names the region, request, budget and exact shortfall', () => {
    const check = checkStaticAllocation(budgets, { firmwareBaseline: 40_000, radioBuffers: 2_048, kvCache: 230_000, weights: 900_000 });
    expect(check).toEqual({
      ok: false,
      shortfalls: [
        {
          region: 'sram',
          requestedBytes: 272_048,
          budgetBytes: 262_144,
          shortfallBytes: 9_904,
          byKind: { firmwareBaseline: 40_000, radioBuffers: 2_048, kvCache: 230_000 },
          message: 'SRAM: requested 272048 B (firmwareBaseline 40000 B, radioBuffers 2048 B, kvCache 230000 B), budget 262144 B, short by 9904 B',
        },
      ],
    });
  });

  it('checkStaticAllocation reports flash and SRAM shortfalls together', () => {
    const check = checkStaticAllocation({ flashBytes: 100, sramBytes: 10 }, { weights: 101, trainingBuffers: 12 });
    expect(check.ok === false && check.shortfalls.map((s) => [s.region, s.shortfallBytes])).toEqual([
      ['flash', 1],
      ['sram', 2],
    ]);
  });

  it('byte counts must be whole and non-negative', () => {
    expect(() => checkStaticAllocation(budgets, { weights: 1.5 })).toThrow(RangeError);
    expect(() => createMemoryLedger({ flashBytes: -1, sramBytes: 0 })).toThrow(RangeError);
  });

  it('every kind lives in flash or SRAM', () => {
    expect(Object.entries(memoryKinds).filter(([, region]) => region === 'flash').map(([kind]) => kind)).toEqual(['firmware', 'radioStack', 'weights']);
  });
});

describe('memory ledger: runtime', () => {
  it('allocate answers a fault with the reason instead of overrunning, and books nothing', () => {
    const memory = createMemoryLedger(budgets);
    expect(memory.allocate('firmwareBaseline', 40_000)).toEqual({ type: 'allocated', usedBytes: 40_000, freeBytes: 222_144 });
    expect(memory.allocate('kvCache', 200_000)).toEqual({ type: 'allocated', usedBytes: 240_000, freeBytes: 22_144 });
    const fault = memory.allocate('kvCache', 30_000);
    expect(fault).toEqual({
      type: 'memoryFault',
      region: 'sram',
      kind: 'kvCache',
      requestedBytes: 30_000,
      usedBytes: 240_000,
      budgetBytes: 262_144,
      shortfallBytes: 7_856,
      reason: 'SRAM allocation of 30000 B for kvCache does not fit: 240000 B of 262144 B in use, short by 7856 B',
    });
    expect(memory.usage().usedBytes.sram).toBe(240_000);
    expect(memory.usage().bytesByKind.kvCache).toBe(200_000);
  });

  it('free returns bytes and peaks keep the high-water mark per region and per kind', () => {
    const memory = createMemoryLedger(budgets);
    memory.allocate('weights', 500_000);
    memory.allocate('activations', 100_000);
    memory.allocate('kvCache', 50_000);
    memory.free('activations', 100_000);
    memory.allocate('trainingBuffers', 80_000);
    memory.free('kvCache', 20_000);
    const usage = memory.usage();
    expect(usage.usedBytes).toEqual({ flash: 500_000, sram: 110_000, external: 0 });
    expect(usage.peakBytes).toEqual({ flash: 500_000, sram: 150_000, external: 0 });
    expect(usage.peakBytesByKind).toMatchObject({ activations: 100_000, kvCache: 50_000, trainingBuffers: 80_000, weights: 500_000 });
    expect(usage.bytesByKind).toMatchObject({ activations: 0, kvCache: 30_000 });
    expect(usage.budgetBytes).toEqual({ flash: 1_048_576, sram: 262_144, external: 0 });
  });

  it('freeing more than a kind holds is a programmer error', () => {
    const memory = createMemoryLedger(budgets);
    memory.allocate('radioBuffers', 256);
    expect(() => memory.free('radioBuffers', 257)).toThrow('cannot free 257 B of radioBuffers: only 256 B allocated');
  });
});
