/**
 * Durations in scenario files: a number of milliseconds, or a string with a unit
 * ("250ms", "90s", "15min", "2h", "1d").
 */
const unitMs: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a duration; undefined when the text is not one. */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(ms|s|min|h|d)\s*$/i.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * unitMs[match[2]!.toLowerCase()]!;
}
