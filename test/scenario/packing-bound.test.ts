import { describe, expect, it } from 'vitest';
import { maxPointsInDisc } from '../../src/scenario/packing-bound.ts';

/** Points of a hexagonal lattice of spacing d (offset by (ox, oy)) that fall inside a disc of radius R: a real packing. */
function hexLatticePointsInDisc(radiusM: number, separationM: number, ox: number, oy: number): number {
  const rowM = (separationM * Math.sqrt(3)) / 2;
  let count = 0;
  const rows = Math.ceil(radiusM / rowM) + 2;
  const columns = Math.ceil(radiusM / separationM) + 2;
  for (let j = -rows; j <= rows; j++) {
    for (let i = -columns; i <= columns; i++) {
      const x = ox + (i + (j % 2 === 0 ? 0 : 0.5)) * separationM;
      const y = oy + j * rowM;
      if (Math.hypot(x, y) <= radiusM) count++;
    }
  }
  return count;
}

describe('maxPointsInDisc(radiusM, separationM) (Oler\'s inequality)', () => {
  it('is 2πR²/(√3·d²) + πR/d + 1, rounded down: 424 nodes 10 m apart in LoRaSim\'s 103.8 m disc', () => {
    expect(maxPointsInDisc(103.8, 10)).toBe(424);
    expect(maxPointsInDisc(100, 10)).toBe(395);
    expect(maxPointsInDisc(5000, 5)).toBe(3_630_741);
  });

  it('admits what surely fits: one point in a disc of radius 0, two (antipodal) in one of radius d/2', () => {
    expect(maxPointsInDisc(0, 10)).toBe(1);
    expect(maxPointsInDisc(5, 10)).toBeGreaterThanOrEqual(2);
  });

  it('is never below a hexagonal lattice packed into the disc, whatever its offset', () => {
    for (const radiusM of [3, 10, 37.5, 103.8, 400]) {
      for (const [ox, oy] of [[0, 0], [0.5, 0], [0.25, 0.4], [0.5, 0.433]] as const) {
        const packed = hexLatticePointsInDisc(radiusM, 10, ox * 10, oy * 10);
        expect(maxPointsInDisc(radiusM, 10)).toBeGreaterThanOrEqual(packed);
      }
    }
  });

  it('refuses a negative radius or a separation that is not positive', () => {
    expect(() => maxPointsInDisc(-1, 10)).toThrow(RangeError);
    expect(() => maxPointsInDisc(10, 0)).toThrow('radiusM must be ≥ 0 and separationM > 0, got 10 and 0');
  });
});
