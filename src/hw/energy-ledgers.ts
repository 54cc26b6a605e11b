/**
 * The energy ledgers of many nodes in one typed array: each node's books are a record of
 * `stride` float64 fields, so a booking touches a few adjacent cache lines and allocates nothing
 * (a city has 100,000 ledgers, each booked twice per frame). The model and its identities are
 * energy-ledger.ts's, which is a one-node view of this table: the arithmetic below is the same
 * expressions in the same order, so the books are the same to the last bit.
 *
 * Each node's open interval carries one or two simultaneous parts (state and current): the MCU's
 * and the radio's.
 */
import { restoreInto } from '../sim/checkpoint-state.ts';
import { capacityUc, emptyStateOfCharge, openCircuitVoltageV, peukertFactor, stateOfChargeAtVoltage, ucPerMah } from './battery.ts';

export * from './energy-ledger-types.ts';
import { alive, dead, energyStateIndex, energyStates, type EnergyLedgers, type EnergyState, type LedgerConfig, type LedgerOutcome } from './energy-ledger-types.ts';

/** Margin (fraction of capacity) under which a cell counts as at its death threshold. */
const thresholdMargin = 1e-12;
/** Most death-bound passes one interval is split into when harvesting. */
const maxPasses = 10_000;

// Fields of a node's record.
const CHARGE = 0;
const CURRENT = 1;
const OPENED = 2;
const PREDICTED_AT = 3;
const PREDICTED_BROWNOUT = 4;
const STATE = 5;
const PARTS = 6;
const PART0_STATE = 7;
const PART0_MA = 8;
const PART1_STATE = 9;
const PART1_MA = 10;
const DEAD = 11;
const DEATH_AT = 12;
const DEATH_BROWNOUT = 13;
const DEATH_STATE = 14;
const DEATH_MA = 15;
const DEATH_SOC = 16;
const DEATH_TERMINAL_V = 17;
const DEATH_LOAD_V = 18;
const IR_LOSS = 19;
const REGULATOR_LOSS = 20;
const RATE_LOSS = 21;
const CHEMICAL = 22;
const HARVESTED = 23;
const DRAWN = 24;
const DELIVERED = 25;
const STORED = 26;
const SPILLED = 27;
const ENERGY = 28;
const TIME = 35;
const stride = 42;

/**
 * Ledgers for `configs.length` nodes, each opened at its `startMs`.
 *
 * @example
 * const ledgers = createEnergyLedgers([{ battery: batteryProfiles.cr2032, rail: { type: 'direct' }, brownOutV: 1.8, startMs: 0 }]);
 * ledgers.transition(0, 600_000, energyStateIndex.transmit, 44); // alive (0) or dead (1)
 */
export function createEnergyLedgers(configs: readonly LedgerConfig[]): EnergyLedgers {
  const count = configs.length;
  const r = new Float64Array(count * stride);
  const profiles = configs.map((c) => c.battery);
  const rails = configs.map((c) => c.rail);
  const harvests = configs.map((c) => c.harvest);
  const brownOutV = Float64Array.from(configs, (c) => c.brownOutV);
  const capUc = Float64Array.from(configs, (c) => capacityUc(c.battery));
  const emptySoc = Float64Array.from(configs, (c) => emptyStateOfCharge(c.battery));
  const dropoutV = Float64Array.from(configs, (c) => (c.rail.type === 'ldo' ? c.rail.dropoutV : 0));

  // Results of voltagesAt and thresholdAt (no object per call).
  let atSoc = 0;
  let atTerminalV = 0;
  let atLoadV = 0;
  let thresholdSoc = 0;
  let thresholdBrownOut = false;

  const loadVoltageV = (n: number, terminalV: number): number => {
    const rail = rails[n]!;
    return rail.type === 'ldo' ? Math.min(rail.voltageV, terminalV - rail.dropoutV) : terminalV;
  };

  function voltagesAt(n: number, ma: number): void {
    const profile = profiles[n]!;
    atSoc = r[n * stride + CHARGE]! / capUc[n]!;
    atTerminalV = openCircuitVoltageV(profile, atSoc) - (ma * profile.internalResistanceOhm) / 1000;
    atLoadV = loadVoltageV(n, atTerminalV);
  }

  /**
   * The threshold and Peukert factor at a current are pure functions of the node's battery,
   * rail and brown-out voltage: each node remembers its last four currents' (a node draws a
   * few: asleep, transmitting, receiving, computing), [current, threshold SoC, brown-out?,
   * Peukert factor] per entry.
   */
  const memo = new Float64Array(count * 16).fill(Number.NaN);
  const memoNext = new Uint8Array(count);
  let peukert = 1;

  /** The SoC at which a state drawing `ma` dies, and why; and the Peukert factor at `ma` (into `peukert`). */
  function thresholdAt(n: number, ma: number): void {
    const m = n * 16;
    for (let k = 0; k < 16; k += 4) {
      if (memo[m + k] === ma) {
        thresholdSoc = memo[m + k + 1]!;
        thresholdBrownOut = memo[m + k + 2] === 1;
        peukert = memo[m + k + 3]!;
        return;
      }
    }
    const rail = rails[n]!;
    const profile = profiles[n]!;
    const ldoBelowBrownOut = rail.type === 'ldo' && rail.voltageV < brownOutV[n]!;
    const brownSoc = ldoBelowBrownOut ? Number.POSITIVE_INFINITY : stateOfChargeAtVoltage(profile, brownOutV[n]! + dropoutV[n]! + (ma * profile.internalResistanceOhm) / 1000);
    thresholdBrownOut = brownSoc > emptySoc[n]!;
    thresholdSoc = thresholdBrownOut ? brownSoc : emptySoc[n]!;
    peukert = peukertFactor(profile, ma);
    const k = m + 4 * memoNext[n]!;
    memoNext[n] = (memoNext[n]! + 1) & 3;
    memo[k] = ma;
    memo[k + 1] = thresholdSoc;
    memo[k + 2] = thresholdBrownOut ? 1 : 0;
    memo[k + 3] = peukert;
  }

  function predict(n: number): void {
    const o = n * stride;
    const ma = r[o + CURRENT]!;
    thresholdAt(n, ma);
    const marginUc = r[o + CHARGE]! - thresholdSoc * capUc[n]!;
    const rateUcPerMs = ma * peukert;
    const openedMs = r[o + OPENED]!;
    r[o + PREDICTED_AT] = marginUc <= 0 ? openedMs : rateUcPerMs > 0 ? openedMs + marginUc / rateUcPerMs : Number.POSITIVE_INFINITY;
    r[o + PREDICTED_BROWNOUT] = thresholdBrownOut ? 1 : 0;
  }

  /** Books [opened, endMs] at the open parts' current; returns the harvested charge stored, µC. */
  function book(n: number, endMs: number): number {
    const o = n * stride;
    const profile = profiles[n]!;
    const openedMs = r[o + OPENED]!;
    const durationMs = endMs - openedMs;
    const harvest = harvests[n];
    const harvestedUc = harvest === undefined || durationMs === 0 ? 0 : harvest.chargeUc(openedMs, endMs);
    const currentMa = r[o + CURRENT]!;
    if (!(currentMa >= 0) || !(durationMs >= 0) || !(harvestedUc >= 0)) {
      throw new RangeError(`current, duration and harvest must be ≥ 0, got ${currentMa} mA, ${durationMs} ms, ${harvestedUc} µC`);
    }
    // One constant-current step of battery.ts's dischargeBattery, inline.
    const chargeUc = r[o + CHARGE]!;
    const voc = openCircuitVoltageV(profile, chargeUc / capacityUc(profile));
    const factor = peukertFactor(profile, currentMa);
    const deliveredUc = currentMa * durationMs;
    const drawnUc = deliveredUc * factor;
    const afterDrawUc = chargeUc - drawnUc;
    const storedUc = Math.max(0, Math.min(harvestedUc, capacityUc(profile) - afterDrawUc));
    const terminalV = voc - (currentMa * profile.internalResistanceOhm) / 1000;
    const loadV = loadVoltageV(n, terminalV);
    const parts = r[o + PARTS]!;
    if (parts === 1 || currentMa === 0) {
      r[o + ENERGY + r[o + STATE]!]! += deliveredUc * loadV;
      r[o + TIME + r[o + PART0_STATE]!]! += durationMs;
      if (parts === 2) r[o + TIME + r[o + PART1_STATE]!]! += durationMs;
    } else {
      r[o + ENERGY + r[o + PART0_STATE]!]! += deliveredUc * (r[o + PART0_MA]! / currentMa) * loadV;
      r[o + TIME + r[o + PART0_STATE]!]! += durationMs;
      r[o + ENERGY + r[o + PART1_STATE]!]! += deliveredUc * (r[o + PART1_MA]! / currentMa) * loadV;
      r[o + TIME + r[o + PART1_STATE]!]! += durationMs;
    }
    r[o + IR_LOSS]! += (deliveredUc * currentMa * profile.internalResistanceOhm) / 1000;
    r[o + REGULATOR_LOSS]! += deliveredUc * (terminalV - loadV);
    r[o + RATE_LOSS]! += (drawnUc - deliveredUc) * voc;
    r[o + CHEMICAL]! += drawnUc * voc;
    r[o + HARVESTED]! += storedUc * voc;
    r[o + DRAWN]! += drawnUc;
    r[o + DELIVERED]! += deliveredUc;
    r[o + STORED]! += storedUc;
    r[o + SPILLED]! += harvestedUc - storedUc;
    r[o + CHARGE] = afterDrawUc + storedUc;
    r[o + OPENED] = endMs;
    return storedUc;
  }

  function die(n: number, atMs: number, brownOut: boolean, ma: number, dyingState: number): LedgerOutcome {
    const o = n * stride;
    voltagesAt(n, ma);
    r[o + DEAD] = 1;
    r[o + DEATH_AT] = atMs;
    r[o + DEATH_BROWNOUT] = brownOut ? 1 : 0;
    r[o + DEATH_STATE] = dyingState;
    r[o + DEATH_MA] = ma;
    r[o + DEATH_SOC] = atSoc;
    r[o + DEATH_TERMINAL_V] = atTerminalV;
    r[o + DEATH_LOAD_V] = atLoadV;
    return dead;
  }

  function atThreshold(n: number): boolean {
    const o = n * stride;
    thresholdAt(n, r[o + CURRENT]!);
    return r[o + CHARGE]! - thresholdSoc * capUc[n]! <= thresholdMargin * capUc[n]!;
  }

  function deadAt(n: number, atMs: number): true {
    const o = n * stride;
    thresholdAt(n, r[o + CURRENT]!);
    die(n, atMs, thresholdBrownOut, r[o + CURRENT]!, r[o + STATE]!);
    return true;
  }

  /** Books up to `atMs`, stopping at the death time if it comes first; true if the node died. */
  function close(n: number, atMs: number): boolean {
    const o = n * stride;
    if (!(atMs >= r[o + OPENED]!)) throw new RangeError(`time must not go back: interval opened at ${r[o + OPENED]!} ms, got ${atMs} ms`);
    // Without harvest the predicted time is the death time (no margin test, which rounding at
    // large times could defeat). With harvest each pass books up to a lower bound of the death
    // time and the node lives on if the harvest lifted it clear of the threshold; the cap stops
    // a harvest that just balances the load from splitting one interval forever (the check
    // after the loop still catches the death).
    for (let pass = 0; r[o + PREDICTED_AT]! <= atMs && pass < maxPasses; pass++) {
      const storedUc = book(n, r[o + PREDICTED_AT]!);
      if (storedUc <= thresholdMargin * capUc[n]! || atThreshold(n)) return deadAt(n, r[o + OPENED]!);
      predict(n);
    }
    book(n, atMs);
    return atThreshold(n) && deadAt(n, atMs);
  }

  /** Opens `parts` parts (the fields PART0_/PART1_ of `next*`); the largest current names the state. */
  function open(n: number, parts: number, state0: number, ma0: number, state1: number, ma1: number): LedgerOutcome {
    const o = n * stride;
    let ma = checkedCurrent(ma0);
    let dominant = state0;
    if (parts === 2) {
      ma += checkedCurrent(ma1);
      if (ma1 > ma0) dominant = state1;
    }
    voltagesAt(n, ma);
    if (r[o + CHARGE]! <= emptySoc[n]! * capUc[n]!) return die(n, r[o + OPENED]!, false, ma, dominant);
    if (atLoadV < brownOutV[n]!) return die(n, r[o + OPENED]!, true, ma, dominant);
    r[o + STATE] = dominant;
    r[o + CURRENT] = ma;
    r[o + PARTS] = parts;
    r[o + PART0_STATE] = state0;
    r[o + PART0_MA] = ma0;
    r[o + PART1_STATE] = state1;
    r[o + PART1_MA] = ma1;
    predict(n);
    return alive;
  }

  for (let n = 0; n < count; n++) {
    const c = configs[n]!;
    const soc = c.initialStateOfCharge ?? 1;
    if (!(soc >= 0 && soc <= 1)) throw new RangeError(`stateOfCharge must be 0..1, got ${soc}`);
    if (!(c.brownOutV >= 0)) throw new RangeError(`brownOutV must be ≥ 0, got ${c.brownOutV}`);
    if (c.rail.type === 'ldo' && !(c.rail.voltageV > 0 && c.rail.dropoutV >= 0)) {
      throw new RangeError(`ldo rail needs voltageV > 0 and dropoutV ≥ 0, got ${c.rail.voltageV} V, ${c.rail.dropoutV} V`);
    }
    const o = n * stride;
    const state = energyStateIndex[c.initialState ?? 'sleep'];
    const ma = checkedCurrent(c.initialCurrentMa ?? 0);
    r[o + CHARGE] = soc * capacityUc(c.battery);
    r[o + STATE] = state;
    r[o + CURRENT] = ma;
    r[o + PARTS] = 1;
    r[o + PART0_STATE] = state;
    r[o + PART0_MA] = ma;
    r[o + OPENED] = c.startMs;
    r[o + PREDICTED_AT] = Number.POSITIVE_INFINITY;
    open(n, 1, state, ma, 0, 0);
  }

  const isDead = (n: number): boolean => r[n * stride + DEAD] === 1;

  return {
    count,
    checkpoint: () => ({ r: r.slice(), memo: memo.slice(), memoNext: memoNext.slice() }),
    restore(state) {
      restoreInto(r, state.r, 'energy ledgers');
      restoreInto(memo, state.memo, 'energy ledger memo');
      restoreInto(memoNext, state.memoNext, 'energy ledger memo');
    },
    transition(n, atMs, state, currentMa) {
      if (isDead(n)) return dead;
      checkedCurrent(currentMa);
      if (close(n, atMs)) return dead;
      return open(n, 1, state, currentMa, 0, 0);
    },
    transition2(n, atMs, state0, currentMa0, state1, currentMa1) {
      if (isDead(n)) return dead;
      checkedCurrent(currentMa0);
      checkedCurrent(currentMa1);
      if (close(n, atMs)) return dead;
      return open(n, 2, state0, currentMa0, state1, currentMa1);
    },
    settle(n, atMs) {
      if (isDead(n)) return dead;
      if (close(n, atMs)) return dead;
      const o = n * stride;
      return open(n, r[o + PARTS]!, r[o + PART0_STATE]!, r[o + PART0_MA]!, r[o + PART1_STATE]!, r[o + PART1_MA]!);
    },
    isDead,
    predictedDeathAtMs: (n) => r[n * stride + PREDICTED_AT]!,
    openState: (n) => r[n * stride + STATE]!,
    stateOfCharge: (n) => r[n * stride + CHARGE]! / capUc[n]!,
    chargeUc: (n) => r[n * stride + CHARGE]!,
    energyUj: (n, s) => r[n * stride + ENERGY + s]!,
    loadEnergyUj(n) {
      let sum = 0;
      for (let s = 0; s < energyStates.length; s++) sum += r[n * stride + ENERGY + s]!;
      return sum;
    },
    death(n) {
      if (!isDead(n)) return undefined;
      const o = n * stride;
      return {
        atMs: r[o + DEATH_AT]!,
        reason: r[o + DEATH_BROWNOUT] === 1 ? 'brownOut' : 'empty',
        state: energyStates[r[o + DEATH_STATE]!]!,
        currentMa: r[o + DEATH_MA]!,
        stateOfCharge: r[o + DEATH_SOC]!,
        terminalVoltageV: r[o + DEATH_TERMINAL_V]!,
        loadVoltageV: r[o + DEATH_LOAD_V]!,
      };
    },
    totals(n) {
      const o = n * stride;
      const energyByStateUj = {} as Record<EnergyState, number>;
      const timeByStateMs = {} as Record<EnergyState, number>;
      let loadEnergyUj = 0;
      energyStates.forEach((s, i) => {
        energyByStateUj[s] = r[o + ENERGY + i]!;
        timeByStateMs[s] = r[o + TIME + i]!;
        loadEnergyUj += r[o + ENERGY + i]!;
      });
      return {
        nowMs: r[o + OPENED]!,
        energyByStateUj,
        timeByStateMs,
        loadEnergyUj,
        internalResistanceLossUj: r[o + IR_LOSS]!,
        regulatorLossUj: r[o + REGULATOR_LOSS]!,
        rateLossUj: r[o + RATE_LOSS]!,
        chemicalEnergyUj: r[o + CHEMICAL]!,
        harvestedEnergyUj: r[o + HARVESTED]!,
        chargeDrawnMc: r[o + DRAWN]! / 1000,
        chargeDeliveredMc: r[o + DELIVERED]! / 1000,
        chargeHarvestedMc: r[o + STORED]! / 1000,
        chargeSpilledMc: r[o + SPILLED]! / 1000,
        stateOfCharge: r[o + CHARGE]! / capUc[n]!,
        remainingMah: r[o + CHARGE]! / ucPerMah,
        death: this.death(n),
      };
    },
  };
}

function checkedCurrent(currentMa: number): number {
  if (!(currentMa >= 0 && currentMa < Number.POSITIVE_INFINITY)) badCurrent(currentMa);
  return currentMa;
}

function badCurrent(currentMa: number): never {
  throw new RangeError(`currentMa must be a finite number ≥ 0, got ${currentMa}`);
}
