/**
 * Dashboard benchmark (printed, never asserted), run in its own process by bench/run.ts: the
 * esbuild bundles' sizes and build time, report.html's size and build time for the quickstart
 * and the 400-node city-sink, and the time to first render of each report in Debian's
 * headless Chromium (from navigation start to every view drawn; median of 5 cold loads).
 *
 * Then a large run: a synthetic Poisson city of 100,000 nodes for a day (one uplink per node
 * every 1,000 s: 8.6 million frames and receptions, 2.4 million series rows; the sizes with
 * LORASWARM_BENCH_CITY_NODES), written plain and gzip-compressed, whose report is built twice
 * in this process (the first pays for compiling the reader): CPU time (this process's, the
 * gunzip threads' included), wall time, peak RSS, report size, first render and a slider step
 * in Chromium.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { dashboardScript } from '../src/dashboard/bundle.ts';
import { reportHtml } from '../src/dashboard/report.ts';
import { runCommand } from '../src/cli/commands/run.ts';
import { writeSyntheticRun } from '../test/dashboard/synthetic-run.ts';

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
  await benchCity(dir, browser);
} finally {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
}

/** A report of a synthetic city: built twice (cold, warm), then opened in Chromium. */
async function benchCity(root: string, browser: Browser | undefined): Promise<void> {
  const nodes = Number(process.env.LORASWARM_BENCH_CITY_NODES ?? 100_000);
  const durationMs = 86_400_000;
  const frames = Math.round((nodes * durationMs) / 1_000_000);
  for (const gzip of [false, true]) {
    const out = join(root, `city-${gzip ? 'gz' : 'plain'}`);
    const written = performance.now();
    const run = writeSyntheticRun(out, { nodes, gateways: Math.max(1, Math.round(nodes / 1000)), frames, durationMs, sampleMs: 3_600_000, gzip });
    const label = `dashboard: city of ${nodes.toLocaleString('en-US')} nodes, ${run.sent.toLocaleString('en-US')} frames, ${gzip ? 'frames.csv.gz and receptions.csv.gz' : 'plain CSV'}`;
    console.log(`${label}: written in ${((performance.now() - written) / 1000).toFixed(1)} s`);
    const builds: string[] = [];
    let html = '';
    for (const pass of ['cold', 'warm']) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      // `finishing` builds afresh, as a run does, instead of the page kept for `loraswarm dashboard`.
      html = await reportHtml(out, true);
      const used = process.cpuUsage(cpu);
      builds.push(`${pass} ${((used.user + used.system) / 1e6).toFixed(2)} s CPU, ${((performance.now() - start) / 1000).toFixed(2)} s wall`);
    }
    const path = join(out, 'report.html');
    writeFileSync(path, html);
    let render = '';
    if (browser) {
      const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
      await page.goto(pathToFileURL(path).href, { timeout: 120_000 });
      await page.waitForSelector('body[data-rendered=true]', { timeout: 120_000 });
      const first = Number(await page.evaluate(() => document.body.dataset.firstRenderMs));
      const step = await page.evaluate(async () => {
        const slider = document.querySelector<HTMLInputElement>('input[type=range]')!;
        const start = performance.now();
        slider.value = '500';
        slider.dispatchEvent(new Event('input'));
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        return performance.now() - start;
      });
      await page.close();
      render = `; first render ${(first / 1000).toFixed(2)} s after navigation, a slider step redraws in ${step.toFixed(0)} ms`;
    }
    console.log(`${label}: report.html ${kb(statSync(path).size)} built ${builds.join(', ')}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB${render}`);
    rmSync(out, { recursive: true, force: true });
  }
}
