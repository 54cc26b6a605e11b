/**
 * A large run's dashboard in a real headless Chromium: `loraswarm dashboard DIR` on a synthetic
 * city of 5,005 nodes and 200,000 frames (gzip-compressed frames.csv.gz and receptions.csv.gz)
 * draws every view with what the report's limits keep (nodes on a canvas, a sample of the
 * frames, links, stacks, battery band and duty-cycle bars summed from every row), says in each
 * view what is sampled and what is exact, and counts the frames sent by a slider position from
 * every frame. Screenshots of the page go to test-output/dashboard/.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { spawnCli, type RunningCli } from '../helpers/cli.ts';
import { launchBrowser, openPage, screenshotDir } from '../helpers/browser.ts';
import { writeSyntheticRun, type SyntheticRun } from '../dashboard/synthetic-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-large-dashboard-'));
const run = join(dir, 'city');
let written: SyntheticRun;
let browser: Browser;
let server: RunningCli | undefined;

beforeAll(async () => {
  written = writeSyntheticRun(run, { nodes: 5000, gateways: 5, frames: 200_000, durationMs: 6 * 3_600_000, sampleMs: 3_600_000, gzip: true, seed: 11 });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sent frames of frames.csv.gz that started by `t`, counted from the file itself. */
function sentBy(t: number): number {
  const lines = gunzipSync(readFileSync(join(run, 'frames.csv.gz'))).toString('utf8').split('\n').slice(1);
  return lines.filter((line) => {
    const cells = line.split(',');
    return cells[3] === 'sent' && Number(cells[6]) <= t;
  }).length;
}

/** Receptions of receptions.csv.gz whose frame ended by `t`, and of them received, counted from the file itself. */
function receivedBy(t: number): { total: number; received: number } {
  const rows = gunzipSync(readFileSync(join(run, 'receptions.csv.gz'))).toString('utf8').split('\n').slice(1).filter((line) => line !== '').map((line) => line.split(','));
  const by = rows.filter((cells) => Number(cells[3]) <= t);
  return { total: by.length, received: by.filter((cells) => cells[4] === 'received').length };
}

describe('a large run\'s dashboard in Chromium', () => {
  it('draws every view from samples and exact figures, and says which', { timeout: 120_000 }, async () => {
    server = spawnCli(['dashboard', run, '--port', '0']);
    const [, url] = await server.waitForStdout(/(http:\/\/127\.0\.0\.1:\d+\/)/, 30_000);
    const { page, errors } = await openPage(browser, url!);
    await page.waitForSelector('body[data-rendered=true]', { timeout: 90_000 });

    expect(await page.locator('header .sampling').textContent()).toContain('This run is too large to embed whole');
    expect(await page.locator('.counter-frames').getAttribute('data-count')).toBe(String(written.sent));
    expect(await page.locator('.counter-nodes').getAttribute('data-count')).toBe('5005');
    // The map: 5,000 nodes on a canvas, the 5 sinks as SVG squares, 1,500 links, arcs of the sample.
    expect(await page.locator('#view-map canvas').getAttribute('data-nodes')).toBe('5000');
    expect(await page.locator('#view-map .nodes .node').count()).toBe(5);
    expect(await page.locator('#view-map .links line').count()).toBe(1500);
    expect(await page.locator('#view-map .frames path').count()).toBeGreaterThan(0);
    const kept = Math.ceil(written.sent / 2);
    expect(await page.locator('#view-map .sampling-note').allTextContents()).toEqual([
      '5005 nodes are too many to draw one by one: they are dots on a canvas, without a tooltip each; the sinks are squares with theirs.',
      'Node fills: every node\'s state of charge (to 0.4 %) at the last of 7 sample times at or before t, from all 35,035 rows of series.csv.',
      `Links: the most heard of 5,000 sender–receiver pairs, tallied from all ${written.receptions.toLocaleString('en-US')} receptions.`,
      `Frames on the air: 1 in 2 of the sent frames are drawn (${kept.toLocaleString('en-US')} of ${written.sent.toLocaleString('en-US')}, every 2nd in file order).`,
    ]);
    // Joules: 30 stacks, the battery lines of every 32nd node, the band and mean of all.
    expect(await page.locator('#view-energy .stacks > g').count()).toBe(30);
    expect(await page.locator('#view-energy .battery-lines path').count()).toBe(Math.ceil(5005 / 32));
    expect(await page.locator('#view-energy path.battery-band').count()).toBe(1);
    expect(await page.locator('#view-energy path.battery-mean').count()).toBe(1);
    expect(await page.locator('#view-energy .sampling-note').allTextContents()).toEqual([
      'Stacks: the 30 largest consumers at the last sample time at or before t, chosen from every node in all 35,035 rows of series.csv.',
      'Battery lines: 157 of 5,005 nodes (every 32nd in nodes.csv, from the first); the shaded band spans the least to the largest state of charge of all nodes sampled, the dark line is their mean.',
    ]);
    expect(await page.locator('#view-duty .duty-bars rect').count()).toBe(24);
    expect(await page.locator('#view-duty .sampling-note').textContent()).toBe(
      `Followed: the 60 nodes with the largest dutyCycleBudgetUse in nodes.csv (the busiest at the run's end), their airtime summed from all ${written.sent.toLocaleString('en-US')} sent frames, exact at the slider's 1,000 steps; the bars are the busiest of them at t.`,
    );
    // Delivery from every reception (the report builder's tallies), not from the page's sample.
    const ratio = (r: { total: number; received: number }): string => (r.received / r.total).toFixed(6);
    expect(await page.locator('#view-delivery .delivery-ratio').getAttribute('data-ratio')).toBe(ratio({ total: written.receptions, received: written.fates.received! }));
    expect(await page.locator('#view-delivery .fate').count()).toBeGreaterThan(24);
    expect(await page.locator('#view-delivery .ratio-bar').count()).toBeGreaterThan(5);
    expect(await page.locator('#view-delivery .sampling-note').textContent()).toContain(`these figures count all ${written.receptions} receptions`);
    await page.screenshot({ path: join(screenshotDir, 'large-city-page.png'), fullPage: true });

    // Halfway along the slider, the frames sent by then, counted from every frame.
    const endMs = Math.max(written.drainedUntilMs, 6 * 3_600_000);
    await page.locator('input[type=range]').fill('500');
    const expected = String(sentBy((endMs * 500) / 1000));
    await page.waitForFunction((count) => document.querySelector('.counter-frames')?.getAttribute('data-count') === count, expected);
    expect(await page.locator('#view-delivery .delivery-ratio').getAttribute('data-ratio')).toBe(ratio(receivedBy((endMs * 500) / 1000)));
    await page.screenshot({ path: join(screenshotDir, 'large-city-halfway.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
