/**
 * Durations in scenario files: a number of milliseconds, or a string with a unit
 * ("250ms", "90s", "15min", "2h", "1d").
 */
import * as z from 'zod';

const unitMs: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a duration; undefined when the text is not one. */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(ms|s|min|h|d)\s*$/i.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * unitMs[match[2]!.toLowerCase()]!;
}

/** Longest duration accepted anywhere: 100 years of virtual time. */
const maxDurationMs = 100 * 365.25 * 86_400_000;

/** A duration field; `strictlyPositive` demands > 0, otherwise ≥ 0. */
export const durationSchema = (what: string, strictlyPositive: boolean) =>
  z
    .union([z.number(), z.string()], { error: `${what}: a number of milliseconds or a string such as "90s", "15min", "1d"` })
    .transform((value, ctx) => {
      const ms = parseDurationMs(value);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected ${what} as milliseconds or a string with a unit (ms, s, min, h, d), found ${JSON.stringify(value)}` });
        return z.NEVER;
      }
      if (ms > maxDurationMs) {
        ctx.addIssue({ code: 'custom', message: `expected ${what} ≤ 100 years (${maxDurationMs} ms), found ${JSON.stringify(value)}` });
        return z.NEVER;
      }
      if (strictlyPositive ? !(ms > 0) : !(ms >= 0)) {
        ctx.addIssue({ code: 'custom', message: `expected ${what} ${strictlyPositive ? '> 0' : '≥ 0'}, found ${JSON.stringify(value)}` });
        return z.NEVER;
      }
      return ms;
    });

