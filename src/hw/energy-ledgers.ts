/**
 * The energy ledgers of many nodes in one typed array: each node's books are a record of
 * float64 fields (energy-ledger-table.ts), so a booking touches a few adjacent cache lines and
 * allocates nothing (a city has 100,000 ledgers, each booked twice per frame). The model and
 * its identities are energy-ledger.ts's, which is a one-node view of this table; the booking
 * itself is energy-ledger-booking.ts, the reports energy-ledger-reports.ts.
 *
 * Each node's open interval carries one or two simultaneous parts (state and current): the MCU's
 * and the radio's.
 */
import { checkpointRows, restoreRows, type KeptColumn } from '../sim/row-checkpoint.ts';
import { closeInterval, openInterval } from './energy-ledger-booking.ts';
import { deathOf, loadEnergyUjOf, totalsOf } from './energy-ledger-reports.ts';
import { BOOKS, CAP_UC, CHARGE, DEAD, ENERGY, MEMO, MEMO_NEXT, PART0_MA, PART0_STATE, PART1_MA, PART1_STATE, PARTS, PREDICTED_AT, STATE, checkedCurrent, createLedgerTable, memoStride, stride, type LedgerTable } from './energy-ledger-table.ts';

export * from './energy-ledger-types.ts';
import { dead, type EnergyLedgers, type EnergyLedgersState, type LedgerConfig } from './energy-ledger-types.ts';

/**
 * Ledgers for `configs.length` nodes, each opened at its `startMs`.
 *
 * @example
 * const ledgers = createEnergyLedgers([{ battery: batteryProfiles.cr2032, rail: { type: 'direct' }, brownOutV: 1.8, startMs: 0 }]);
 * ledgers.transition(0, 600_000, energyStateIndex.transmit, 44); // alive (0) or dead (1)
 */
export function createEnergyLedgers(configs: readonly LedgerConfig[]): EnergyLedgers {
  const t = createLedgerTable(configs);
  const { r } = t;
  for (let n = 0; n < t.count; n++) openInterval(t, n, 1, r[n * stride + PART0_STATE]!, r[n * stride + PART0_MA]!, 0, 0);
  const isDead = (n: number): boolean => r[n * stride + DEAD] === 1;

  return {
    count: t.count,
    checkpoint: () => checkpointLedgers(t),
    restore: (state) => restoreLedgers(t, state),
    transition(n, atMs, state, currentMa) {
      if (isDead(n)) return dead;
      checkedCurrent(currentMa);
      if (closeInterval(t, n, atMs)) return dead;
      return openInterval(t, n, 1, state, currentMa, 0, 0);
    },
    transition2(n, atMs, state0, currentMa0, state1, currentMa1) {
      if (isDead(n)) return dead;
      checkedCurrent(currentMa0);
      checkedCurrent(currentMa1);
      if (closeInterval(t, n, atMs)) return dead;
      return openInterval(t, n, 2, state0, currentMa0, state1, currentMa1);
    },
    settle(n, atMs) {
      if (isDead(n)) return dead;
      if (closeInterval(t, n, atMs)) return dead;
      const o = n * stride;
      return openInterval(t, n, r[o + PARTS]!, r[o + PART0_STATE]!, r[o + PART0_MA]!, r[o + PART1_STATE]!, r[o + PART1_MA]!);
    },
    isDead,
    predictedDeathAtMs: (n) => r[n * stride + PREDICTED_AT]!,
    openState: (n) => r[n * stride + STATE]!,
    stateOfCharge: (n) => r[n * stride + CHARGE]! / r[n * stride + CAP_UC]!,
    chargeUc: (n) => r[n * stride + CHARGE]!,
    energyUj: (n, s) => r[n * stride + ENERGY + s]!,
    loadEnergyUj: (n) => loadEnergyUjOf(t, n),
    death: (n) => deathOf(t, n),
    totals: (n) => totalsOf(t, n),
  };
}

/**
 * The books as a checkpoint keeps them, in the shape they had before the records held the
 * nodes' constants and memos: `BOOKS` fields per node, then the memos and each memo's next
 * entry apart (the constants come from the scenario). Checkpoints thus keep their format.
 */
function checkpointLedgers(t: LedgerTable): EnergyLedgersState {
  const [books, memo, memoNext] = checkpointRows(t.r, stride, t.count, ledgerColumns) as [Float64Array, Float64Array, Uint8Array];
  return { r: books, memo, memoNext };
}

function restoreLedgers(t: LedgerTable, state: EnergyLedgersState): void {
  restoreRows(t.r, stride, t.count, ledgerColumns, [state.r, state.memo, state.memoNext], 'energy ledgers');
}

/** The columns of a checkpoint: the books, the memos, each memo's next entry. */
const ledgerColumns: readonly KeptColumn[] = [
  { field: 0, width: BOOKS, type: Float64Array },
  { field: MEMO, width: memoStride, type: Float64Array },
  { field: MEMO_NEXT, type: Uint8Array },
];
