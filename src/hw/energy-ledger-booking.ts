/**
 * Booking on the energy ledgers' table (energy-ledger-table.ts): closing a node's open interval,
 * opening the next one's parts, predicting its death. The model and its identities are
 * energy-ledger.ts's, which is a one-node view of this table: the arithmetic below is the same
 * expressions in the same order, so the books are the same to the last bit.
 */
import { capacityUc, openCircuitVoltageV, peukertFactor, stateOfChargeAtVoltage } from './battery.ts';
import { alive, dead, type LedgerOutcome } from './energy-ledger-types.ts';
import {
  BROWN_OUT_V, CAP_UC, CHARGE, CHEMICAL, CURRENT, DEAD, DEATH_AT, DEATH_BROWNOUT, DEATH_LOAD_V, DEATH_MA, DEATH_SOC, DEATH_STATE, DEATH_TERMINAL_V,
  DELIVERED, DRAWN, DROPOUT_V, EMPTY_SOC, ENERGY, HARVESTED, HARVESTS, IR_LOSS, MEMO, MEMO_NEXT, OPENED, PART0_MA, PART0_STATE, PART1_MA, PART1_STATE, PARTS, PREDICTED_AT,
  PREDICTED_BROWNOUT, RAIL_LDO, RAIL_V, RATE_LOSS, REGULATOR_LOSS, SPILLED, STATE, STORED, TIME, checkedCurrent, memoStride, profileOf, stride, type LedgerTable,
} from './energy-ledger-table.ts';

/** Margin (fraction of capacity) under which a cell counts as at its death threshold. */
const thresholdMargin = 1e-12;
/** Most death-bound passes one interval is split into when harvesting. */
const maxPasses = 10_000;

function loadVoltageV(t: LedgerTable, n: number, terminalV: number): number {
  const o = n * stride;
  return t.r[o + RAIL_LDO] === 1 ? Math.min(t.r[o + RAIL_V]!, terminalV - t.r[o + DROPOUT_V]!) : terminalV;
}

/** The state of charge and the terminal and load voltages at `ma` now (into `t.at*`). */
function voltagesAt(t: LedgerTable, n: number, ma: number): void {
  const profile = profileOf(t, n);
  t.atSoc = t.r[n * stride + CHARGE]! / t.r[n * stride + CAP_UC]!;
  t.atTerminalV = openCircuitVoltageV(profile, t.atSoc) - (ma * profile.internalResistanceOhm) / 1000;
  t.atLoadV = loadVoltageV(t, n, t.atTerminalV);
}

/**
 * The SoC at which a state drawing `ma` dies, and why; and the Peukert factor at `ma` (into
 * `t.thresholdSoc`, `t.thresholdBrownOut`, `t.peukert`). They are pure functions of the node's
 * battery, rail and brown-out voltage: each node remembers its last four currents' (a node
 * draws a few: asleep, transmitting, receiving, computing).
 */
function thresholdAt(t: LedgerTable, n: number, ma: number): void {
  const r = t.r;
  const o = n * stride;
  const m = o + MEMO;
  for (let k = 0; k < memoStride; k += 4) {
    if (r[m + k] === ma) {
      t.thresholdSoc = r[m + k + 1]!;
      t.thresholdBrownOut = r[m + k + 2] === 1;
      t.peukert = r[m + k + 3]!;
      return;
    }
  }
  const profile = profileOf(t, n);
  const ldoBelowBrownOut = r[o + RAIL_LDO] === 1 && r[o + RAIL_V]! < r[o + BROWN_OUT_V]!;
  const brownSoc = ldoBelowBrownOut ? Number.POSITIVE_INFINITY : stateOfChargeAtVoltage(profile, r[o + BROWN_OUT_V]! + r[o + DROPOUT_V]! + (ma * profile.internalResistanceOhm) / 1000);
  t.thresholdBrownOut = brownSoc > r[o + EMPTY_SOC]!;
  t.thresholdSoc = t.thresholdBrownOut ? brownSoc : r[o + EMPTY_SOC]!;
  t.peukert = peukertFactor(profile, ma);
  const k = m + 4 * r[o + MEMO_NEXT]!;
  r[o + MEMO_NEXT] = (r[o + MEMO_NEXT]! + 1) & 3;
  r[k] = ma;
  r[k + 1] = t.thresholdSoc;
  r[k + 2] = t.thresholdBrownOut ? 1 : 0;
  r[k + 3] = t.peukert;
}

function predict(t: LedgerTable, n: number): void {
  const r = t.r;
  const o = n * stride;
  const ma = r[o + CURRENT]!;
  thresholdAt(t, n, ma);
  const marginUc = r[o + CHARGE]! - t.thresholdSoc * r[o + CAP_UC]!;
  const rateUcPerMs = ma * t.peukert;
  const openedMs = r[o + OPENED]!;
  r[o + PREDICTED_AT] = marginUc <= 0 ? openedMs : rateUcPerMs > 0 ? openedMs + marginUc / rateUcPerMs : Number.POSITIVE_INFINITY;
  r[o + PREDICTED_BROWNOUT] = t.thresholdBrownOut ? 1 : 0;
}

/** Books [opened, endMs] at the open parts' current; returns the harvested charge stored, µC. */
function book(t: LedgerTable, n: number, endMs: number): number {
  const r = t.r;
  const o = n * stride;
  const profile = profileOf(t, n);
  const openedMs = r[o + OPENED]!;
  const durationMs = endMs - openedMs;
  const harvestedUc = r[o + HARVESTS] === 0 || durationMs === 0 ? 0 : t.harvests[n]!.chargeUc(openedMs, endMs);
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
  const loadV = loadVoltageV(t, n, terminalV);
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

function die(t: LedgerTable, n: number, atMs: number, brownOut: boolean, ma: number, dyingState: number): LedgerOutcome {
  const r = t.r;
  const o = n * stride;
  voltagesAt(t, n, ma);
  r[o + DEAD] = 1;
  r[o + DEATH_AT] = atMs;
  r[o + DEATH_BROWNOUT] = brownOut ? 1 : 0;
  r[o + DEATH_STATE] = dyingState;
  r[o + DEATH_MA] = ma;
  r[o + DEATH_SOC] = t.atSoc;
  r[o + DEATH_TERMINAL_V] = t.atTerminalV;
  r[o + DEATH_LOAD_V] = t.atLoadV;
  return dead;
}

function atThreshold(t: LedgerTable, n: number): boolean {
  const o = n * stride;
  thresholdAt(t, n, t.r[o + CURRENT]!);
  return t.r[o + CHARGE]! - t.thresholdSoc * t.r[o + CAP_UC]! <= thresholdMargin * t.r[o + CAP_UC]!;
}

function deadAt(t: LedgerTable, n: number, atMs: number): true {
  const o = n * stride;
  thresholdAt(t, n, t.r[o + CURRENT]!);
  die(t, n, atMs, t.thresholdBrownOut, t.r[o + CURRENT]!, t.r[o + STATE]!);
  return true;
}

/** Books up to `atMs`, stopping at the death time if it comes first; true if the node died. */
export function closeInterval(t: LedgerTable, n: number, atMs: number): boolean {
  const r = t.r;
  const o = n * stride;
  if (!(atMs >= r[o + OPENED]!)) throw new RangeError(`time must not go back: interval opened at ${r[o + OPENED]!} ms, got ${atMs} ms`);
  // Without harvest the predicted time is the death time (no margin test, which rounding at
  // large times could defeat). With harvest each pass books up to a lower bound of the death
  // time and the node lives on if the harvest lifted it clear of the threshold; the cap stops
  // a harvest that just balances the load from splitting one interval forever (the check
  // after the loop still catches the death).
  for (let pass = 0; r[o + PREDICTED_AT]! <= atMs && pass < maxPasses; pass++) {
    const storedUc = book(t, n, r[o + PREDICTED_AT]!);
    if (storedUc <= thresholdMargin * r[o + CAP_UC]! || atThreshold(t, n)) return deadAt(t, n, r[o + OPENED]!);
    predict(t, n);
  }
  book(t, n, atMs);
  return atThreshold(t, n) && deadAt(t, n, atMs);
}

/** Opens `parts` parts (the fields PART0_/PART1_); the largest current names the state. */
export function openInterval(t: LedgerTable, n: number, parts: number, state0: number, ma0: number, state1: number, ma1: number): LedgerOutcome {
  const r = t.r;
  const o = n * stride;
  let ma = checkedCurrent(ma0);
  let dominant = state0;
  if (parts === 2) {
    ma += checkedCurrent(ma1);
    if (ma1 > ma0) dominant = state1;
  }
  voltagesAt(t, n, ma);
  if (r[o + CHARGE]! <= r[o + EMPTY_SOC]! * r[o + CAP_UC]!) return die(t, n, r[o + OPENED]!, false, ma, dominant);
  if (t.atLoadV < r[o + BROWN_OUT_V]!) return die(t, n, r[o + OPENED]!, true, ma, dominant);
  r[o + STATE] = dominant;
  r[o + CURRENT] = ma;
  r[o + PARTS] = parts;
  r[o + PART0_STATE] = state0;
  r[o + PART0_MA] = ma0;
  r[o + PART1_STATE] = state1;
  r[o + PART1_MA] = ma1;
  predict(t, n);
  return alive;
}
