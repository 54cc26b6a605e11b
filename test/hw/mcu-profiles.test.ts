import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { defaultBudget, figureKeys, isEstimate, mcuIds, mcuProfileInputs, mcuProfiles, opTypes, validateMcuProfile, type McuProfileInput } from '../../src/hw/mcu-profiles.ts';

const builtInIds = ['stm32u575', 'stm32h7a3', 'stm32l4r5', 'stm32n6', 'esp32-s3', 'nrf52840', 'rp2040', 'rp2350'];
const profiles = mcuIds.map((id) => mcuProfiles[id]);

/** A user profile as it would be written in a scenario file (budgets left to their defaults). */
const userProfile: McuProfileInput = {
  id: 'my-board',
  core: 'Cortex-M33',
  clockHz: 96e6,
  sramBytes: 256 * 1024,
  flashBytes: 1024 * 1024,
  flashExternal: false,
  supplyV: 1.8,
  activePowerMw: 5.5,
  idlePowerMw: 2,
  sleepCurrentUa: 2,
  brownOutV: 1.7,
  macsPerCycle: { matmul: 0.5, conv: 0.6, depthwise: 0.3, elementwise: 0.25, softmax: 0.02 },
};

describe('mcuProfiles', () => {
  it('holds exactly the eight built-in ids, each under its own id', () => {
    expect([...mcuIds]).toEqual(builtInIds);
    for (const id of mcuIds) expect(mcuProfiles[id].id).toBe(id);
  });

  it.each(profiles)('$id has positive figures, a rate for every op type and a model budget smaller than its memories', (p) => {
    for (const value of [p.clockHz, p.sramBytes, p.flashBytes, p.supplyV, p.activePowerMw, p.idlePowerMw, p.sleepCurrentUa, p.brownOutV]) {
      expect(value).toBeGreaterThan(0);
    }
    for (const op of opTypes) expect(p.macsPerCycle[op]).toBeGreaterThan(0);
    expect(p.idlePowerMw).toBeLessThan(p.activePowerMw);
    expect(p.brownOutV).toBeLessThan(p.supplyV);
    expect(p.modelFlashBytes).toBeGreaterThan(0);
    expect(p.modelSramBytes).toBeGreaterThan(0);
    expect(p.modelFlashBytes).toBe(p.flashBytes - p.firmwareFlashBytes - p.radioStackFlashBytes);
    expect(p.modelSramBytes).toBe(p.sramBytes - p.firmwareSramBytes - p.radioStackSramBytes);
    expect(p.modelFlashBytes).toBeLessThan(p.flashBytes);
    expect(p.modelSramBytes).toBeLessThan(p.sramBytes);
  });

  it.each(profiles)('$id gives every figure a source URL or an estimate marker with a reason', (p) => {
    const present = (key: string): boolean =>
      (!key.startsWith('npu') || p.npu !== undefined) && (!key.startsWith('memory.external') || p.memory?.external !== undefined) && (key !== 'unitPrice' || p.unitPrice !== undefined);
    const expected = figureKeys.filter(present);
    expect(Object.keys(p.sources).sort()).toEqual([...expected].sort());
    for (const key of expected) {
      const source = p.sources[key]!;
      if ('estimate' in source) {
        expect(source.estimate).toBe(true);
        expect(source.reason.length).toBeGreaterThan(10);
      } else {
        expect(source.url).toMatch(/^https?:\/\//);
      }
    }
  });

  it('marks the three MLPerf-calibrated MCUs as calibrated, with sourced matmul and conv rates and active power', () => {
    for (const id of ['stm32u575', 'stm32h7a3', 'stm32l4r5'] as const) {
      const p = mcuProfiles[id];
      expect(p.calibration).toMatch(/MLPerf Tiny/);
      for (const key of ['macsPerCycle.matmul', 'macsPerCycle.conv', 'activePowerMw'] as const) expect(isEstimate(p, key)).toBe(false);
      expect(isEstimate(p, 'macsPerCycle.depthwise')).toBe(true);
    }
  });

  it('marks stm32n6 as calibrated on ST figures: its NPU rates, flash bandwidth and power sourced, its CPU fallback estimated', () => {
    const p = mcuProfiles.stm32n6;
    expect(p.calibration).toMatch(/ST Model Zoo/);
    for (const key of ['npu.macsPerSecond.conv', 'npu.macsPerSecond.depthwise', 'npu.activePowerMw', 'memory.flash', 'activePowerMw', 'idlePowerMw'] as const) expect(isEstimate(p, key)).toBe(false);
    for (const op of opTypes) expect(isEstimate(p, `macsPerCycle.${op}`)).toBe(true);
    expect(isEstimate(p, 'npu.macsPerSecond.matmul')).toBe(true);
    expect(isEstimate(p, 'memory.flash.readPjPerByte')).toBe(true);
  });

  it('marks the throughput of the other four MCUs as estimates (the esp32-s3 conv rate fitted, but not confirmed by a held-out figure)', () => {
    for (const id of ['esp32-s3', 'nrf52840', 'rp2040', 'rp2350'] as const) {
      const p = mcuProfiles[id];
      expect(p.calibration).toBeUndefined();
      for (const op of opTypes) expect(isEstimate(p, `macsPerCycle.${op}`)).toBe(id === 'esp32-s3' && op === 'conv' ? false : true);
    }
  });

  it('marks the unsourced power figures of nrf52840 and rp2350 as estimates', () => {
    expect(isEstimate(mcuProfiles.nrf52840, 'activePowerMw')).toBe(true);
    expect(isEstimate(mcuProfiles.rp2350, 'activePowerMw')).toBe(true);
    expect(isEstimate(mcuProfiles.rp2350, 'sleepCurrentUa')).toBe(true);
    expect(isEstimate(mcuProfiles.stm32u575, 'clockHz')).toBe(false);
  });

  it('gives only stm32n6 an NPU: Neural-ART at its sustained rates (52.4 GMAC/s conv, 1.96 depthwise) and 264.87 mW, 600 GOPS peak', () => {
    expect(mcuProfiles.stm32n6.npu).toEqual({ name: 'Neural-ART', peakOpsPerSecond: 600e9, macsPerSecond: { matmul: 52.4e9, conv: 52.4e9, depthwise: 1.96e9 }, activePowerMw: 264.87 });
    for (const p of profiles) if (p.id !== 'stm32n6') expect(p.npu).toBeUndefined();
  });

  it('gives every built-in profile its SRAM and flash tiers, and an external tier where the board has one', () => {
    for (const p of profiles) {
      expect(p.memory!.sram.readBytesPerSecond).toBeGreaterThanOrEqual(p.memory!.flash.readBytesPerSecond);
      // On-chip reads are inside the active power; only the STM32N6's external flash is measured apart from its core.
      expect(p.memory!.sram.readPjPerByte).toBe(0);
    }
    expect(profiles.filter((p) => p.memory!.external).map((p) => [p.id, p.memory!.external!.kind, p.memory!.external!.bytes])).toEqual([
      ['stm32n6', 'psram', 32 * 1024 * 1024],
      ['esp32-s3', 'psram', 8 * 1024 * 1024],
      ['nrf52840', 'flash', 8 * 1024 * 1024],
    ]);
    expect(mcuProfiles.stm32n6.memory!.flash).toMatchObject({ readBytesPerSecond: 382e6, readPjPerByte: 141 });
  });

  it('says which MCUs keep code and weights in external flash', () => {
    const external = profiles.filter((p) => p.flashExternal).map((p) => p.id);
    expect(external).toEqual(['stm32n6', 'esp32-s3', 'rp2040', 'rp2350']);
  });

  it('uses the MLPerf Tiny supply voltages for the calibrated MCUs (1.8 V, 3.0 V, 1.8 V)', () => {
    expect([mcuProfiles.stm32u575.supplyV, mcuProfiles.stm32h7a3.supplyV, mcuProfiles.stm32l4r5.supplyV]).toEqual([1.8, 3.0, 1.8]);
  });
});

describe('validateMcuProfile', () => {
  it('fills the default budget and derives what is left for models', () => {
    const p = validateMcuProfile(userProfile);
    expect(p.firmwareFlashBytes).toBe(defaultBudget.firmwareFlashBytes);
    expect(p.radioStackSramBytes).toBe(defaultBudget.radioStackSramBytes);
    expect(p.modelFlashBytes).toBe(1024 * 1024 - 96 * 1024 - 48 * 1024);
    expect(p.modelSramBytes).toBe(256 * 1024 - 32 * 1024 - 8 * 1024);
    expect(p.sources).toEqual({});
  });

  it('refuses a budget that leaves no SRAM for models, naming the field and the numbers', () => {
    const error = captureZodError(() => validateMcuProfile({ ...userProfile, firmwareSramBytes: 250 * 1024 }));
    expect(error.issues[0]!.path).toEqual(['firmwareSramBytes']);
    expect(error.issues[0]!.message).toBe('expected firmwareSramBytes + radioStackSramBytes < SRAM 262144 B so that models have room, found 264192 B');
  });

  it('refuses unknown keys, a missing op rate, a non-positive clock and an NPU op it cannot run', () => {
    expect(() => validateMcuProfile({ ...userProfile, clockMhz: 96 })).toThrow(ZodError);
    expect(() => validateMcuProfile({ ...userProfile, macsPerCycle: { matmul: 0.5, conv: 0.6, depthwise: 0.3, elementwise: 0.25 } })).toThrow(ZodError);
    expect(() => validateMcuProfile({ ...userProfile, clockHz: 0 })).toThrow(ZodError);
    expect(() => validateMcuProfile({ ...userProfile, npu: { name: 'x', peakOpsPerSecond: 1e9, macsPerSecond: { softmax: 1e9 }, activePowerMw: 10 } })).toThrow(ZodError);
    expect(() => validateMcuProfile({ ...userProfile, npu: { name: 'x', peakOpsPerSecond: 1e9, macsPerSecond: {}, activePowerMw: 10 } })).toThrow(ZodError);
    expect(() => validateMcuProfile({ ...userProfile, memory: { sram: { name: 's', readBytesPerSecond: 1e9, readPjPerByte: 0 } } })).toThrow(ZodError);
    expect(() => validateMcuProfile({ ...userProfile, sources: { clockMhz: { url: 'https://example.org' } } })).toThrow(ZodError);
  });

  it('accepts an estimate marker with a reason and refuses one without', () => {
    expect(validateMcuProfile({ ...userProfile, sources: { clockHz: { estimate: true, reason: 'board default' } } }).sources.clockHz).toEqual({
      estimate: true,
      reason: 'board default',
    });
    expect(() => validateMcuProfile({ ...userProfile, sources: { clockHz: { estimate: true } } })).toThrow(ZodError);
  });
});

function captureZodError(run: () => unknown): ZodError {
  try {
    run();
  } catch (error) {
    if (error instanceof ZodError) return error;
    throw error;
  }
  throw new Error('expected a ZodError');
}

describe('mcuProfileInputs', () => {
  it('is a base for user overrides: stm32u575 with 16 KiB firmware SRAM leaves 762 KiB for models', () => {
    expect(validateMcuProfile({ ...mcuProfileInputs.stm32u575, id: 'u575-lean', firmwareSramBytes: 16 * 1024 }).modelSramBytes).toBe(762 * 1024);
  });

  it('validates to exactly the built-in profiles', () => {
    for (const id of mcuIds) expect(validateMcuProfile(mcuProfileInputs[id])).toEqual(mcuProfiles[id]);
  });
});

describe('unit prices', () => {
  it('gives a sourced price, its quantity and date, to the six MCUs one was found for, and none to the L4R5 and N6', () => {
    expect(mcuIds.map((id) => [id, mcuProfiles[id].unitPrice?.usd])).toEqual([
      ['stm32u575', 10.62], ['stm32h7a3', 15], ['stm32l4r5', undefined], ['stm32n6', undefined], ['esp32-s3', 6.13], ['nrf52840', 4.029], ['rp2040', 1], ['rp2350', 1.1],
    ]);
    expect(isEstimate(mcuProfiles.stm32h7a3, 'unitPrice')).toBe(true);
    expect(isEstimate(mcuProfiles.nrf52840, 'unitPrice')).toBe(false);
  });
});
