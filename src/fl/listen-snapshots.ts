/**
 * A round's listening energy (RoundStats.listenUj): every node's listening energy when the
 * clients learn that the round started, taken from what they hold when they learn that it
 * closed. Each process reads its own nodes at the exchange (a worker as it takes the news, its
 * clock at the exchange); a snapshot is summed in node order once every node's value is in, so
 * the figure is the same whichever process each node runs in (issue 22).
 */
import type { RoundStats } from './round-types.ts';

/** A snapshot under way: the round, whether it starts (−) or closes (+) the figure, each node's value (NaN: not in yet). */
export interface ListenSnapshot {
  readonly round: number;
  readonly sign: 1 | -1;
  readonly values: Float64Array;
  missing: number;
}

export interface ListenSnapshots {
  /** Opens a snapshot of `round`'s start (−1) or close (+1); `local` gives this process's nodes' values. */
  open(round: number, sign: 1 | -1, local: (node: number) => number | undefined): void;
  /** A worker's values for the snapshot of `round`'s start or close: [node, µJ]. */
  put(round: number, sign: 1 | -1, rows: readonly (readonly [number, number])[]): void;
  /** Adds the complete snapshots to their rounds' figures. */
  settle(rounds: readonly RoundStats[]): void;
  /** Whether a snapshot of `round` is still waiting for values. */
  pending(round: number): boolean;
  /** Whether the snapshot of `round`'s start (−1) or close (+1) is open. */
  isOpen(round: number, sign: 1 | -1): boolean;
  /** Whether that snapshot has `node`'s value already. */
  has(round: number, sign: 1 | -1, node: number): boolean;
  /** The snapshots under way (a checkpoint holds them). */
  readonly state: ListenSnapshot[];
  restore(state: readonly ListenSnapshot[]): void;
}

export function createListenSnapshots(nodes: number): ListenSnapshots {
  const open: ListenSnapshot[] = [];
  const find = (round: number, sign: 1 | -1): ListenSnapshot | undefined => open.find((s) => s.round === round && s.sign === sign);

  function set(snapshot: ListenSnapshot, node: number, uj: number): void {
    if (!Number.isNaN(snapshot.values[node]!)) return;
    snapshot.values[node] = uj;
    snapshot.missing--;
  }

  return {
    open(round, sign, local) {
      const snapshot: ListenSnapshot = { round, sign, values: new Float64Array(nodes).fill(Number.NaN), missing: nodes };
      open.push(snapshot);
      for (let node = 0; node < nodes; node++) {
        const uj = local(node);
        if (uj !== undefined) set(snapshot, node, uj);
      }
    },
    put(round, sign, rows) {
      const snapshot = find(round, sign);
      if (!snapshot) throw new RangeError(`no listening-energy snapshot of round ${round} is open`);
      for (const [node, uj] of rows) set(snapshot, node, uj);
    },
    settle(rounds) {
      for (let i = 0; i < open.length; ) {
        const snapshot = open[i]!;
        const stats = rounds[snapshot.round - 1];
        if (snapshot.missing > 0 || !stats) {
          i++;
          continue;
        }
        let sum = 0;
        for (const uj of snapshot.values) sum += uj;
        stats.listenUj += snapshot.sign * sum;
        open.splice(i, 1);
      }
    },
    pending: (round) => open.some((s) => s.round === round),
    isOpen: (round, sign) => find(round, sign) !== undefined,
    has(round, sign, node) {
      const snapshot = find(round, sign);
      return snapshot !== undefined && !Number.isNaN(snapshot.values[node]!);
    },
    state: open,
    restore(state) {
      open.length = 0;
      for (const s of state) open.push({ round: s.round, sign: s.sign, values: s.values.slice(), missing: s.missing });
    },
  };
}
