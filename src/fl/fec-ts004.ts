/**
 * The erasure code of LoRaWAN's fragmented data block transport (TS004-1.0.0, "Fragmented Data
 * Block Transport Specification", Appendix on fragmentation encoding,
 * https://lora-alliance.org/wp-content/uploads/2020/11/fragmented_data_block_transport_v1.0.0.pdf),
 * which firmware updates over the air use: after the M data fragments come redundancy
 * fragments, the n-th the XOR of the data fragments its parity-matrix line selects. Each line
 * draws M/2 positions from the spec's 23-bit pseudo-random sequence seeded with 1 + 1001·n, so
 * any fragments received, in any mix, are linear equations over GF(2) in the data fragments:
 * a receiver that misses k fragments rebuilds them from any redundancy fragments whose lines
 * make the k unknowns solvable (Gaussian elimination), typically k plus one or two. Written
 * from the specification's pseudo-code (its prbs23 and matrix_line), not from an implementation.
 */

/** The spec's 23-bit pseudo-random sequence: x ← (x >> 1) + ((bit0 ⊕ bit5) << 22). */
export function prbs23(x: number): number {
  const b0 = x & 1;
  const b1 = (x >> 5) & 1;
  return (x >>> 1) + ((b0 ^ b1) << 22);
}

const isPowerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

/** The data fragments (0-based) that redundancy fragment `n` (1-based) XORs together, of `m` data fragments. */
export function matrixLine(n: number, m: number): Uint8Array {
  const line = new Uint8Array(m);
  const modulus = m + (isPowerOfTwo(m) ? 1 : 0);
  let x = 1 + 1001 * n;
  for (let coefficient = 0; coefficient < Math.floor(m / 2); coefficient++) {
    let r = 1 << 16;
    while (r >= m) {
      x = prbs23(x);
      r = x % modulus;
    }
    line[r] = 1;
  }
  // One data fragment (m = 1): the line draws nothing; the redundancy is the fragment itself.
  if (m === 1) line[0] = 1;
  return line;
}

/** `count` redundancy fragments of `chunks`, each as long as the longest chunk (the shorter zero-padded). */
export function redundancyFragments(chunks: readonly Uint8Array[], count: number): Uint8Array[] {
  const length = chunks.reduce((most, c) => Math.max(most, c.length), 0);
  return Array.from({ length: count }, (_, k) => {
    const line = matrixLine(k + 1, chunks.length);
    const out = new Uint8Array(length);
    chunks.forEach((c, j) => {
      if (line[j]) for (let i = 0; i < c.length; i++) out[i]! ^= c[i]!;
    });
    return out;
  });
}

/**
 * Rebuilds, in place, the missing chunks that the redundancy fragments received determine;
 * returns how many. `fullLength` is every chunk's length but the last, `lastLength` the last
 * one's. Gaussian elimination over GF(2) on the unknowns: each fragment received, less the
 * data fragments already known, is one equation.
 */
export function recoverWithRedundancy(chunks: (Uint8Array | undefined)[], redundancy: readonly (Uint8Array | undefined)[], fullLength: number, lastLength: number): number {
  const m = chunks.length;
  const unknown: number[] = [];
  for (let j = 0; j < m; j++) if (chunks[j] === undefined) unknown.push(j);
  if (unknown.length === 0) return 0;
  const column = new Map(unknown.map((j, k) => [j, k]));
  // Each equation: which unknowns it holds (a bit per unknown) and its value.
  const rows: { bits: Uint8Array; value: Uint8Array }[] = [];
  redundancy.forEach((fragment, k) => {
    if (!fragment) return;
    const line = matrixLine(k + 1, m);
    const bits = new Uint8Array(unknown.length);
    // A copy whatever the fragment is (a Buffer's slice would be a view of the one kept).
    const value = new Uint8Array(fragment);
    for (let j = 0; j < m; j++) {
      if (!line[j]) continue;
      const c = chunks[j];
      if (c) for (let i = 0; i < c.length; i++) value[i]! ^= c[i]!;
      else bits[column.get(j)!] = 1;
    }
    rows.push({ bits, value });
  });
  // Forward elimination with a pivot per unknown, then back substitution.
  const pivotOf = new Array<number>(unknown.length).fill(-1);
  let next = 0;
  for (let u = 0; u < unknown.length && next < rows.length; u++) {
    const found = rows.findIndex((row, r) => r >= next && row.bits[u] === 1);
    if (found < 0) continue;
    [rows[next], rows[found]] = [rows[found]!, rows[next]!];
    const pivot = rows[next]!;
    rows.forEach((row, r) => {
      if (r === next || row.bits[u] !== 1) return;
      for (let b = 0; b < row.bits.length; b++) row.bits[b]! ^= pivot.bits[b]!;
      for (let i = 0; i < row.value.length; i++) row.value[i]! ^= pivot.value[i]!;
    });
    pivotOf[u] = next++;
  }
  let rebuilt = 0;
  unknown.forEach((j, u) => {
    const r = pivotOf[u]!;
    // Solved when its row holds no other unknown.
    if (r < 0 || rows[r]!.bits.some((bit, b) => bit === 1 && b !== u)) return;
    chunks[j] = rows[r]!.value.subarray(0, j === m - 1 ? lastLength : fullLength).slice();
    rebuilt++;
  });
  return rebuilt;
}
