import { describe, expect, it } from 'vitest';
import { noiseFloorDbm, sensitivityDbm, snrFloor } from '../../src/radio/sensitivity.ts';

describe('sensitivityDbm', () => {
  it.each([
    [7, 125e3, -123],
    [12, 125e3, -136],
    [9, 250e3, -125],
    [12, 500e3, -130],
    [6, 125e3, -118],
    [11, 125e3, -133],
  ])('sx1276 at SF%i/%d Hz is %d dBm (SX1276 datasheet Rev 7)', (sf, bandwidthHz, dbm) => {
    expect(sensitivityDbm('sx1276', sf, bandwidthHz, 6)).toBe(dbm);
  });

  it('sx1276 125 kHz row for SF7…SF12 is −123, −126, −129, −132, −133, −136 dBm', () => {
    expect([7, 8, 9, 10, 11, 12].map((sf) => sensitivityDbm('sx1276', sf, 125e3, 6))).toEqual([-123, -126, -129, -132, -133, -136]);
  });

  it('sx1301 at SF12/125 is −142.5 dBm and SF7…SF12 step by 2.5 dB from −130 (ns-3 gateway)', () => {
    expect(sensitivityDbm('sx1301', 12, 125e3, 6)).toBe(-142.5);
    expect([7, 8, 9, 10, 11, 12].map((sf) => sensitivityDbm('sx1301', sf, 125e3, 6))).toEqual([-130, -132.5, -135, -137.5, -140, -142.5]);
  });

  it('sx1272 125 kHz row is −124 … −137 dBm (FLoRa, ns-3 end devices)', () => {
    expect([7, 8, 9, 10, 11, 12].map((sf) => sensitivityDbm('sx1272', sf, 125e3, 6))).toEqual([-124, -127, -130, -133, -135, -137]);
  });

  it.each([
    [125e3, [-126.5, -127.25, -131.25, -132.75, -134.5, -133.25]],
    [250e3, [-124.25, -126.75, -128.25, -130.25, -132.75, -132.25]],
    [500e3, [-120.75, -124.0, -127.5, -128.75, -128.75, -132.25]],
  ])('lorasim at %d Hz for SF7…SF12 is the LoRaSim measured table', (bandwidthHz, row) => {
    expect([7, 8, 9, 10, 11, 12].map((sf) => sensitivityDbm('lorasim', sf, bandwidthHz, 6))).toEqual(row);
  });

  it('snr at SF7/125 kHz with NF 6 dB is −174 + 10·log10(125000) + 6 − 7.5 = −124.53 dBm', () => {
    const expected = -174 + 10 * Math.log10(125_000) + 6 - 7.5;
    expect(Math.abs(sensitivityDbm('snr', 7, 125e3, 6)! - -124.5)).toBeLessThan(0.1);
    expect(sensitivityDbm('snr', 7, 125e3, 6)).toBeCloseTo(expected, 10);
    expect(sensitivityDbm('snr', 7, 125e3, 6)).toBeCloseTo(-124.531, 3);
  });

  it('snr at SF12/125 kHz with NF 6 dB is −137.03 dBm, and the noise figure adds dB for dB', () => {
    expect(sensitivityDbm('snr', 12, 125e3, 6)).toBeCloseTo(-137.031, 3);
    expect(sensitivityDbm('snr', 12, 125e3, 0)).toBeCloseTo(-143.031, 3);
    expect(sensitivityDbm('snr', 7, 250e3, 6)! - sensitivityDbm('snr', 7, 125e3, 6)!).toBeCloseTo(3.0103, 4);
  });

  it('sx1262 at SF7/125 is −124 dBm and at SF12/125 −137 dBm (SX1261/2 Table 3-8)', () => {
    expect(sensitivityDbm('sx1262', 7, 125e3, 6)).toBe(-124);
    expect(sensitivityDbm('sx1262', 12, 125e3, 6)).toBe(-137);
    expect(sensitivityDbm('sx1262', 7, 250e3, 6)).toBe(-121);
    expect(sensitivityDbm('sx1262', 12, 250e3, 6)).toBe(-134);
    expect(sensitivityDbm('sx1262', 7, 500e3, 6)).toBe(-117);
    expect(sensitivityDbm('sx1262', 12, 500e3, 6)).toBe(-129);
  });

  it('sx1262 between SF7 and SF12 steps by the SNR floor and never goes below the SF12 anchor', () => {
    expect([8, 9, 10, 11].map((sf) => sensitivityDbm('sx1262', sf, 125e3, 6))).toEqual([-126.5, -129, -131.5, -134]);
    // 500 kHz: SF11 would be −117 − 10 = −127, above the −129 anchor, so no cap applies; SF12 is the anchor.
    expect(sensitivityDbm('sx1262', 11, 500e3, 6)).toBe(-127);
  });

  it.each([
    ['sx1276', 13, 125e3],
    ['sx1276', 7, 62.5e3],
    ['sx1272', 7, 250e3],
    ['sx1301', 7, 250e3],
    ['sx1301', 6, 125e3],
    ['lorasim', 6, 125e3],
    ['sx1262', 4, 125e3],
    ['sx1262', 7, 62.5e3],
    ['snr', 13, 125e3],
  ] as const)('%s has no entry for SF%i/%d Hz: undefined', (table, sf, bandwidthHz) => {
    expect(sensitivityDbm(table, sf, bandwidthHz, 6)).toBeUndefined();
  });
});

describe('snrFloor and noiseFloorDbm', () => {
  it('snrFloor is −7.5 dB at SF7 and −20 dB at SF12, 2.5 dB per SF', () => {
    expect([5, 6, 7, 8, 9, 10, 11, 12].map(snrFloor)).toEqual([-2.5, -5, -7.5, -10, -12.5, -15, -17.5, -20]);
  });

  it('snrFloor throws RangeError for SF13', () => {
    expect(() => snrFloor(13)).toThrow(RangeError);
  });

  it('noiseFloorDbm at 125 kHz and NF 0 is −123.03 dBm (LoRaEnergySim)', () => {
    expect(noiseFloorDbm(125e3, 0)).toBeCloseTo(-123.031, 3);
  });
});
