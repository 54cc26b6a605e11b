/**
 * A battery as a pure state machine: the state is the remaining charge; every function takes
 * the profile (battery-profiles.ts) and the time or current it needs, and returns new values.
 *
 * Units: current in mA and time in ms, so charge is in mA·ms = µC and charge × volts is µJ.
 * 1 mAh = 3.6·10⁶ µC.
 *
 * Model (a simple equivalent circuit, and the Peukert rate on the instantaneous current as
 * coulomb-counting estimators apply it, https://doi.org/10.3390/s23021036):
 * - state of charge SoC = remaining charge / rated capacity (capacityMah at the reference current);
 * - V_oc(SoC) interpolated linearly in the profile's table;
 * - terminal voltage V = V_oc(SoC) − I·R_int;
 * - Peukert rate effect, its own term: a current I draws I·f(I) from the cell, with
 *   f(I) = (I/I_ref)^(k−1) above the reference current and 1 at or below it;
 * - empty at V_oc ≤ cut-off voltage or at zero charge.
 */
import type { BatteryProfile } from './battery-profiles.ts';

/** µC in one mAh. */
export const ucPerMah = 3.6e6;

export interface BatteryState {
  readonly profile: BatteryProfile;
  /** Remaining charge, µC (mA·ms). */
  readonly chargeUc: number;
}

/** One constant-current step of `dischargeBattery`. */
export interface DischargeStep {
  /** Charge that reached the load, I·t, µC. */
  readonly deliveredUc: number;
  /** Charge removed from the cell, I·t·f(I), µC (≥ deliveredUc). */
  readonly drawnUc: number;
  /** Harvested charge that the cell stored, µC. */
  readonly storedUc: number;
  /** Harvested charge refused because the cell was full, µC. */
  readonly spilledUc: number;
  /** V_oc, terminal voltage and Peukert factor at the step's start (held for the step). */
  readonly openCircuitVoltageV: number;
  readonly terminalVoltageV: number;
  readonly peukertFactor: number;
}

/**
 * Rated capacity in µC.
 *
 * @example
 * capacityUc(batteryProfiles.cr2032); // 846_000_000
 */
export function capacityUc(profile: BatteryProfile): number {
  return profile.capacityMah * ucPerMah;
}

/**
 * A battery at `stateOfCharge` (0..1, full by default).
 *
 * @example
 * createBattery(batteryProfiles['2xaa'], 0.5).chargeUc; // 5_400_000_000
 */
export function createBattery(profile: BatteryProfile, stateOfCharge = 1): BatteryState {
  if (!(stateOfCharge >= 0 && stateOfCharge <= 1)) {
    throw new RangeError(`stateOfCharge must be 0..1, got ${stateOfCharge}`);
  }
  return { profile, chargeUc: stateOfCharge * capacityUc(profile) };
}

/**
 * Remaining charge over rated capacity (may fall below 0 if a caller overdraws).
 *
 * @example
 * batteryStateOfCharge(createBattery(batteryProfiles.cr2032)); // 1
 */
export function batteryStateOfCharge(battery: BatteryState): number {
  return battery.chargeUc / capacityUc(battery.profile);
}

/**
 * V_oc at `stateOfCharge`, interpolated in the profile's table (clamped to 0..1).
 *
 * @example
 * openCircuitVoltageV(batteryProfiles.cr2032, 0.95); // 3.15
 */
export function openCircuitVoltageV(profile: BatteryProfile, stateOfCharge: number): number {
  const points = profile.openCircuitVoltage;
  const s = Math.min(1, Math.max(0, stateOfCharge));
  // Indexing, not destructuring: this runs at every booking of every node.
  for (let i = 1; i < points.length; i++) {
    const s1 = points[i]![0];
    if (s <= s1) {
      const v1 = points[i]![1];
      const s0 = points[i - 1]![0];
      const v0 = points[i - 1]![1];
      return v0 + ((v1 - v0) * (s - s0)) / (s1 - s0);
    }
  }
  return points[points.length - 1]![1];
}

/**
 * Terminal voltage V_oc(SoC) − I·R_int under a load of `currentMa`.
 *
 * @example
 * terminalVoltageV(batteryProfiles.cr2032, 0.95, 120); // 3.15 − 1.8 = 1.35
 */
export function terminalVoltageV(profile: BatteryProfile, stateOfCharge: number, currentMa: number): number {
  return openCircuitVoltageV(profile, stateOfCharge) - (currentMa * profile.internalResistanceOhm) / 1000;
}

/**
 * Peukert factor f(I): charge removed from the cell per unit of charge delivered.
 *
 * @example
 * peukertFactor(batteryProfiles.cr2032, 10); // (10/0.2)^0.0735 ≈ 1.333
 */
export function peukertFactor(profile: BatteryProfile, currentMa: number): number {
  return currentMa > profile.referenceCurrentMa ? (currentMa / profile.referenceCurrentMa) ** (profile.peukertExponent - 1) : 1;
}

/**
 * The largest state of charge at which V_oc ≤ `voltageV`: the cell is at or below that voltage
 * from there down. 0 when V_oc(0) is above `voltageV` (the threshold is never crossed before
 * the charge runs out); +Infinity when even a full cell is below it.
 *
 * @example
 * stateOfChargeAtVoltage(batteryProfiles.cr2032, 2.3); // 0.025
 */
export function stateOfChargeAtVoltage(profile: BatteryProfile, voltageV: number): number {
  const points = profile.openCircuitVoltage;
  const last = points[points.length - 1]!;
  if (voltageV > last[1]) return Number.POSITIVE_INFINITY;
  if (voltageV === last[1]) return 1;
  for (let i = points.length - 1; i >= 1; i--) {
    const v0 = points[i - 1]![1];
    // Coming down from above, voltageV < v1 here, so v1 > v0 whenever voltageV ≥ v0.
    if (voltageV >= v0) {
      const s0 = points[i - 1]![0];
      const s1 = points[i]![0];
      const v1 = points[i]![1];
      return s0 + ((s1 - s0) * (voltageV - v0)) / (v1 - v0);
    }
  }
  return 0;
}

/**
 * State of charge at which the cell is empty: V_oc reaches the cut-off voltage (0 when the
 * table starts at the cut-off voltage, as the built-ins do).
 *
 * @example
 * emptyStateOfCharge(batteryProfiles.cr2032); // 0
 */
export function emptyStateOfCharge(profile: BatteryProfile): number {
  return Math.max(0, stateOfChargeAtVoltage(profile, profile.cutOffVoltageV));
}

/**
 * Discharges at a constant `currentMa` for `durationMs` and stores `harvestedUc` of harvested
 * charge (what does not fit below full capacity is spilled). V_oc, V and f are evaluated at the
 * step's start and held for the step. Charge is not clamped at zero, so callers that overdraw
 * see it; the energy ledger stops at the predicted empty time instead.
 *
 * @example
 * dischargeBattery(createBattery(batteryProfiles.cr2032), 0.003, 600_000).step.drawnUc; // 1800
 */
export function dischargeBattery(
  battery: BatteryState,
  currentMa: number,
  durationMs: number,
  harvestedUc = 0,
): { readonly battery: BatteryState; readonly step: DischargeStep } {
  if (!(currentMa >= 0) || !(durationMs >= 0) || !(harvestedUc >= 0)) {
    throw new RangeError(`current, duration and harvest must be ≥ 0, got ${currentMa} mA, ${durationMs} ms, ${harvestedUc} µC`);
  }
  const { profile } = battery;
  const soc = batteryStateOfCharge(battery);
  const voc = openCircuitVoltageV(profile, soc);
  const factor = peukertFactor(profile, currentMa);
  const deliveredUc = currentMa * durationMs;
  const drawnUc = deliveredUc * factor;
  const afterDrawUc = battery.chargeUc - drawnUc;
  const storedUc = Math.max(0, Math.min(harvestedUc, capacityUc(profile) - afterDrawUc));
  return {
    battery: { profile, chargeUc: afterDrawUc + storedUc },
    step: {
      deliveredUc,
      drawnUc,
      storedUc,
      spilledUc: harvestedUc - storedUc,
      openCircuitVoltageV: voc,
      terminalVoltageV: voc - (currentMa * profile.internalResistanceOhm) / 1000,
      peukertFactor: factor,
    },
  };
}
