import { describe, expect, it } from 'vitest';
import { dataRateOf, dutyCycleOffTimeMs, dwellLimitMs, regions, subBandOf } from '../../src/radio/regions.ts';
import { timeOnAir } from '../../src/radio/airtime.ts';

describe('subBandOf (EU868, ETSI EN 300 220 as in LoRaMac-node RegionEU868)', () => {
  const eu = regions.eu868;

  it.each([
    [868.1e6, 0.01, 'g1 (868.0–868.6 MHz)'],
    [868.3e6, 0.01, 'g1 (868.0–868.6 MHz)'],
    [868.5e6, 0.01, 'g1 (868.0–868.6 MHz)'],
    [869.525e6, 0.1, 'g3 (869.4–869.65 MHz)'],
    [863.5e6, 0.001, 'g (863.0–865.0 MHz)'],
    [866e6, 0.01, 'g (865.0–868.0 MHz)'],
    [868.9e6, 0.001, 'g2 (868.7–869.2 MHz)'],
    [869.8e6, 0.01, 'g4 (869.7–870.0 MHz)'],
  ])('%d Hz lies in a sub-band with duty cycle %d', (hz, dutyCycle, name) => {
    const band = subBandOf(eu, hz);
    expect(band?.dutyCycle).toBe(dutyCycle);
    expect(band?.name).toBe(name);
  });

  it('gives 27 dBm EIRP in the 869.525 MHz RX2 band and 16 dBm in the default-channel band', () => {
    expect(subBandOf(eu, 869.525e6)?.maxEirpDbm).toBe(27);
    expect(subBandOf(eu, 868.1e6)?.maxEirpDbm).toBe(16);
  });

  it.each([862.9e6, 868.65e6, 869.3e6, 870e6, 915e6])('%d Hz lies outside every sub-band: undefined', (hz) => {
    expect(subBandOf(eu, hz)).toBeUndefined();
  });

  it('treats the lower edge as inside and the upper edge as outside', () => {
    expect(subBandOf(eu, 868.0e6)?.name).toBe('g1 (868.0–868.6 MHz)');
    expect(subBandOf(eu, 868.6e6)).toBeUndefined();
    // 865.0 MHz is the upper edge of the 0.1 % band and the lower edge of the 1 % band.
    expect(subBandOf(eu, 865.0e6)?.dutyCycle).toBe(0.01);
  });

  it('US915 allows 902–928 MHz without duty cycle and nothing in the EU band', () => {
    expect(subBandOf(regions.us915, 903.9e6)?.dutyCycle).toBe(1);
    expect(subBandOf(regions.us915, 868.1e6)).toBeUndefined();
  });
});

describe('dutyCycleOffTimeMs', () => {
  it('is 99 × airtime at 1 %', () => {
    expect(dutyCycleOffTimeMs(41.216, 0.01)).toBeCloseTo(99 * 41.216, 9);
    expect(dutyCycleOffTimeMs(1000, 0.01)).toBeCloseTo(99_000, 9);
  });

  it('is 9 × airtime at 10 %, 999 × at 0.1 %, and 0 without a duty cycle', () => {
    expect(dutyCycleOffTimeMs(100, 0.1)).toBeCloseTo(900, 9);
    expect(dutyCycleOffTimeMs(100, 0.001)).toBeCloseTo(99_900, 9);
    expect(dutyCycleOffTimeMs(100, 1)).toBe(0);
  });

  it.each([0, -0.01, 1.5, Number.NaN])('throws RangeError for duty cycle %d', (dc) => {
    expect(() => dutyCycleOffTimeMs(100, dc)).toThrow(RangeError);
  });
});

describe('data-rate tables (LoRaWAN RP002-1.0.1)', () => {
  it('EU868 DR0–DR6 are SF12…SF7/125 kHz then SF7/250 kHz', () => {
    expect(regions.eu868.dataRates.map((r) => [r.dr, r.sf, r.bandwidthHz])).toEqual([
      [0, 12, 125e3],
      [1, 11, 125e3],
      [2, 10, 125e3],
      [3, 9, 125e3],
      [4, 8, 125e3],
      [5, 7, 125e3],
      [6, 7, 250e3],
    ]);
  });

  it('EU868 maximum app payloads are [51, 51, 51, 115, 242, 242, 242] (Table 10)', () => {
    expect(regions.eu868.dataRates.map((r) => r.maxAppBytes)).toEqual([51, 51, 51, 115, 242, 242, 242]);
  });

  it('EU868 repeater-compatible maximum app payloads are [51, 51, 51, 115, 222, 222, 222] (Table 9)', () => {
    expect(regions.eu868.dataRates.map((r) => r.maxAppBytesRepeater)).toEqual([51, 51, 51, 115, 222, 222, 222]);
  });

  it('US915 maximum app payloads are DR0 11, DR1 53, DR2 125, DR3 242, DR4 242, DR8 53, DR9 129, DR10–13 242 (Table 17)', () => {
    const byDr = Object.fromEntries(regions.us915.dataRates.map((r) => [r.dr, r.maxAppBytes]));
    expect(byDr).toEqual({ 0: 11, 1: 53, 2: 125, 3: 242, 4: 242, 8: 53, 9: 129, 10: 242, 11: 242, 12: 242, 13: 242 });
  });

  it('US915 repeater-compatible payloads are DR3/4 222, DR8 33, DR9 109 (Table 16)', () => {
    const byDr = Object.fromEntries(regions.us915.dataRates.map((r) => [r.dr, r.maxAppBytesRepeater]));
    expect(byDr).toEqual({ 0: 11, 1: 53, 2: 125, 3: 222, 4: 222, 8: 33, 9: 109, 10: 222, 11: 222, 12: 222, 13: 222 });
  });

  it('US915 DR0–DR4 are SF10/125, SF9/125, SF8/125, SF7/125, SF8/500 and DR8–13 SF12…SF7/500', () => {
    expect(regions.us915.dataRates.map((r) => `DR${r.dr} SF${r.sf}/${r.bandwidthHz / 1e3}`)).toEqual([
      'DR0 SF10/125',
      'DR1 SF9/125',
      'DR2 SF8/125',
      'DR3 SF7/125',
      'DR4 SF8/500',
      'DR8 SF12/500',
      'DR9 SF11/500',
      'DR10 SF10/500',
      'DR11 SF9/500',
      'DR12 SF8/500',
      'DR13 SF7/500',
    ]);
  });

  it('dataRateOf finds a rate by (SF, bandwidth) and gives undefined for a pair the region lacks', () => {
    expect(dataRateOf(regions.eu868, 7, 250e3)?.dr).toBe(6);
    expect(dataRateOf(regions.us915, 8, 500e3)?.dr).toBe(4);
    expect(dataRateOf(regions.us915, 12, 125e3)).toBeUndefined();
    expect(dataRateOf(regions.none, 7, 125e3)).toBeUndefined();
  });

  it('US915 has a 400 ms dwell time; EU868, ism2400 and none have none', () => {
    expect(regions.us915.dwellTimeMs).toBe(400);
    expect(regions.eu868.dwellTimeMs).toBeUndefined();
    expect(regions.ism2400.dwellTimeMs).toBeUndefined();
    expect(regions.none.dwellTimeMs).toBeUndefined();
  });

  it('every default channel of every region lies in one of its sub-bands', () => {
    for (const region of Object.values(regions)) {
      for (const hz of region.defaultChannelsHz) expect(subBandOf(region, hz), `${region.id} ${hz}`).toBeDefined();
    }
  });
});

describe('AS923 and AU915 (RP002-1.0.4/1.0.5 as LoRaMac-node implements them, uplink dwell time on)', () => {
  const rates = (id: 'as923' | 'au915'): string[] => regions[id].dataRates.map((r) => `DR${r.dr} SF${r.sf}/${r.bandwidthHz / 1e3} ${r.maxAppBytes}`);

  it('AS923-1: channels 923.2 and 923.4 MHz, 16 dBm EIRP, no duty cycle, DR2–6 with the dwell-time payloads (RP002-1.0.5 Table 73)', () => {
    const as = regions.as923;
    expect(as.defaultChannelsHz).toEqual([923.2e6, 923.4e6]);
    expect(subBandOf(as, 923.2e6)).toMatchObject({ dutyCycle: 1, maxEirpDbm: 16 });
    expect(rates('as923')).toEqual(['DR2 SF10/125 11', 'DR3 SF9/125 53', 'DR4 SF8/125 125', 'DR5 SF7/125 242', 'DR6 SF7/250 242']);
    expect(dataRateOf(as, 12, 125e3)).toBeUndefined();
    expect(dwellLimitMs(as, 125e3)).toBe(400);
    expect(dwellLimitMs(as, 250e3)).toBe(400);
  });

  it('AU915: sub-band 2 (916.8–918.2 MHz), 30 dBm EIRP, DR2–6 up and DR8–13 at 500 kHz, dwell only under 500 kHz', () => {
    const au = regions.au915;
    expect(au.defaultChannelsHz.map((hz) => hz / 1e6)).toEqual([916.8, 917, 917.2, 917.4, 917.6, 917.8, 918, 918.2]);
    expect(subBandOf(au, 917e6)).toMatchObject({ dutyCycle: 1, maxEirpDbm: 30 });
    expect(rates('au915')).toEqual([
      'DR2 SF10/125 11', 'DR3 SF9/125 53', 'DR4 SF8/125 125', 'DR5 SF7/125 242', 'DR6 SF8/500 242',
      'DR8 SF12/500 53', 'DR9 SF11/500 129', 'DR10 SF10/500 242', 'DR11 SF9/500 242', 'DR12 SF8/500 242', 'DR13 SF7/500 242',
    ]);
    expect(dwellLimitMs(au, 125e3)).toBe(400);
    expect(dwellLimitMs(au, 500e3)).toBeUndefined();
  });

  it('every dwell-limited data rate\'s largest LoRaWAN frame fits the dwell time (the tables agree with the airtime formula)', () => {
    for (const region of [regions.us915, regions.as923, regions.au915]) {
      for (const rate of region.dataRates) {
        const limit = dwellLimitMs(region, rate.bandwidthHz);
        if (limit === undefined) continue;
        // N + 13 bytes of MHDR, FHDR, FPort and MIC; CR 4/5, explicit header, CRC, 8-symbol preamble.
        const { airtimeMs } = timeOnAir({ chip: 'sx127x', sf: rate.sf, bandwidthHz: rate.bandwidthHz, codingRate: 1, preambleSymbols: 8, implicitHeader: false, crc: true, ldro: 'auto', payloadBytes: rate.maxAppBytes + 13 });
        expect(airtimeMs, `${region.id} DR${rate.dr}`).toBeLessThanOrEqual(limit);
      }
    }
  });
});
