/**
 * Per-node energy, battery, memory and death figures, for summary.json (`perNode`) and
 * nodes.csv, gathered from the nodes' ledgers after the run.
 */
import { energyStates, type EnergyState, type EnergyTotals } from '../hw/energy-ledger.ts';
import type { MemoryUsage } from '../hw/memory-ledger.ts';
import type { NodeTally } from './radio-tracker.ts';
import { round } from './stats.ts';
import { nodeLifetime, type LifetimeBasis } from './lifetime.ts';

export interface NodeReport {
  readonly id: string;
  readonly mcu: string;
  readonly battery: string;
  readonly diedAtMs: number | null;
  readonly deathReason: string | null;
  readonly energyJByState: Readonly<Record<EnergyState, number>>;
  readonly energyJ: number;
  readonly lossesJ: { readonly internalResistance: number; readonly regulator: number; readonly rate: number };
  readonly harvestedJ: number;
  readonly stateOfCharge: number | null;
  readonly batteryRemainingMah: number | null;
  readonly peakSramBytes: number;
  readonly peakFlashBytes: number;
  /** Days to the node's death: simulated, or extrapolated from the run (lifetime.ts); null on mains or without net drain. */
  readonly lifetimeDays: number | null;
  readonly lifetimeBasis: LifetimeBasis;
}

export interface NodeSources {
  readonly id: string;
  readonly mcuId: string;
  readonly batteryId: string;
  readonly mains: boolean;
  readonly energy: EnergyTotals;
  readonly memory: MemoryUsage;
  readonly tally: NodeTally;
  /** The simulated window the lifetime is extrapolated from (ms from the start: the drained end). */
  readonly windowMs: number;
}

const joules = (uj: number): number => round(uj / 1e6, 9);

export function nodeReport(source: NodeSources): NodeReport {
  const { energy, memory, tally } = source;
  const lifetime = nodeLifetime(energy, source.mains, source.windowMs);
  return {
    id: source.id,
    mcu: source.mcuId,
    battery: source.mains ? 'mains' : source.batteryId,
    diedAtMs: tally.diedAtMs === undefined ? null : round(tally.diedAtMs, 3),
    deathReason: tally.deathReason ?? null,
    energyJByState: Object.fromEntries(energyStates.map((s) => [s, joules(energy.energyByStateUj[s])])) as Record<EnergyState, number>,
    energyJ: joules(energy.loadEnergyUj),
    lossesJ: { internalResistance: joules(energy.internalResistanceLossUj), regulator: joules(energy.regulatorLossUj), rate: joules(energy.rateLossUj) },
    harvestedJ: joules(energy.harvestedEnergyUj),
    stateOfCharge: source.mains ? null : round(energy.stateOfCharge, 9),
    batteryRemainingMah: source.mains ? null : round(energy.remainingMah, 6),
    peakSramBytes: memory.peakBytes.sram,
    peakFlashBytes: memory.peakBytes.flash,
    lifetimeDays: lifetime.days,
    lifetimeBasis: lifetime.basis,
  };
}

/** Totals over nodes, summed in node order (a canonical order). */
export function energyTotalsJ(reports: readonly NodeReport[]): Record<string, unknown> {
  const byState = Object.fromEntries(energyStates.map((s) => [s, 0])) as Record<EnergyState, number>;
  let total = 0;
  const losses = { internalResistance: 0, regulator: 0, rate: 0 };
  let harvested = 0;
  for (const report of reports) {
    for (const s of energyStates) byState[s] += report.energyJByState[s];
    total += report.energyJ;
    losses.internalResistance += report.lossesJ.internalResistance;
    losses.regulator += report.lossesJ.regulator;
    losses.rate += report.lossesJ.rate;
    harvested += report.harvestedJ;
  }
  const r = (value: number): number => round(value, 6);
  return {
    radioTx: r(byState.transmit),
    byState: Object.fromEntries(energyStates.map((s) => [s, r(byState[s])])),
    total: r(total),
    losses: { internalResistance: r(losses.internalResistance), regulator: r(losses.regulator), rate: r(losses.rate) },
    harvested: r(harvested),
  };
}
