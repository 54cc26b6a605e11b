/**
 * sizing.svg: p95 token latency, joules per token, lifetime, tokens per hour, delivery ratio,
 * accuracy, energy and time to the accuracy target against the count (every figure a target
 * can be set on, each panel where the runs have the figure or a target is set), one line per variant (MCU), with the 95 %
 * confidence interval of each point as a bar, each target as a dashed line labelled in the
 * right margin, counts where the model does not fit as grey crosses on the axis, and the
 * chosen count marked. The legend sits once under the title, so nothing overlaps it. Plain SVG
 * text (it opens in any browser), units on every axis, each line told apart by its marker shape
 * as well as its colour.
 */
import type { CountResult, Estimate, Targets } from '../placement/sizing.ts';

const width = 720;
const panelHeight = 240;
/** Title and legend above the first panel. */
const header = 56;
const margin = { left: 80, right: 150, top: 40, bottom: 50 };
const colours = ['#1b6ca8', '#d1495b', '#2e8540', '#7a4fa3', '#b8860b'];
const markers = ['circle', 'square', 'triangle', 'diamond', 'cross'] as const;

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** "Nice" ticks for [low, high]. */
function ticks(low: number, high: number, count = 5): number[] {
  const span = high - low || Math.abs(high) || 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function marker(shape: (typeof markers)[number], x: number, y: number, colour: string): string {
  const r = 4;
  switch (shape) {
    case 'circle':
      return `<circle cx="${x}" cy="${y}" r="${r}" fill="${colour}"/>`;
    case 'square':
      return `<rect x="${x - r}" y="${y - r}" width="${2 * r}" height="${2 * r}" fill="${colour}"/>`;
    case 'triangle':
      return `<path d="M${x},${y - r - 1}L${x + r + 1},${y + r}L${x - r - 1},${y + r}Z" fill="${colour}"/>`;
    case 'diamond':
      return `<path d="M${x},${y - r - 1}L${x + r + 1},${y}L${x},${y + r + 1}L${x - r - 1},${y}Z" fill="${colour}"/>`;
    default:
      return `<path d="M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}" stroke="${colour}" stroke-width="2"/>`;
  }
}

interface Panel {
  readonly title: string;
  readonly yLabel: string;
  readonly value: (r: CountResult) => Estimate | undefined;
  readonly scale: number;
  readonly target?: number;
}

export function sizingSvg(results: readonly CountResult[], variants: readonly string[], options: { title: string; chosen?: CountResult; targetP95LatencyMs?: number; targets?: Targets; countLabel?: string }): string {
  const targets: Targets = { ...(options.targetP95LatencyMs !== undefined && { p95LatencyMs: options.targetP95LatencyMs }), ...options.targets };
  const finite = (e: Estimate | undefined): Estimate | undefined => (e && Number.isFinite(e.high) ? e : undefined);
  const all: Panel[] = [
    { title: 'p95 token latency', yLabel: 'latency (s)', value: (r) => r.p95LatencyMs, scale: 1 / 1000, ...(targets.p95LatencyMs !== undefined && { target: targets.p95LatencyMs / 1000 }) },
    { title: 'energy per token', yLabel: 'energy per token (J)', value: (r) => r.joulesPerToken, scale: 1 },
    { title: 'lifetime (first battery node)', yLabel: 'lifetime (days)', value: (r) => finite(r.lifetimeDays), scale: 1, ...(targets.lifetimeDays !== undefined && { target: targets.lifetimeDays }) },
    // The capacity when it was searched (the tokens/h target is checked against it), else the tokens served at the scenario's request rate.
    { title: results.some((r) => r.capacity) ? 'tokens per hour sustained (capacity)' : 'tokens per hour', yLabel: 'tokens per hour', value: (r) => r.capacity ?? r.tokensPerHour, scale: 1, ...(targets.tokensPerHour !== undefined && { target: targets.tokensPerHour }) },
    { title: 'delivery ratio', yLabel: 'delivery ratio', value: (r) => r.deliveryRatio, scale: 1, ...(targets.deliveryRatio !== undefined && { target: targets.deliveryRatio }) },
    { title: 'final validation accuracy', yLabel: 'accuracy', value: (r) => r.accuracy, scale: 1, ...(targets.accuracy !== undefined && { target: targets.accuracy }) },
    { title: results.some((r) => r.accuracy) ? 'energy to the accuracy target' : 'energy of the run', yLabel: 'energy (J)', value: (r) => r.energyJ, scale: 1, ...(targets.energyJ !== undefined && { target: targets.energyJ }) },
    { title: 'time to the accuracy target', yLabel: 'time (h)', value: (r) => r.timeToAccuracyMs, scale: 1 / 3_600_000, ...(targets.timeToAccuracyMs !== undefined && { target: targets.timeToAccuracyMs / 3_600_000 }) },
  ];
  // A served model's energy is shown per token; the run's total only when a target is set on it.
  const serving = results.some((r) => r.joulesPerToken);
  const panels = all.filter((panel) => panel.target !== undefined || (results.some((r) => panel.value(r)) && !(serving && panel.yLabel === 'energy (J)')));
  const counts = results.map((r) => r.nodes);
  const xMin = counts.reduce((least, count) => Math.min(least, count), Number.POSITIVE_INFINITY);
  const xMax = counts.reduce((most, count) => Math.max(most, count), xMin + 1);
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = panelHeight - margin.top - margin.bottom;
  const x = (n: number): number => margin.left + ((n - xMin) / (xMax - xMin)) * plotWidth;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${panelHeight * panels.length + header}" font-family="sans-serif" font-size="12">`, `<title>${escape(options.title)}</title>`, `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${escape(options.title)}</text>`];
  // The legend, once, under the title: each variant's marker and name, then the cross for counts that do not fit.
  let legendX = margin.left;
  variants.forEach((variant, v) => {
    parts.push(`${marker(markers[v % markers.length]!, legendX + 4, 38, colours[v % colours.length]!)}<text x="${legendX + 14}" y="42">${escape(variant)}</text>`);
    legendX += 24 + 7 * variant.length;
  });
  if (results.some((r) => !r.feasible)) parts.push(`${marker('cross', legendX + 4, 38, '#999')}<text x="${legendX + 14}" y="42">model does not fit</text>`);
  panels.forEach((panel, p) => {
    const top = header + p * panelHeight;
    const points = results.filter((r) => panel.value(r));
    const highs = points.map((r) => panel.value(r)!.high * panel.scale);
    const lows = points.map((r) => panel.value(r)!.low * panel.scale);
    const yMax = highs.reduce((most, high) => Math.max(most, high), Math.max(panel.target ?? 0, 1e-9)) * 1.1;
    const yMin = lows.reduce((least, low) => Math.min(least, low), 0);
    const y = (v: number): number => top + margin.top + plotHeight - ((v - yMin) / (yMax - yMin)) * plotHeight;
    parts.push(`<g><text x="${margin.left}" y="${top + margin.top - 10}" font-weight="bold">${escape(panel.title)}</text>`);
    parts.push(`<line x1="${margin.left}" y1="${y(yMin)}" x2="${margin.left + plotWidth}" y2="${y(yMin)}" stroke="#333"/><line x1="${margin.left}" y1="${y(yMin)}" x2="${margin.left}" y2="${y(yMax)}" stroke="#333"/>`);
    for (const t of ticks(yMin, yMax)) parts.push(`<line x1="${margin.left - 4}" y1="${y(t)}" x2="${margin.left}" y2="${y(t)}" stroke="#333"/><text x="${margin.left - 7}" y="${y(t) + 4}" text-anchor="end">${t}</text>`);
    for (const t of ticks(xMin, xMax).filter((v) => Number.isInteger(v))) parts.push(`<line x1="${x(t)}" y1="${y(yMin)}" x2="${x(t)}" y2="${y(yMin) + 4}" stroke="#333"/><text x="${x(t)}" y="${y(yMin) + 17}" text-anchor="middle">${t}</text>`);
    parts.push(`<text x="${margin.left + plotWidth / 2}" y="${y(yMin) + 36}" text-anchor="middle">${escape(options.countLabel ?? 'nodes (count)')}</text>`);
    parts.push(`<text transform="translate(${margin.left - 55},${top + margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escape(panel.yLabel)}</text>`);
    if (panel.target !== undefined) {
      const unit = panel.yLabel.match(/\((.+)\)$/)?.[1];
      parts.push(`<line x1="${margin.left}" y1="${y(panel.target)}" x2="${margin.left + plotWidth}" y2="${y(panel.target)}" stroke="#555" stroke-dasharray="6 4"/><text x="${margin.left + plotWidth + 6}" y="${y(panel.target) + 4}">target ${panel.target}${unit ? ` ${unit === 'days' ? 'd' : unit}` : ''}</text>`);
    }
    for (const r of results.filter((result) => !result.feasible)) {
      parts.push(`<g><title>${escape(`${r.variant}, ${r.nodes} nodes: the model does not fit${r.why ? ` (${r.why})` : ''}`)}</title>${marker('cross', x(r.nodes), y(yMin) - 6, '#999')}</g>`);
    }
    variants.forEach((variant, v) => {
      const colour = colours[v % colours.length]!;
      const shape = markers[v % markers.length]!;
      const line = points.filter((r) => r.variant === variant);
      if (line.length === 0) return;
      parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${line.map((r) => `${x(r.nodes)},${y(panel.value(r)!.mean * panel.scale)}`).join(' ')}"/>`);
      for (const r of line) {
        const e = panel.value(r)!;
        parts.push(`<line x1="${x(r.nodes)}" y1="${y(e.low * panel.scale)}" x2="${x(r.nodes)}" y2="${y(e.high * panel.scale)}" stroke="${colour}"/>`);
        parts.push(`<g><title>${escape(`${variant}, ${r.nodes} nodes: ${(e.mean * panel.scale).toPrecision(4)} (95 % CI ${(e.low * panel.scale).toPrecision(4)}–${(e.high * panel.scale).toPrecision(4)})`)}</title>${marker(shape, x(r.nodes), y(e.mean * panel.scale), colour)}</g>`);
      }
    });
    if (options.chosen) parts.push(`<line x1="${x(options.chosen.nodes)}" y1="${y(yMin)}" x2="${x(options.chosen.nodes)}" y2="${y(yMax)}" stroke="#2e8540" stroke-dasharray="2 3"/><text x="${x(options.chosen.nodes) + 4}" y="${y(yMax) + 12}" fill="#2e8540">chosen: ${options.chosen.nodes}</text>`);
    parts.push('</g>');
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
