import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { duplicateKeys } from '../../src/scenario/duplicate-keys.ts';

const found = (text: string): number[] => duplicateKeys(parseDocument(text, { uniqueKeys: false })).map((key) => key.offset);

describe('duplicateKeys', () => {
  it('finds a key repeated in its mapping, at its start, in maps within lists and maps', () => {
    expect(found('a: 1\na: 2\n')).toEqual([5]);
    expect(found('a: 1\nb: 2\n')).toEqual([]);
    expect(found('groups:\n  - count: 1\n    count: 2\n  - count: 3\n')).toEqual([25]);
    expect(found('x:\n  y: 1\n  y: 2\ny: 3\n')).toEqual([12]);
  });

  it('compares keys by their values, as yaml does: 1 and 1.0 are the same key, 1 and "1" are not', () => {
    expect(found('1: a\n1.0: b\n')).toEqual([5]);
    expect(found('1: a\n"1": b\n')).toEqual([]);
  });

  it('takes one pass over a mapping of 100,000 keys, the last repeating the first', () => {
    const text = `${Array.from({ length: 100_000 }, (_, i) => `k${i}: 1\n`).join('')}k0: 2\n`;
    expect(duplicateKeys(parseDocument(text, { uniqueKeys: false })).map((key) => key.message)).toEqual(['Map keys must be unique']);
  });
});
