/**
 * LoRa time on air.
 *
 * SX127x (SF6–12): Semtech SX1276/77/78/79 datasheet Rev 7 §4.1.1.7
 * (https://github.com/jgromes/RadioLib/files/8646997/DS_SX1276-7-8-9_W_APP_V7.pdf) and AN1200.13
 * "LoRa Modem Designer's Guide", Rev 1, July 2013 (a copy:
 * https://github.com/avbentem/airtime-calculator/blob/af41bc53c7ce61da27237ba24756ebcf94314440/doc/LoraDesignGuide_STD.pdf):
 *   T_s = 2^SF / BW; T_pre = (n_pre + 4.25)·T_s;
 *   n_pay = 8 + max(⌈(8·PL − 4·SF + 28 + 16·CRC − 20·H) / (4·(SF − 2·DE))⌉·(CR + 4), 0).
 *
 * SX126x (SF5–12): SX1261/2 datasheet §6.1.4, as implemented by Semtech's own driver
 * (https://github.com/Lora-net/sx126x_driver/blob/9636dc4660ada4eeddf91eb7b3f7f241000bf202/src/sx126x.c,
 * `sx126x_get_lora_time_on_air_numerator`). For SF7–12 it is the SX127x formula written
 * differently (8·PL + 16·CRC − 4·SF + 8 + 20·(1 − H)); for SF5 and SF6 the preamble takes 6.25
 * extra symbols instead of 4.25, the "+8" inside the ceiling is absent and LDRO is ignored:
 *   n_pay = 8 + ⌈max(8·PL + 16·CRC − 4·SF + 20·(1 − H), 0) / (4·SF)⌉·(CR + 4).
 *
 * SX128x (2.4 GHz, SF5–12): SX1280/81 datasheet §7.4.4, as implemented by Semtech's driver
 * (https://github.com/Lora-net/SWL2001/blob/a7922d466b6031701e621667ccd0cc04db293fc3/lbm_lib/smtc_modem_core/radio_drivers/sx128x_driver/src/sx128x.c,
 * `sx128x_get_lora_time_on_air_numerator`): the SX126x cases, except that the (SF − 2) divisor
 * applies whenever SF ≥ 11 (the chip has no LDRO switch). The long-interleaving coding rates
 * (4/5LI, 4/6LI, 4/8LI) are not modelled.
 */
import type { ChipFamily, CodingRate, LdroMode } from './modulation.ts';
import { symbolTimeMs } from './modulation.ts';

export interface AirtimeParams {
  readonly sf: number;
  readonly bandwidthHz: number;
  readonly codingRate: CodingRate;
  /** Bytes handed to the radio (the whole PHY payload, headers and MIC included). */
  readonly payloadBytes: number;
  /** Programmed preamble length in symbols; 8 by default. */
  readonly preambleSymbols?: number;
  /** Implicit header (no PHY header); false by default. */
  readonly implicitHeader?: boolean;
  /** Payload CRC; true by default. */
  readonly crc?: boolean;
  /** Low-data-rate optimisation; `auto` by default. */
  readonly ldro?: LdroMode;
  /** Which datasheet's rules apply; `sx127x` by default. */
  readonly chip?: ChipFamily;
}

export interface Airtime {
  readonly airtimeMs: number;
  readonly symbolMs: number;
  readonly preambleMs: number;
  /** Symbols after the preamble (header and payload), the n_pay of the formula. */
  readonly payloadSymbols: number;
  /** Whether low-data-rate optimisation was on. */
  readonly ldro: boolean;
}

/** Symbol time above which `auto` turns LDRO on (SX1276 datasheet §4.1.1.6; SX126x §6.1.1.4). */
export const ldroSymbolThresholdMs = 16;

const sfRange: Record<ChipFamily, readonly [number, number]> = {
  sx127x: [6, 12],
  sx126x: [5, 12],
  sx128x: [5, 12],
};

/**
 * Time on air of one LoRa frame.
 *
 * @example
 * timeOnAir({ sf: 12, bandwidthHz: 125_000, codingRate: 4, payloadBytes: 20 }).airtimeMs; // 1712.128
 */
export function timeOnAir(params: AirtimeParams): Airtime {
  const { sf, bandwidthHz, codingRate, payloadBytes } = params;
  const preambleSymbols = params.preambleSymbols ?? 8;
  const implicitHeader = params.implicitHeader ?? false;
  const crc = params.crc ?? true;
  const chip = params.chip ?? 'sx127x';
  const [minSf, maxSf] = sfRange[chip];
  if (!Number.isInteger(sf) || sf < minSf || sf > maxSf) {
    throw new RangeError(`sf must be an integer ${minSf}..${maxSf} for ${chip}, got ${sf}`);
  }
  if (!(bandwidthHz > 0)) throw new RangeError(`bandwidthHz must be > 0, got ${bandwidthHz}`);
  if (![1, 2, 3, 4].includes(codingRate)) throw new RangeError(`codingRate must be 1..4 (4/5..4/8), got ${codingRate}`);
  if (!Number.isInteger(payloadBytes) || payloadBytes < 0 || payloadBytes > 255) {
    throw new RangeError(`payloadBytes must be an integer 0..255, got ${payloadBytes}`);
  }
  if (!Number.isInteger(preambleSymbols) || preambleSymbols < 6 || preambleSymbols > 65535) {
    throw new RangeError(`preambleSymbols must be an integer 6..65535, got ${preambleSymbols}`);
  }
  if (chip === 'sx127x' && sf === 6 && !implicitHeader) {
    throw new RangeError('SF6 on sx127x requires an implicit header (SX1276 datasheet §4.1.1.2)');
  }

  const symbolMs = symbolTimeMs(sf, bandwidthHz);
  const ldro = resolveLdro(params.ldro ?? 'auto', chip, sf, symbolMs);
  const de = ldro ? 1 : 0;
  const crcBits = crc ? 16 : 0;
  const headerBits = implicitHeader ? 0 : 20;
  const lowSf = sf < 7 && chip !== 'sx127x';
  // SX126x ignores the LDRO flag at SF5/6 (driver code above).
  const divisorSf = lowSf ? sf : sf - 2 * de;

  const bits = lowSf ? 8 * payloadBytes + crcBits - 4 * sf + headerBits : 8 * payloadBytes + crcBits - 4 * sf + 8 + headerBits;
  const bitsPerBlock = 4 * divisorSf;
  const payloadSymbols = 8 + Math.ceil(Math.max(bits, 0) / bitsPerBlock) * (codingRate + 4);
  const preambleExtra = lowSf ? 6.25 : 4.25;
  const totalSymbols = preambleSymbols + preambleExtra + payloadSymbols;
  // Multiplying first keeps the result correctly rounded: symbols × 2^SF × 1000 is exact.
  const airtimeMs = (totalSymbols * 2 ** sf * 1000) / bandwidthHz;
  const preambleMs = ((preambleSymbols + preambleExtra) * 2 ** sf * 1000) / bandwidthHz;
  return { airtimeMs, symbolMs, preambleMs, payloadSymbols, ldro };
}

function resolveLdro(mode: LdroMode, chip: ChipFamily, sf: number, symbolMs: number): boolean {
  if (chip === 'sx128x') {
    const fixed = sf >= 11;
    if (mode !== 'auto' && mode === 'on' !== fixed) {
      throw new RangeError(`sx128x fixes the (SF − 2) rule by SF (on for SF11–12), cannot force ldro ${mode} at SF${sf}`);
    }
    return fixed;
  }
  if (sf < 7 && chip === 'sx126x') return false;
  if (mode === 'on') return true;
  if (mode === 'off') return false;
  return symbolMs > ldroSymbolThresholdMs;
}
