/**
 * The `mnist` package's digit files, `{ "data": [0,0.2,0.624,…] }`, read without JSON.parse:
 * a byte scan of the array's decimals straight into float32. JSON.parse of the 21 MB took
 * ~170 ms of every MNIST run's start (and Float32Array.from another ~30 ms); the scan ~30 ms.
 *
 * The values are the same to the bit: a decimal of at most 15 digits is m / 10^k with m and
 * 10^k exact doubles (k ≤ 22), and IEEE division rounds their quotient once, to the double
 * nearest the decimal, which is what JSON.parse gives; float32 then rounds that double as
 * Float32Array.from does. Anything else in the file (a sign, an exponent, a longer number,
 * another key) gives undefined, and the caller parses the file as JSON instead. A test compares
 * every value of the package with JSON.parse's.
 */

const exactPowersOfTen = Array.from({ length: 23 }, (_, k) => 10 ** k);
const maxDigits = 15;

/** The `data` array of a digits file as float32, or undefined when it is not plain decimals. */
export function scanDigitsJson(bytes: Uint8Array): Float32Array | undefined {
  const open = bytes.indexOf(0x5b); // [
  const close = bytes.lastIndexOf(0x5d); // ]
  if (open < 0 || close < open || !/^\s*\{\s*"data"\s*:\s*$/.test(Buffer.from(bytes.subarray(0, open)).toString('latin1')) || !/^\s*\}\s*$/.test(Buffer.from(bytes.subarray(close + 1)).toString('latin1'))) return undefined;
  let count = 1;
  for (let i = open + 1; i < close; i++) if (bytes[i] === 0x2c) count++;
  const values = new Float32Array(count);
  let at = 0;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (let i = open + 1; i <= close; i++) {
    const byte = bytes[i]!;
    if (byte >= 0x30 && byte <= 0x39) {
      mantissa = mantissa * 10 + (byte - 0x30);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (byte === 0x2e && fraction < 0 && digits > 0) {
      fraction = 0;
    } else if (byte === 0x2c || byte === 0x5d) {
      if (digits === 0 || digits > maxDigits || fraction === 0) return undefined;
      values[at++] = fraction > 0 ? mantissa / exactPowersOfTen[fraction]! : mantissa;
      mantissa = 0;
      digits = 0;
      fraction = -1;
    } else if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) {
      return undefined;
    }
  }
  return at === count ? values : undefined;
}
