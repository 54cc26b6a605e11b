import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMultiplier, fixedMultiplier, matvecInt, pack, quantizeMatrix, requantize, unpack, type Bits } from '../../src/model/quant/integer.ts';

describe('integer arithmetic as an MCU runs it', () => {
  it.each([8, 4, 2] as const)('packs %i-bit values losslessly (fuzz), 8/bits to a byte', (bits: Bits) => {
    const q = 2 ** (bits - 1) - 1;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -q, max: q }), { maxLength: 50 }), (values) => {
        const packed = pack(Int8Array.from(values), bits);
        expect(packed.length).toBe(Math.ceil((values.length * bits) / 8));
        expect(Array.from(unpack(packed, values.length, bits))).toEqual(values);
        // From a view into a larger buffer, as a checkpoint's sections are read.
        const within = new Uint8Array(packed.length + 5);
        within.set(packed, 3);
        expect(Array.from(unpack(within.subarray(3, 3 + packed.length), values.length, bits))).toEqual(values);
      }),
    );
  });

  it('quantizes weights per output channel, symmetric: ±127, ±7, ±1', () => {
    const w = Float64Array.from([0.5, -1, 0.25, 0.1, 0.2, -0.05]);
    expect(Array.from(quantizeMatrix(w, 2, 3, 8).values)).toEqual([64, -127, 32, 64, 127, -32]);
    // 0.5 / fround(1/7) = 3.4999…: the float32 scale rounds up, the value down.
    expect(Array.from(quantizeMatrix(w, 2, 3, 4).values)).toEqual([3, -7, 2, 3, 7, -2]);
    expect(Array.from(quantizeMatrix(w, 2, 3, 2).values)).toEqual([1, -1, 0, 0, 1, 0]);
    // Scales are float32, as stored and as an MCU holds them.
    expect(Array.from(quantizeMatrix(w, 2, 3, 8).scales)).toEqual([Math.fround(1 / 127), Math.fround(0.2 / 127)]);
  });

  it('requantizes with a fixed-point multiplier exactly as round(acc · m), checked against BigInt (fuzz)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.double({ min: 1e-12, max: 4, noNaN: true }), (acc, real) => {
        const m = fixedMultiplier(real);
        expect(m.mantissa).toBeGreaterThanOrEqual(2 ** 30);
        expect(m.mantissa).toBeLessThan(2 ** 31);
        // The reference: floor((acc · mantissa + 2^(shift−1)) / 2^shift) in 64-bit integers.
        const shift = BigInt(m.shift);
        const product = BigInt(acc) * BigInt(m.mantissa);
        const expected = m.shift > 0 ? (product + (1n << (shift - 1n))) >> shift : product << -shift;
        expect(applyMultiplier(acc, m)).toBe(Number(expected));
        expect(Math.abs(applyMultiplier(acc, m) - acc * real)).toBeLessThanOrEqual(Math.abs(acc * real) * 2 ** -29 + 0.5 + 1e-6);
      }),
      { numRuns: 3000 },
    );
    // A case the reviewer found: a 60-bit shift.
    expect(applyMultiplier(536_870_911, { mantissa: 1_073_741_826, shift: 60 })).toBe(0);
  });

  it('accumulates int8 × int8 products in int32 and requantizes to int8, saturating', () => {
    const m = quantizeMatrix(Float64Array.from([1, 0, -1, 0.5]), 2, 2, 8);
    const acc = matvecInt(m, Int8Array.from([100, -50]));
    // Row 2 is [−127, 64] (0.5 · 127 = 63.5 rounds up): −12,700 − 3,200.
    expect(Array.from(acc)).toEqual([12_700, -15_900]);
    const out = requantize(acc, m, 0.01, 0.05);
    // 12,700 · (1/127) · 0.01 / 0.05 = 20; the second row: −15,900 · (1/127) · 0.01 / 0.05 = −25.04.
    expect(Array.from(out.data)).toEqual([20, -25]);
    expect(Array.from(requantize(acc, m, 0.01, 0.001).data)).toEqual([127, -127]);
    expect(() => matvecInt(m, Int8Array.from([1]))).toThrow('a 2×2 matrix takes 2 values, got 1');
  });
});
