/**
 * The served dashboard in a real headless Chromium: `loraswarm dashboard DIR` on an empty or
 * a failed run directory says so instead of showing a blank page; `run --dashboard --pace`
 * shows the live swarm, then its finished report at the same address until Ctrl-C (every node, a token count that grows while the run goes on), and
 * `dashboard --attach` with what `run` printed follows the same run from another process.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { runCli, spawnCli, type RunningCli } from '../helpers/cli.ts';
import { launchBrowser, openPage, screenshotDir } from '../helpers/browser.ts';

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-serve-'));
let browser: Browser;
const started: RunningCli[] = [];
const start = (args: string[]): RunningCli => {
  const running = spawnCli(args);
  started.push(running);
  return running;
};

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
// A test's children go with it, passed or failed (a live run serves until Ctrl-C), not at the file's end.
afterEach(async () => {
  const running = started.splice(0).filter(({ child }) => child.exitCode === null && child.signalCode === null);
  for (const { child } of running) child.kill('SIGKILL');
  await Promise.all(running.map(({ exited }) => exited));
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const dataCount = async (page: Page, selector: string): Promise<number> => Number((await page.locator(selector).getAttribute('data-count', { timeout: 1000 }).catch(() => null)) ?? -1);

describe('loraswarm dashboard RUN_DIR', () => {
  it('says what is wrong with an empty or a failed run directory, and stops on SIGTERM', { timeout: 60_000 }, async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const failed = join(dir, 'failed.partial');
    mkdirSync(failed);
    writeFileSync(join(failed, 'FAILED.txt'), 'RangeError: the battery ran out of test\n');
    writeFileSync(join(failed, 'nodes.csv'), 'id,group,role,xM,yM\na,g,node,0,0\nb,g,node,50,50\n');
    for (const [target, expected, file] of [
      [empty, 'holds no loraswarm run', 'empty'],
      [join(dir, 'failed'), 'This run failed', 'failed'],
    ] as const) {
      const server = start(['dashboard', target, '--port', '0']);
      const [, url] = await server.waitForStdout(/(http:\/\/127\.0\.0\.1:\d+\/)/);
      const { page, errors } = await openPage(browser, url!);
      await page.waitForSelector('body[data-rendered=true]');
      expect(await page.locator('.status.problem').textContent()).toContain(expected);
      // Each view says why it is empty; the failed run's nodes are still drawn.
      expect(await page.locator('.panel .message').count()).toBe(await page.locator('.panel').count() - (file === 'failed' ? 1 : 0));
      expect(await page.locator('#view-map .nodes .node').count()).toBe(file === 'failed' ? 2 : 0);
      await page.screenshot({ path: join(screenshotDir, `serve-${file}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
  });
});

describe('loraswarm run --dashboard', () => {
  it('shows a federated run right from round 1: the round in progress, and energy before the first sample', { timeout: 60_000 }, async () => {
    const run = start(['run', 'scenarios/fl-mnist-iid.yaml', '--dashboard', '--pace', '60', '--dashboard-port', '0', '--out', join(dir, 'fl-live')]);
    const [, url] = await run.waitForStderr(/dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/);
    const { page, errors } = await openPage(browser, url!);
    // Paced at 60, round 1 (about 40 min of virtual time) lasts some 40 s, and the first hourly sample a minute.
    await page.waitForSelector('#view-federated .round-progress[data-round="1"]', { timeout: 20_000 });
    expect(await page.locator('#view-federated .round-progress').textContent()).toBe('Round 1 in progress: its accuracy, joules and airtime come when it closes (target accuracy 85.0 %).');
    expect(await page.locator('.counter-rounds').getAttribute('data-count')).toBe('0');
    expect(Number(await page.locator('.counter-energy').getAttribute('data-count'))).toBeGreaterThan(0);
    await page.waitForFunction(() => document.querySelectorAll('#view-energy .segment').length > 0, undefined, { timeout: 30_000 });
    expect(await page.evaluate(() => document.body.dataset.kind)).toBe('federated');
    await page.screenshot({ path: join(screenshotDir, 'live-federated-round-1.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
  });

  it('shows the live run: every node, a growing token count, then the end; --attach follows it too', { timeout: 120_000 }, async () => {
    const out = join(dir, 'live');
    const run = start(['run', 'scenarios/quickstart.yaml', '--dashboard', '--pace', '200', '--dashboard-port', '0', '--out', out]);
    const [, url] = await run.waitForStderr(/dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/);
    const [, attachArgs] = await run.waitForStderr(/loraswarm dashboard (--attach \S+ --run \S+ --credentials \S+)/);
    // No password on the command line, and none in the page: the server's relay adds the viewer's (issue 15, finding 14).
    const viewerFile = attachArgs!.split(' ').at(-1)!;
    expect(statSync(viewerFile).mode & 0o777).toBe(0o600);
    const pageHtml = await (await fetch(url!)).text();
    const { viewer } = JSON.parse(readFileSync(viewerFile, 'utf8')) as { viewer: { password: string } };
    expect(pageHtml).not.toContain(viewer.password);
    const attach = start(['dashboard', ...attachArgs!.split(' '), '--port', '0']);
    // The wrong run id: the credentials file says whose they are, and the command refuses it.
    const wrong = start(['dashboard', ...attachArgs!.replace(/--run \S+/, '--run not-this-run').split(' '), '--port', '0']);
    expect(await wrong.exited).toBe(2);
    expect(wrong.stderr()).toMatch(/--credentials: expected a credentials file with the run's viewer credentials, found they are for run \S+, not not-this-run/);
    const [, attachUrl] = await attach.waitForStdout(/dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/);

    const live = await openPage(browser, url!);
    const attached = await openPage(browser, attachUrl!);
    await live.page.waitForFunction(() => document.querySelector('.counter-nodes')?.getAttribute('data-count') === '24', undefined, { timeout: 20_000 });
    // The token count, sampled while the run goes on (paced: 1800 s of virtual time in 9 s).
    const counts: number[] = [];
    while (live.page && (await live.page.evaluate(() => document.body.dataset.finished)) !== 'true') {
      counts.push(await dataCount(live.page, '.counter-tokens'));
      if (counts.length === 8) await live.page.screenshot({ path: join(screenshotDir, 'live-running.png'), fullPage: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (counts.length > 200) break;
    }
    const growing = counts.filter((n, i) => i > 0 && n > counts[i - 1]!);
    expect(growing.length, `token counts seen: ${counts.join(' ')}`).toBeGreaterThanOrEqual(3);
    // The run is over, and its address stays up with the finished run's results until Ctrl-C.
    const [, finishedUrl] = await run.waitForStderr(/dashboard: the run is over; (http:\/\/127\.0\.0\.1:\d+\/) shows its results until Ctrl-C/);
    expect(finishedUrl).toBe(url);
    expect(existsSync(viewerFile)).toBe(false);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { tokens: number; latencyMs: { p95: number } };
    await live.page.waitForFunction((tokens) => document.querySelector('#view-latency .token-count')?.getAttribute('data-count') === String(tokens), summary.tokens, { timeout: 30_000 });
    expect(await dataCount(live.page, '.counter-tokens')).toBe(summary.tokens);
    expect(await dataCount(live.page, '#view-map .node-count')).toBe(24);
    expect(await live.page.locator('.status').textContent()).toContain(`its full report: ${join(out, 'report.html')}`);
    await live.page.screenshot({ path: join(screenshotDir, 'live-finished.png'), fullPage: true });

    // The attached page followed the same run through the other server.
    expect(await dataCount(attached.page, '.counter-nodes')).toBe(24);
    await attached.page.waitForFunction((tokens) => document.querySelector('.counter-tokens')?.getAttribute('data-count') === String(tokens), summary.tokens, { timeout: 30_000 });
    await attached.page.screenshot({ path: join(screenshotDir, 'live-attached.png'), fullPage: true });
    // A page opened on the attach server after the run ended shows the run from where that
    // server began to follow it (it started after the run), with the run's totals.
    const late = await openPage(browser, attachUrl!);
    await late.page.waitForFunction(() => document.body.dataset.finished === 'true', undefined, { timeout: 30_000 });
    expect(await dataCount(late.page, '.counter-tokens')).toBe(summary.tokens);
    expect(await dataCount(late.page, '#view-map .node-count')).toBe(24);
    expect(await late.page.locator('.status').textContent()).toContain('run finished');
    // A page opened on the run's own address now is the finished run's report.
    const report = await openPage(browser, url!);
    await report.page.waitForSelector('body[data-rendered=true]');
    expect(await dataCount(report.page, '#view-map .node-count')).toBe(24);
    expect(await report.page.title()).not.toContain('(live)');
    expect([...live.errors, ...attached.errors, ...late.errors, ...report.errors]).toEqual([]);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    // Watched and paced, the run writes what it writes unwatched.
    const memory = await runCli(['run', 'scenarios/quickstart.yaml', '--transport', 'memory', '--out', join(dir, 'memory'), '--quiet']);
    expect(memory.status).toBe(0);
    for (const file of ['summary.json', 'tokens.csv', 'frames.csv', 'series.csv', 'report.html']) expect(readFileSync(join(out, file), 'utf8'), file).toBe(readFileSync(join(dir, 'memory', file), 'utf8'));
    attach.child.kill('SIGTERM');
    expect(await attach.exited).toBe(0);
  });
});
