/**
 * The energy ledgers' table (energy-ledgers.ts): every node's books are a record of `stride`
 * float64 fields in one typed array, so a booking touches a few adjacent cache lines and
 * allocates nothing (a city has 100,000 ledgers, each booked twice per frame). The record also
 * holds the node's constants (capacity, thresholds, rail), its memo of thresholds
 * (energy-ledger-booking.ts) and its battery profile's index; beside the table, the run's
 * distinct battery profiles and each node's harvester.
 */
import type { BatteryProfile } from './battery-profiles.ts';
import { capacityUc, emptyStateOfCharge } from './battery.ts';
import type { Harvester } from './solar.ts';
import { energyStateIndex, type LedgerConfig } from './energy-ledger-types.ts';

// Fields of a node's record.
export const CHARGE = 0;
export const CURRENT = 1;
export const OPENED = 2;
export const PREDICTED_AT = 3;
export const PREDICTED_BROWNOUT = 4;
export const STATE = 5;
export const PARTS = 6;
export const PART0_STATE = 7;
export const PART0_MA = 8;
export const PART1_STATE = 9;
export const PART1_MA = 10;
export const DEAD = 11;
export const DEATH_AT = 12;
export const DEATH_BROWNOUT = 13;
export const DEATH_STATE = 14;
export const DEATH_MA = 15;
export const DEATH_SOC = 16;
export const DEATH_TERMINAL_V = 17;
export const DEATH_LOAD_V = 18;
export const IR_LOSS = 19;
export const REGULATOR_LOSS = 20;
export const RATE_LOSS = 21;
export const CHEMICAL = 22;
export const HARVESTED = 23;
export const DRAWN = 24;
export const DELIVERED = 25;
export const STORED = 26;
export const SPILLED = 27;
/** Energy booked per state (energyStates' order), then time per state. */
export const ENERGY = 28;
export const TIME = 35;
/** The books end here: a checkpoint keeps these fields (energy-ledgers.ts). */
export const BOOKS = 42;
// The node's constants, beside its books: a booking reads them with the fields it writes, in
// the same few cache lines (a city's node is booked every ~500 s, so its record is cold each
// time, and every separate array it read was a miss of its own).
/** Capacity, µC; the state of charge at which the cell is empty; the MCU's brown-out voltage. */
export const CAP_UC = 42;
export const EMPTY_SOC = 43;
export const BROWN_OUT_V = 44;
/** The rail: 1 for an LDO (its output voltage and dropout), 0 for a direct rail (dropout 0). */
export const RAIL_LDO = 45;
export const RAIL_V = 46;
export const DROPOUT_V = 47;
/** 1 when the node has a harvester (`LedgerTable.harvests`). */
export const HARVESTS = 48;
/** The memo entry the node overwrites next (0..3). */
export const MEMO_NEXT = 49;
/** The node's battery profile: its index in `LedgerTable.profiles`. */
export const PROFILE = 50;
/** Thresholds and Peukert factors at the node's last four currents (NaN: empty): four × [current, threshold SoC, brown-out?, Peukert factor]. */
export const MEMO = 51;
export const memoStride = 16;
export const stride = 68;

export interface LedgerTable {
  readonly count: number;
  /** The records, `stride` fields per node. */
  readonly r: Float64Array;
  /** The distinct battery profiles; a node's is `profiles[r[n * stride + PROFILE]]` (`profileOf`). */
  readonly profiles: readonly BatteryProfile[];
  readonly harvests: readonly (Harvester | undefined)[];
  // Results of voltagesAt and thresholdAt (no object per call).
  atSoc: number;
  atTerminalV: number;
  atLoadV: number;
  thresholdSoc: number;
  thresholdBrownOut: boolean;
  peukert: number;
}

/**
 * The table for `configs`, each record holding its initial charge and its initial state's
 * single part, opened at `startMs` (energy-ledger-booking.ts's `open` then checks it).
 */
export function createLedgerTable(configs: readonly LedgerConfig[]): LedgerTable {
  const count = configs.length;
  const table: LedgerTable = {
    count,
    r: new Float64Array(count * stride),
    profiles: [],
    harvests: configs.map((c) => c.harvest),
    atSoc: 0,
    atTerminalV: 0,
    atLoadV: 0,
    thresholdSoc: 0,
    thresholdBrownOut: false,
    peukert: 1,
  };
  const r = table.r;
  const profileIndex = new Map<BatteryProfile, number>();
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
    r[o + CAP_UC] = capacityUc(c.battery);
    r[o + EMPTY_SOC] = emptyStateOfCharge(c.battery);
    r[o + BROWN_OUT_V] = c.brownOutV;
    r[o + RAIL_LDO] = c.rail.type === 'ldo' ? 1 : 0;
    r[o + RAIL_V] = c.rail.type === 'ldo' ? c.rail.voltageV : Number.NaN;
    r[o + DROPOUT_V] = c.rail.type === 'ldo' ? c.rail.dropoutV : 0;
    r[o + HARVESTS] = c.harvest === undefined ? 0 : 1;
    let profile = profileIndex.get(c.battery);
    if (profile === undefined) profileIndex.set(c.battery, (profile = (table.profiles as BatteryProfile[]).push(c.battery) - 1));
    r[o + PROFILE] = profile;
    r.fill(Number.NaN, o + MEMO, o + MEMO + memoStride);
  }
  return table;
}

/** Node `n`'s battery profile. */
export function profileOf(t: LedgerTable, n: number): BatteryProfile {
  return t.profiles[t.r[n * stride + PROFILE]!]!;
}

export function checkedCurrent(currentMa: number): number {
  if (!(currentMa >= 0 && currentMa < Number.POSITIVE_INFINITY)) badCurrent(currentMa);
  return currentMa;
}

function badCurrent(currentMa: number): never {
  throw new RangeError(`currentMa must be a finite number ≥ 0, got ${currentMa}`);
}
