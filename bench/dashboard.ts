/**
 * Dashboard benchmark (printed, never asserted), run in its own process by bench/run.ts: the
 * esbuild bundles' sizes and build time, report.html's size and build time for the quickstart
 * and the 400-node city-sink, and the time to first render of each report in Debian's
 * headless Chromium (from navigation start to every view drawn; median of 5 cold loads).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { dashboardScript } from '../src/dashboard/bundle.ts';
import { reportHtml } from '../src/dashboard/report.ts';
import { runCommand } from '../src/cli/commands/run.ts';

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const buildStart = performance.now();
const report = await dashboardScript('report');
const buildMs = performance.now() - buildStart;
const live = await dashboardScript('live');
console.log(`dashboard: report bundle ${kb(Buffer.byteLength(report))} minified (${kb(gzipSync(report).length)} gzipped), built by esbuild in ${buildMs.toFixed(0)} ms; live bundle (with the MQTT client) ${kb(Buffer.byteLength(live))} (${kb(gzipSync(live).length)} gzipped)`);

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-bench-dashboard-'));
let chromiumPath: string | undefined;
try {
  chromiumPath = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
} catch {
  console.log('dashboard: no chromium on the PATH (apt-get install -y chromium): time to first render not measured');
}
const browser = chromiumPath
  ? await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
  : undefined;
try {
  for (const scenario of ['quickstart', 'city-sink']) {
    const out = join(dir, scenario);
    await runCommand(`scenarios/${scenario}.yaml`, { out, set: [], transport: 'memory', quiet: true }, () => undefined);
    const start = performance.now();
    await reportHtml(out);
    const reportMs = performance.now() - start;
    const size = statSync(join(out, 'report.html')).size;
    let render = '';
    if (browser) {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
        await page.goto(pathToFileURL(join(out, 'report.html')).href);
        await page.waitForSelector('body[data-rendered=true]', { timeout: 60_000 });
        times.push(Number(await page.evaluate(() => document.body.dataset.firstRenderMs)));
        await page.close();
      }
      render = `, first render ${median(times)} ms after navigation (median of 5; ${Math.min(...times)}–${Math.max(...times)} ms)`;
    }
    console.log(`dashboard: ${scenario} report.html ${kb(size)}, built from the run directory in ${reportMs.toFixed(0)} ms${render}`);
  }
} finally {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
}
