/**
 * Expert load: a layer × expert heatmap of routed-expert calls, each cell written out and
 * marked with its replica count, and each layer's max/mean imbalance.
 */
import { interpolateBlues, scaleBand, scaleSequential } from 'd3';
import { expertLoadAt } from '../views/expert-load.ts';
import type { RunModel } from '../views/run-model.ts';
import { frame, legend, xAxis, yAxis, type Panel } from './chart.ts';

export function drawExperts(p: Panel, model: RunModel, t: number): void {
  const body = p.body();
  if (model.placement.length === 0 && model.tokens.length === 0) return p.message('No expert load: this run served no model (placement.csv and tokens.csv are missing).');
  const view = expertLoadAt(model, t);
  if (view.cells.length === 0) return p.message('No routed experts in this model.');
  const layers = [...new Set(view.cells.map((c) => c.layer))];
  const experts = [...new Set(view.cells.map((c) => c.expert))];
  const f = frame(body, 560, 90 + 34 * layers.length, 'expert load heatmap, layer by expert');
  const x = scaleBand<string>().domain(experts.map(String)).range([0, f.width]).padding(0.06);
  const y = scaleBand<string>().domain(layers.map(String)).range([0, f.height]).padding(0.06);
  const colour = scaleSequential(interpolateBlues).domain([0, view.max || 1]);
  const cell = f.plot
    .append('g')
    .attr('class', 'heatmap')
    .selectAll('g')
    .data(view.cells)
    .join('g')
    .attr('class', 'cell')
    .attr('transform', (c) => `translate(${x(String(c.expert))},${y(String(c.layer))})`);
  cell.append('rect').attr('width', x.bandwidth()).attr('height', y.bandwidth()).attr('fill', (c) => colour(c.calls));
  cell
    .append('text')
    .attr('x', x.bandwidth() / 2)
    .attr('y', y.bandwidth() / 2)
    .attr('dy', '0.35em')
    .attr('text-anchor', 'middle')
    .attr('class', (c) => (c.calls > view.max * 0.6 ? 'on-dark' : ''))
    .text((c) => c.calls);
  // Replicas: one dot per copy beyond the first, top right.
  cell
    .filter((c) => c.replicas > 1)
    .append('text')
    .attr('class', 'replicas')
    .attr('x', x.bandwidth() - 2)
    .attr('y', 8)
    .attr('text-anchor', 'end')
    .text((c) => `×${c.replicas}`);
  cell.append('title').text((c) => `layer ${c.layer}, expert ${c.expert}: ${c.calls} calls (${(100 * c.share).toFixed(1)} % of the layer's), ${c.replicas} ${c.replicas === 1 ? 'copy' : 'copies'} placed`);
  xAxis(f, x, 'routed expert (index)');
  yAxis(f, y, 'layer (index)');
  const note = document.createElement('p');
  note.className = 'figures';
  note.textContent = `Calls per expert; ×n marks an expert placed n times. Max/mean load per layer: ${view.imbalance.map((v, layer) => `layer ${layer} ${v.toFixed(2)}`).join(', ')} (1 = balanced).`;
  body.appendChild(note);
  legend(body, [
    { label: '0 calls', swatch: colour(0) },
    { label: `${view.max} calls`, swatch: colour(view.max || 1) },
  ]);
}
