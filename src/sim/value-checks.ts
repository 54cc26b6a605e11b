/**
 * Checks of values that crossed a trust boundary (a worker's report, a control message, a file)
 * before they are used as counts, indices or times.
 */

/** A whole number ≥ 0 that indexes or counts exactly. */
export const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** A finite time ≥ 0. */
export const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
