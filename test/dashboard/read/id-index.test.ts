/** createIdIndex finds node ids from bytes as a Map of the ids finds them from strings. */
import { describe, expect, it } from 'vitest';
import { createIdIndex } from '../../../src/dashboard/read/id-index.ts';

describe('createIdIndex', () => {
  it('finds each of 50,000 ids (UTF-8 ones too) at its index, and nothing else', () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => (i % 1000 === 0 ? `nœud-${i}` : `n-${String(i).padStart(6, '0')}`));
    const index = createIdIndex(ids);
    const bytes = Buffer.from(`x,${ids.join(',')},y`);
    let at = 2;
    const wrong: string[] = [];
    ids.forEach((id, i) => {
      const length = Buffer.byteLength(id);
      if (index.find(bytes, at, at + length) !== i) wrong.push(id);
      at += length + 1;
    });
    expect(wrong).toEqual([]);
    expect(index.findText('nœud-1000')).toBe(1000);
    expect(index.findText('n-050000')).toBe(-1);
    expect(index.findText('')).toBe(-1);
    expect(index.find(bytes, 0, 1)).toBe(-1);
  });

  it('gives a repeated id its last index, as new Map(ids.map((id, i) => [id, i])) does', () => {
    const ids = ['a', 'b', 'a'];
    expect(createIdIndex(ids).findText('a')).toBe(new Map(ids.map((id, i) => [id, i])).get('a'));
  });
});
