/**
 * The self-contained dashboard page: the bundled script, the styles and the data in one HTML
 * file that opens from disk without a server (report.html), or, served, the live page with
 * the broker to follow instead of data.
 */
import type { RunFiles } from './views/run-model.ts';
import { dashboardCss } from './ui/styles.ts';

/** How a served live page reaches the run: a WebSocket path on the server that serves it. */
export interface LiveConfig {
  /** The MQTT-over-WebSocket URL, absolute or relative to the page (`/mqtt`). */
  readonly wsUrl: string;
  readonly runId: string;
  /** Shown while connecting; the credentials themselves stay on the server (connect-rewrite.ts). */
  readonly username: string;
}

/** Text safe inside HTML elements and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** JSON safe inside a <script> element (no `</script>`, no `<!--`). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function dashboardHtml(script: string, data: { readonly files?: RunFiles; readonly live?: LiveConfig }, title: string): string {
  const escaped = escapeHtml(title);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>loraswarm: ${escaped}</title>`,
    `<style>${dashboardCss}</style>`,
    '</head>',
    '<body>',
    '<noscript>The loraswarm dashboard needs JavaScript; summary.json and the CSV files beside this report hold the same figures.</noscript>',
    `<script type="application/json" id="loraswarm-data">${scriptJson(data)}</script>`,
    `<script>${script.replace(/<\/script/gi, '<\\/script')}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
