/**
 * csvCell against csv-stringify, whose defaults it stands for (the dashboard's tables, nodes.csv's names):
 * the same text for random records of numbers (whole, fractional, negative, huge, tiny, not
 * finite) and strings (empty, ASCII, Unicode, commas, quotes, line breaks).
 */
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src/metrics/csv-record.ts';

const csvRecord = (cells: readonly (string | number)[]): string => `${cells.map(csvCell).join(',')}\n`;

const cell = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1e21, 1e-7, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', 'é', '-', '=') }),
);

describe('csvCell', () => {
  it('writes what csv-stringify writes, record by record and for a whole table', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }), (rows) => {
        expect(rows.map(csvRecord).join('')).toBe(stringify(rows));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('quotes only what needs it', () => {
    expect(csvRecord(['n-1', 3.5, '', 'a,b', 'say "hi"', -0, 1e21])).toBe('n-1,3.5,,"a,b","say ""hi""",0,1e+21\n');
  });
});
