/**
 * Checkpoints of per-node rows (the MACs', runtimes', energy ledgers', tracker's, links', the
 * ether's sender rows, the timer heap's slots): a hot path keeps
 * a node's fields side by side, `row[node * stride + field]`, while its checkpoint keeps the
 * shape it had when each field was a typed-array column of its own. A checkpoint written before
 * the rows thus still restores, and the rows' layout can change without touching the format.
 */
import { restoreInto } from './checkpoint-state.ts';

type Column = Float64Array | Uint8Array | Int32Array;

/**
 * One column of a checkpoint, in its order: a column kept as is, or a row field kept as a column
 * of its type, or `width` fields from `field` kept as one column, node by node (`node * width + k`).
 */
export type KeptColumn = { readonly column: Column } | { readonly field: number; readonly width?: number; readonly type: typeof Float64Array | typeof Uint8Array | typeof Int32Array };

/** The rows as a checkpoint keeps them: one column per entry of `kept`, copies. */
export function checkpointRows(row: Float64Array, stride: number, count: number, kept: readonly KeptColumn[]): Column[] {
  return kept.map((k) => {
    if ('column' in k) return k.column.slice();
    const width = k.width ?? 1;
    const column = new k.type(count * width);
    for (let i = 0; i < count; i++) for (let f = 0; f < width; f++) column[i * width + f] = row[i * stride + k.field + f]!;
    return column;
  });
}

/** Takes such columns back into the rows and columns of `kept` (`what` names the component in errors). */
export function restoreRows(row: Float64Array, stride: number, count: number, kept: readonly KeptColumn[], columns: readonly Column[], what: string): void {
  kept.forEach((k, at) => {
    const column = columns[at]!;
    if ('column' in k) return restoreInto(k.column, column, what);
    const width = k.width ?? 1;
    if (column.length !== count * width) throw new RangeError(`checkpoint: ${what} has ${column.length} entries, the scenario gives ${count * width}`);
    for (let i = 0; i < count; i++) for (let f = 0; f < width; f++) row[i * stride + k.field + f] = column[i * width + f]!;
  });
}
