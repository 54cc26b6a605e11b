import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPartition, parsePartition, PartitionError, splitEvenly } from '../../src/transport/partition.ts';

describe('node partitions', () => {
  it('parses indices and ranges into sorted indices, and formats them back in the shortest form', () => {
    expect(parsePartition('5, 0-2 ,9', 10)).toEqual([0, 1, 2, 5, 9]);
    expect(formatPartition([9, 0, 1, 2, 5])).toBe('0-2,5,9');
    expect(formatPartition([])).toBe('');
  });

  it.each([
    ['', 'expected node indices and ranges in 0..9, e.g. "0-99,150", found an empty text'],
    ['1,,2', 'expected node indices and ranges in 0..9, e.g. "0-99,150", found ""'],
    ['a-3', 'found "a-3"'],
    ['4-2', 'expected a range low-high, found "4-2" (high below low)'],
    ['8-10', 'found "8-10": the swarm has 10 nodes'],
    ['1-3,2', 'expected each node once, found node 2 twice in "1-3,2"'],
    ['-1', 'found "-1"'],
  ])('refuses %j with a message saying what was expected', (text, message) => {
    expect(() => parsePartition(text, 10)).toThrow(PartitionError);
    expect(() => parsePartition(text, 10)).toThrow(message);
  });

  it('splits a swarm into contiguous parts of nearly equal size, larger ones first', () => {
    expect(splitEvenly(10, 3).map(formatPartition)).toEqual(['0-3', '4-6', '7-9']);
    expect(splitEvenly(4, 4).map(formatPartition)).toEqual(['0', '1', '2', '3']);
    expect(() => splitEvenly(3, 4)).toThrow('expected 1..3 parts for 3 nodes, found 4');
  });

  it('round-trips any set of indices through its text, and parses any text or refuses it with PartitionError (fuzz)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 499 }), { minLength: 1, maxLength: 60 }), (indices) => {
        expect(parsePartition(formatPartition(indices), 500)).toEqual([...indices].sort((a, b) => a - b));
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('0', '1', '9', '-', ',', ' ', 'x', '5') , maxLength: 20 }), (text) => {
        try {
          const parsed = parsePartition(text, 100);
          expect(parsed.every((i) => Number.isInteger(i) && i >= 0 && i < 100)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(PartitionError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
