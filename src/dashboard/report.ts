/**
 * report.html: the dashboard of one run directory in one self-contained file (script, styles
 * and the run's files embedded) that opens from disk without a server.
 */
import { dashboardScript } from './bundle.ts';
import { dashboardHtml, escapeHtml } from './report-html.ts';
import { readRunFiles } from './run-files.ts';
import type { RunMeta } from './views/run-model.ts';

/**
 * The report of the run in `dir`. `finishing`: the run writes it into its own partial
 * directory, just before that becomes the run directory.
 */
export async function reportHtml(dir: string, finishing = false): Promise<string> {
  const files = await readRunFiles(dir, finishing);
  const meta = JSON.parse(files['meta.json']!) as RunMeta;
  return dashboardHtml(await dashboardScript('report'), { files }, meta.title);
}

/** What stands in for the report when it cannot be built: the run's files stand, the page says why. */
export function unbuiltReportHtml(error: Error): string {
  return `<!doctype html>\n<meta charset="utf-8">\n<title>loraswarm: no report</title>\n<p>The dashboard of this run could not be built: ${escapeHtml(error.message)}. Its result files are beside this page.</p>\n`;
}
