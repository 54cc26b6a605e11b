/**
 * A large run's report against the same run embedded whole: a synthetic city (3,003 nodes,
 * 30,000 frames, gzip-compressed per-frame files) read within small limits gives exactly the
 * systematic sample of the frames it says, and the figures the views draw from every row
 * (frames sent, the followed nodes' duty-cycle bars, the links, the largest consumers, the
 * battery band, the map's fills) equal those of the whole run; the same files give the same
 * bytes; plain and gzip files give the same report.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunFiles, reportLimits, type ReportLimits } from '../../../src/dashboard/run-files.ts';
import { framesSentBy, parseRun, type RunFiles, type RunModel } from '../../../src/dashboard/views/run-model.ts';
import { dutyCycleAt } from '../../../src/dashboard/views/duty-cycle.ts';
import { mapLinks, mapLinksOf, mapNodes, mapNodesAt } from '../../../src/dashboard/views/map.ts';
import { batteryBand, energyAt, energyStacks } from '../../../src/dashboard/views/energy.ts';
import { samplingNotes } from '../../../src/dashboard/views/sampling-notes.ts';
import { binEdgeMs } from '../../../src/dashboard/views/time-bins.ts';
import { writeSyntheticRun, type SyntheticRun } from '../synthetic-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-large-run-'));
const options = { nodes: 3000, gateways: 3, frames: 30_000, durationMs: 6 * 3_600_000, sampleMs: 3_600_000, seed: 7 };
/** Small limits, so that a run of 30,000 frames is sampled as one of 8.6 million would be. */
const small: ReportLimits = { ...reportLimits, frames: 1000, receptions: 1000, lineNodes: 50, followed: 40, summaryChars: 10_000 };
/** Limits nothing passes: every row embedded. */
const none: ReportLimits = { ...reportLimits, frames: 1e9, receptions: 1e9, seriesRows: 1e9, seriesNodes: 1e9, summaryChars: 1e12 };

let written: SyntheticRun;
let files: RunFiles;
let sampled: RunModel;
let whole: RunModel;

beforeAll(async () => {
  written = writeSyntheticRun(join(dir, 'gz'), { ...options, gzip: true });
  writeSyntheticRun(join(dir, 'plain'), { ...options, gzip: false });
  files = await readRunFiles(join(dir, 'gz'), false, small);
  sampled = parseRun(files);
  whole = parseRun(await readRunFiles(join(dir, 'gz'), false, none));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The slider's positions: the run's end over 1,000 steps. */
const slider = (model: RunModel, step: number): number => (model.endMs * step) / 1000;

describe('a large run\'s report', () => {
  it('embeds every 32nd sent frame from the first, and says so', () => {
    const digest = sampled.digest!;
    expect(whole.digest).toBeUndefined();
    expect(whole.frames).toHaveLength(written.sent);
    expect(digest.frames!.shown).toEqual({ rows: written.sent, kept: Math.ceil(written.sent / 32), every: 32 });
    expect(sampled.frames).toEqual(whole.frames.filter((_, i) => i % 32 === 0));
    expect(samplingNotes(sampled).map).toContain(`Frames on the air: 1 in 32 of the sent frames are drawn (${Math.ceil(written.sent / 32).toLocaleString('en-US')} of ${written.sent.toLocaleString('en-US')}, every 32nd in file order).`);
  });

  it('counts the frames sent by every slider position exactly, and the run\'s end as the whole run', () => {
    expect(sampled.endMs).toBe(whole.endMs);
    expect(sampled.digest!.bins).toEqual({ spanMs: whole.endMs, count: 1000 });
    const wrong: number[] = [];
    for (let step = 0; step <= 1000; step++) if (framesSentBy(sampled, slider(sampled, step)) !== framesSentBy(whole, slider(whole, step))) wrong.push(step);
    expect(wrong).toEqual([]);
    expect(framesSentBy(sampled, sampled.endMs)).toBe(written.sent);
    expect(binEdgeMs(sampled.digest!.bins, 1000)).toBe(sampled.endMs);
  });

  it('draws the duty-cycle bars of the followed nodes as the whole run does, at every tenth slider position', () => {
    const followed = new Set(sampled.digest!.frames!.followed.map((i) => sampled.nodes[i]!.id));
    expect(followed.size).toBe(40);
    expect(sampled.digest!.frames!.rankedBy).toBe('dutyCycleBudgetUse');
    for (let step = 0; step <= 1000; step += 100) {
      const t = slider(sampled, step);
      const bars = dutyCycleAt(sampled, t);
      const expected = dutyCycleAt(whole, t).filter((bar) => followed.has(bar.id));
      expect(bars.map((b) => `${b.id}@${b.subBand}`)).toEqual(expected.map((b) => `${b.id}@${b.subBand}`));
      bars.forEach((bar, i) => expect(bar.use).toBeCloseTo(expected[i]!.use, 12));
    }
    // At the end the followed nodes are the busiest: the 24 bars drawn are the whole run's.
    expect(dutyCycleAt(sampled, sampled.endMs).slice(0, 24).map((b) => b.id)).toEqual(dutyCycleAt(whole, whole.endMs).slice(0, 24).map((b) => b.id));
  });

  it('draws the links of every reception, and embeds no reception', () => {
    expect(mapLinksOf(sampled, 1500)).toEqual(mapLinks(whole.receptions, 1500));
    expect(sampled.receptions).toEqual([]);
    expect(sampled.digest!.receptions!.shown).toEqual({ rows: written.receptions, kept: 0, every: 32 });
    expect(sampled.digest!.receptions!.pairs).toBe(3000);
  });

  it('stacks the 30 largest consumers at every sample time, between them and before the first, as the whole run', () => {
    const times = [...new Set(whole.series.map((s) => s.atMs))];
    expect(times).toHaveLength(7);
    for (const t of [-1, ...times, ...times.map((t) => t + 1)]) {
      expect(energyStacks(energyAt(sampled, t))).toEqual(energyStacks(energyAt(whole, t)).slice(0, 30));
    }
  });

  it('colours the map by every node\'s state of charge to 0.4 % and marks the same dead', () => {
    for (const t of [0, 3 * 3_600_000, 3 * 3_600_000 + 1, sampled.endMs]) {
      const nodes = mapNodesAt(sampled, t);
      const expected = mapNodes(whole.nodes, whole.series, t);
      expect(nodes.map((n) => [n.id, n.x, n.y, n.role, n.dead])).toEqual(expected.map((n) => [n.id, n.x, n.y, n.role, n.dead]));
      const worst = nodes.reduce((most, n, i) => (n.dead ? most : Math.max(most, Math.abs(n.soc - expected[i]!.soc))), 0);
      expect(worst).toBeLessThanOrEqual(1 / 500 + 1e-12);
    }
    expect(mapNodesAt(sampled, sampled.endMs).filter((n) => n.dead)).toHaveLength(3);
  });

  it('draws every 64th node\'s battery line and the range and mean of all', () => {
    const lineNodes = new Set(sampled.series.map((s) => s.node));
    expect([...lineNodes]).toEqual(Array.from({ length: Math.ceil(3003 / 64) }, (_, i) => i * 64));
    expect(sampled.series.map((s) => [s.atMs, s.node, s.soc, s.alive])).toEqual(whole.series.filter((s) => s.node % 64 === 0).map((s) => [s.atMs, s.node, s.soc, s.alive]));
    const band = batteryBand(sampled);
    expect(band).toHaveLength(7);
    band.forEach((point) => {
      const socs = whole.series.filter((s) => s.atMs === point.hours * 3_600_000).map((s) => s.soc);
      expect(point.min).toBe(socs.reduce((a, b) => Math.min(a, b)));
      expect(point.max).toBe(socs.reduce((a, b) => Math.max(a, b)));
      expect(point.mean).toBeCloseTo(socs.reduce((a, b) => a + b) / socs.length, 12);
    });
  });

  it('leaves summary.json\'s per-node keys out, keeps its totals, and says so', () => {
    expect(sampled.digest!.summaryLeftOut).toEqual([
      { key: 'dutyCycleUtilisation', entries: 3000 },
      { key: 'perNode', entries: 3003 },
    ]);
    expect(sampled.summary!.frames).toEqual(whole.summary!.frames);
    expect(sampled.summary!.perNode).toBeUndefined();
    expect(samplingNotes(sampled).page[1]).toBe('Left out of summary.json here: dutyCycleUtilisation (3,000 entries), perNode (3,003 entries); nodes.csv beside this report has the per-node figures.');
  });

  it('is the same bytes from the same files, plain or gzip-compressed', async () => {
    expect(JSON.stringify(await readRunFiles(join(dir, 'gz'), false, small))).toBe(JSON.stringify(files));
    const plain = await readRunFiles(join(dir, 'plain'), false, small);
    expect(JSON.stringify({ ...plain, 'meta.json': '' })).toBe(JSON.stringify({ ...files, 'meta.json': '' }));
  });

  it('is the same bytes whether receptions.csv is digested on a thread of its own or not, whole or sampled, and from a cut file', async () => {
    for (const limits of [small, none]) {
      expect(JSON.stringify(await readRunFiles(join(dir, 'gz'), false, limits, 0))).toBe(JSON.stringify(await readRunFiles(join(dir, 'gz'), false, limits, Number.POSITIVE_INFINITY)));
    }
    const cut = join(dir, 'cut');
    writeSyntheticRun(cut, { ...options, gzip: true });
    const gz = join(cut, 'receptions.csv.gz');
    writeFileSync(gz, readFileSync(gz).subarray(0, 60_000));
    const apart = await readRunFiles(cut, false, small, 0);
    expect(JSON.parse(apart['digest.json']!).problems).toEqual([`${gz} ends inside a record (cut short, by a run still writing it?): what it held up to there is shown.`]);
    expect(JSON.stringify(apart)).toBe(JSON.stringify(await readRunFiles(cut, false, small, Number.POSITIVE_INFINITY)));
  });
});
