import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvText, encodeIds } from '../../src/metrics/csv-bytes.ts';
import { round } from '../../src/metrics/stats.ts';

describe('csvText', () => {
  it('prints fixed(v, d) as String(round(v, d)) for 200,000 numbers of every size and sign, d = 0..6', () => {
    const value = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e13, max: 1e13 }),
      fc.integer({ min: -1e9, max: 1e9 }).map((k) => k / 1000),
      fc.integer({ min: 0, max: 1e7 }).map((k) => k / 1e6),
      fc.constantFrom(0, -0, 0.0005, -0.0005, 1e15, 1e20, 123456789012.3456, Number.NaN, Number.POSITIVE_INFINITY),
    );
    const cases = fc.sample(fc.tuple(value, fc.integer({ min: 0, max: 6 })), { numRuns: 200_000, seed: 14 });
    const printed = csvText((csv) => {
      for (const [v, d] of cases) {
        csv.fixed(v, d);
        csv.endRow();
      }
    }).split('\n');
    const expected = cases.map(([v, d]) => String(round(v, d)));
    const wrong = cases.flatMap(([v, d], i) => (printed[i] === expected[i] ? [] : [`${v} to ${d}: ${printed[i]} instead of ${expected[i]}`]));
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(printed).toHaveLength(cases.length + 1);
  });

  it('writes rows as csv-stringify does, quoting fields with commas, quotes or newlines', () => {
    const rows: (string | number)[][] = [
      ['id', 'value', 'note'],
      ['node-7', 12, ''],
      ['a,b', -3.5, 'say "hi"'],
      ['line\nbreak', 1e21, 'plain'],
    ];
    const text = csvText((csv) => {
      for (const row of rows) {
        row.forEach((field, i) => {
          if (i > 0) csv.comma();
          if (typeof field === 'number') csv.number(field);
          else csv.text(field);
        });
        csv.endRow();
      }
    });
    expect(text).toBe(stringify(rows));
  });

  it('prints whole numbers digit by digit, and others as String()', () => {
    expect(csvText((csv) => [0, 7, 10, 1234567, 2 ** 53 - 1, -4, 2.5].forEach((n) => (csv.integer(n), csv.comma())))).toBe(`0,7,10,1234567,${2 ** 53 - 1},-4,2.5,`);
  });
});

describe('encodeIds and csv.id', () => {
  it('writes each node id from one byte table, empty ids and ids across a buffer refill included', () => {
    const ids = ['node-0', '', 'gw', 'x'.repeat(5000), 'sensors-12'];
    const table = encodeIds(ids);
    expect(Array.from(table.starts)).toEqual([0, 6, 6, 8, 5008, 5018]);
    const order = [4, 0, 2, 1, 3, 4];
    const text = csvText((csv) => {
      for (const i of order) {
        csv.id(table, i);
        csv.endRow();
      }
    });
    expect(text).toBe(order.map((i) => `${ids[i]}\n`).join(''));
  });
});
