/**
 * decimalAt reads a cell's bytes as Number reads its text, for every kind of cell run files
 * hold and for what they do not (exponents, long digit strings, spaces): a property over
 * random decimals, and examples.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalAt } from '../../../src/dashboard/read/decimal.ts';

const at = (text: string, fallback = 0): number => {
  const bytes = Buffer.from(`,${text},`);
  return decimalAt(bytes, 1, bytes.length - 1, fallback);
};

describe('decimalAt', () => {
  it('is Number(text) for every decimal a run file writes (String of a double rounded to 0–9 places)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 9 }), (value, places) => {
        const text = String(Number(value.toFixed(places)));
        expect(Object.is(at(text), Number(text))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('is Number(text) for integers, leading zeros, a bare point, -0 and exponents; the fallback for empty, blank or unparsable cells', () => {
    for (const text of ['0', '-0', '007', '1.', '.5', '-.5', '9007199254740993', '123456789012345.6', '1e-7', '2.5E3', ' 4', '0x10']) expect(Object.is(at(text), Number(text)), text).toBe(true);
    expect(at('', -1)).toBe(-1);
    expect(at('  ', -1)).toBe(-1);
    expect(at('-', -1)).toBe(-1);
    expect(at('.', -1)).toBe(-1);
    expect(at('abc', -1)).toBe(-1);
    expect(at('Infinity', -1)).toBe(-1);
    expect(at('1.2.3', -1)).toBe(-1);
  });
});
