/**
 * A real headless Chromium (Debian's `chromium`, installed by .ci/run), driven by
 * playwright-core. Never a downloaded browser. Screenshots go under test-output/ (git-ignored).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './cli.ts';

export const screenshotDir = join(repoRoot, 'test-output', 'dashboard');

function chromiumPath(): string {
  if (process.env.LORASWARM_CHROMIUM) return process.env.LORASWARM_CHROMIUM;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('no `chromium` on the PATH: install Debian\'s package (apt-get install -y chromium; .ci/run does) or set LORASWARM_CHROMIUM');
  }
}

export function launchBrowser(): Promise<Browser> {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page that records its script errors (a test asserts there were none). */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.goto(url);
  return { page, errors };
}
