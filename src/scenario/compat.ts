/**
 * Compatibility profiles: bundles of defaults that make loraswarm reproduce another simulator.
 *
 * `lorasim` reproduces LoRaSim 0.2.1 (r334, the bug-fixed release:
 * https://github.com/EduLima7/LoRaSim/tree/e67917f809621df19a27e480238e15de6ec72a88; Bor et
 * al., MSWiM 2016, https://eprints.lancs.ac.uk/81674/13/lora_scalability_r338.pdf): log10
 * path loss with Bor et al.'s constants (d0 40 m, 127.41 dB, γ 2.08, no
 * shadowing), its measured sensitivity table, LDRO by SF (on for SF11/12 at 125 kHz) rather
 * than by symbol time, its capture rule, one frequency, no duty cycle, 3.0 V supply with its TX
 * current table (the sx1276-lorasim radio profile), raw frames (give `payloadBytes` = LoRaSim's packet length − 8
 * for the raw header), and a sink that has 8 receive paths on paper but never drops a frame for
 * lack of one (unlimited here). `radiusM: auto` uses LoRaSim's natural-log placement radius.
 * Values the scenario sets explicitly win over these defaults.
 */

export type CompatId = 'lorasim';

export const lorasimDefaults = {
  region: 'none',
  framing: 'raw',
  collision: 'lorasim',
  pathLoss: 'lorasim',
  radio: { chip: 'sx1276-lorasim', sensitivity: 'lorasim', supplyV: 3.0, txPowerDbm: 14, channelsMhz: [868.1], preambleSymbols: 8, implicitHeader: false, crc: true },
} as const;

/** LoRaSim's LDRO rule: on for SF11 and SF12 at 125 kHz (`airtime()` in loraDir.py). */
export function lorasimLdro(sf: number, bandwidthHz: number): boolean {
  return bandwidthHz === 125e3 && sf >= 11;
}

/** Fills absent keys of `target` from `defaults`, recursively for mappings. */
export function fillDefaults(target: Record<string, unknown>, defaults: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(defaults)) {
    const current = target[key];
    if (current === undefined) {
      target[key] = structuredClone(value);
    } else if (isMapping(current) && isMapping(value)) {
      fillDefaults(current, value);
    }
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
