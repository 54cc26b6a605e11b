/**
 * Numbers from CSV bytes without making a string: a cell of at most 15 significant digits, an
 * optional sign and decimal point (all a run file's times, powers and energies) is read as its
 * digits M over 10^f. Both are exact doubles (M < 10^15 < 2^53, f ≤ 22), and IEEE 754 division
 * is correctly rounded (IEEE 754-2019 §4.3), so M / 10^f is the double nearest the decimal, as
 * `Number(text)` gives (ECMA-262 §7.1.4.1.1). Anything else (exponents, more digits, spaces)
 * goes through `Number` after all.
 */

const powersOfTen = Array.from({ length: 23 }, (_, f) => 10 ** f);

/**
 * The number in `bytes[start, end)`, or `fallback` for an empty or unparsable cell (as the
 * dashboard's run model reads cells: `num` in views/run-model.ts).
 *
 * @example
 * decimalAt(Buffer.from('257720.941'), 0, 10) // 257720.941, as Number('257720.941')
 */
export function decimalAt(bytes: Uint8Array, start: number, end: number, fallback = 0): number {
  if (start >= end) return fallback;
  let at = start;
  const negative = bytes[at] === 45;
  if (negative) at++;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; at < end; at++) {
    const code = bytes[at]!;
    if (code >= 48 && code <= 57) {
      mantissa = mantissa * 10 + (code - 48);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (code === 46 && fraction < 0) {
      fraction = 0;
    } else {
      return slowNumber(bytes, start, end, fallback);
    }
  }
  if (digits === 0) return fallback;
  if (digits > 15) return slowNumber(bytes, start, end, fallback);
  const value = fraction > 0 ? mantissa / powersOfTen[fraction]! : mantissa;
  return negative ? -value : value;
}

function slowNumber(bytes: Uint8Array, start: number, end: number, fallback: number): number {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
  if (text.trim() === '') return fallback;
  const n = Number(text);
  return Number.isFinite(n) ? n : fallback;
}
