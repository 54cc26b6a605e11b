import { type CollisionModel } from './signal.ts';

/**
 * Power thresholds (dB) per (wanted SF, interfering SF), SF7…SF12, from Croce et al. 2018
 * ("Impact of LoRa imperfect orthogonality"), as FLoRa uses them (`nonOrthDelta` in
 * src/LoRaPhy/LoRaReceiver.h,
 * https://github.com/florasim/flora/tree/247611ebf5224571ea60743afba54c968353c59d).
 */
export const croceDeltaDb: readonly (readonly number[])[] = [
  [1, -8, -9, -9, -9, -9],
  [-11, 1, -11, -12, -13, -13],
  [-15, -13, 1, -13, -14, -15],
  [-19, -18, -17, 1, -17, -18],
  [-22, -22, -21, -20, 1, -20],
  [-25, -25, -25, -24, -23, 1],
];

/** FLoRa tolerates overlap with all but the last 6 preamble symbols. */
export const croceLockSymbols = 6;

/**
 * FLoRa's model (`LoRaReceiver::isPacketCollided`): each interferer on the same channel is
 * judged on its own. It is harmless if it ends before the wanted frame's start +
 * (n_pre − 6)·T_s; otherwise the wanted frame survives only if its power exceeds the
 * interferer's by at least the Croce threshold for the SF pair. Only SF7–12 are defined.
 */
export const croceCollision: CollisionModel = (wanted, interferers) => {
  const row = croceDeltaDb[wanted.sf - 7];
  if (!row) throw new RangeError(`croce covers SF7–12, got SF${wanted.sf}`);
  const lockMs = wanted.startMs + (wanted.preambleSymbols - croceLockSymbols) * wanted.symbolMs;
  return interferers.some((other) => {
    const threshold = row[other.sf - 7];
    if (threshold === undefined) throw new RangeError(`croce covers SF7–12, got SF${other.sf}`);
    if (other.endMs <= lockMs) return false;
    return wanted.rxPowerDbm - other.rxPowerDbm < threshold;
  });
};
