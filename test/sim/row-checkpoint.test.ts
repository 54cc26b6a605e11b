import { describe, expect, it } from 'vitest';
import { checkpointRows, restoreRows, type KeptColumn } from '../../src/sim/row-checkpoint.ts';

describe('row checkpoints', () => {
  it('keeps row fields as typed columns in the order given, with plain columns between, and takes them back', () => {
    const row = Float64Array.from([1, 0.5, -1, 2, 1.5, 7, 3, 2.5, 9]);
    const extra = Int32Array.from([4, 5, 6]);
    const kept: KeptColumn[] = [{ field: 2, type: Int32Array }, { column: extra }, { field: 1, type: Float64Array }, { field: 0, type: Uint8Array }];
    const columns = checkpointRows(row, 3, 3, kept);
    expect(columns.map((c) => [c.constructor.name, Array.from(c)])).toEqual([
      ['Int32Array', [-1, 7, 9]],
      ['Int32Array', [4, 5, 6]],
      ['Float64Array', [0.5, 1.5, 2.5]],
      ['Uint8Array', [1, 2, 3]],
    ]);
    const back = new Float64Array(9);
    const extraBack = new Int32Array(3);
    restoreRows(back, 3, 3, [{ field: 2, type: Int32Array }, { column: extraBack }, { field: 1, type: Float64Array }, { field: 0, type: Uint8Array }], columns, 'rows');
    expect([Array.from(back), Array.from(extraBack)]).toEqual([Array.from(row), [4, 5, 6]]);
    expect(() => restoreRows(back, 3, 2, kept, columns, 'rows')).toThrow('checkpoint: rows has 3 entries, the scenario gives 2');
  });

  it('keeps a run of fields as one column, node by node, as a column of (node, field) was, and takes it back', () => {
    // Rows of 4: a flag, then three times (a MAC's sub-band reopening times).
    const row = Float64Array.from([1, 10, 11, 12, 0, 20, 21, 22]);
    const kept: KeptColumn[] = [{ field: 1, width: 3, type: Float64Array }, { field: 0, type: Uint8Array }];
    const columns = checkpointRows(row, 4, 2, kept);
    expect(columns.map((c) => Array.from(c))).toEqual([
      [10, 11, 12, 20, 21, 22],
      [1, 0],
    ]);
    const back = new Float64Array(8).fill(-1);
    restoreRows(back, 4, 2, kept, columns, 'rows');
    expect(Array.from(back)).toEqual(Array.from(row));
    expect(() => restoreRows(back, 4, 2, kept, [columns[0]!.slice(0, 5), columns[1]!], 'rows')).toThrow('checkpoint: rows has 5 entries, the scenario gives 6');
  });
});
