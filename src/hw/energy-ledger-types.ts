/** The energy ledgers' vocabulary: states, rails, deaths, totals, and what a node's ledger is given and answers. */
import type { Checkpointable } from '../sim/checkpoint-state.ts';
import type { BatteryProfile } from './battery-profiles.ts';
import type { Harvester } from './solar.ts';

export type EnergyState = 'sleep' | 'idle' | 'listen' | 'receive' | 'transmit' | 'compute' | 'radioStandby';
export const energyStates: readonly EnergyState[] = ['sleep', 'idle', 'listen', 'receive', 'transmit', 'compute', 'radioStandby'];
/** A state's number in the ledger's records. */
export const energyStateIndex: Readonly<Record<EnergyState, number>> = { sleep: 0, idle: 1, listen: 2, receive: 3, transmit: 4, compute: 5, radioStandby: 6 };

/** The states whose energy a ledger attributes to the work that caused it (a token, a federated round), in the order applications keep them. */
export const attributedStates = ['transmit', 'receive', 'compute', 'idle'] as const;
export type AttributedState = (typeof attributedStates)[number];
/** A state's place in `attributedStates`, or −1 when its energy is not attributed. */
export const attributedIndex = (state: EnergyState): number => attributedStates.indexOf(state as AttributedState);

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

/** One node's battery and supply. */
export interface LedgerConfig {
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

/** A booking's outcome: the node lives on (see `predictedDeathAtMs`), or it died (see `death`). */
export const alive = 0;
export const dead = 1;
export type LedgerOutcome = typeof alive | typeof dead;

/** The ledgers' records (a checkpoint: checkpoint-state.ts). */
export interface EnergyLedgersState {
  /** Every node's books: the first `BOOKS` fields of its record (energy-ledger-table.ts). */
  readonly r: Float64Array;
  /** Every node's threshold memo, and the entry each overwrites next. */
  readonly memo: Float64Array;
  readonly memoNext: Uint8Array;
}

export interface EnergyLedgers extends Checkpointable<EnergyLedgersState> {
  readonly count: number;
  /** Books node `n`'s open interval up to `atMs`, then opens one part (brown-out checked at its current). */
  transition(n: number, atMs: number, state: number, currentMa: number): LedgerOutcome;
  /** The same with two simultaneous parts (state numbers and currents). */
  transition2(n: number, atMs: number, state0: number, currentMa0: number, state1: number, currentMa1: number): LedgerOutcome;
  /** Books up to `atMs` and keeps the same parts open. */
  settle(n: number, atMs: number): LedgerOutcome;
  isDead(n: number): boolean;
  /** When the open interval reaches a death threshold (+Infinity when it never does). */
  predictedDeathAtMs(n: number): number;
  /** The state number of the open interval's largest part. */
  openState(n: number): number;
  stateOfCharge(n: number): number;
  /** Remaining charge, µC. */
  chargeUc(n: number): number;
  /** Energy booked to state number `s`, µJ. */
  energyUj(n: number, s: number): number;
  /** Σ of the energy booked to every state, µJ. */
  loadEnergyUj(n: number): number;
  death(n: number): Death | undefined;
  totals(n: number): EnergyTotals;
}
