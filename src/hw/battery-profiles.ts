/**
 * Battery profiles as data: chemistry, voltages, capacity at a reference current, an
 * open-circuit-voltage table against state of charge, internal resistance and a Peukert
 * exponent. Figures come from secondary sources (tests and summaries of datasheets); each
 * profile's `provenance` names the URL of every figure and marks estimates.
 *
 * Model (used by battery.ts):
 * - V_term = V_oc(SoC) − I·R_int, with R_int constant per profile (it really rises as a cell
 *   empties and in the cold; not modelled).
 * - Peukert: at a current I above the reference current I_ref the cell delivers
 *   C(I) = C_ref·(I_ref/I)^(k−1); at or below I_ref it delivers C_ref (no gain is credited for
 *   light loads, so the rate term is never negative). The rate is applied to the instantaneous
 *   current, as coulomb-counting estimators do (https://doi.org/10.3390/s23021036).
 */
import * as z from 'zod';

/** Figures a profile can cite. */
export type BatteryFigure =
  | 'nominalVoltageV'
  | 'cutOffVoltageV'
  | 'capacityMah'
  | 'openCircuitVoltage'
  | 'internalResistanceOhm'
  | 'peukertExponent';

const figureNames = [
  'nominalVoltageV',
  'cutOffVoltageV',
  'capacityMah',
  'openCircuitVoltage',
  'internalResistanceOhm',
  'peukertExponent',
] as const satisfies readonly BatteryFigure[];

const figureSourceSchema = z
  .object({
    urls: z.array(z.string().min(1)).readonly(),
    /** True where the figure is this project's estimate rather than read from the source. */
    estimate: z.boolean(),
    note: z.string().optional(),
  })
  .strict();

/**
 * Schema of a battery profile, for built-ins and for profiles users add in scenario files.
 * The open-circuit-voltage table runs from SoC 0 to SoC 1 with strictly increasing SoC and
 * non-decreasing voltage, and starts at or above the cut-off voltage.
 *
 * @example
 * batteryProfileSchema.parse({ ...batteryProfiles.cr2032, id: 'my-coin-cell', capacityMah: 210 });
 */
export const batteryProfileSchema = z
  .object({
    id: z.string().min(1),
    chemistry: z.string().min(1),
    nominalVoltageV: z.number().positive(),
    cutOffVoltageV: z.number().positive(),
    capacityMah: z.number().positive(),
    /** Discharge current at which `capacityMah` holds; also the Peukert reference current. */
    referenceCurrentMa: z.number().positive(),
    /** (state of charge 0..1, open-circuit voltage V) points; interpolated linearly. */
    openCircuitVoltage: z.array(z.tuple([z.number().min(0).max(1), z.number().positive()]).readonly()).min(2).readonly(),
    internalResistanceOhm: z.number().nonnegative(),
    peukertExponent: z.number().min(1).max(2),
    provenance: z.partialRecord(z.enum(figureNames), figureSourceSchema).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const points = p.openCircuitVoltage;
    if (points[0]?.[0] !== 0 || points[points.length - 1]?.[0] !== 1) {
      ctx.addIssue({ code: 'custom', path: ['openCircuitVoltage'], message: 'must start at SoC 0 and end at SoC 1' });
    }
    for (let i = 1; i < points.length; i++) {
      const [s0, v0] = points[i - 1]!;
      const [s1, v1] = points[i]!;
      if (!(s1 > s0) || !(v1 >= v0)) {
        ctx.addIssue({
          code: 'custom',
          path: ['openCircuitVoltage', i],
          message: `SoC must increase and voltage must not fall, got (${s0}, ${v0}) then (${s1}, ${v1})`,
        });
      }
    }
    if (points[0] !== undefined && points[0][1] < p.cutOffVoltageV) {
      ctx.addIssue({ code: 'custom', path: ['openCircuitVoltage', 0], message: `V_oc at SoC 0 is below the cut-off voltage ${p.cutOffVoltageV} V` });
    }
  });

export type BatteryProfile = z.output<typeof batteryProfileSchema>;
export type BuiltInBatteryId = 'cr2032' | '2xaa' | '18650';

const cr2032Urls = ['https://encyc.org/wiki/CR2032', 'https://embeddedcomputing.com/technology/open-source/development-kits/cr2032-maximum-current-capacity-datasheet-reality-and-alternatives'];
const cr2032PulseUrls = ['https://blog.adafruit.com/2023/06/27/testing-cr2032-coin-cell-batteries-with-%CE%BCa-to-ma-pulsed-duty-cycles-batteries-power/', 'https://www.qoitech.com/blog/will-my-lorawan-iot-device-work-with-a-coin-cell-battery/'];
const aaUrls = ['https://www.powerstream.com/AA-tests.htm', 'http://www.kurokatta.org/grumble/2019/01/lithium-aa-batteries'];
const liionUrls = ['https://wattworks.bike/components/panasonic-ncr18650-b', 'https://battsysbattery.com/News/Introduction-to-18650-Battery.html'];

/**
 * 2×AA Peukert exponent: least-squares fit of ln(C/C_ref) = −(k−1)·ln(I/I_ref) through the
 * reference point (25 mA, 3000 mAh) to the per-cell capacities of `aaUrls`: 2650 mAh at 100 mA,
 * 1625 at 500 mA, 1125 at 1 A (mid-points of the quoted ranges). k = 1.2296; the fit gives
 * 2182 / 1508 / 1286 mAh at those currents, so it over-penalises 25–100 mA (alkaline cells are
 * not Peukert-shaped) and is pessimistic for a radio's 20–120 mA bursts.
 */
export const alkalinePeukertExponent = 1.2296;

/**
 * CR2032 Peukert exponent from Maxell's pulse-load figure (as the secondary sources of the
 * profile's provenance quote it): 300 Ω pulse loads (≈ 10 mA at 3 V) cut capacity by ≈ 25 %
 * against the 0.2 mA standard drain: (0.2/10)^(k−1) = 0.75 ⇒
 * k = 1 + ln(1/0.75)/ln(50) = 1.0735.
 */
export const coinCellPeukertExponent = 1.0735;

/**
 * The built-in batteries.
 *
 * @example
 * batteryProfiles.cr2032.internalResistanceOhm; // 15
 */
export const batteryProfiles: Readonly<Record<BuiltInBatteryId, BatteryProfile>> = {
  cr2032: {
    id: 'cr2032',
    chemistry: 'Li-MnO2 primary coin cell',
    nominalVoltageV: 3.0,
    cutOffVoltageV: 2.0,
    capacityMah: 235,
    referenceCurrentMa: 0.2,
    openCircuitVoltage: [
      [0, 2.0],
      [0.05, 2.6],
      [0.1, 2.8],
      [0.2, 2.9],
      [0.5, 3.0],
      [0.9, 3.1],
      [1, 3.2],
    ],
    internalResistanceOhm: 15,
    peukertExponent: coinCellPeukertExponent,
    provenance: {
      nominalVoltageV: { urls: cr2032Urls, estimate: false },
      cutOffVoltageV: { urls: cr2032Urls, estimate: false, note: 'end voltage 2.0 V' },
      capacityMah: { urls: cr2032Urls, estimate: false, note: '235 mAh at the 0.2 mA standard drain (220–240 mAh at light load)' },
      openCircuitVoltage: {
        urls: cr2032Urls,
        estimate: true,
        note: 'end points (2.0 V empty, 3.0 V nominal plateau) sourced; the flat plateau, the 3.2 V fresh-cell value and the knee below 10 % are estimates',
      },
      internalResistanceOhm: {
        urls: cr2032Urls,
        estimate: true,
        note: '15 Ω: the lower part of the sourced 10–40 Ω range, which is where a fresh cell at room temperature sits; it makes a 120 mA burst brown out (1.8 V drop) while 20 mA (0.3 V) and the 6.8 mA pulses Energizer allows pass',
      },
      peukertExponent: { urls: cr2032PulseUrls, estimate: true, note: '300 Ω pulse loads cut capacity ≈ 25 % (Maxell CR2032 pulse-load data): k = 1.0735' },
    },
  },
  '2xaa': {
    id: '2xaa',
    chemistry: 'alkaline Zn-MnO2, two AA cells in series',
    nominalVoltageV: 3.0,
    cutOffVoltageV: 1.6,
    capacityMah: 3000,
    referenceCurrentMa: 25,
    openCircuitVoltage: [
      [0, 1.6],
      [0.1, 2.2],
      [0.2, 2.36],
      [0.4, 2.54],
      [0.6, 2.7],
      [0.8, 2.9],
      [0.9, 3.0],
      [1, 3.16],
    ],
    internalResistanceOhm: 0.2,
    peukertExponent: alkalinePeukertExponent,
    provenance: {
      nominalVoltageV: { urls: aaUrls, estimate: false },
      cutOffVoltageV: { urls: aaUrls, estimate: false, note: '0.8 V per cell' },
      capacityMah: { urls: aaUrls, estimate: false, note: '≈ 3000 mAh per cell at 25 mA' },
      openCircuitVoltage: { urls: aaUrls, estimate: true, note: 'end points sourced (0.8 V/cell end, 1.5 V/cell nominal); the sloping curve and 1.58 V/cell fresh value are estimates' },
      internalResistanceOhm: { urls: aaUrls, estimate: true, note: 'mid-point of the 0.1–0.3 Ω published for alkaline AA cells, for the pair' },
      peukertExponent: { urls: aaUrls, estimate: false, note: 'fitted to the per-rate capacities, see alkalinePeukertExponent' },
    },
  },
  '18650': {
    id: '18650',
    chemistry: 'Li-ion (Panasonic NCR18650B class)',
    nominalVoltageV: 3.6,
    cutOffVoltageV: 2.5,
    capacityMah: 3280,
    referenceCurrentMa: 335,
    openCircuitVoltage: [
      [0, 2.5],
      [0.05, 3.3],
      [0.1, 3.45],
      [0.2, 3.55],
      [0.3, 3.62],
      [0.4, 3.68],
      [0.5, 3.74],
      [0.6, 3.82],
      [0.7, 3.9],
      [0.8, 3.98],
      [0.9, 4.08],
      [1, 4.2],
    ],
    internalResistanceOhm: 0.08,
    peukertExponent: 1.05,
    provenance: {
      nominalVoltageV: { urls: liionUrls, estimate: false },
      cutOffVoltageV: { urls: liionUrls, estimate: false, note: '2.5 V, the NCR18650B rating' },
      capacityMah: { urls: liionUrls, estimate: false, note: '3.28 Ah at C/10 (335 mA) to 2.5 V' },
      openCircuitVoltage: { urls: liionUrls, estimate: true, note: 'end points sourced (2.5 V cut-off, 4.2 V full); the NCA-shaped curve between is an estimate' },
      internalResistanceOhm: { urls: liionUrls, estimate: true, note: 'upper bound of the sourced "< 80 mΩ"' },
      peukertExponent: { urls: liionUrls, estimate: true, note: 'Li-ion cells are close to rate-independent; 1.05 is a typical figure, and node currents stay below the C/10 reference anyway' },
    },
  },
};
