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
});
