/**
 * report.html in a real headless Chromium: the panels follow the run's kind and none is a
 * placeholder; the quickstart's report draws every view with data (SVG marks, axis labels with
 * units, the p95 of summary.json), the slider scrubs the run, a federated run draws its curves
 * with the target, a radio-only run draws the delivery views and rings the nodes that never got
 * through, and nothing throws. Screenshots of every view are saved.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { runCli } from '../helpers/cli.ts';
import { launchBrowser, openPage, screenshotDir } from '../helpers/browser.ts';
import { humanDuration } from '../../src/metrics/human-units.ts';
import { csvParse } from 'd3';

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-report-'));
let browser: Browser;

beforeAll(async () => {
  for (const scenario of ['quickstart', 'fl-compression', 'city-sink', 'city-gateways']) {
    const run = await runCli(['run', `scenarios/${scenario}.yaml`, '--transport', 'memory', '--out', join(dir, scenario), '--quiet', ...(scenario === 'city-gateways' ? ['--set', 'duration=2h', '--set', 'lorawan={confirmed: true, adr: true}'] : [])]);
    expect(run.status, run.stderr).toBe(0);
  }
  const peer = await runCli(['run', 'test/fixtures/peer-mac.yaml', '--set', 'peerMac={ack: true, lbt: true}', '--transport', 'memory', '--out', join(dir, 'peer-mac'), '--quiet']);
  expect(peer.status, peer.stderr).toBe(0);
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = (page: Page, selector: string): Promise<number> => page.locator(selector).count();
const panelIds = (page: Page): Promise<string[]> => page.evaluate(() => [...document.querySelectorAll('.panel')].map((panel) => panel.id));

async function screenshots(page: Page, prefix: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${prefix}-page.png`), fullPage: true });
  for (const id of await panelIds(page)) await page.locator(`#${id}`).screenshot({ path: join(screenshotDir, `${prefix}-${id.slice('view-'.length)}.png`) });
}

describe('report.html in Chromium', () => {
  it('draws every view of the quickstart, with units on every axis and the p95 of summary.json', { timeout: 60_000 }, async () => {
    const summary = JSON.parse(readFileSync(join(dir, 'quickstart', 'summary.json'), 'utf8')) as { tokens: number; latencyMs: { p95: number }; expertLoad: number[][] };
    const { page, errors } = await openPage(browser, pathToFileURL(join(dir, 'quickstart', 'report.html')).href);
    await page.waitForSelector('body[data-rendered=true]', { timeout: 20_000 });
    // A model-serving run's panels, each with marks: no placeholder.
    expect(await panelIds(page)).toEqual(['view-map', 'view-latency', 'view-experts', 'view-energy', 'view-delivery', 'view-duty']);
    expect(await count(page, '.message')).toBe(0);
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
    expect(await count(page, '#view-delivery .fate')).toBeGreaterThan(10);
    // Units on every axis: each axis label names one in parentheses.
    const labels = await page.locator('.axis-label').allTextContents();
    expect(labels.length).toBeGreaterThanOrEqual(10);
    for (const label of labels) expect(label).toMatch(/\(.+\)/);
    // The p95 shown is summary.json's.
    const p95 = page.locator('#view-latency .percentile.p95');
    expect(await p95.textContent()).toBe(`p95 ${humanDuration(summary.latencyMs.p95)}`);
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
    expect(await panelIds(page)).toEqual(['view-map', 'view-federated', 'view-energy', 'view-delivery', 'view-duty']);
    expect(await count(page, '.message')).toBe(0);
    // The scenario's target accuracy (85 %) on both accuracy charts, and when it was reached.
    expect(await count(page, '#view-federated .target-line')).toBe(2);
    expect(await page.locator('#view-federated .target-label').first().textContent()).toBe('target 85.0 %');
    expect(await page.locator('#view-federated .figures').textContent()).toMatch(/The target of 85\.0 % was reached in round \d+/);
    expect(await page.locator('.counter-rounds').getAttribute('data-count')).toBe(String(summary.rounds));
    await screenshots(page, 'fl-compression');
    expect(errors).toEqual([]);
  });

  it('draws a radio-only run\'s delivery views, no placeholder, and rings the nodes that never got through', { timeout: 60_000 }, async () => {
    const summary = JSON.parse(readFileSync(join(dir, 'city-sink', 'summary.json'), 'utf8')) as { frames: { receptions: number; fates: { received: number } } };
    const nodes = csvParse(readFileSync(join(dir, 'city-sink', 'nodes.csv'), 'utf8'));
    const silent = nodes.filter((n) => Number(n.receptions) > 0 && n.receptionsReceived === '0').length;
    const sfs = new Set(nodes.filter((n) => n.role !== 'sink').map((n) => n.sf)).size;
    const { page, errors } = await openPage(browser, pathToFileURL(join(dir, 'city-sink', 'report.html')).href);
    await page.waitForSelector('body[data-rendered=true]', { timeout: 20_000 });
    expect(await page.evaluate(() => document.body.dataset.kind)).toBe('radio');
    expect(await panelIds(page)).toEqual(['view-map', 'view-delivery', 'view-energy', 'view-duty']);
    expect(await count(page, '.message')).toBe(0);
    // The delivery views: fates over time, the ratio by SF, at the gateway and by distance (10 bins), nodes by SF.
    expect(await count(page, '#view-delivery .fate')).toBeGreaterThan(24);
    expect(await count(page, '#view-delivery path.delivery-line')).toBe(1);
    expect(await count(page, '#view-delivery .ratio-bar')).toBe(sfs + 1 + 10);
    expect(await count(page, '#view-delivery .count-bar')).toBe(sfs);
    expect(await page.locator('#view-delivery .delivery-ratio').getAttribute('data-ratio')).toBe((summary.frames.fates.received / summary.frames.receptions).toFixed(6));
    // The fates over time of one SF's frames: every reception of a sender at SF11, no other.
    const sfOf = new Map(nodes.map((n) => [n.id, n.sf]));
    const atSf11 = csvParse(readFileSync(join(dir, 'city-sink', 'receptions.csv'), 'utf8')).filter((r) => sfOf.get(r.sender!) === '11').length;
    await page.locator('#view-delivery .delivery-over select').selectOption('sf:11');
    await page.waitForFunction(() => (document.querySelector<HTMLSelectElement>('#view-delivery .delivery-over select')?.value) === 'sf:11');
    const shown = (await page.locator('#view-delivery .fate title').allTextContents()).reduce((sum, text) => sum + Number(/: (\d+) /.exec(text)![1]), 0);
    expect(shown).toBe(atSf11);
    expect(atSf11).toBe(551);
    // The sensors none of whose frames was received: counted, and ringed on the map.
    expect(silent).toBe(18);
    expect(await page.locator('#view-delivery .silent-count').getAttribute('data-count')).toBe(String(silent));
    expect(await count(page, '#view-map .node.silent .silent-ring')).toBe(silent);
    // Energy: the mains gateway is left out until asked for.
    const ticks = (): Promise<string[]> => page.locator('#view-energy .axis.x .tick text').allTextContents();
    expect(await ticks()).not.toContain('gw');
    await page.locator('#view-energy .mains-toggle input').check();
    await page.waitForFunction(() => [...document.querySelectorAll('#view-energy .axis.x .tick text')].some((t) => t.textContent === 'gw'));
    expect(await page.locator('#view-energy .axis-label', { hasText: 'energy (' }).first().textContent()).toMatch(/^energy \((µJ|mJ|J|kJ)\)$/);
    await screenshots(page, 'city-sink');
    expect(errors).toEqual([]);
  });

  it('draws a run with gateway diversity and LoRaWAN: the uplinks that reached the network, by gateways that received them; retransmissions, downlinks by window, devices by SF', { timeout: 60_000 }, async () => {
    const summary = JSON.parse(readFileSync(join(dir, 'city-gateways', 'summary.json'), 'utf8')) as {
      uplinks: { deliveryRatio: number; byGatewaysReceived: Record<string, number> };
      lorawan: { uplinks: { first: number; retransmissions: number }; downlinks: { rx1: number; rx2: number; notSent: number }; adr: { devicesBySfAtEnd: Record<string, number> } };
    };
    const { page, errors } = await openPage(browser, pathToFileURL(join(dir, 'city-gateways', 'report.html')).href);
    await page.waitForSelector('body[data-rendered=true]', { timeout: 20_000 });
    expect(await page.locator('#view-delivery .uplinks').getAttribute('data-ratio')).toBe(String(summary.uplinks.deliveryRatio));
    const bars = await page.locator('#view-delivery .count-bar').evaluateAll((rects) => rects.map((rect) => Number(rect.getAttribute('data-count'))));
    const k = Object.keys(summary.uplinks.byGatewaysReceived).length;
    expect(bars.slice(0, k)).toEqual(Object.values(summary.uplinks.byGatewaysReceived));
    // Then LoRaWAN's: downlinks in RX1, RX2 and not sent; the devices by SF where ADR left them.
    const { downlinks, adr } = summary.lorawan;
    expect(bars.slice(k, k + 3)).toEqual([downlinks.rx1, downlinks.rx2, downlinks.notSent]);
    expect(bars.slice(k + 3, k + 3 + Object.keys(adr.devicesBySfAtEnd).length)).toEqual(Object.values(adr.devicesBySfAtEnd));
    const lorawan = page.locator('#view-delivery .lorawan');
    expect([await lorawan.getAttribute('data-first'), await lorawan.getAttribute('data-retransmissions')]).toEqual([String(summary.lorawan.uplinks.first), String(summary.lorawan.uplinks.retransmissions)]);
    expect(await lorawan.textContent()).toContain('LinkADRReq sent');
    // Three gateways: a ratio bar each, and the fates over time at each one to choose.
    expect(await page.locator('#view-delivery .delivery-over option').allTextContents()).toEqual(expect.arrayContaining(['at gateway gw-west', 'at gateway gw-north', 'at gateway gw-south']));
    await screenshots(page, 'city-gateways');
    expect(errors).toEqual([]);
  });

  it('says what the peer MAC did: frames acknowledged, retransmissions, deferrals by a busy channel', { timeout: 60_000 }, async () => {
    const summary = JSON.parse(readFileSync(join(dir, 'peer-mac', 'summary.json'), 'utf8')) as { peerMac: { acked: number; retransmissions: number; channelBusy: number } };
    const { page, errors } = await openPage(browser, pathToFileURL(join(dir, 'peer-mac', 'report.html')).href);
    await page.waitForSelector('body[data-rendered=true]', { timeout: 20_000 });
    const figures = page.locator('#view-delivery .peer-mac');
    expect([await figures.getAttribute('data-acked'), await figures.getAttribute('data-retransmissions'), await figures.getAttribute('data-channel-busy')]).toEqual(
      [summary.peerMac.acked, summary.peerMac.retransmissions, summary.peerMac.channelBusy].map(String),
    );
    expect(await figures.textContent()).toContain('frames deferred by a busy channel');
    expect(errors).toEqual([]);
  });
});
