/**
 * Radio transceiver profiles: transmit current by TX power, receive, standby and sleep
 * currents, supply range, modulation limits, the chip family whose time-on-air rules apply and
 * its default sensitivity table. Each figure's source is named below; each profile lists which
 * of its figures are estimates.
 *
 * - sx1276: SX1276 datasheet Rev 7 Table 6 points as commonly quoted (not checked against the
 *   PDF; https://github.com/Lora-net/LoRaMac-node/issues/167): +7 dBm RFO 20 mA, +13 dBm RFO 29 mA,
 *   +17 dBm PA_BOOST 87 mA, +20 dBm PA_BOOST 120 mA; currents between points are interpolated
 *   linearly in dBm (so 14–16 dBm, where the chip switches from RFO to PA_BOOST, is an estimate).
 *   RX 11.5 mA (LnaBoost on, band 1), standby 1.6 mA, sleep 0.2 µA, supply 1.8–3.7 V.
 * - sx1276-lorasim: the SX1276 with LoRaSim's TX-current table (−2…20 dBm, `TX` list of
 *   loraDir.py r218/r334, https://github.com/EduLima7/LoRaSim/tree/e67917f809621df19a27e480238e15de6ec72a88),
 *   for `compat: lorasim`.
 * - sx1262: Semtech LoRa Basics Modem tables, DC-DC regulator, HP PA
 *   (https://github.com/Lora-net/SWL2001/blob/master/lbm_lib/smtc_modem_core/smtc_ral/src/ral_sx126x.c):
 *   +14 dBm 89.3 mA, +17 dBm 95.4 mA, +20 dBm 103.8 mA, +22 dBm 117.9 mA; RX 4.6 mA (DC-DC);
 *   sleep 0.6 µA warm start (160 nA cold) and 3.5 ms cold wake
 *   (https://gitea.armstronglabs.net/ARMmbed/mbed-os/src/commit/25ea7be2ff307f4145402c49ff13d091c223ea0b/components/lora/COMPONENT_SX126X/SleepMode.txt);
 *   standby (STDBY_RC) 0.6 mA is an estimate; supply 1.8–3.7 V.
 * - llcc68: the SX1262's die family; currents as the SX1262 (estimate); SF5–9 at 125 kHz,
 *   SF5–10 at 250 kHz, SF5–11 at 500 kHz (RadioLib LLCC68.cpp,
 *   https://github.com/jgromes/RadioLib/blob/master/src/modules/LLCC68/LLCC68.cpp).
 * - sx1280: 2.4 GHz; +12.5 dBm 24 mA and RX 5.5 mA are recalled headline figures (ESTIMATE, no
 *   source); sensitivity from the SNR floor (ESTIMATE).
 */
import * as z from 'zod';
import type { ChipFamily } from '../radio/modulation.ts';
import type { SensitivityTableId } from '../radio/sensitivity.ts';

export const radioChipIds = ['sx1276', 'sx1276-lorasim', 'sx1262', 'llcc68', 'sx1280'] as const;
export type RadioChipId = (typeof radioChipIds)[number];

export interface RadioChip {
  /** A built-in id, or the name of a user's profile. */
  readonly id: string;
  readonly family: ChipFamily;
  readonly defaultSensitivity: SensitivityTableId;
  readonly minTxPowerDbm: number;
  readonly maxTxPowerDbm: number;
  /** (TX power dBm, supply current mA) points, increasing in power; interpolated linearly. */
  readonly txCurrentMa: readonly (readonly [dbm: number, ma: number])[];
  readonly rxCurrentMa: number;
  readonly standbyCurrentMa: number;
  readonly sleepCurrentUa: number;
  readonly minSupplyV: number;
  readonly maxSupplyV: number;
  /** Highest SF allowed at each bandwidth (Hz), where the chip restricts it. */
  readonly maxSfByBandwidthHz?: Readonly<Record<number, number>>;
  /** Which figures are estimates rather than sourced values. */
  readonly estimates: readonly string[];
}

const lorasimTxMa = [22, 22, 22, 23, 24, 24, 24, 25, 25, 25, 25, 26, 31, 32, 34, 35, 44, 82, 85, 90, 105, 115, 125];

const sx1276: RadioChip = {
  id: 'sx1276',
  family: 'sx127x',
  defaultSensitivity: 'sx1276',
  minTxPowerDbm: 7,
  maxTxPowerDbm: 20,
  txCurrentMa: [
    [7, 20],
    [13, 29],
    [17, 87],
    [20, 120],
  ],
  rxCurrentMa: 11.5,
  standbyCurrentMa: 1.6,
  sleepCurrentUa: 0.2,
  minSupplyV: 1.8,
  maxSupplyV: 3.7,
  estimates: ['txCurrentMa between 13 and 17 dBm (interpolated across the RFO/PA_BOOST switch)', 'standbyCurrentMa (recalled datasheet value, unverified)'],
};

const sx1262: RadioChip = {
  id: 'sx1262',
  family: 'sx126x',
  defaultSensitivity: 'sx1262',
  minTxPowerDbm: 14,
  maxTxPowerDbm: 22,
  txCurrentMa: [
    [14, 89.3],
    [17, 95.4],
    [20, 103.8],
    [22, 117.9],
  ],
  rxCurrentMa: 4.6,
  standbyCurrentMa: 0.6,
  sleepCurrentUa: 0.6,
  minSupplyV: 1.8,
  maxSupplyV: 3.7,
  estimates: ['standbyCurrentMa (STDBY_RC, unverified)'],
};

export const radioChips: Readonly<Record<RadioChipId, RadioChip>> = {
  sx1276,
  'sx1276-lorasim': {
    ...sx1276,
    id: 'sx1276-lorasim',
    minTxPowerDbm: -2,
    txCurrentMa: lorasimTxMa.map((ma, i) => [i - 2, ma] as const),
    estimates: sx1276.estimates.filter((note) => !note.startsWith('txCurrentMa')),
  },
  sx1262,
  llcc68: {
    ...sx1262,
    id: 'llcc68',
    maxSfByBandwidthHz: { 125e3: 9, 250e3: 10, 500e3: 11 },
    estimates: ['every current (taken from the SX1262, same die family)'],
  },
  sx1280: {
    id: 'sx1280',
    family: 'sx128x',
    defaultSensitivity: 'snr',
    minTxPowerDbm: 0,
    maxTxPowerDbm: 12.5,
    txCurrentMa: [
      [0, 12],
      [12.5, 24],
    ],
    rxCurrentMa: 5.5,
    standbyCurrentMa: 0.7,
    sleepCurrentUa: 0.1,
    minSupplyV: 1.8,
    maxSupplyV: 3.7,
    estimates: ['every current (recalled headline figures)', 'sensitivity (SNR floor with NF 6 dB)'],
  },
};

/** Users' radio profiles (scenario `profiles.radios`), validated like the built-in ones. */
export const radioChipSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lowercase id such as "my-radio"'),
    family: z.enum(['sx127x', 'sx126x', 'sx128x']).describe('Whose time-on-air rules apply.'),
    defaultSensitivity: z.enum(['sx1276', 'sx1272', 'sx1301', 'lorasim', 'sx1262', 'snr']),
    minTxPowerDbm: z.number(),
    maxTxPowerDbm: z.number(),
    txCurrentMa: z.array(z.tuple([z.number(), z.number().positive()])).min(1),
    rxCurrentMa: z.number().positive(),
    standbyCurrentMa: z.number().nonnegative(),
    sleepCurrentUa: z.number().nonnegative(),
    minSupplyV: z.number().positive(),
    maxSupplyV: z.number().positive(),
    maxSfByBandwidthHz: z.record(z.string().regex(/^\d+$/), z.int().min(5).max(12)).optional(),
    estimates: z.array(z.string()).default([]),
  })
  .superRefine((chip, ctx) => {
    const points = chip.txCurrentMa;
    if (points.some((point, i) => i > 0 && point[0] <= points[i - 1]![0])) {
      ctx.addIssue({ code: 'custom', path: ['txCurrentMa'], message: 'expected (dBm, mA) points in increasing dBm' });
    }
    if (points[0]![0] > chip.minTxPowerDbm || points[points.length - 1]![0] < chip.maxTxPowerDbm) {
      ctx.addIssue({ code: 'custom', path: ['txCurrentMa'], message: `expected points covering ${chip.minTxPowerDbm}..${chip.maxTxPowerDbm} dBm` });
    }
    if (chip.minTxPowerDbm > chip.maxTxPowerDbm) ctx.addIssue({ code: 'custom', path: ['maxTxPowerDbm'], message: 'expected maxTxPowerDbm ≥ minTxPowerDbm' });
  })
  .transform((chip): RadioChip => ({
    ...chip,
    ...(chip.maxSfByBandwidthHz && { maxSfByBandwidthHz: Object.fromEntries(Object.entries(chip.maxSfByBandwidthHz).map(([hz, sf]) => [Number(hz), sf])) }),
  }) as RadioChip);

/**
 * Supply current while transmitting at `txPowerDbm`.
 *
 * @example
 * txCurrentMa(radioChips.sx1276, 20); // 120
 */
export function txCurrentMa(chip: RadioChip, txPowerDbm: number): number {
  if (!(txPowerDbm >= chip.minTxPowerDbm && txPowerDbm <= chip.maxTxPowerDbm)) {
    throw new RangeError(`${chip.id} transmits at ${chip.minTxPowerDbm}..${chip.maxTxPowerDbm} dBm, got ${txPowerDbm}`);
  }
  const points = chip.txCurrentMa;
  for (let i = 1; i < points.length; i++) {
    const [p1, i1] = points[i]!;
    if (txPowerDbm <= p1) {
      const [p0, i0] = points[i - 1]!;
      return i0 + ((i1 - i0) * (txPowerDbm - p0)) / (p1 - p0);
    }
  }
  return points[0]![1];
}
