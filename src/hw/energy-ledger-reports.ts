/** What the energy ledgers' table (energy-ledger-table.ts) tells of a node: its death and its totals. */
import { ucPerMah } from './battery.ts';
import { energyStates, type Death, type EnergyState, type EnergyTotals } from './energy-ledger-types.ts';
import {
  CAP_UC, CHARGE, CHEMICAL, DEAD, DEATH_AT, DEATH_BROWNOUT, DEATH_LOAD_V, DEATH_MA, DEATH_SOC, DEATH_STATE, DEATH_TERMINAL_V, DELIVERED,
  DRAWN, ENERGY, HARVESTED, IR_LOSS, OPENED, RATE_LOSS, REGULATOR_LOSS, SPILLED, STORED, TIME, stride, type LedgerTable,
} from './energy-ledger-table.ts';

export function deathOf(t: LedgerTable, n: number): Death | undefined {
  const r = t.r;
  const o = n * stride;
  if (r[o + DEAD] !== 1) return undefined;
  return {
    atMs: r[o + DEATH_AT]!,
    reason: r[o + DEATH_BROWNOUT] === 1 ? 'brownOut' : 'empty',
    state: energyStates[r[o + DEATH_STATE]!]!,
    currentMa: r[o + DEATH_MA]!,
    stateOfCharge: r[o + DEATH_SOC]!,
    terminalVoltageV: r[o + DEATH_TERMINAL_V]!,
    loadVoltageV: r[o + DEATH_LOAD_V]!,
  };
}

/** Σ of the energy booked to every state, µJ. */
export function loadEnergyUjOf(t: LedgerTable, n: number): number {
  let sum = 0;
  for (let s = 0; s < energyStates.length; s++) sum += t.r[n * stride + ENERGY + s]!;
  return sum;
}

export function totalsOf(t: LedgerTable, n: number): EnergyTotals {
  const r = t.r;
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
    stateOfCharge: r[o + CHARGE]! / r[o + CAP_UC]!,
    remainingMah: r[o + CHARGE]! / ucPerMah,
    death: deathOf(t, n),
  };
}
