/**
 * The `radio` block of scenario files: scenario-wide, every key with its default (channels and
 * sensitivity derive from region and chip), and a group's own `radio` block, any subset of the
 * keys, overriding them.
 */
import * as z from 'zod';
import { radioChipIds } from '../hw/radio-chips.ts';
import { overriding, withDefault, withDerivedDefault } from './described.ts';

const radioFields = {
  chip: z
    .string()
    .min(1)
    .describe(`Radio transceiver: a built-in profile (${radioChipIds.join(', ')}) or a key of profiles.radios. It sets the time-on-air rules, the powers, SFs and bandwidths allowed, the currents and the default sensitivity table.`),
  sf: z
    .union([z.int().min(5).max(12), z.literal('auto')], { error: 'expected an integer spreading factor from 5 to 12, or "auto"' })
    .describe('Spreading factor, 5 to 12, or "auto": for each node, the smallest SF from 7 to 12 whose mean link budget to the nearest sink closes with sfMarginDb to spare (the largest allowed when none does).'),
  bandwidthKhz: z
    .number()
    .positive()
    .describe('Bandwidth in kHz: 7.8 to 500 for sub-GHz chips (125, 250 or 500 in the sensitivity tables and LoRaWAN data rates), 203.125, 406.25, 812.5 or 1625 for the SX128x.'),
  codingRate: z.enum(['4/5', '4/6', '4/7', '4/8']).describe('Coding rate of the payload, 4/5 to 4/8: more redundancy, longer time on air.'),
  preambleSymbols: z
    .int()
    .min(6)
    .max(65535)
    .describe('Programmed preamble length in symbols (a sender stretches it to reach a preamble-sampling receiver).'),
  implicitHeader: z.boolean().describe('Implicit header mode: no PHY header on the air (shorter frames).'),
  crc: z.boolean().describe('Whether frames carry the 2-byte payload CRC (it counts in the time on air).'),
  ldro: z
    .enum(['auto', 'on', 'off'])
    .describe("Low-data-rate optimisation; auto = on when the symbol time exceeds 16 ms (with compat: lorasim, LoRaSim's rule: on for SF11 and SF12 at 125 kHz)."),
  txPowerDbm: z
    .number()
    .describe("Transmit power in dBm, within the chip's range (sx1276: 7 to 20) and, plus antennaGainDbi, the sub-band's EIRP limit (eu868: 16 dBm in most sub-bands)."),
  antennaGainDbi: z.number().describe('Antenna gain in dBi, counted when sending and when receiving.'),
  channelsMhz: z
    .array(z.number().positive())
    .min(1)
    .describe("Channel centre frequencies in MHz, e.g. [868.1, 868.3, 868.5], each inside a sub-band of the region; each frame goes out on one drawn uniformly among those whose sub-band's duty cycle lets it transmit now."),
  sensitivity: z
    .enum(['sx1276', 'sx1272', 'sx1301', 'lorasim', 'sx1262', 'snr'])
    .describe("Receiver sensitivity table by SF and bandwidth: sx1276, sx1272, sx1301 (a gateway's concentrator, 125 kHz only), lorasim (LoRaSim's measured table), sx1262, or snr (thermal noise + noiseFigureDb + the SF's SNR floor)."),
  noiseFigureDb: z
    .number()
    .min(0)
    .max(30)
    .describe('Receiver noise figure in dB: it sets the noise floor of the SNRs reported and the snr sensitivity table.'),
  supplyV: z
    .number()
    .positive()
    .max(12)
    .describe("Supply voltage in V of a mains-powered node (battery: mains), which turns its currents into energy; a battery node runs at its battery's voltage or its LDO rail's instead."),
  sfMarginDb: z.number().min(0).max(40).describe('Margin in dB above the sensitivity that sf: auto demands of the link to the nearest sink.'),
};

const regionChannels = "the region's channels: eu868 868.1, 868.3 and 868.5; us915 903.9 to 905.3 every 0.2 (8 channels); ism2400 2403, 2425 and 2479; none 868.1 (2425 for an SX128x)";
const chipSensitivity = "the chip's table (sx1276 for the sx1276 and sx1276-lorasim, sx1262 for the sx1262 and llcc68, snr for the sx1280, defaultSensitivity for a profile of profiles.radios)";

/** Scenario-wide radio settings, every one with its default (channels and sensitivity derive from region and chip). */
export const radioDefaultsSchema = z.strictObject({
  chip: withDefault(radioFields.chip, 'sx1276'),
  sf: withDefault(radioFields.sf, 7),
  bandwidthKhz: withDefault(radioFields.bandwidthKhz, 125),
  codingRate: withDefault(radioFields.codingRate, '4/5'),
  preambleSymbols: withDefault(radioFields.preambleSymbols, 8),
  implicitHeader: withDefault(radioFields.implicitHeader, false),
  crc: withDefault(radioFields.crc, true),
  ldro: withDefault(radioFields.ldro, 'auto'),
  txPowerDbm: withDefault(radioFields.txPowerDbm, 14),
  antennaGainDbi: withDefault(radioFields.antennaGainDbi, 0),
  channelsMhz: withDerivedDefault(radioFields.channelsMhz, regionChannels),
  sensitivity: withDerivedDefault(radioFields.sensitivity, chipSensitivity),
  noiseFigureDb: withDefault(radioFields.noiseFigureDb, 6),
  supplyV: withDefault(radioFields.supplyV, 3.3),
  sfMarginDb: withDefault(radioFields.sfMarginDb, 0),
});

/** A group's radio settings: any subset, overriding the scenario-wide ones. */
export const radioOverridesSchema = z.strictObject(overriding(radioFields, 'radio')).partial();
