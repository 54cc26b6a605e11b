/**
 * report.html: the dashboard of one run directory in one self-contained file (script, styles
 * and the run's files embedded) that opens from disk without a server. `loraswarm dashboard
 * RUN_DIR` serves the same page, rebuilt only when the directory's files change (a 100,000-node
 * day takes seconds to read: docs/reference/dashboard.md, "Large runs").
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardScript } from './bundle.ts';
import { dashboardHtml, escapeHtml } from './report-html.ts';
import { readRunFiles, reportLimits, type StreamedDigests, type WrittenFiles } from './run-files.ts';
import { apartFromBytes } from './digest/receptions-apart.ts';
import type { RunMeta } from './views/run-model.ts';

/** The last page served, and the listing of the directory it was built from. */
let served: { dir: string; listing: string; html: Promise<string> } | undefined;

/** Every file's name, size and modification time: what a changed run directory changes. */
function listing(dir: string): string {
  try {
    return readdirSync(dir)
      .sort()
      .map((name) => {
        const stat = statSync(join(dir, name));
        return `${name}\t${stat.size}\t${stat.mtimeMs}`;
      })
      .join('\n');
  } catch {
    return '';
  }
}

/**
 * The report of the run in `dir`. `finishing`: the run writes it into its own partial
 * directory, just before that becomes the run directory (built afresh, and not kept), with the
 * digests it made of its streamed files as it wrote them, if it did (`streamed`).
 */
export async function reportHtml(dir: string, finishing = false, streamed?: StreamedDigests, written?: WrittenFiles): Promise<string> {
  if (finishing) return buildReport(dir, true, streamed, written);
  const now = listing(dir);
  if (served?.dir === dir && served.listing === now) return served.html;
  const html = buildReport(dir, false);
  served = { dir, listing: now, html };
  // A build that fails is not kept: the next request tries again.
  html.catch(() => {
    if (served?.html === html) served = undefined;
  });
  return html;
}

async function buildReport(dir: string, finishing: boolean, streamed?: StreamedDigests, written?: WrittenFiles): Promise<string> {
  const files = await readRunFiles(dir, finishing, reportLimits, apartFromBytes, streamed, written);
  const meta = JSON.parse(files['meta.json']!) as RunMeta;
  return dashboardHtml(await dashboardScript('report'), { files }, meta.title);
}

/** What stands in for the report when it cannot be built: the run's files stand, the page says why. */
export function unbuiltReportHtml(error: Error): string {
  return `<!doctype html>\n<meta charset="utf-8">\n<title>loraswarm: no report</title>\n<p>The dashboard of this run could not be built: ${escapeHtml(error.message)}. Its result files are beside this page.</p>\n`;
}
