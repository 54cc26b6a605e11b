import { startedAfter, type CollisionModel, type Signal } from './signal.ts';

/** Capture threshold: the stronger of two co-SF frames survives 6 dB above the other. */
export const lorasimCaptureDb = 6;
/** A receiver locks on after the last 5 preamble symbols, so earlier overlap is harmless. */
export const lorasimLockSymbols = 5;

/**
 * LoRaSim's capture model (`full_collision = 1`, bug-fixed release r334, functions
 * `timingCollision` and `powerCollision` of loraDir.py; Bor et al. MSWiM 2016 §4).
 * Only frames on the same channel and SF interact. For each pair, with p1 the later arrival:
 * - timing: if the earlier frame ends before p1's start + (n_pre − 5)·T_s(p1), p1 locked on
 *   its last 5 preamble symbols undisturbed and neither frame is harmed;
 * - power: otherwise, if the powers differ by less than 6 dB both are lost; else the weaker is
 *   lost.
 */
export const lorasimCaptureCollision: CollisionModel = (wanted, interferers) =>
  interferers.some((other) => other.sf === wanted.sf && losesPair(wanted, other));

function losesPair(wanted: Signal, other: Signal): boolean {
  const [late, early] = startedAfter(wanted, other) ? [wanted, other] : [other, wanted];
  const criticalSectionStartMs = late.startMs + (late.preambleSymbols - lorasimLockSymbols) * late.symbolMs;
  if (criticalSectionStartMs >= early.endMs) return false;
  return wanted.rxPowerDbm - other.rxPowerDbm < lorasimCaptureDb;
}
