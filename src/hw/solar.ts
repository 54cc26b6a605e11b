/**
 * Optional solar harvesting: irradiance(time of day) × panel area × panel efficiency gives the
 * panel's power; a charger with `chargeEfficiency` turns it into charging current at the
 * battery's nominal voltage:  I_charge = G·A·η_panel·η_charge / V_battery.
 *
 * Irradiance curves (W/m²), repeated every day:
 * - `halfSine` (default): clear sky, G = G_peak·sin(π·(h − sunrise)/(sunset − sunrise)) between
 *   sunrise and sunset, 0 at night. Defaults: G_peak = 1000 W/m² (the standard-test-condition
 *   irradiance, IEC 60904-3, roughly clear-sky noon at mid latitudes), sunrise 06:00, sunset 18:00
 *   (an equinox day). Its daily insolation is G_peak·D·2/π, 7.64 kWh/m² for these defaults:
 *   a sunny summer day; scale `peakIrradianceWPerM2` down for clouds or winter.
 * - `table`: (hour of day, W/m²) points from hour 0 to hour 24, interpolated linearly, for
 *   measured or cloudy-day profiles.
 *
 * Defaults that are ESTIMATES: panel efficiency 0.15 (small mono/poly-Si panels are 0.12–0.20)
 * and charge efficiency 0.8 (a small buck/boost or linear charger without MPPT, 0.6–0.9).
 *
 * Virtual time 0 is `startHour` o'clock on day 0. The harvested charge between two virtual times
 * is the exact integral of the curve (closed form for the half-sine, trapezoids for the table).
 */
import * as z from 'zod';

const hourSchema = z.number().min(0).max(24);

/**
 * Schema of the `harvesting` block a scenario can give a node.
 *
 * @example
 * solarConfigSchema.parse({ panelAreaM2: 0.0025 }).panelEfficiency; // 0.15
 */
export const solarConfigSchema = z
  .object({
    panelAreaM2: z.number().positive(),
    panelEfficiency: z.number().gt(0).max(1).default(0.15),
    chargeEfficiency: z.number().gt(0).max(1).default(0.8),
    /** Time of day at virtual time 0, hours. */
    startHour: z.number().min(0).lt(24).default(0),
    curve: z
      .discriminatedUnion('type', [
        z
          .object({
            type: z.literal('halfSine'),
            peakIrradianceWPerM2: z.number().nonnegative().default(1000),
            sunriseHour: hourSchema.default(6),
            sunsetHour: hourSchema.default(18),
          })
          .strict()
          .refine((c) => c.sunsetHour > c.sunriseHour, { message: 'sunsetHour must be after sunriseHour' }),
        z
          .object({
            type: z.literal('table'),
            points: z.array(z.tuple([hourSchema, z.number().nonnegative()]).readonly()).min(2).readonly(),
          })
          .strict()
          .refine((c) => c.points[0]?.[0] === 0 && c.points[c.points.length - 1]?.[0] === 24 && c.points.every((p, i) => i === 0 || p[0] > c.points[i - 1]![0]), {
            message: 'points must run from hour 0 to hour 24 with increasing hours',
          }),
      ])
      .default({ type: 'halfSine', peakIrradianceWPerM2: 1000, sunriseHour: 6, sunsetHour: 18 }),
  })
  .strict();

export type SolarConfig = z.output<typeof solarConfigSchema>;
export type SolarConfigInput = z.input<typeof solarConfigSchema>;
export type IrradianceCurve = SolarConfig['curve'];

const msPerHour = 3_600_000;

/** A source of charge for the energy ledger. */
export interface Harvester {
  /** Charge delivered into the battery between two virtual times, µC (mA·ms). */
  chargeUc(fromMs: number, toMs: number): number;
}

/**
 * Irradiance at `hourOfDay` (0..24), W/m².
 *
 * @example
 * irradianceWPerM2({ type: 'halfSine', peakIrradianceWPerM2: 1000, sunriseHour: 6, sunsetHour: 18 }, 12); // 1000
 */
export function irradianceWPerM2(curve: IrradianceCurve, hourOfDay: number): number {
  if (curve.type === 'halfSine') {
    const { peakIrradianceWPerM2: peak, sunriseHour: rise, sunsetHour: set } = curve;
    if (hourOfDay <= rise || hourOfDay >= set) return 0;
    return peak * Math.sin((Math.PI * (hourOfDay - rise)) / (set - rise));
  }
  const { points } = curve;
  for (let i = 1; i < points.length; i++) {
    const [h1, g1] = points[i]!;
    if (hourOfDay <= h1) {
      const [h0, g0] = points[i - 1]!;
      return g0 + ((g1 - g0) * (hourOfDay - h0)) / (h1 - h0);
    }
  }
  return points[points.length - 1]![1];
}

/** ∫₀^hour irradiance dh, in W·h/m², for 0 ≤ hour ≤ 24. */
function insolationSinceMidnightWhPerM2(curve: IrradianceCurve, hour: number): number {
  if (curve.type === 'halfSine') {
    const { peakIrradianceWPerM2: peak, sunriseHour: rise, sunsetHour: set } = curve;
    const dayH = set - rise;
    const h = Math.min(set, Math.max(rise, hour));
    return ((peak * dayH) / Math.PI) * (1 - Math.cos((Math.PI * (h - rise)) / dayH));
  }
  const { points } = curve;
  let sum = 0;
  for (let i = 1; i < points.length; i++) {
    const [h0, g0] = points[i - 1]!;
    const [h1] = points[i]!;
    if (hour <= h0) break;
    const hEnd = Math.min(hour, h1);
    sum += ((g0 + irradianceWPerM2(curve, hEnd)) / 2) * (hEnd - h0);
  }
  return sum;
}

/**
 * Insolation between virtual times 0 and `timeMs`, W·h/m² (whole days plus the part day).
 *
 * @example
 * insolationWhPerM2(solarConfigSchema.parse({ panelAreaM2: 1 }), 86_400_000); // 24000/π ≈ 7639.4
 */
export function insolationWhPerM2(config: SolarConfig, timeMs: number): number {
  const hoursFromMidnight = config.startHour + timeMs / msPerHour;
  const days = Math.floor(hoursFromMidnight / 24);
  const hourOfDay = hoursFromMidnight - days * 24;
  return days * insolationSinceMidnightWhPerM2(config.curve, 24) + insolationSinceMidnightWhPerM2(config.curve, hourOfDay) - insolationSinceMidnightWhPerM2(config.curve, config.startHour);
}

/**
 * Charging current into a battery of `batteryVoltageV` at virtual `timeMs`, mA.
 *
 * @example
 * solarChargeCurrentMa(solarConfigSchema.parse({ panelAreaM2: 0.0025, startHour: 12 }), 3, 0); // 1000·0.0025·0.15·0.8/3 W = 100 mA
 */
export function solarChargeCurrentMa(config: SolarConfig, batteryVoltageV: number, timeMs: number): number {
  const hour = (((config.startHour + timeMs / msPerHour) % 24) + 24) % 24;
  return (irradianceWPerM2(config.curve, hour) * wattsPerIrradiance(config) * 1000) / batteryVoltageV;
}

/**
 * Harvested charge between virtual times `fromMs` and `toMs`, µC: the exact integral of
 * `solarChargeCurrentMa`.
 *
 * @example
 * harvestedChargeUc(solarConfigSchema.parse({ panelAreaM2: 0.0025 }), 3, 0, 86_400_000); // 24000/π Wh/m² × 0.0003 / 3 V ≈ 2.75e9 µC (764 mAh) a day
 */
export function harvestedChargeUc(config: SolarConfig, batteryVoltageV: number, fromMs: number, toMs: number): number {
  if (!(toMs >= fromMs)) throw new RangeError(`toMs must be ≥ fromMs, got ${fromMs}..${toMs}`);
  const whPerM2 = insolationWhPerM2(config, toMs) - insolationWhPerM2(config, fromMs);
  // W·h → W·ms: × msPerHour; W / V = A → × 1000 for mA; mA·ms = µC.
  return Math.max(0, (whPerM2 * wattsPerIrradiance(config) * msPerHour * 1000) / batteryVoltageV);
}

/**
 * A `Harvester` for the energy ledger.
 *
 * @example
 * createSolarHarvester({ panelAreaM2: 0.0025 }, 3).chargeUc(0, 3_600_000);
 */
export function createSolarHarvester(config: SolarConfigInput, batteryVoltageV: number): Harvester {
  if (!(batteryVoltageV > 0)) throw new RangeError(`batteryVoltageV must be > 0, got ${batteryVoltageV}`);
  const parsed = solarConfigSchema.parse(config);
  return { chargeUc: (fromMs, toMs) => harvestedChargeUc(parsed, batteryVoltageV, fromMs, toMs) };
}

/** Watts at the battery per W/m² of irradiance. */
function wattsPerIrradiance(config: SolarConfig): number {
  return config.panelAreaM2 * config.panelEfficiency * config.chargeEfficiency;
}
