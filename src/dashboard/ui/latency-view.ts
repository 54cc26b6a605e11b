/**
 * Token latency: the histogram with the CDF over it (right axis), p50/p95/p99 marked and
 * written out, and the mean latency split into its parts (airtime, queueing, duty-cycle wait,
 * wake wait, compute, processing, timeouts).
 */
import { humanDuration } from '../../metrics/human-units.ts';
import { line, max, scaleLinear } from 'd3';
import { latencyView } from '../views/latency.ts';
import { tokensBy, type RunModel } from '../views/run-model.ts';
import { frame, legend, xAxis, yAxis, type Panel } from './chart.ts';

const partNames: Record<string, string> = {
  airtimeMs: 'airtime',
  queueingMs: 'queueing',
  dutyCycleWaitMs: 'duty-cycle wait',
  wakeWaitMs: 'wake wait',
  computeMs: 'compute',
  processingMs: 'processing',
  timeoutMs: 'timeouts',
};
const partFills = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1'];


export function drawLatency(p: Panel, model: RunModel, t: number): void {
  const body = p.body();
  const tokens = tokensBy(model, t);
  if (model.tokens.length === 0) return p.message('No tokens: this run served no model (a scenario with a `model` block generates tokens; tokens.csv is missing).');
  if (tokens.length === 0) return p.message('No token generated yet at this time: move the slider later.');
  const view = latencyView(tokens.map((token) => ({ latencyMs: token.latencyMs, parts: token.parts })));
  const figures = document.createElement('p');
  figures.className = 'figures';
  for (const [name, value] of [['p50', view.p50], ['p95', view.p95], ['p99', view.p99]] as const) {
    const span = document.createElement('span');
    span.className = `percentile ${name}`;
    span.dataset.ms = String(value);
    span.textContent = `${name} ${humanDuration(value!)}`;
    figures.append(span, ' ');
  }
  const count = document.createElement('span');
  count.className = 'token-count';
  count.dataset.count = String(view.count);
  count.textContent = `over ${view.count} generated tokens`;
  figures.append(count);
  body.appendChild(figures);

  const f = frame(body, 560, 280, 'token latency histogram and CDF');
  const lastX = view.histogram[view.histogram.length - 1]!.x1;
  const x = scaleLinear().domain([Math.min(0, view.histogram[0]!.x0), lastX === 0 ? 1 : lastX]).nice().range([0, f.width]);
  const y = scaleLinear().domain([0, max(view.histogram, (b) => b.count)!]).nice().range([f.height, 0]);
  const share = scaleLinear().domain([0, 1]).range([f.height, 0]);
  f.plot
    .append('g')
    .attr('class', 'bars')
    .selectAll('rect')
    .data(view.histogram)
    .join('rect')
    .attr('x', (b) => x(b.x0))
    .attr('width', (b) => Math.max(1, x(b.x1) - x(b.x0) - 1))
    .attr('y', (b) => y(b.count))
    .attr('height', (b) => f.height - y(b.count))
    .append('title')
    .text((b) => `${b.count} tokens between ${humanDuration(b.x0)} and ${humanDuration(b.x1)}`);
  f.plot
    .append('path')
    .attr('class', 'cdf')
    .attr('d', line<{ ms: number; p: number }>().x((d) => x(d.ms)).y((d) => share(d.p))([{ ms: view.cdf[0]!.ms, p: 0 }, ...view.cdf]));
  for (const [name, value] of [['p50', view.p50], ['p95', view.p95], ['p99', view.p99]] as const) {
    const g = f.plot.append('g').attr('class', `marker ${name}`).attr('transform', `translate(${x(value!)},0)`);
    g.append('line').attr('y1', 0).attr('y2', f.height);
    g.append('text').attr('y', name === 'p50' ? 10 : name === 'p95' ? 22 : 34).attr('dx', 3).text(name);
    g.append('title').text(`${name}: ${humanDuration(value!)}`);
  }
  // Axis tick values in seconds.
  const xs = scaleLinear().domain(x.domain().map((v) => v / 1000)).range(x.range());
  xAxis(f, xs, 'token latency (s)');
  yAxis(f, y, 'tokens (count)');
  yAxis(f, share, 'share of tokens at or below (CDF, 0–1)', true);

  // The mean latency by part, one stacked bar.
  const total = view.breakdown.reduce((s, b) => s + b.meanMs, 0);
  const g = frame(body, 560, 110, 'mean token latency by part');
  const bx = scaleLinear().domain([0, total / 1000 || 1]).range([0, g.width]);
  let at = 0;
  g.plot
    .selectAll('rect')
    .data(view.breakdown.map((b, i) => ({ ...b, i, from: (at += b.meanMs) - b.meanMs })))
    .join('rect')
    .attr('class', (b) => `part part-${b.i}`)
    .attr('x', (b) => bx(b.from / 1000))
    .attr('width', (b) => bx(b.meanMs / 1000))
    .attr('y', 4)
    .attr('height', g.height - 8)
    .attr('fill', (b) => partFills[b.i % partFills.length]!)
    .append('title')
    .text((b) => `${partNames[b.part] ?? b.part}: ${humanDuration(b.meanMs)} mean (${total > 0 ? ((100 * b.meanMs) / total).toFixed(1) : 0} %)`);
  xAxis(g, bx, 'mean token latency by part (s)');
  legend(
    body,
    view.breakdown.map((b, i) => ({ label: `${partNames[b.part] ?? b.part} ${humanDuration(b.meanMs)}`, swatch: partFills[i % partFills.length]! })),
  );
}
