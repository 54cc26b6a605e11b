/**
 * The links' fixed parts, as columns over the nodes (positions never move): where each node is,
 * its antenna gain and draw key, and from them a link's mean path loss, its shadowing draw and
 * the nodes within a loss of a sender (spatial grids, spatial-grid.ts). The ether's reach
 * (ether-reach.ts) is built on it.
 */
import { keyedNormal3Within, keyedNormal4Within } from '../sim/keyed-random.ts';
import { distanceForLossM, meanPathLossDb, rxPowerDbm, type PathLossModel } from './path-loss.ts';
import { createSpatialGrid, pointBounds, type SpatialGrid } from './spatial-grid.ts';
import type { EtherConfig } from './ether-config.ts';
import type { Transmission } from './transmission.ts';
import { createSenderRows, GAIN_DBI, KEY, SENDER_ROW } from './sender-row.ts';

/**
 * The shadowing draw is a normal truncated at ±6σ: a draw beyond is redrawn from the same keyed
 * generator (keyed-random.ts), as ns-3's NormalRandomVariable does when given a bound (its
 * LoRa examples give none). It changes about two draws in a billion (P(|z| > 6) = 1.97·10⁻⁹),
 * so a run can differ from one made before the truncation (2026-12-07) where such a draw
 * happened; and it is what bounds a frame's candidate receivers: a gateway whose mean received
 * power is more than 6σ below its sensitivity cannot detect the frame with any draw, so leaving
 * it out changes no fate. Without the truncation the bound was the keyed normal's own largest
 * value, 8.57σ: at σ = 4 dB that is 34 dB rather than 24 dB, ~2.4× the radius under ns-3's path
 * loss (exponent 3.76) and about five times the gateways a frame meets on a city's grid.
 */
export const shadowingBoundSigma = 6;

/** Floating-point slack on the reach tests (dB): far below anything a fate turns on. */
export const slackDb = 1e-6;

export interface LinkBudget {
  readonly pathLoss: PathLossModel;
  readonly sigma: number;
  readonly seed: number;
  readonly perLink: boolean;
  readonly xM: Float64Array;
  readonly yM: Float64Array;
  /** Each node's antenna gain and draw key, in its sender row (sender-row.ts). */
  readonly senders: Float64Array;
  /** The largest antenna gain of any node. */
  readonly maxGainDbi: number;
}

/** The links of `config`'s nodes; `senders`: their sender rows (sender-row.ts), shared with the channel logs. */
export function createLinkBudget(config: EtherConfig, senders: Float64Array = createSenderRows(config.nodes)): LinkBudget {
  const { nodes, pathLoss } = config;
  return {
    pathLoss,
    sigma: pathLoss.shadowingSigmaDb,
    seed: config.seed,
    perLink: config.shadowingMode === 'per-link',
    xM: Float64Array.from(nodes, (node) => node.xM),
    yM: Float64Array.from(nodes, (node) => node.yM),
    senders,
    maxGainDbi: nodes.reduce((max, node) => Math.max(max, node.antennaGainDbi), Number.NEGATIVE_INFINITY),
  };
}

/** Node `i`'s antenna gain, dBi. */
export const gainDbi = (links: LinkBudget, i: number): number => links.senders[i * SENDER_ROW + GAIN_DBI]!;

/** Node `i`'s draw key. */
export const keyOf = (links: LinkBudget, i: number): number => links.senders[i * SENDER_ROW + KEY]!;

export function meanLossDb(links: LinkBudget, a: number, b: number): number {
  return meanPathLossDb(links.pathLoss, Math.hypot(links.xM[a]! - links.xM[b]!, links.yM[a]! - links.yM[b]!));
}

/** The frame's received power at `receiver` without the shadowing draw. */
export function meanRxDbm(links: LinkBudget, tx: Transmission, receiver: number): number {
  return rxPowerDbm(tx.txPowerDbm, gainDbi(links, tx.sender), gainDbi(links, receiver), meanLossDb(links, tx.sender, receiver), 0);
}

export function shadowingDb(links: LinkBudget, tx: Transmission, receiver: number): number {
  const sigma = links.sigma;
  if (sigma === 0) return 0;
  const senderKey = keyOf(links, tx.sender);
  const receiverKey = keyOf(links, receiver);
  // Per link: reciprocal, the same draw in both directions.
  if (links.perLink) return sigma * (senderKey < receiverKey ? keyedNormal3Within(links.seed, 1, senderKey, receiverKey, shadowingBoundSigma) : keyedNormal3Within(links.seed, 1, receiverKey, senderKey, shadowingBoundSigma));
  return sigma * keyedNormal4Within(links.seed, 2, senderKey, tx.seq, receiverKey, shadowingBoundSigma);
}

/** A grid sized for `points`, about four points per cell on average. */
export function gridOf(links: LinkBudget, points: readonly number[]): SpatialGrid {
  const { xM, yM } = links;
  const { minX, minY, maxX, maxY } = pointBounds(points, xM, yM);
  const area = Math.max(1, (maxX - minX) * (maxY - minY));
  return createSpatialGrid(points, xM, yM, Math.max(1, Math.sqrt((4 * area) / Math.max(1, points.length))));
}

/** Node indices within the distance at which the mean loss reaches `lossDb`, ascending, that pass `keep`. */
export function within(links: LinkBudget, grid: SpatialGrid, sender: number, lossDb: number, keep: (receiver: number) => boolean): number[] {
  const radiusM = distanceForLossM(links.pathLoss, lossDb + slackDb) * (1 + 1e-9) + 1e-6;
  const found: number[] = [];
  grid.near(links.xM[sender]!, links.yM[sender]!, radiusM, (receiver) => {
    if (receiver !== sender && keep(receiver)) found.push(receiver);
  });
  return found.sort((a, b) => a - b);
}
