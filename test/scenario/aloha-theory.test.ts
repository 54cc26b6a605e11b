import { describe, expect, it } from 'vitest';
import { runScenario } from '../helpers/scenario.ts';

/**
 * Pure ALOHA: with Poisson offered load G (frames per frame time, on one channel and SF, no
 * capture), a frame survives only if no other frame starts within one frame time before or
 * after it, so DER = e^(−2G) and throughput S = G·e^(−2G) (Abramson 1970; ns-3 lorawan's aloha
 * experiment, examples/aloha-throughput.cc and experiments/aloha/Aloha.ipynb,
 * https://github.com/signetlabdei/lorawan/blob/82ea58a95c03ab158edfd81860ad614d1bf70ec6/experiments/aloha/Aloha.ipynb).
 *
 * Tolerance, from the sample size: the DER is a proportion over n frames, with standard error
 * √(p(1−p)/n) for independent trials. Collisions destroy frames in pairs (and at high load in
 * larger clusters), which inflates the variance; we take an inflation factor of 3 and accept
 * 4 standard errors: |DER − e^(−2G)| ≤ 4·√(3·p(1−p)/n). With 200 senders the finite-population
 * correction (1 − 2G/N)^(N−1) versus e^(−2G) stays below 2 % of p even at G = 2, well inside.
 */
const frameMs = 112.896; // 51-byte payload + 8-byte raw header = 59 B PHY at SF7/125, CR 4/5 (vector I)
const senders = 200;
const framesWanted = 40_000;

describe('the pure-ALOHA scenario', () => {
  it.each([0.1, 0.25, 0.5, 1, 2])('reproduces S = G·e^(−2G) at G = %f', (g) => {
    const intervalMs = (senders * frameMs) / g;
    const durationMs = Math.round((framesWanted * frameMs) / g);
    const { tracker } = runScenario('scenarios/aloha.yaml', [
      `groups.1.count=${senders}`,
      `groups.1.traffic.interval=${intervalMs}`,
      `duration=${durationMs}`,
    ], { keepRecords: false }).simulation;
    const totals = tracker.totals();
    const gMeasured = totals.airtimeMs / durationMs;
    const n = totals.sent;
    const der = totals.fates.received / totals.receptions;
    const p = Math.exp(-2 * gMeasured);
    const tolerance = 4 * Math.sqrt((3 * p * (1 - p)) / n);

    expect(totals.receptions).toBe(n);
    expect(totals.fates.collided + totals.fates.received).toBe(n);
    expect(Math.abs(gMeasured - g)).toBeLessThan(0.05 * g);
    expect(Math.abs(der - p)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(gMeasured * der - gMeasured * p)).toBeLessThanOrEqual(gMeasured * tolerance);
  });

  it('peaks near G = 0.5 at S ≈ 1/(2e) = 0.184', () => {
    const g = 0.5;
    const { tracker } = runScenario('scenarios/aloha.yaml', [
      `groups.1.count=${senders}`,
      `groups.1.traffic.interval=${(senders * frameMs) / g}`,
      `duration=${Math.round((framesWanted * frameMs) / g)}`,
    ], { keepRecords: false }).simulation;
    const totals = tracker.totals();
    const throughput = (totals.fates.received * frameMs) / Math.round((framesWanted * frameMs) / g);
    expect(throughput).toBeGreaterThan(0.17);
    expect(throughput).toBeLessThan(0.2);
  });
});
