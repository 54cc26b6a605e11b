/** `loraswarm airtime`: time on air of one frame, as text or JSON. */
import { timeOnAir } from '../../radio/airtime.ts';
import { parseCodingRate, type ChipFamily, type LdroMode } from '../../radio/modulation.ts';
import { UsageError } from '../exit.ts';

export interface AirtimeOptions {
  readonly sf: string;
  readonly bw: string;
  readonly cr: string;
  readonly bytes: string;
  readonly preamble: string;
  readonly implicit?: boolean;
  readonly crc: boolean;
  readonly ldro: string;
  readonly chip: string;
  readonly json?: boolean;
}

const chipFamilies: Readonly<Record<string, ChipFamily>> = { sx127x: 'sx127x', sx1276: 'sx127x', sx126x: 'sx126x', sx1262: 'sx126x', sx128x: 'sx128x', sx1280: 'sx128x' };

function number(flag: string, text: string, integer: boolean): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${flag}: expected ${integer ? 'an integer' : 'a number'}, found ${JSON.stringify(text)}`);
  }
  return value;
}

export function airtimeCommand(options: AirtimeOptions, print: (text: string) => void): void {
  const chip = chipFamilies[options.chip];
  if (!chip) throw new UsageError(`--chip: expected one of ${Object.keys(chipFamilies).join(', ')}, found ${JSON.stringify(options.chip)}`);
  const codingRate = parseCodingRate(options.cr);
  if (codingRate === undefined) throw new UsageError(`--cr: expected 4/5, 4/6, 4/7 or 4/8, found ${JSON.stringify(options.cr)}`);
  if (!['auto', 'on', 'off'].includes(options.ldro)) throw new UsageError(`--ldro: expected auto, on or off, found ${JSON.stringify(options.ldro)}`);
  const params = {
    chip,
    sf: number('--sf', options.sf, true),
    bandwidthHz: number('--bw', options.bw, false) * 1000,
    codingRate,
    payloadBytes: number('--bytes', options.bytes, true),
    preambleSymbols: number('--preamble', options.preamble, true),
    implicitHeader: options.implicit === true,
    crc: options.crc,
    ldro: options.ldro as LdroMode,
  };
  let result;
  try {
    result = timeOnAir(params);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`airtime: ${error.message}`);
    throw error;
  }
  if (options.json) {
    print(
      `${JSON.stringify({
        airtimeMs: result.airtimeMs,
        payloadSymbols: result.payloadSymbols,
        symbolMs: result.symbolMs,
        preambleMs: result.preambleMs,
        ldro: result.ldro,
        params: { ...params, codingRate: options.cr, bandwidthKhz: params.bandwidthHz / 1000 },
      })}\n`,
    );
    return;
  }
  print(
    `${result.airtimeMs.toFixed(3)} ms time on air (SF${params.sf}/${params.bandwidthHz / 1000} kHz, CR ${options.cr}, ${params.payloadBytes} bytes, ` +
      `preamble ${params.preambleSymbols}: ${result.preambleMs.toFixed(3)} ms, ${result.payloadSymbols} payload symbols of ${result.symbolMs.toFixed(3)} ms, LDRO ${result.ldro ? 'on' : 'off'})\n`,
  );
}
