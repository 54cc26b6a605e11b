/**
 * The sink with the least mean path loss from a position (loss less the sink's antenna gain),
 * the first such in sink order: what `sf: auto` sizes a node's link to. A city plan asks it of
 * every node for every gateway (100,000 nodes × 100 gateways), so it takes a logarithm only
 * for the sinks that can be nearest.
 *
 * Why that is exact: within sinks of one antenna gain the loss rises with distance (log-distance
 * model, exponent > 0; clamped below 1 m, see path-loss.ts). A sink whose squared distance is
 * more than `1 + slack` times its gain's smallest one, and more than 1 m², is at least ~5·10⁻⁷
 * farther than that nearest one and beyond the clamp, so its loss is larger by
 * ≥ 10·γ·log10(1 + 5·10⁻⁷) dB: with γ ≥ `minExponent` and |PL(d0)| ≤ `maxReferenceLossDb` that
 * is more than a million times the rounding of the losses, so it can never be the smallest, nor
 * tie with it. The others are compared exactly as the plain loop over every sink compares them
 * (in sink order, strictly smaller wins), so the answer is the plain loop's to the bit. Outside
 * those bounds (a user's own, degenerate constants) the plain loop runs.
 */
import { meanPathLossDb, type PathLossModel } from '../radio/path-loss.ts';
import type { Position } from './placement.ts';

/** A sink as the search sees it. */
export interface SinkAntenna extends Position {
  readonly antennaGainDbi: number;
}

/** The search, and what its last answer left. */
export interface NearestSink {
  find(position: Position): number;
  /** The least loss found (dB, antenna gain taken off). */
  lossDb: number;
  /** How many sinks' losses were taken: the rest were ruled out by distance alone. */
  losses: number;
}

const slack = 1e-6;
const minExponent = 0.1;
const maxReferenceLossDb = 1000;

/**
 * A search for the sink of least mean loss from a position; returns its index in `sinks` (−1
 * for none) and leaves the loss in `lossDb`.
 *
 * @example
 * const nearest = createNearestSink(sinks, pathLoss);
 * const i = nearest.find({ xM: 10, yM: 0 }); // sinks[i], nearest.lossDb
 */
export function createNearestSink(sinks: readonly SinkAntenna[], pathLoss: PathLossModel): NearestSink {
  const gains = [...new Set(sinks.map((sink) => sink.antennaGainDbi))];
  const gainOf = Int32Array.from(sinks, (sink) => gains.indexOf(sink.antennaGainDbi));
  const fast = pathLoss.exponent >= minExponent && Math.abs(pathLoss.referenceLossDb) <= maxReferenceLossDb && gains.every(Number.isFinite);
  const xs = Float64Array.from(sinks, (sink) => sink.xM);
  const ys = Float64Array.from(sinks, (sink) => sink.yM);
  const squared = new Float64Array(sinks.length);
  const least = new Float64Array(gains.length);
  const limit = new Float64Array(gains.length).fill(Number.POSITIVE_INFINITY);
  const search: NearestSink = { lossDb: Number.POSITIVE_INFINITY, losses: 0, find };

  function find(position: Position): number {
    if (fast) {
      least.fill(Number.POSITIVE_INFINITY);
      const { xM, yM } = position;
      for (let i = 0; i < xs.length; i++) {
        const dx = xs[i]! - xM;
        const dy = ys[i]! - yM;
        const q = dx * dx + dy * dy;
        squared[i] = q;
        if (q < least[gainOf[i]!]!) least[gainOf[i]!] = q;
      }
      for (let g = 0; g < gains.length; g++) limit[g] = Math.max(least[g]! * (1 + slack), 1 + slack);
    }
    let nearest = sinks.length > 0 ? 0 : -1;
    let lossDb = Number.POSITIVE_INFINITY;
    let losses = 0;
    for (let i = 0; i < sinks.length; i++) {
      if (fast && squared[i]! > limit[gainOf[i]!]!) continue;
      losses++;
      const loss = meanPathLossDb(pathLoss, Math.hypot(xs[i]! - position.xM, ys[i]! - position.yM)) - sinks[i]!.antennaGainDbi;
      if (loss < lossDb) {
        nearest = i;
        lossDb = loss;
      }
    }
    search.lossDb = lossDb;
    search.losses = losses;
    return nearest;
  }
  return search;
}
