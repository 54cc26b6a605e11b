/** A transmission as one receiver hears it: what the collision models compare. */
export interface Signal {
  readonly startMs: number;
  readonly endMs: number;
  readonly sf: number;
  readonly rxPowerDbm: number;
  readonly symbolMs: number;
  readonly preambleSymbols: number;
  /** Global order in which transmissions started; breaks ties between equal start times. */
  readonly order: number;
  /** `milliwatts(rxPowerDbm)`, when the ether has it already (an interferer weighed before at the same receiver). */
  readonly rxPowerMw?: number | undefined;
}

/** A power in dBm as milliwatts. */
export const milliwatts = (dbm: number): number => 10 ** (dbm / 10);

/**
 * Decides whether `wanted` is destroyed by `interferers`: every other transmission on the same
 * channel that overlaps it in time, as heard by the same receiver. Pure; no state.
 */
export type CollisionModel = (wanted: Signal, interferers: readonly Signal[]) => boolean;

/** Overlap of two signals (or transmissions: anything with a start and an end) in milliseconds (0 when they do not overlap). */
export function overlapMs(a: Pick<Signal, 'startMs' | 'endMs'>, b: Pick<Signal, 'startMs' | 'endMs'>): number {
  return Math.max(0, Math.min(a.endMs, b.endMs) - Math.max(a.startMs, b.startMs));
}

/** True when `a` started after `b` (ties broken by start order). */
export function startedAfter(a: Signal, b: Signal): boolean {
  return a.startMs > b.startMs || (a.startMs === b.startMs && a.order > b.order);
}
