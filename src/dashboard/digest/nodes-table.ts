/**
 * nodes.csv as a report holds it: every node (the map needs every position; 100,000 nodes are
 * ~4 MB this way), with only the columns the views read, their ids in file order (the index
 * every other table's node cells are looked up in), and the nodes a large run's duty-cycle
 * view follows: the busiest by `dutyCycleBudgetUse` at the run's end (the largest share of a
 * sub-band's allowance a node used), or by `airtimeMs` in a file without it. Pure.
 *
 * @example
 * const nodes = createNodesTable(2);
 * // readCsv('run/nodes.csv', nodes), then:
 * nodes.result().busiest // the indices of the 2 nodes with the largest dutyCycleBudgetUse
 */
import type { CsvVisitor } from '../read/csv-stream.ts';
import { csvTable } from './csv-text.ts';

/** The columns of nodes.csv the views read (views/run-model.ts, `NodeRow`). */
export const nodeColumns = ['id', 'group', 'role', 'xM', 'yM', 'sf', 'mcu', 'battery', 'receptions', 'receptionsReceived', 'diedAtMs', 'deathReason'] as const;
const rankings = ['dutyCycleBudgetUse', 'airtimeMs'] as const;

export interface NodesTable extends CsvVisitor {
  result(): {
    /** The embedded nodes.csv. */
    readonly csv: string;
    readonly ids: readonly string[];
    /** The `follow` busiest nodes (indices), busiest first, ties in file order. */
    readonly busiest: readonly number[];
    /** The column they were ranked by, if the file has one. */
    readonly rankedBy: string | undefined;
    /** Each node's position (m), NaN where the file does not say: the delivery digest's distances. */
    readonly xs: readonly number[];
    readonly ys: readonly number[];
  };
}

export function createNodesTable(follow: number): NodesTable {
  let kept: string[] = [];
  let keptCells: number[] = [];
  let rankedBy: string | undefined;
  const lines: string[] = [];
  const ids: string[] = [];
  const load: number[] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  let xCell = -1;
  let yCell = -1;
  return {
    header(columns) {
      kept = nodeColumns.filter((column) => columns.includes(column));
      keptCells = kept.map((_, k) => k + 1);
      rankedBy = rankings.find((column) => columns.includes(column));
      xCell = kept.indexOf('xM') + 1;
      yCell = kept.indexOf('yM') + 1;
      return [columns.indexOf('id'), ...kept.map((column) => columns.indexOf(column)), rankedBy === undefined ? -1 : columns.indexOf(rankedBy)];
    },
    row(row) {
      ids.push(row.text(0));
      lines.push(row.joined(keptCells));
      load.push(row.number(kept.length + 1, 0));
      xs.push(xCell > 0 ? row.number(xCell, Number.NaN) : Number.NaN);
      ys.push(yCell > 0 ? row.number(yCell, Number.NaN) : Number.NaN);
    },
    result() {
      const order = rankedBy === undefined ? [] : Array.from(load.keys()).sort((a, b) => load[b]! - load[a]! || a - b);
      return { csv: csvTable(kept, lines), ids, busiest: order.slice(0, follow), rankedBy, xs, ys };
    },
  };
}
