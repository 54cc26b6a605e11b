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
 * Death (this project's rule, not a published model; docs/explanation/models.md, "Nodes,
 * energy and memory"):
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
import { createEnergyLedgers, energyStateIndex, energyStates, type Death, type EnergyState, type EnergyTotals, type LedgerConfig } from './energy-ledgers.ts';

export { energyStates, type Death, type DeathReason, type EnergyState, type EnergyTotals, type Rail } from './energy-ledgers.ts';

export type LedgerStatus =
  | { readonly type: 'alive'; readonly state: EnergyState; readonly predictedDeathAtMs: number }
  | { readonly type: 'dead'; readonly death: Death };

export type EnergyLedgerConfig = LedgerConfig;

/** One simultaneous consumer of an interval: its state and its current. */
export interface LoadPart {
  readonly state: EnergyState;
  readonly currentMa: number;
}

export interface EnergyLedger {
  /** Books the open interval up to `atMs`, then opens `nextState` at `currentMa` (brown-out checked at that current). */
  transition(atMs: number, nextState: EnergyState, currentMa: number): LedgerStatus;
  /**
   * Same, with one or two simultaneous parts: brown-out is checked at their total current; each
   * part's energy is booked to its state; the status reports the part drawing the most.
   */
  transitionParts(atMs: number, parts: readonly LoadPart[]): LedgerStatus;
  /** Books up to `atMs` and keeps the same state open: for samples and predicted-death events. */
  settle(atMs: number): LedgerStatus;
  status(): LedgerStatus;
  totals(): EnergyTotals;
}

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
  const table = createEnergyLedgers([config]);
  const status = (): LedgerStatus =>
    table.isDead(0) ? { type: 'dead', death: table.death(0)! } : { type: 'alive', state: energyStates[table.openState(0)]!, predictedDeathAtMs: table.predictedDeathAtMs(0) };
  return {
    transition(atMs, nextState, currentMa) {
      table.transition(0, atMs, energyStateIndex[nextState], currentMa);
      return status();
    },
    transitionParts(atMs, parts) {
      if (parts.length === 0) throw new RangeError('an interval needs at least one part');
      if (parts.length > 2) throw new RangeError(`an interval has at most two parts (the MCU and the radio), got ${parts.length}`);
      if (parts.length === 1) table.transition(0, atMs, energyStateIndex[parts[0]!.state], parts[0]!.currentMa);
      else table.transition2(0, atMs, energyStateIndex[parts[0]!.state], parts[0]!.currentMa, energyStateIndex[parts[1]!.state], parts[1]!.currentMa);
      return status();
    },
    settle(atMs) {
      table.settle(0, atMs);
      return status();
    },
    status,
    totals: () => table.totals(0),
  };
}
