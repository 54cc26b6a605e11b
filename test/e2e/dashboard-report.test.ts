/**
 * report.html in a real headless Chromium: the quickstart's report draws every view with data
 * (SVG marks, axis labels with units, the p95 of summary.json), the slider scrubs the run, a
 * federated run draws its curves, and nothing throws. Screenshots of every view are saved.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { cli } from '../helpers/cli.ts';
import { launchBrowser, openPage, screenshotDir } from '../helpers/browser.ts';
import { seconds } from '../../src/dashboard/ui/latency-view.ts';

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-report-'));
let browser: Browser;

beforeAll(async () => {
  for (const scenario of ['quickstart', 'fl-compression']) {
    const run = cli(['run', `scenarios/${scenario}.yaml`, '--transport', 'memory', '--out', join(dir, scenario), '--quiet'], 120_000);
    expect(run.status, run.stderr).toBe(0);
  }
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const views = ['map', 'latency', 'energy', 'experts', 'federated', 'duty'] as const;
const count = (page: Page, selector: string): Promise<number> => page.locator(selector).count();

async function screenshots(page: Page, prefix: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${prefix}-page.png`), fullPage: true });
  for (const view of views) await page.locator(`#view-${view}`).screenshot({ path: join(screenshotDir, `${prefix}-${view}.png`) });
}

describe('report.html in Chromium', () => {
  it('draws every view of the quickstart, with units on every axis and the p95 of summary.json', { timeout: 60_000 }, async () => {
    const summary = JSON.parse(readFileSync(join(dir, 'quickstart', 'summary.json'), 'utf8')) as { tokens: number; latencyMs: { p95: number }; expertLoad: number[][] };
    const { page, errors } = await openPage(browser, pathToFileURL(join(dir, 'quickstart', 'report.html')).href);
    await page.waitForSelector('body[data-rendered=true]', { timeout: 20_000 });
    // Every view but the federated one (the quickstart trains nothing, and says so) has marks.
    expect(await count(page, '#view-map .nodes .node')).toBe(24);
    expect(await count(page, '#view-map .links line')).toBeGreaterThan(0);
    expect(await count(page, '#view-latency .bars rect')).toBe(20);
    expect(await count(page, '#view-latency path.cdf')).toBe(1);
    expect(await count(page, '#view-latency .part')).toBe(7);
    expect(await count(page, '#view-energy .segment')).toBeGreaterThan(24);
    expect(await count(page, '#view-energy .battery-lines path')).toBe(24);
    expect(await count(page, '#view-energy .joules-point')).toBeGreaterThan(5);
    expect(await count(page, '#view-experts .heatmap .cell')).toBe(summary.expertLoad.flat().length);
    expect(await count(page, '#view-duty .duty-bars rect')).toBeGreaterThan(5);
    expect(await page.locator('#view-federated .message').textContent()).toContain('No federated rounds');
    // Units on every axis: each axis label names one in parentheses.
    const labels = await page.locator('.axis-label').allTextContents();
    expect(labels.length).toBeGreaterThanOrEqual(10);
    for (const label of labels) expect(label).toMatch(/\(.+\)/);
    // The p95 shown is summary.json's.
    const p95 = page.locator('#view-latency .percentile.p95');
    expect(await p95.textContent()).toBe(`p95 ${seconds(summary.latencyMs.p95)} s`);
    expect(Number(await p95.getAttribute('data-ms'))).toBe(summary.latencyMs.p95);
    expect(await page.locator('#view-latency .token-count').getAttribute('data-count')).toBe(String(summary.tokens));
    expect(await page.locator('.counter-tokens').getAttribute('data-count')).toBe(String(summary.tokens));
    // Readable without colour: every mark of the data has a tooltip.
    expect(await count(page, '#view-experts .cell title')).toBe(summary.expertLoad.flat().length);
    await screenshots(page, 'quickstart');

    // The slider scrubs the run: halfway, 15 of the 38 tokens were out.
    await page.locator('input[type=range]').fill('500');
    await page.waitForFunction(() => document.querySelector('.counter-tokens')?.getAttribute('data-count') === '15');
    expect(await page.locator('#view-latency .token-count').getAttribute('data-count')).toBe('15');
    await page.screenshot({ path: join(screenshotDir, 'quickstart-halfway.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('draws a federated run\'s accuracy against joules and airtime, and its participation', { timeout: 60_000 }, async () => {
    const summary = JSON.parse(readFileSync(join(dir, 'fl-compression', 'summary.json'), 'utf8')) as { rounds: number; accuracy: { final: number } };
    const { page, errors } = await openPage(browser, pathToFileURL(join(dir, 'fl-compression', 'report.html')).href);
    await page.waitForSelector('body[data-rendered=true]', { timeout: 20_000 });
    expect(await count(page, '#view-federated .accuracy-point')).toBe(2 * summary.rounds);
    expect(await count(page, '#view-federated .participation rect')).toBe(3 * summary.rounds);
    expect(await page.locator('#view-federated .figures').textContent()).toContain(`validation accuracy ${(100 * summary.accuracy.final).toFixed(1)} %`);
    expect(await page.locator('#view-latency .message').textContent()).toContain('No tokens');
    expect(await page.locator('.counter-rounds').getAttribute('data-count')).toBe(String(summary.rounds));
    await screenshots(page, 'fl-compression');
    expect(errors).toEqual([]);
  });
});
