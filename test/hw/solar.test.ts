import { describe, expect, it } from 'vitest';
import { createSolarHarvester, harvestedChargeUc, insolationWhPerM2, irradianceWPerM2, solarChargeCurrentMa, solarConfigSchema } from '../../src/hw/solar.ts';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** Composite Simpson's rule: the reference the closed form must match. */
function simpson(f: (x: number) => number, a: number, b: number, n = 20_000): number {
  const h = (b - a) / n;
  let sum = f(a) + f(b);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (sum * h) / 3;
}

describe('solar harvesting', () => {
  const config = solarConfigSchema.parse({ panelAreaM2: 0.0025, startHour: 3 });

  it('defaults to a clear-sky half-sine of 1000 W/m² from 06:00 to 18:00', () => {
    expect(config.curve).toEqual({ type: 'halfSine', peakIrradianceWPerM2: 1000, sunriseHour: 6, sunsetHour: 18 });
    expect(irradianceWPerM2(config.curve, 12)).toBe(1000);
    expect(irradianceWPerM2(config.curve, 9)).toBeCloseTo(1000 * Math.SQRT1_2, 9);
    expect(irradianceWPerM2(config.curve, 5)).toBe(0);
    expect(irradianceWPerM2(config.curve, 20)).toBe(0);
  });

  it('a day of the half-sine brings G_peak × 12 h × 2/π = 7639.4 Wh/m²', () => {
    expect(insolationWhPerM2(config, dayMs)).toBeCloseTo(24_000 / Math.PI, 9);
    expect(insolationWhPerM2(config, 3 * hourMs)).toBe(0); // 03:00 to 06:00, night
  });

  it('solarChargeCurrentMa is G·A·η_panel·η_charge / V: 100 mA at noon into 3 V', () => {
    expect(solarChargeCurrentMa(config, 3, 9 * hourMs)).toBeCloseTo(100, 9);
    expect(solarChargeCurrentMa(config, 3, 0)).toBe(0);
  });

  it('harvestedChargeUc is the exact integral of the charge current over any span, across days', () => {
    const spans: [number, number][] = [
      [0, dayMs],
      [4 * hourMs, 4.5 * hourMs],
      [2.25 * hourMs, 13.7 * hourMs],
      [20 * hourMs, 2 * dayMs + 7 * hourMs],
      [123_456_789, 987_654_321],
    ];
    for (const [from, to] of spans) {
      const numeric = simpson((t) => solarChargeCurrentMa(config, 3, t), from, to, 200_000);
      expect(harvestedChargeUc(config, 3, from, to) / numeric).toBeCloseTo(1, 6);
    }
  });

  it('a 5 cm × 5 cm panel charges a 3 V cell with 764 mAh on a clear day', () => {
    expect(harvestedChargeUc(config, 3, 0, dayMs) / 3.6e6).toBeCloseTo(((24_000 / Math.PI) * 0.0003 * 1000) / 3, 9); // Wh / V = Ah; × 1000 = mAh
  });

  it('a table curve is integrated exactly by trapezoids', () => {
    const cloudy = solarConfigSchema.parse({ panelAreaM2: 1, panelEfficiency: 1, chargeEfficiency: 1, curve: { type: 'table', points: [[0, 0], [8, 0], [12, 400], [16, 0], [24, 0]] } });
    expect(insolationWhPerM2(cloudy, dayMs)).toBeCloseTo(1600, 9);
    expect(insolationWhPerM2(cloudy, 10 * hourMs)).toBeCloseTo(200, 9);
    expect(createSolarHarvester(cloudy, 1).chargeUc(10 * hourMs, 12 * hourMs)).toBeCloseTo(600 * hourMs * 1000, 0);
  });

  it('the schema refuses a sunset before sunrise and a table that does not span the day', () => {
    expect(solarConfigSchema.safeParse({ panelAreaM2: 1, curve: { type: 'halfSine', sunriseHour: 19, sunsetHour: 7 } }).success).toBe(false);
    expect(solarConfigSchema.safeParse({ panelAreaM2: 1, curve: { type: 'table', points: [[0, 0], [12, 1]] } }).success).toBe(false);
  });

  it('harvestedChargeUc refuses a span that runs backwards', () => {
    expect(() => harvestedChargeUc(config, 3, 10, 5)).toThrow(RangeError);
  });
});
