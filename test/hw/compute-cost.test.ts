import { describe, expect, it } from 'vitest';
import { adAutoencoderOps, computeCost, costOfOps, kwsDsCnnOps, workCost } from '../../src/hw/compute-cost.ts';
import { mcuIds, mcuProfiles, opTypes, type OpType } from '../../src/hw/mcu-profiles.ts';

/**
 * MLPerf Tiny v1.2 results (summary.csv, https://github.com/mlcommons/tiny_results_v1.2):
 * KWS ms / µJ and AD ms / µJ per inference (latency = 1000 / median throughput; energy = median
 * µJ per inference from the energy runner).
 */
const published = [
  { id: 'stm32u575', kwsMs: 29.1, kwsUj: 656, adMs: 3.43, adUj: 82 },
  { id: 'stm32h7a3', kwsMs: 11.3, kwsUj: 1376, adMs: 1.23, adUj: 166 },
  { id: 'stm32l4r5', kwsMs: 43.2, kwsUj: 1820, adMs: 5.26, adUj: 203 },
] as const;

const within = (actual: number, expected: number, tolerance: number): void => {
  expect(Math.abs(actual / expected - 1)).toBeLessThanOrEqual(tolerance);
};

const sum = (ops: readonly { op: OpType; macs: number }[], types: readonly OpType[]): number =>
  ops.filter((o) => types.includes(o.op)).reduce((total, o) => total + o.macs, 0);

describe('MLPerf Tiny op mixes', () => {
  it('KWS DS-CNN is 2,656,768 MACs (≈2.66 M): 2,368,000 conv, 288,000 depthwise, 768 dense', () => {
    expect(sum(kwsDsCnnOps, ['conv'])).toBe(2_368_000);
    expect(sum(kwsDsCnnOps, ['depthwise'])).toBe(288_000);
    expect(sum(kwsDsCnnOps, ['matmul'])).toBe(768);
    expect(sum(kwsDsCnnOps, ['conv', 'depthwise', 'matmul'])).toBe(2_656_768);
  });

  it('AD autoencoder is 264,192 dense MACs (≈0.264 M)', () => {
    expect(adAutoencoderOps).toHaveLength(10);
    expect(sum(adAutoencoderOps, ['matmul'])).toBe(264_192);
  });
});

describe('calibration against MLPerf Tiny v1.2', () => {
  it.each(published)('$id: KWS $kwsMs ms / $kwsUj µJ and AD $adMs ms / $adUj µJ, each within 10%', ({ id, kwsMs, kwsUj, adMs, adUj }) => {
    const mcu = mcuProfiles[id];
    const kws = costOfOps(mcu, kwsDsCnnOps);
    const ad = costOfOps(mcu, adAutoencoderOps);
    within(kws.latencyMs, kwsMs, 0.1);
    within(kws.energyUj, kwsUj, 0.1);
    within(ad.latencyMs, adMs, 0.1);
    within(ad.energyUj, adUj, 0.1);
    // The fit is much tighter than the acceptance bound: latency to 1%, energy to 6%.
    within(kws.latencyMs, kwsMs, 0.01);
    within(ad.latencyMs, adMs, 0.01);
    within(kws.energyUj, kwsUj, 0.06);
    within(ad.energyUj, adUj, 0.06);
  });
});

describe('computeCost', () => {
  it('is MACs / (clock × MACs per cycle) on the CPU: 1.6 M matmul MACs at 0.481/cycle on 160 MHz', () => {
    const cost = computeCost(mcuProfiles.stm32u575, { op: 'matmul', macs: 1_600_000 });
    expect(cost.onNpu).toBe(false);
    expect(cost.cycles).toBeCloseTo(1_600_000 / 0.481, 6);
    expect(cost.latencyMs).toBeCloseTo((1_600_000 / 0.481 / 160e6) * 1000, 9);
    expect(cost.energyUj).toBeCloseTo(23.2 * cost.latencyMs, 9);
  });

  it('uses the stm32n6 NPU for matmul at its sustained rate: MACs / 52.4 GMAC/s at 264.87 mW', () => {
    const cost = computeCost(mcuProfiles.stm32n6, { op: 'matmul', macs: 3_000_000 });
    expect(cost.onNpu).toBe(true);
    expect(cost.latencyMs).toBeCloseTo((3e6 / 52.4e9) * 1000, 12);
    expect(cost.energyUj).toBeCloseTo(264.87 * (3e6 / 52.4e9) * 1000, 9);
    expect(cost.cycles).toBeCloseTo(3e6 / 52.4e9 * 800e6, 6);
  });

  it('runs softmax and elementwise on the stm32n6 CPU, not the NPU', () => {
    for (const op of ['softmax', 'elementwise'] as const) {
      const cost = computeCost(mcuProfiles.stm32n6, { op, macs: 10_000 });
      expect(cost.onNpu).toBe(false);
      expect(cost.latencyMs).toBeCloseTo((10_000 / mcuProfiles.stm32n6.macsPerCycle[op] / 800e6) * 1000, 12);
    }
  });

  it('never uses an NPU on MCUs without one', () => {
    for (const id of mcuIds) {
      if (id === 'stm32n6') continue;
      for (const op of opTypes) expect(computeCost(mcuProfiles[id], { op, macs: 1000 }).onNpu).toBe(false);
    }
  });

  it('is zero for zero MACs and grows linearly with MACs on every MCU and op', () => {
    for (const id of mcuIds) {
      for (const op of opTypes) {
        const mcu = mcuProfiles[id];
        expect(computeCost(mcu, { op, macs: 0 })).toMatchObject({ latencyMs: 0, energyUj: 0, cycles: 0 });
        const one = computeCost(mcu, { op, macs: 1e5 });
        const two = computeCost(mcu, { op, macs: 2e5 });
        expect(one.latencyMs).toBeGreaterThan(0);
        expect(two.latencyMs).toBeCloseTo(2 * one.latencyMs, 9);
        expect(two.energyUj).toBeCloseTo(2 * one.energyUj, 9);
      }
    }
  });

  it('makes a faster clock faster: the same per-cycle M4 rates take 64/120 as long on stm32l4r5 as on nrf52840', () => {
    const nrf = computeCost(mcuProfiles.nrf52840, { op: 'conv', macs: 1e6 });
    const l4 = computeCost(mcuProfiles.stm32l4r5, { op: 'conv', macs: 1e6 });
    expect(l4.latencyMs / nrf.latencyMs).toBeCloseTo(64 / 120, 12);
  });

  it('costs depthwise, softmax and elementwise work more per unit than conv on the calibrated MCUs', () => {
    for (const id of ['stm32u575', 'stm32h7a3', 'stm32l4r5'] as const) {
      const ms = (op: OpType): number => computeCost(mcuProfiles[id], { op, macs: 1e5 }).latencyMs;
      expect(ms('depthwise')).toBeGreaterThan(ms('conv'));
      expect(ms('elementwise')).toBeGreaterThan(ms('conv'));
      expect(ms('softmax')).toBeGreaterThan(ms('elementwise'));
    }
  });

  it('rejects negative or non-finite MACs and unknown ops with a RangeError naming the value', () => {
    expect(() => computeCost(mcuProfiles.rp2040, { op: 'matmul', macs: -1 })).toThrow(new RangeError('macs must be a finite number ≥ 0, got -1'));
    expect(() => computeCost(mcuProfiles.rp2040, { op: 'matmul', macs: Number.NaN })).toThrow(RangeError);
    expect(() => computeCost(mcuProfiles.rp2040, { op: 'gelu' as OpType, macs: 1 })).toThrow(/got "gelu"/);
  });
});

describe('costOfOps', () => {
  it('sums the costs of its operations and splits the work between NPU and CPU', () => {
    const mcu = mcuProfiles.stm32n6;
    const ops = [
      { op: 'matmul', macs: 1e6 },
      { op: 'softmax', macs: 64 },
    ] as const;
    const total = costOfOps(mcu, ops);
    const parts = ops.map((op) => computeCost(mcu, op));
    expect(total.latencyMs).toBe(parts[0]!.latencyMs + parts[1]!.latencyMs);
    expect(total.energyUj).toBe(parts[0]!.energyUj + parts[1]!.energyUj);
    expect(total.npuMacs).toBe(1e6);
    expect(total.cpuMacs).toBe(64);
  });

  it('is all zeros for no operations', () => {
    expect(costOfOps(mcuProfiles['esp32-s3'], [])).toEqual({ latencyMs: 0, energyUj: 0, cycles: 0, npuMacs: 0, cpuMacs: 0 });
  });
});

describe('workCost', () => {
  it("streams a dense layer's weights from the stm32n6 octo-SPI flash: bound by 382 MB/s, not by the NPU", () => {
    // 356,480 int8 weights read once: 356,480 B / 382 MB/s = 0.93319 ms; the NPU alone would take 356,480 / 52.4 G = 0.0068 ms.
    const cost = workCost(mcuProfiles.stm32n6, { ops: [{ op: 'matmul', macs: 356_480 }], weightBytes: 356_480 });
    expect(cost.bound).toBe('memory');
    expect(cost.memoryMs).toBeCloseTo((356_480 / 382e6) * 1000, 12);
    expect(cost.arithmeticMs).toBeCloseTo((356_480 / 52.4e9) * 1000, 12);
    expect(cost.latencyMs).toBe(cost.memoryMs);
    // The NPU's power while it waits on the flash, plus the flash's own 141 pJ per byte.
    expect(cost.memoryUj).toBeCloseTo(356_480 * 141e-6, 9);
    expect(cost.energyUj).toBeCloseTo(264.87 * cost.memoryMs + 356_480 * 141e-6, 9);
    expect(cost.powerMw).toBeCloseTo(cost.energyUj / cost.latencyMs, 9);
  });

  it('reads weights copied to SRAM or PSRAM at those tiers\' rates', () => {
    const dense = { ops: [{ op: 'matmul', macs: 1_000_000 }] as const, weightBytes: 1_000_000 };
    const n6 = mcuProfiles.stm32n6;
    expect(workCost(n6, { ...dense, weightsIn: 'sram' }).memoryMs).toBeCloseTo(1e6 / 6.4e9 * 1000, 12);
    expect(workCost(n6, { ...dense, weightsIn: 'external' }).memoryMs).toBeCloseTo(1e6 / 800e6 * 1000, 12);
    expect(workCost(n6, { ...dense, weightsIn: 'external' }).memoryUj).toBeCloseTo(1e6 * 68e-6, 9);
    expect(() => workCost(mcuProfiles.stm32u575, { ...dense, weightsIn: 'external' })).toThrow(/stm32u575 has no external memory tier/);
  });

  it('keeps the calibrated parts arithmetic-bound on MLPerf Tiny AD with its weights in internal flash, at exactly computeCost', () => {
    for (const id of ['stm32u575', 'stm32h7a3', 'stm32l4r5'] as const) {
      const cost = workCost(mcuProfiles[id], { ops: adAutoencoderOps, weightBytes: 264_192 });
      expect(cost.bound).toBe('arithmetic');
      expect(cost.latencyMs).toBeCloseTo(costOfOps(mcuProfiles[id], adAutoencoderOps).latencyMs, 9);
      expect(cost.powerMw).toBe(mcuProfiles[id].activePowerMw);
    }
  });

  it('takes the slower of arithmetic and memory, then the CPU-only work', () => {
    // rp2350: 1 M dense MACs at 0.481/cycle × 150 MHz = 13.86 ms of arithmetic; 1 MB through the XIP cache at 14.3 MB/s = 69.93 ms.
    const rp = workCost(mcuProfiles.rp2350, { ops: [{ op: 'matmul', macs: 1e6 }, { op: 'softmax', macs: 1000 }], weightBytes: 1e6 });
    expect(rp.bound).toBe('memory');
    expect(rp.cpuOnlyMs).toBeCloseTo((1000 / 0.02 / 150e6) * 1000, 12);
    expect(rp.latencyMs).toBeCloseTo((1e6 / 14.3e6) * 1000 + rp.cpuOnlyMs, 9);
    expect(rp.energyUj).toBeCloseTo(66 * rp.latencyMs, 9);
  });

  it('never binds on memory for a profile without tiers', () => {
    const { memory: _none, ...bare } = mcuProfiles.stm32u575;
    const cost = workCost(bare, { ops: [{ op: 'matmul', macs: 1000 }], weightBytes: 1e12 });
    expect(cost.memoryMs).toBe(0);
    expect(cost.bound).toBe('arithmetic');
  });
});
