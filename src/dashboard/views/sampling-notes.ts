/**
 * What each view of a large run's report says about its data (docs/reference/dashboard.md,
 * "Large runs"): which figures are sampled (and how: one row in k, which rows) and which are exact aggregates of
 * every row, with the counts, so that nobody takes a sample for the run. A run embedded whole
 * has no notes. Pure.
 *
 * @example
 * samplingNotes(model).map
 * // ['Frames on the air: 1 in 64 of the sent frames are drawn (134,375 of 8,600,000, every 64th in file order).', …]
 */
import { energyStates, type RunModel } from './run-model.ts';

export interface SamplingNotes {
  /** For the page's header: what the report holds, what its totals come from. */
  readonly page: readonly string[];
  readonly map: readonly string[];
  readonly energy: readonly string[];
  readonly duty: readonly string[];
}

/** The slider's steps, which the binned figures are exact at. */
const sliderSteps = 1000;

/** An integer with thousands separators, the same in every locale: 8600000 → "8,600,000". */
export function grouped(n: number): string {
  const digits = String(Math.round(Math.abs(n)));
  let out = '';
  for (let i = 0; i < digits.length; i++) out += (i > 0 && (digits.length - i) % 3 === 0 ? ',' : '') + digits[i];
  return n < 0 ? `-${out}` : out;
}

/** "every 64th": an ordinal in words for the sampling step. */
function everyNth(k: number): string {
  const tens = k % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][k % 10] ?? 'th');
  return k === 1 ? 'every one' : `every ${grouped(k)}${suffix}`;
}

export function samplingNotes(model: RunModel): SamplingNotes {
  const digest = model.digest;
  if (!digest) return { page: [], map: [], energy: [], duty: [] };
  const reduced = digest.frames !== undefined || digest.receptions !== undefined || digest.series !== undefined || digest.summaryLeftOut.length > 0;
  const page = reduced ? ['This run is too large to embed whole: the views draw samples of its rows and figures summed from every row, and each says which. The totals (frames sent, nodes alive) count every row.'] : [];
  if (digest.summaryLeftOut.length > 0) page.push(`Left out of summary.json here: ${digest.summaryLeftOut.map((k) => `${k.key} (${grouped(k.entries)} entries)`).join(', ')}; nodes.csv beside this report has the per-node figures.`);
  for (const problem of digest.problems) page.push(problem);

  const map: string[] = [];
  const energy: string[] = [];
  const duty: string[] = [];
  const series = digest.series;
  if (series) {
    const times = series.grid.timesMs.length < series.times ? ` (one in ${grouped(series.grid.every)} of its ${grouped(series.times)} sample times, and the last)` : '';
    map.push(`Node fills: every node's state of charge (to 0.4 %) at the last of ${grouped(series.grid.timesMs.length)} sample times at or before t${times}, from all ${grouped(series.rows)} rows of series.csv.`);
    const statTimes = series.stats.timesMs.length < series.times ? `, at one in ${grouped(series.stats.every)} of its ${grouped(series.times)} sample times and the last` : '';
    const top = (series.stats.energyTop[0]?.length ?? 0) / (energyStates.length + 1);
    energy.push(`Stacks: the ${grouped(top)} largest consumers at the last sample time at or before t, chosen from every node in all ${grouped(series.rows)} rows of series.csv${statTimes}.`);
    energy.push(`Battery lines: ${grouped(series.lines.nodes)} of ${grouped(digest.nodes)} nodes (${everyNth(series.lines.every)} in nodes.csv, from the first); the shaded band spans the least to the largest state of charge of all nodes sampled, the dark line is their mean.`);
    if (series.unordered) energy.push('series.csv goes back in time somewhere: the figures per sample time are only approximate.');
  }
  const receptions = digest.receptions;
  if (receptions) {
    if (receptions.links) {
      map.push(`Links: the most heard of ${grouped(receptions.pairs)} sender–receiver pairs, tallied from all ${grouped(receptions.shown.rows)} receptions.`);
    } else {
      map.push(`Links: more than ${grouped(receptions.pairs)} sender–receiver pairs, too many to tally; ranked from a sample of the receptions, 1 in ${grouped(receptions.shown.every)} (${grouped(receptions.shown.kept)} of ${grouped(receptions.shown.rows)}, ${everyNth(receptions.shown.every)} in file order), whose counts each link shows.`);
    }
  }
  const frames = digest.frames;
  if (frames) {
    map.push(`Frames on the air: 1 in ${grouped(frames.shown.every)} of the sent frames are drawn (${grouped(frames.shown.kept)} of ${grouped(frames.shown.rows)}, ${everyNth(frames.shown.every)} in file order).`);
    if (frames.rankedBy === null) {
      duty.push('No per-node duty-cycle figures for this large run: nodes.csv has no dutyCycleBudgetUse or airtimeMs column to choose the nodes to follow by.');
    } else {
      duty.push(`Followed: the ${grouped(frames.followed.length)} nodes with the largest ${frames.rankedBy} in nodes.csv (the busiest at the run's end), their airtime summed from all ${grouped(frames.shown.rows)} sent frames, exact at the slider's ${grouped(sliderSteps)} steps; the bars are the busiest of them at t.`);
    }
  }
  return { page, map, energy, duty };
}
