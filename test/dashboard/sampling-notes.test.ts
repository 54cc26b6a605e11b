/**
 * What the page says about a large run's data, word for word, and the time grid its exact
 * figures are binned on: the slider's positions are the bins' edges.
 */
import { describe, expect, it } from 'vitest';
import { emptyModel, type RunModel } from '../../src/dashboard/views/run-model.ts';
import type { RunDigest } from '../../src/dashboard/views/run-digest.ts';
import { grouped, samplingNotes } from '../../src/dashboard/views/sampling-notes.ts';
import { binEdgeMs, binOf, binsThrough, sumThrough } from '../../src/dashboard/views/time-bins.ts';

const base: RunDigest = { bins: { spanMs: 86_400_000, count: 1000 }, endMs: 86_400_000, nodes: 100_100, summaryLeftOut: [], problems: [] };
const model = (digest: RunDigest | undefined): RunModel => ({ ...emptyModel({ title: 't', subBands: [] }), digest });

describe('samplingNotes', () => {
  it('says nothing about a run embedded whole', () => {
    expect(samplingNotes(model(undefined))).toEqual({ page: [], map: [], energy: [], duty: [] });
  });

  it('says only why a small run\'s file was read in part', () => {
    expect(samplingNotes(model({ ...base, problems: ['run/frames.csv.gz ends inside a record (cut short, by a run still writing it?): what it held up to there is shown.'] })).page).toEqual([
      'run/frames.csv.gz ends inside a record (cut short, by a run still writing it?): what it held up to there is shown.',
    ]);
  });

  it('says what each view draws of a sampled city, with the counts', () => {
    const notes = samplingNotes(
      model({
        ...base,
        frames: { shown: { rows: 8_514_000, kept: 66_516, every: 128 }, sentByBin: [], followed: [1, 2, 3], rankedBy: 'dutyCycleBudgetUse', airtime: [] },
        receptions: { shown: { rows: 8_514_000, kept: 66_516, every: 128 }, pairs: 1_000_000, links: null },
        summaryLeftOut: [{ key: 'perNode', entries: 100_100 }],
      }),
    );
    expect(notes.page).toEqual([
      'This run is too large to embed whole: the views draw samples of its rows and figures summed from every row, and each says which. The totals (frames sent, nodes alive) count every row.',
      'Left out of summary.json here: perNode (100,100 entries); nodes.csv beside this report has the per-node figures.',
    ]);
    expect(notes.map).toEqual([
      'Links: more than 1,000,000 sender–receiver pairs, too many to tally; ranked from a sample of the receptions, 1 in 128 (66,516 of 8,514,000, every 128th in file order), whose counts each link shows.',
      'Frames on the air: 1 in 128 of the sent frames are drawn (66,516 of 8,514,000, every 128th in file order).',
    ]);
    expect(notes.duty).toEqual([
      'Followed: the 3 nodes with the largest dutyCycleBudgetUse in nodes.csv (the busiest at the run\'s end), their airtime summed from all 8,514,000 sent frames, exact at the slider\'s 1,000 steps; the bars are the busiest of them at t.',
    ]);
  });

  it('groups thousands the same in every locale', () => {
    expect([0, 999, 1000, 8_514_000, -1234].map(grouped)).toEqual(['0', '999', '1,000', '8,514,000', '-1,234']);
  });
});

describe('time bins', () => {
  const bins = { spanMs: 1000, count: 10 };
  it('puts t ≤ 0 in bin 0 and (edge(i−1), edge(i)] in bin i, past the span too', () => {
    expect([-5, 0, 1e-9, 100, 100.5, 1000, 1000.1, 1250].map((t) => binOf(bins, t))).toEqual([0, 0, 1, 1, 2, 10, 11, 13]);
  });

  it('counts by the slider\'s positions exactly the items at or before them', () => {
    const span = { spanMs: 2_765_886.527, count: 1000 };
    const times = Array.from({ length: 5000 }, (_, i) => (i * 2_765_886.527) / 4999);
    const counts: number[] = [];
    for (const t of times) {
      const bin = binOf(span, t);
      counts[bin] = (counts[bin] ?? 0) + 1;
    }
    const dense = Array.from(counts, (c) => c ?? 0);
    for (let step = 0; step <= 1000; step++) {
      const t = (span.spanMs * step) / 1000;
      expect(sumThrough(span, dense, t)).toBe(times.filter((x) => x <= t).length);
    }
    expect(binEdgeMs(span, 1000)).toBe(span.spanMs);
    expect(binsThrough(span, -1)).toBe(0);
  });
});
