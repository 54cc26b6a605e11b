/**
 * The most points a disc can hold at a minimum mutual distance: Oler's inequality,
 * N ≤ (2/√3)·A/d² + P/(2d) + 1 for points at mutual distance ≥ d inside a compact convex set
 * of area A and perimeter P (N. Oler, "An inequality in the geometry of numbers", Acta Math.
 * 105, 1961; in this form for every convex set, J. H. Folkman and R. L. Graham, "A packing
 * inequality for compact convex subsets of the plane", Canad. Math. Bull. 12, 1969). The
 * leading term is the hexagonal packing: circles of diameter d at density π/(2√3) ≈ 0.9069
 * leave 2/(√3·d²) centres per unit area; the perimeter term and the 1 make it a true bound for
 * small discs too (one point fits a disc of radius 0, two fit one of radius d/2), where the
 * density alone would claim less than fits.
 *
 * For a disc of radius R: N ≤ 2πR²/(√3·d²) + πR/d + 1.
 *
 * @example
 * maxPointsInDisc(103.8, 10); // 424: LoRaSim's disc cannot hold 1,000 nodes 10 m apart
 */
export function maxPointsInDisc(radiusM: number, separationM: number): number {
  if (!(radiusM >= 0) || !(separationM > 0)) throw new RangeError(`radiusM must be ≥ 0 and separationM > 0, got ${radiusM} and ${separationM}`);
  const ratio = radiusM / separationM;
  return Math.floor((2 * Math.PI * ratio * ratio) / Math.sqrt(3) + Math.PI * ratio + 1);
}
