/**
 * Per-node energy ledger: a node draws a constant current from its battery between transitions;
 * every `transition` closes the open interval, books it, and opens the next. An interval may
 * carry several simultaneous parts (the MCU asleep while the radio transmits, say): the battery
 * sees their sum, and each part's share of the delivered charge is booked to its own state
 * (`transitionParts`). Time per state is then counted per part.
 *
 * Books (per interval of length t at current I; V_oc, R_int and f(I) evaluated at the
 * interval's start and held for it, i.e. piecewise constant):
 *   V_term = V_oc − I·R            V_load = V_term (direct rail) or min(V_rail, V_term − dropout) (LDO)
 *   chemical energy  I·t·f·V_oc  =  I·t·V_load                  (the state's ledger entry)
 *                                 + I²·R·t                      (internal resistance)
 *                                 + I·t·(V_term − V_load)       (regulator; 0 on a direct rail)
 *                                 + (f − 1)·I·t·V_oc            (Peukert rate term)
 * Harvested charge enters the cell separately (its charger's losses are in the harvester's
 * charge efficiency): stored charge × V_oc is `harvestedEnergyUj`, so the net chemical energy
 * removed is chemicalEnergyUj − harvestedEnergyUj. The identity holds per interval to
 * floating-point precision. Units: mA × ms = µC, µC × V = µJ.
 *
 * Death (shared/reference/edge-and-mcu.md §6, rule 4):
 * - brown-out: when a state opens, at its (peak) current, V_load < brownOutV, i.e.
 *   V_oc(SoC) − I·R − dropout < brownOutV (pass the max of the MCU's BOR and the radio's minimum
 *   supply);
 * - empty: V_oc(SoC) at the cut-off voltage or no charge left.
 * During an open interval both thresholds are states of charge (V_oc is monotone), so the time
 * the charge reaches them is exact for a constant current: `predictedDeathAtMs`. With harvesting
 * the prediction ignores the harvest, so it is a lower bound (death is never earlier): schedule
 * `settle` there; the ledger books up to it and either dies or predicts again. Closing an
 * interval after the predicted time books only up to it, so a late caller still gets the exact
 * death time.
 */
import type { BatteryProfile } from './battery-profiles.ts';
import { type BatteryState, capacityUc, createBattery, dischargeBattery, emptyStateOfCharge, peukertFactor, stateOfChargeAtVoltage, openCircuitVoltageV, ucPerMah } from './battery.ts';
import type { Harvester } from './solar.ts';

export type EnergyState = 'sleep' | 'idle' | 'listen' | 'receive' | 'transmit' | 'compute' | 'radioStandby';
export const energyStates: readonly EnergyState[] = ['sleep', 'idle', 'listen', 'receive', 'transmit', 'compute', 'radioStandby'];

/** What the loads see: the battery's terminal voltage, or a linear regulator's output. */
export type Rail = { readonly type: 'direct' } | { readonly type: 'ldo'; readonly voltageV: number; readonly dropoutV: number };

export type DeathReason = 'brownOut' | 'empty';

export interface Death {
  readonly atMs: number;
  readonly reason: DeathReason;
  /** The state being opened (brown-out) or running (empty) when the node died, and its current. */
  readonly state: EnergyState;
  readonly currentMa: number;
  readonly stateOfCharge: number;
  readonly terminalVoltageV: number;
  readonly loadVoltageV: number;
}

export type LedgerStatus =
  | { readonly type: 'alive'; readonly state: EnergyState; readonly predictedDeathAtMs: number }
  | { readonly type: 'dead'; readonly death: Death };

export interface EnergyLedgerConfig {
  readonly battery: BatteryProfile;
  /** 0..1, full by default. */
  readonly initialStateOfCharge?: number;
  readonly rail: Rail;
  readonly brownOutV: number;
  readonly harvest?: Harvester;
  readonly startMs: number;
  /** State opened at `startMs`; `sleep` at 0 mA by default. */
  readonly initialState?: EnergyState;
  readonly initialCurrentMa?: number;
}

export interface EnergyTotals {
  readonly nowMs: number;
  readonly energyByStateUj: Readonly<Record<EnergyState, number>>;
  readonly timeByStateMs: Readonly<Record<EnergyState, number>>;
  /** Σ energyByStateUj. */
  readonly loadEnergyUj: number;
  readonly internalResistanceLossUj: number;
  readonly regulatorLossUj: number;
  readonly rateLossUj: number;
  /** Charge removed from the cell × V_oc; equals load energy plus the three losses. */
  readonly chemicalEnergyUj: number;
  /** Harvested charge the cell stored × V_oc. */
  readonly harvestedEnergyUj: number;
  readonly chargeDrawnMc: number;
  readonly chargeDeliveredMc: number;
  readonly chargeHarvestedMc: number;
  readonly chargeSpilledMc: number;
  readonly stateOfCharge: number;
  readonly remainingMah: number;
  readonly death: Death | undefined;
}

/** One simultaneous consumer of an interval: its state and its current. */
export interface LoadPart {
  readonly state: EnergyState;
  readonly currentMa: number;
}

export interface EnergyLedger {
  /** Books the open interval up to `atMs`, then opens `nextState` at `currentMa` (brown-out checked at that current). */
  transition(atMs: number, nextState: EnergyState, currentMa: number): LedgerStatus;
  /**
   * Same, with several simultaneous parts: brown-out is checked at their total current; each
   * part's energy is booked to its state; the status reports the part drawing the most.
   */
  transitionParts(atMs: number, parts: readonly LoadPart[]): LedgerStatus;
  /** Books up to `atMs` and keeps the same state open: for samples and predicted-death events. */
  settle(atMs: number): LedgerStatus;
  status(): LedgerStatus;
  totals(): EnergyTotals;
}

/** Margin (fraction of capacity) under which a cell counts as at its death threshold. */
const thresholdMargin = 1e-12;
/** Most death-bound passes one interval is split into when harvesting. */
const maxPasses = 10_000;

const zeroByState = (): Record<EnergyState, number> => ({ sleep: 0, idle: 0, listen: 0, receive: 0, transmit: 0, compute: 0, radioStandby: 0 });

/**
 * A ledger for one node.
 *
 * @example
 * const ledger = createEnergyLedger({ battery: batteryProfiles.cr2032, rail: { type: 'direct' }, brownOutV: 1.8, startMs: 0 });
 * ledger.transition(0, 'sleep', 0.003);
 * ledger.transition(600_000, 'transmit', 44); // { type: 'alive', state: 'transmit', predictedDeathAtMs: … }
 * ledger.totals().energyByStateUj.sleep; // 0.003 mA × 600 000 ms × (3.2 − 0.003·15/1000) V ≈ 5759.9 µJ
 */
export function createEnergyLedger(config: EnergyLedgerConfig): EnergyLedger {
  const { rail, brownOutV, harvest } = config;
  const profile = config.battery;
  if (!(brownOutV >= 0)) throw new RangeError(`brownOutV must be ≥ 0, got ${brownOutV}`);
  if (rail.type === 'ldo' && !(rail.voltageV > 0 && rail.dropoutV >= 0)) {
    throw new RangeError(`ldo rail needs voltageV > 0 and dropoutV ≥ 0, got ${rail.voltageV} V, ${rail.dropoutV} V`);
  }
  const dropoutV = rail.type === 'ldo' ? rail.dropoutV : 0;
  const capUc = capacityUc(profile);
  const emptySoc = emptyStateOfCharge(profile);

  let battery: BatteryState = createBattery(profile, config.initialStateOfCharge ?? 1);
  let state: EnergyState = config.initialState ?? 'sleep';
  let currentMa = checkedCurrent(config.initialCurrentMa ?? 0);
  let parts: readonly LoadPart[] = [{ state, currentMa }];
  let openedMs = config.startMs;
  let death: Death | undefined;
  let predicted = { atMs: Number.POSITIVE_INFINITY, reason: 'empty' as DeathReason };

  const energyByStateUj = zeroByState();
  const timeByStateMs = zeroByState();
  let irLossUj = 0;
  let regulatorLossUj = 0;
  let rateLossUj = 0;
  let chemicalUj = 0;
  let harvestedUj = 0;
  let drawnUc = 0;
  let deliveredUc = 0;
  let storedUc = 0;
  let spilledUc = 0;

  const loadVoltageV = (terminalV: number): number => (rail.type === 'ldo' ? Math.min(rail.voltageV, terminalV - rail.dropoutV) : terminalV);

  function voltagesAt(ma: number): { terminalV: number; loadV: number; soc: number } {
    const soc = battery.chargeUc / capUc;
    const terminalV = openCircuitVoltageV(profile, soc) - (ma * profile.internalResistanceOhm) / 1000;
    return { terminalV, loadV: loadVoltageV(terminalV), soc };
  }

  /** The SoC at which the open state dies, and why. */
  function thresholdAt(ma: number): { soc: number; reason: DeathReason } {
    const ldoBelowBrownOut = rail.type === 'ldo' && rail.voltageV < brownOutV;
    const brownSoc = ldoBelowBrownOut ? Number.POSITIVE_INFINITY : stateOfChargeAtVoltage(profile, brownOutV + dropoutV + (ma * profile.internalResistanceOhm) / 1000);
    return brownSoc > emptySoc ? { soc: brownSoc, reason: 'brownOut' } : { soc: emptySoc, reason: 'empty' };
  }

  function predict(): void {
    const { soc, reason } = thresholdAt(currentMa);
    const marginUc = battery.chargeUc - soc * capUc;
    const rateUcPerMs = currentMa * peukertFactor(profile, currentMa);
    const atMs = marginUc <= 0 ? openedMs : rateUcPerMs > 0 ? openedMs + marginUc / rateUcPerMs : Number.POSITIVE_INFINITY;
    predicted = { atMs, reason };
  }

  /** Books [openedMs, endMs] at the open state's current; returns the harvested charge stored, µC. */
  function book(endMs: number): number {
    const durationMs = endMs - openedMs;
    const harvestUc = harvest === undefined || durationMs === 0 ? 0 : harvest.chargeUc(openedMs, endMs);
    const next = dischargeBattery(battery, currentMa, durationMs, harvestUc);
    const s = next.step;
    const loadV = loadVoltageV(s.terminalVoltageV);
    if (parts.length === 1 || currentMa === 0) {
      energyByStateUj[state] += s.deliveredUc * loadV;
      for (const part of parts) timeByStateMs[part.state] += durationMs;
    } else {
      for (const part of parts) {
        energyByStateUj[part.state] += s.deliveredUc * (part.currentMa / currentMa) * loadV;
        timeByStateMs[part.state] += durationMs;
      }
    }
    irLossUj += (s.deliveredUc * currentMa * profile.internalResistanceOhm) / 1000;
    regulatorLossUj += s.deliveredUc * (s.terminalVoltageV - loadV);
    rateLossUj += (s.drawnUc - s.deliveredUc) * s.openCircuitVoltageV;
    chemicalUj += s.drawnUc * s.openCircuitVoltageV;
    harvestedUj += s.storedUc * s.openCircuitVoltageV;
    drawnUc += s.drawnUc;
    deliveredUc += s.deliveredUc;
    storedUc += s.storedUc;
    spilledUc += s.spilledUc;
    battery = next.battery;
    openedMs = endMs;
    return s.storedUc;
  }

  function die(atMs: number, reason: DeathReason, ma: number, dyingState: EnergyState): LedgerStatus {
    const v = voltagesAt(ma);
    death = { atMs, reason, state: dyingState, currentMa: ma, stateOfCharge: v.soc, terminalVoltageV: v.terminalV, loadVoltageV: v.loadV };
    return { type: 'dead', death };
  }

  /** Books up to `atMs`, stopping at the death time if it comes first; true if the node died. */
  function close(atMs: number): boolean {
    if (!(atMs >= openedMs)) throw new RangeError(`time must not go back: interval opened at ${openedMs} ms, got ${atMs} ms`);
    // Without harvest the predicted time is the death time (no margin test, which rounding at
    // large times could defeat). With harvest each pass books up to a lower bound of the death
    // time and the node lives on if the harvest lifted it clear of the threshold; the cap stops
    // a harvest that just balances the load from splitting one interval forever (the check
    // after the loop still catches the death).
    for (let pass = 0; predicted.atMs <= atMs && pass < maxPasses; pass++) {
      const storedUc = book(predicted.atMs);
      if (storedUc <= thresholdMargin * capUc || atThreshold()) return dead(openedMs);
      predict();
    }
    book(atMs);
    return atThreshold() && dead(atMs);
  }

  function atThreshold(): boolean {
    return battery.chargeUc - thresholdAt(currentMa).soc * capUc <= thresholdMargin * capUc;
  }

  function dead(atMs: number): true {
    die(atMs, thresholdAt(currentMa).reason, currentMa, state);
    return true;
  }

  function open(nextParts: readonly LoadPart[]): LedgerStatus {
    let ma = 0;
    let dominant = nextParts[0]!;
    for (const part of nextParts) {
      ma += checkedCurrent(part.currentMa);
      if (part.currentMa > dominant.currentMa) dominant = part;
    }
    const v = voltagesAt(ma);
    if (battery.chargeUc <= emptySoc * capUc) return die(openedMs, 'empty', ma, dominant.state);
    if (v.loadV < brownOutV) return die(openedMs, 'brownOut', ma, dominant.state);
    state = dominant.state;
    currentMa = ma;
    parts = nextParts;
    predict();
    return status();
  }

  function status(): LedgerStatus {
    return death !== undefined ? { type: 'dead', death } : { type: 'alive', state, predictedDeathAtMs: predicted.atMs };
  }

  open(parts);

  return {
    transition(atMs, nextState, ma) {
      if (death !== undefined) return status();
      checkedCurrent(ma);
      if (close(atMs)) return status();
      return open([{ state: nextState, currentMa: ma }]);
    },
    transitionParts(atMs, nextParts) {
      if (death !== undefined) return status();
      if (nextParts.length === 0) throw new RangeError('an interval needs at least one part');
      for (const part of nextParts) checkedCurrent(part.currentMa);
      if (close(atMs)) return status();
      return open(nextParts);
    },
    settle(atMs) {
      if (death !== undefined) return status();
      if (close(atMs)) return status();
      return open(parts);
    },
    status,
    totals() {
      let loadEnergyUj = 0;
      for (const s of energyStates) loadEnergyUj += energyByStateUj[s];
      return {
        nowMs: openedMs,
        energyByStateUj: { ...energyByStateUj },
        timeByStateMs: { ...timeByStateMs },
        loadEnergyUj,
        internalResistanceLossUj: irLossUj,
        regulatorLossUj,
        rateLossUj,
        chemicalEnergyUj: chemicalUj,
        harvestedEnergyUj: harvestedUj,
        chargeDrawnMc: drawnUc / 1000,
        chargeDeliveredMc: deliveredUc / 1000,
        chargeHarvestedMc: storedUc / 1000,
        chargeSpilledMc: spilledUc / 1000,
        stateOfCharge: battery.chargeUc / capUc,
        remainingMah: battery.chargeUc / ucPerMah,
        death,
      };
    },
  };
}

function checkedCurrent(currentMa: number): number {
  if (!(currentMa >= 0 && Number.isFinite(currentMa))) throw new RangeError(`currentMa must be a finite number ≥ 0, got ${currentMa}`);
  return currentMa;
}
