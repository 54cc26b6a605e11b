import { describe, expect, it } from 'vitest';
import { alkalinePeukertExponent, batteryProfileSchema, batteryProfiles, coinCellPeukertExponent } from '../../src/hw/battery-profiles.ts';
import {
  batteryStateOfCharge,
  capacityUc,
  createBattery,
  dischargeBattery,
  emptyStateOfCharge,
  openCircuitVoltageV,
  peukertFactor,
  stateOfChargeAtVoltage,
  terminalVoltageV,
} from '../../src/hw/battery.ts';

const { cr2032 } = batteryProfiles;

describe('battery profiles', () => {
  it('every built-in profile passes the schema users write their own profiles against', () => {
    for (const profile of Object.values(batteryProfiles)) expect(batteryProfileSchema.parse(profile)).toEqual(profile);
  });

  it('the schema refuses an open-circuit-voltage table whose voltage falls as SoC rises', () => {
    const result = batteryProfileSchema.safeParse({ ...cr2032, openCircuitVoltage: [[0, 2.0], [0.5, 3.1], [1, 3.0]] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['openCircuitVoltage', 2]);
  });

  it('the schema refuses unknown fields and a table that does not span SoC 0..1', () => {
    expect(batteryProfileSchema.safeParse({ ...cr2032, colour: 'silver' }).success).toBe(false);
    expect(batteryProfileSchema.safeParse({ ...cr2032, openCircuitVoltage: [[0.1, 2.0], [1, 3.0]] }).success).toBe(false);
  });

  it('the 2×AA Peukert exponent is the least-squares fit through 3000 mAh at 25 mA to the per-rate capacities', () => {
    const points: [number, number][] = [[100, 2650], [500, 1625], [1000, 1125]];
    let sxy = 0;
    let sxx = 0;
    for (const [ma, mah] of points) {
      const x = Math.log(ma / 25);
      sxy += x * Math.log(mah / 3000);
      sxx += x * x;
    }
    expect(alkalinePeukertExponent).toBeCloseTo(1 - sxy / sxx, 4);
  });

  it('the CR2032 Peukert exponent makes a 10 mA (300 Ω) pulse load deliver 75 % of the 0.2 mA capacity', () => {
    expect(coinCellPeukertExponent).toBeCloseTo(1 + Math.log(1 / 0.75) / Math.log(50), 4);
    expect(1 / peukertFactor(cr2032, 10)).toBeCloseTo(0.75, 3);
  });

  it('every figure of every built-in profile names a source URL', () => {
    for (const profile of Object.values(batteryProfiles)) {
      for (const figure of ['nominalVoltageV', 'cutOffVoltageV', 'capacityMah', 'openCircuitVoltage', 'internalResistanceOhm', 'peukertExponent'] as const) {
        expect(profile.provenance?.[figure]?.urls.length, `${profile.id} ${figure}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('battery', () => {
  it('capacityUc converts mAh to µC (mA·ms)', () => {
    expect(capacityUc(cr2032)).toBe(235 * 3.6e6);
  });

  it('openCircuitVoltageV interpolates the table and clamps outside 0..1', () => {
    expect(openCircuitVoltageV(cr2032, 0.95)).toBeCloseTo(3.15, 12);
    expect(openCircuitVoltageV(cr2032, 0.025)).toBeCloseTo(2.3, 12);
    expect(openCircuitVoltageV(cr2032, -1)).toBe(2.0);
    expect(openCircuitVoltageV(cr2032, 2)).toBe(3.2);
  });

  it('terminalVoltageV subtracts I·R_int: 120 mA through 15 Ω drops 1.8 V', () => {
    expect(terminalVoltageV(cr2032, 0.95, 120)).toBeCloseTo(1.35, 12);
  });

  it('stateOfChargeAtVoltage inverts the table; 0 below V_oc(0), Infinity above V_oc(1)', () => {
    expect(stateOfChargeAtVoltage(cr2032, 2.3)).toBeCloseTo(0.025, 12);
    expect(stateOfChargeAtVoltage(cr2032, 3.0)).toBeCloseTo(0.5, 12);
    expect(stateOfChargeAtVoltage(cr2032, 1.5)).toBe(0);
    expect(stateOfChargeAtVoltage(cr2032, 3.3)).toBe(Number.POSITIVE_INFINITY);
    expect(emptyStateOfCharge(cr2032)).toBe(0);
  });

  it('peukertFactor is 1 at or below the reference current and (I/I_ref)^(k−1) above it', () => {
    expect(peukertFactor(cr2032, 0.003)).toBe(1);
    expect(peukertFactor(cr2032, 0.2)).toBe(1);
    expect(peukertFactor(cr2032, 44)).toBeCloseTo(220 ** 0.0735, 12);
  });

  it('dischargeBattery removes I·t·f(I) and stores harvest only up to full', () => {
    const full = createBattery(cr2032);
    const { battery, step } = dischargeBattery(full, 44, 1000, 100_000);
    expect(step.deliveredUc).toBe(44_000);
    expect(step.drawnUc).toBeCloseTo(44_000 * 220 ** 0.0735, 6);
    expect(step.storedUc).toBeCloseTo(step.drawnUc, 6);
    expect(step.spilledUc).toBeCloseTo(100_000 - step.drawnUc, 6);
    expect(battery.chargeUc).toBe(capacityUc(cr2032));
    expect(step.openCircuitVoltageV).toBe(3.2);
    expect(step.terminalVoltageV).toBeCloseTo(3.2 - 0.66, 12);
  });

  it('createBattery refuses a state of charge outside 0..1', () => {
    expect(() => createBattery(cr2032, 1.5)).toThrow(RangeError);
    expect(batteryStateOfCharge(createBattery(cr2032, 0.25))).toBe(0.25);
  });
});
