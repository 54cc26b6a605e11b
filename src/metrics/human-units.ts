/**
 * Durations and energies for people to read in the CLI's printouts and the dashboard (never in
 * result files, which keep their fixed units): each scaled to the unit that shows it best, so
 * that small values do not vanish ("0.0 s", "0.0000 J") and large ones stay short.
 */

/** `value` to `digits` significant digits, without an exponent or trailing zeros. */
const significant = (value: number, digits: number): string => String(Number(value.toPrecision(digits)));

/**
 * @example
 * humanDuration(0.42) // '0.42 ms'
 * humanDuration(153_856) // '153.9 s'
 * humanDuration(2_765_885) // '46.1 min'
 */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${significant(ms, 3)} ms`;
  if (abs < 600_000) return `${(ms / 1000).toFixed(1)} s`;
  if (abs < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (abs < 172_800_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

/**
 * @example
 * humanEnergy(3.5e-7) // '0.35 µJ'
 * humanEnergy(0.2302) // '230.2 mJ'
 * humanEnergy(1604.4) // '1604.4 J'
 */
export function humanEnergy(joules: number): string {
  if (!Number.isFinite(joules)) return 'n/a';
  const abs = Math.abs(joules);
  if (abs === 0) return '0 J';
  // A value that rounds up to the next unit is given in it ("1 J", not "1000 mJ").
  if (Math.abs(Number((joules * 1e6).toPrecision(4))) < 1000) return `${significant(joules * 1e6, 4)} µJ`;
  if (Math.abs(Number((joules * 1e3).toPrecision(4))) < 1000) return `${significant(joules * 1e3, 4)} mJ`;
  return `${abs < 100 ? significant(joules, 4) : joules.toFixed(1)} J`;
}

/**
 * A count with its noun, singular for one.
 *
 * @example
 * counted(1, 'sink') // '1 sink'
 * counted(12, 'node') // '12 nodes'
 */
export function counted(count: number, noun: string): string {
  return `${count.toLocaleString('en')} ${count === 1 ? noun : `${noun}s`}`;
}

/**
 * A count with its thousands grouped.
 *
 * @example
 * grouped(14259) // '14,259'
 */
export function grouped(count: number): string {
  return count.toLocaleString('en');
}
