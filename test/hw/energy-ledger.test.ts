import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batteryProfiles, type BatteryProfile } from '../../src/hw/battery-profiles.ts';
import { capacityUc, openCircuitVoltageV, peukertFactor } from '../../src/hw/battery.ts';
import { createEnergyLedger, energyStates, type EnergyLedger, type EnergyState, type Rail } from '../../src/hw/energy-ledger.ts';
import { radioChips, txCurrentMa } from '../../src/hw/radio-chips.ts';
import { createSolarHarvester } from '../../src/hw/solar.ts';
import { timeOnAir } from '../../src/radio/airtime.ts';

const { cr2032 } = batteryProfiles;
const direct: Rail = { type: 'direct' };

/** chemical energy − (Σ states + losses), relative to the chemical energy. */
function imbalance(ledger: EnergyLedger): number {
  const t = ledger.totals();
  let byState = 0;
  for (const s of energyStates) byState += t.energyByStateUj[s];
  const rhs = byState + t.internalResistanceLossUj + t.regulatorLossUj + t.rateLossUj;
  return t.chemicalEnergyUj === 0 ? rhs : Math.abs(t.chemicalEnergyUj - rhs) / t.chemicalEnergyUj;
}

describe('energy ledger: conservation', () => {
  const rails: [string, Rail][] = [
    ['direct', direct],
    ['ldo 1.8 V / 0.1 V dropout', { type: 'ldo', voltageV: 1.8, dropoutV: 0.1 }],
  ];
  // Integers scaled down: fc.double spreads over the bit patterns, so most of its draws are tiny.
  const step = fc.record({
    durationMs: fc.integer({ min: 0, max: 3_600_000_000 }).map((us) => us / 1000),
    state: fc.constantFrom(...energyStates),
    currentMa: fc.oneof(
      fc.integer({ min: 0, max: 10_000 }).map((na) => na / 1e6),
      fc.integer({ min: 0, max: 150_000 }).map((ua) => ua / 1000),
      fc.integer({ min: 0, max: 500_000 }).map((ua) => ua / 1000),
    ),
  });
  const initialSoc = fc.integer({ min: 1, max: 1000 }).map((permille) => permille / 1000);
  for (const profile of Object.values(batteryProfiles)) {
    for (const [railName, rail] of rails) {
      it(`chemical energy = Σ states + I²R + regulator + Peukert terms, and charge balances (${profile.id}, ${railName}, with and without harvest)`, () => {
        const seen = { dead: 0, harvested: 0, rateLoss: 0, regulatorLoss: 0 };
        fc.assert(
          fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), initialSoc, fc.boolean(), (steps, soc, withSun) => {
            const ledger = createEnergyLedger({
              battery: profile,
              initialStateOfCharge: soc,
              rail,
              brownOutV: 1.0,
              startMs: 0,
              ...(withSun ? { harvest: createSolarHarvester({ panelAreaM2: 0.0004, startHour: 5 }, profile.nominalVoltageV) } : {}),
            });
            let t = 0;
            for (const s of steps) {
              t += s.durationMs;
              if (ledger.transition(t, s.state, s.currentMa).type === 'dead') break;
            }
            const totals = ledger.totals();
            expect(imbalance(ledger)).toBeLessThan(1e-9);
            const chargeLostMc = ((soc - totals.stateOfCharge) * capacityUc(profile)) / 1000;
            expect(chargeLostMc).toBeCloseTo(totals.chargeDrawnMc - totals.chargeHarvestedMc, 3);
            expect(totals.rateLossUj).toBeGreaterThanOrEqual(0);
            expect(totals.regulatorLossUj).toBeGreaterThanOrEqual(0);
            if (totals.death !== undefined) seen.dead++;
            if (totals.harvestedEnergyUj > 0) seen.harvested++;
            if (totals.rateLossUj > 0) seen.rateLoss++;
            if (totals.regulatorLossUj > 0) seen.regulatorLoss++;
          }),
          { seed: 20240611, numRuns: 60 },
        );
        // The seeded runs reach every term of the books.
        expect(seen.dead * seen.harvested * seen.rateLoss).toBeGreaterThan(0);
        expect(seen.regulatorLoss > 0).toBe(rail.type === 'ldo');
      });
    }
  }

  it('books one interval by hand: 18650 behind a 3.3 V LDO, 10 mA for 1 h from full', () => {
    const ledger = createEnergyLedger({ battery: batteryProfiles['18650'], rail: { type: 'ldo', voltageV: 3.3, dropoutV: 0.2 }, brownOutV: 1.8, startMs: 0 });
    ledger.transition(0, 'compute', 10);
    ledger.transition(3_600_000, 'sleep', 0);
    const t = ledger.totals();
    const q = 10 * 3_600_000; // µC
    expect(t.energyByStateUj.compute).toBeCloseTo(q * 3.3, 3);
    expect(t.internalResistanceLossUj).toBeCloseTo(q * 0.0008, 3); // 10 mA × 0.08 Ω = 0.8 mV
    expect(t.regulatorLossUj).toBeCloseTo(q * (4.2 - 0.0008 - 3.3), 3);
    expect(t.rateLossUj).toBe(0); // 10 mA is below the 335 mA reference
    expect(t.timeByStateMs.compute).toBe(3_600_000);
    expect(t.chargeDrawnMc).toBe(36_000);
  });
});

describe('energy ledger: lifetime against hand arithmetic', () => {
  // One 20-byte LoRaWAN frame (20 + 13 = 33 PHY bytes) at SF7/125 kHz CR 4/5 every 10 minutes
  // from an SX1276 at +14 dBm (44 mA); 3 µA asleep otherwise; CR2032 on a direct rail, brown-out
  // threshold 1.8 V (the SX1276's minimum supply, above a typical 1.7 V MCU BOR).
  //   airtime            t_tx = 71.936 ms
  //   Peukert factor     f_tx = (44 / 0.2)^0.0735 = 1.48651 (sleep: 3 µA < 0.2 mA ⇒ f = 1)
  //   charge per period  q = 44 × 71.936 × 1.48651 + 0.003 × (600 000 − 71.936) = 6504.864 µC
  //                      (without Peukert: 3165.184 + 1799.784 = 4964.968 µC)
  //   death              the first transmit with V_oc(SoC) − 44 mA × 15 Ω < 1.8 V, i.e. V_oc < 2.46 V,
  //                      i.e. SoC < 0.05 × (2.46 − 2.0) / 0.6 = 0.038333 (table segment 0–5 %)
  //   usable charge      235 mAh × 3.6e6 × (1 − 0.038333) = 813 570 000 µC
  //   lifetime           813 570 000 / 6504.864 = 125 071.0 periods × 10 min = 868.55 days
  //                      (without Peukert: 163 860.1 periods = 1137.93 days)
  const airtimeMs = timeOnAir({ sf: 7, bandwidthHz: 125_000, codingRate: 1, payloadBytes: 33 }).airtimeMs;
  const periodMs = 600_000;
  const txMa = 44;
  const sleepMa = 0.003;

  function simulatedLifetimeMs(profile: BatteryProfile): { atMs: number; reason: string; state: EnergyState } {
    const ledger = createEnergyLedger({ battery: profile, rail: direct, brownOutV: 1.8, startMs: 0, initialState: 'sleep', initialCurrentMa: sleepMa });
    for (let t = 0; ; t += periodMs) {
      const status = ledger.transition(t, 'transmit', txMa);
      const after = status.type === 'dead' ? status : ledger.transition(t + airtimeMs, 'sleep', sleepMa);
      if (after.type === 'dead') {
        expect(imbalance(ledger)).toBeLessThan(1e-9);
        return after.death;
      }
    }
  }

  function analyticLifetimeMs(profile: BatteryProfile): number {
    const f = peukertFactor(profile, txMa);
    const perPeriodUc = txMa * airtimeMs * f + sleepMa * (periodMs - airtimeMs);
    const brownOutSoc = (0.05 * (1.8 + (txMa * 15) / 1000 - 2.0)) / 0.6;
    return ((capacityUc(profile) * (1 - brownOutSoc)) / perPeriodUc) * periodMs;
  }

  it('the airtime is 71.936 ms and the +14 dBm current 44 mA (LoRaSim\'s SX1276 table)', () => {
    expect(airtimeMs).toBe(71.936);
    expect(txCurrentMa(radioChips['sx1276-lorasim'], 14)).toBe(txMa);
  });

  it('a CR2032 node dies on transmit within 1 % of 868.55 days (Peukert on)', () => {
    const analytic = analyticLifetimeMs(cr2032);
    expect(analytic / 86_400_000).toBeCloseTo(868.55, 2);
    const death = simulatedLifetimeMs(cr2032);
    expect(death.reason).toBe('brownOut');
    expect(death.state).toBe('transmit');
    expect(Math.abs(death.atMs - analytic) / analytic).toBeLessThan(0.01);
  });

  it('without the rate effect (k = 1) the same node lasts 1137.93 days, also within 1 %', () => {
    const linear = { ...cr2032, peukertExponent: 1 };
    const analytic = analyticLifetimeMs(linear);
    expect(analytic / 86_400_000).toBeCloseTo(1137.93, 2);
    const death = simulatedLifetimeMs(linear);
    expect(Math.abs(death.atMs - analytic) / analytic).toBeLessThan(0.01);
  });
});

describe('energy ledger: brown-out at peak current', () => {
  // SX1276 datasheet Rev 7 Table 6, as quoted in https://github.com/Lora-net/LoRaMac-node/issues/167:
  // +20 dBm PA_BOOST 120 mA, +7 dBm RFO 20 mA.
  // CR2032 at SoC 0.95: V_oc = 3.15 V; R_int = 15 Ω; threshold 1.8 V.
  //   120 mA: 3.15 − 0.120 × 15 = 1.35 V < 1.8 V ⇒ brown-out
  //    20 mA: 3.15 − 0.020 × 15 = 2.85 V ≥ 1.8 V ⇒ runs
  // The rule: at this SoC the cell carries at most (3.15 − 1.8) / 15 Ω = 90 mA.
  it('the SX1276 profile draws 120 mA at +20 dBm and 20 mA at +7 dBm', () => {
    expect([txCurrentMa(radioChips.sx1276, 20), txCurrentMa(radioChips.sx1276, 7)]).toEqual([120, 20]);
  });

  const node = (): EnergyLedger =>
    createEnergyLedger({ battery: cr2032, initialStateOfCharge: 0.95, rail: direct, brownOutV: 1.8, startMs: 0 });

  it('a CR2032 at 95 % browns out when the SX1276 starts transmitting at +20 dBm (120 mA)', () => {
    const ledger = node();
    ledger.transition(1000, 'sleep', 0.003);
    const status = ledger.transition(5000, 'transmit', 120);
    expect(status.type).toBe('dead');
    if (status.type !== 'dead') return;
    expect(status.death).toMatchObject({ atMs: 5000, reason: 'brownOut', state: 'transmit', currentMa: 120 });
    expect(status.death.terminalVoltageV).toBeCloseTo(3.15 - 1.8, 6);
    expect(ledger.totals().timeByStateMs.transmit).toBe(0);
  });

  it('the same node transmits at +7 dBm (20 mA) with 2.85 V at its terminals', () => {
    const ledger = node();
    const status = ledger.transition(5000, 'transmit', 20);
    expect(status.type).toBe('alive');
    expect(openCircuitVoltageV(cr2032, 0.95) - (20 * 15) / 1000).toBeCloseTo(2.85, 12);
  });

  it('a dead ledger keeps answering with its death and books nothing more', () => {
    const ledger = node();
    ledger.transition(5000, 'transmit', 120);
    const status = ledger.transition(9000, 'sleep', 0.003);
    expect(status.type === 'dead' && status.death.atMs).toBe(5000);
    expect(ledger.totals().nowMs).toBe(5000);
  });

  it('time going back is a programmer error', () => {
    const ledger = node();
    ledger.transition(5000, 'idle', 1);
    expect(() => ledger.transition(4000, 'sleep', 0)).toThrow(RangeError);
  });
});

describe('energy ledger: predicted death', () => {
  it('predicts the exact empty time of a constant current, and a late transition books only up to it', () => {
    const ledger = createEnergyLedger({ battery: cr2032, initialStateOfCharge: 0.01, rail: direct, brownOutV: 1.0, startMs: 1000 });
    const status = ledger.transition(1000, 'listen', 1);
    // 1 % of 846e6 µC over 1 mA × (1 / 0.2)^0.0735; V_oc reaches 1.0 V + 15 mV below SoC 0, so the cell runs empty.
    const expectedMs = 1000 + (0.01 * capacityUc(cr2032)) / peukertFactor(cr2032, 1);
    expect(status.type === 'alive' && status.predictedDeathAtMs).toBeCloseTo(expectedMs, 3);
    const late = ledger.transition(expectedMs + 1e7, 'sleep', 0);
    expect(late.type === 'dead' && late.death).toMatchObject({ reason: 'empty', state: 'listen' });
    expect(late.type === 'dead' && late.death.atMs).toBeCloseTo(expectedMs, 3);
    expect(ledger.totals().stateOfCharge).toBeCloseTo(0, 9);
  });

  it('predicts a brown-out during a long interval when V_oc sags below threshold + I·R', () => {
    const ledger = createEnergyLedger({ battery: cr2032, initialStateOfCharge: 0.2, rail: direct, brownOutV: 1.8, startMs: 0 });
    const status = ledger.transition(0, 'receive', 12);
    // Threshold V_oc = 1.8 + 0.18 = 1.98 V < V_oc(0) ⇒ empty first; at 30 mA the threshold is 2.25 V ⇒ SoC 0.020833.
    expect(status.type === 'alive' && Number.isFinite(status.predictedDeathAtMs)).toBe(true);
    const high = ledger.transition(0, 'compute', 30);
    const socAt = (0.05 * (1.8 + 0.45 - 2.0)) / 0.6;
    const expectedMs = ((0.2 - socAt) * capacityUc(cr2032)) / (30 * peukertFactor(cr2032, 30));
    expect(high.type === 'alive' && high.predictedDeathAtMs).toBeCloseTo(expectedMs, 3);
    const dead = ledger.settle(expectedMs);
    expect(dead.type === 'dead' && dead.death.reason).toBe('brownOut');
  });

  it('with harvest the prediction is a lower bound: settling there in daylight finds the node alive', () => {
    const sun = createSolarHarvester({ panelAreaM2: 0.0025, startHour: 10 }, 3);
    const ledger = createEnergyLedger({ battery: cr2032, initialStateOfCharge: 0.001, rail: direct, brownOutV: 1.0, startMs: 0, harvest: sun });
    const status = ledger.transition(0, 'compute', 5);
    const boundMs = status.type === 'alive' ? status.predictedDeathAtMs : 0;
    const after = ledger.settle(boundMs);
    expect(after.type).toBe('alive');
    expect(after.type === 'alive' && after.predictedDeathAtMs).toBeGreaterThan(boundMs);
    expect(ledger.totals().chargeHarvestedMc).toBeGreaterThan(0);
    expect(imbalance(ledger)).toBeLessThan(1e-12);
  });

  it('with harvest at night the bound is the death time', () => {
    const sun = createSolarHarvester({ panelAreaM2: 0.0025, startHour: 20 }, 3);
    const ledger = createEnergyLedger({ battery: cr2032, initialStateOfCharge: 0.001, rail: direct, brownOutV: 1.0, startMs: 0, harvest: sun });
    const status = ledger.transition(0, 'compute', 5);
    const boundMs = status.type === 'alive' ? status.predictedDeathAtMs : 0;
    expect(boundMs).toBeLessThan(10 * 3_600_000); // before the 06:00 sunrise
    const after = ledger.settle(boundMs + 1000);
    expect(after.type === 'dead' && after.death.atMs).toBeCloseTo(boundMs, 3);
  });
});

describe('energy ledger: simultaneous parts', () => {
  it('books each part by its share of the current, loses I²R on the total, and still balances', () => {
    const part = fc.record({ state: fc.constantFrom(...energyStates), currentMa: fc.integer({ min: 0, max: 120_000 }).map((ua) => ua / 1000) });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 600_000 }), fc.array(part, { minLength: 1, maxLength: 2 })), { minLength: 1, maxLength: 40 }), (steps) => {
        const ledger = createEnergyLedger({ battery: batteryProfiles['2xaa'], rail: direct, brownOutV: 1.0, startMs: 0 });
        let t = 0;
        for (const [durationMs, parts] of steps) {
          t += durationMs;
          if (ledger.transitionParts(t, parts).type === 'dead') break;
        }
        expect(imbalance(ledger)).toBeLessThan(1e-9);
      }),
      { seed: 7, numRuns: 100 },
    );
  });

  it('splits one hour of MCU sleep (0.005 mA) beside a 44 mA transmission by current, with the loss on 44.005 mA', () => {
    const ledger = createEnergyLedger({ battery: batteryProfiles['18650'], rail: direct, brownOutV: 1.0, startMs: 0 });
    ledger.transitionParts(0, [{ state: 'sleep', currentMa: 0.005 }, { state: 'transmit', currentMa: 44 }]);
    ledger.transition(3_600_000, 'sleep', 0);
    const totals = ledger.totals();
    expect(totals.energyByStateUj.transmit / totals.energyByStateUj.sleep).toBeCloseTo(44 / 0.005, 6);
    expect(totals.timeByStateMs.transmit).toBe(3_600_000);
    expect(totals.timeByStateMs.sleep).toBe(3_600_000);
    const r = batteryProfiles['18650'].internalResistanceOhm;
    expect(totals.internalResistanceLossUj).toBeCloseTo((44.005 * 44.005 * r * 3_600_000) / 1000, 3);
  });
});

describe('energy ledger: parts', () => {
  it('takes one or two parts (the MCU and the radio), not none or three', () => {
    const ledger = createEnergyLedger({ battery: batteryProfiles['2xaa'], rail: direct, brownOutV: 1.0, startMs: 0 });
    expect(() => ledger.transitionParts(1, [])).toThrow(/at least one part/);
    const part = { state: 'sleep', currentMa: 0.001 } as const;
    expect(() => ledger.transitionParts(1, [part, part, part])).toThrow(/at most two parts/);
  });
});
