/**
 * A node's `solar` block as scenario files write it: hw/solar.ts's schema, with its validation
 * and defaults, every key described for editors and the reference.
 */
import * as z from 'zod';
import { solarConfigSchema } from '../hw/solar.ts';
import { describeDefaulted } from './described.ts';

const { shape } = solarConfigSchema;
const curve = shape.curve;
const [halfSine, table] = curve.unwrap().options;

const halfSineSchema = halfSine.safeExtend({
  type: halfSine.shape.type.describe('halfSine: clear sky, peakIrradianceWPerM2 · sin(π·(h − sunrise)/(sunset − sunrise)) between sunrise and sunset, 0 at night.'),
  peakIrradianceWPerM2: describeDefaulted(halfSine.shape.peakIrradianceWPerM2, 'Irradiance at solar noon in W/m² (1000: clear sky at mid latitudes, the standard test condition; less for clouds or winter).'),
  sunriseHour: describeDefaulted(halfSine.shape.sunriseHour, 'Hour of sunrise, 0 to 24.'),
  sunsetHour: describeDefaulted(halfSine.shape.sunsetHour, 'Hour of sunset, after sunriseHour.'),
});

const tableSchema = table.safeExtend({
  type: table.shape.type.describe('table: a measured or cloudy-day irradiance curve, interpolated linearly.'),
  points: table.shape.points.describe('[hour, W/m²] points from hour 0 to hour 24, hours increasing, e.g. [[0, 0], [6, 0], [12, 600], [18, 0], [24, 0]].'),
});

/** Solar harvesting, as hw/solar.ts validates it. */
export const solarSchema = solarConfigSchema.safeExtend({
  panelAreaM2: shape.panelAreaM2.describe('Panel area in m², e.g. 0.0025 (5 cm × 5 cm).'),
  panelEfficiency: describeDefaulted(shape.panelEfficiency, 'Panel efficiency, 0 to 1 (small mono- or polycrystalline panels: 0.12 to 0.20).', '0.15 (an estimate)'),
  chargeEfficiency: describeDefaulted(shape.chargeEfficiency, 'Charger efficiency, 0 to 1 (a small charger without MPPT: 0.6 to 0.9).', '0.8 (an estimate)'),
  startHour: describeDefaulted(shape.startHour, 'Time of day at the start of the run, in hours from 0 to 24 (6.5 is 06:30).'),
  curve: describeDefaulted(
    z.discriminatedUnion('type', [halfSineSchema, tableSchema]).default(curve.def.defaultValue),
    'Irradiance over a day, repeated every day: a clear-sky half-sine or a table.',
    'halfSine, peak 1000 W/m², sunrise 6, sunset 18',
  ),
});
