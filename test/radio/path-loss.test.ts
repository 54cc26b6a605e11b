import { describe, expect, it } from 'vitest';
import { distanceForLossM, meanPathLossDb, minDistanceM, pathLossProfiles, rxPowerDbm } from '../../src/radio/path-loss.ts';

const { lorasim, ns3, oulu } = pathLossProfiles;

describe('meanPathLossDb', () => {
  it('lorasim profile gives PL(d0) = 127.41 dB at d0 = 40 m', () => {
    expect(meanPathLossDb(lorasim, 40)).toBe(127.41);
  });

  it('lorasim profile adds 20.8 dB per decade: 148.21 dB at 400 m', () => {
    expect(meanPathLossDb(lorasim, 400)).toBeCloseTo(127.41 + 20.8, 10);
  });

  it('ns3 profile gives 120.5 dB at 1 km (7.7 dB at 1 m + 37.6 dB per decade)', () => {
    expect(meanPathLossDb(ns3, 1000)).toBeCloseTo(120.5, 10);
    expect(meanPathLossDb(ns3, 10_000)).toBeCloseTo(158.1, 10);
  });

  it('oulu profile gives 128.95 dB at 1 km and 152.15 dB at 10 km', () => {
    expect(meanPathLossDb(oulu, 1000)).toBe(128.95);
    expect(meanPathLossDb(oulu, 10_000)).toBeCloseTo(152.15, 10);
  });

  it('clamps distances under 1 m to 1 m: 0 m, 0.2 m and 1 m all give 7.7 dB in the ns3 profile', () => {
    expect(minDistanceM).toBe(1);
    expect(meanPathLossDb(ns3, 0)).toBe(7.7);
    expect(meanPathLossDb(ns3, 0.2)).toBe(7.7);
    expect(meanPathLossDb(ns3, 1)).toBe(7.7);
    expect(meanPathLossDb(lorasim, 0)).toBe(meanPathLossDb(lorasim, 1));
    expect(Number.isFinite(meanPathLossDb(lorasim, 0))).toBe(true);
  });

  it('grows strictly with distance from 1 m on', () => {
    for (const model of [lorasim, ns3, oulu]) {
      expect(meanPathLossDb(model, 1.5)).toBeGreaterThan(meanPathLossDb(model, 1));
      expect(meanPathLossDb(model, 5001)).toBeGreaterThan(meanPathLossDb(model, 5000));
    }
  });
});

describe('distanceForLossM', () => {
  it.each([1, 10, 40, 99, 413, 1000, 7500, 20_000])('inverts meanPathLossDb at %d m in every profile', (distanceM) => {
    for (const model of [lorasim, ns3, oulu]) {
      expect(distanceForLossM(model, meanPathLossDb(model, distanceM))).toBeCloseTo(distanceM, 6);
    }
  });

  it('gives the reference distance for the reference loss', () => {
    expect(distanceForLossM(lorasim, 127.41)).toBe(40);
    expect(distanceForLossM(oulu, 128.95)).toBe(1000);
  });

  it('puts the LoRaSim cell edge at 413 m for 148.5 dB with log10 (Bor et al. / LoRaSim: 14 dBm − (−134.5 dBm))', () => {
    const maxLossDb = 14 - -134.5;
    expect(maxLossDb).toBe(148.5);
    const radiusM = distanceForLossM(lorasim, maxLossDb);
    // 40 · 10^((148.5 − 127.41) / 20.8) = 413.05 m; the natural-log code of LoRaSim r218 gives 110.3 m.
    expect(Math.round(radiusM)).toBe(413);
    expect(Math.abs(radiusM - 413.05)).toBeLessThan(0.01);
  });

  it('puts the LoRaSim SF12 edge at 322 m for 146.25 dB (sensitivity −132.25 dBm) with log10', () => {
    expect(Math.round(distanceForLossM(lorasim, 14 - -132.25))).toBe(322);
  });
});

describe('rxPowerDbm', () => {
  it('is P_tx + G_tx + G_rx − PL − X: 14 + 2.15 + 0 − 120.5 − 3 = −107.35 dBm', () => {
    expect(rxPowerDbm(14, 2.15, 0, 120.5, 3)).toBeCloseTo(-107.35, 10);
    expect(rxPowerDbm(14, 0, 0, 127.41, 0)).toBeCloseTo(-113.41, 10);
  });
});
