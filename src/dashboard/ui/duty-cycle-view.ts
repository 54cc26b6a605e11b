/**
 * Duty-cycle use: for the busiest nodes, the share of each sub-band's legal allowance used up
 * to t, with the limit drawn at 100 %.
 */
import { scaleBand, scaleLinear } from 'd3';
import { dutyCycleAt } from '../views/duty-cycle.ts';
import type { RunModel } from '../views/run-model.ts';
import { frame, samplingNotes, xAxis, yAxis, type Panel } from './chart.ts';

export function drawDutyCycle(p: Panel, model: RunModel, t: number, notes: readonly string[] = []): void {
  const body = p.body();
  if (model.frames.length === 0) return p.message('No duty-cycle figures: no frame was sent, or frames.csv is missing from this run.');
  const bars = dutyCycleAt(model, t).filter((b) => b.use > 0).slice(0, 24);
  if (bars.length === 0) {
    p.message('No airtime used by this time: move the slider later.');
    return samplingNotes(body, notes);
  }
  const dutyCycle = new Map(model.meta.subBands.map((b) => [b.label, b.dutyCycle]));
  const labels = bars.map((b) => `${b.id} @ ${b.subBand}`);
  const f = frame(body, 560, 60 + 18 * bars.length, 'duty-cycle use per node and sub-band');
  f.svg.attr('class', 'wide-left');
  f.plot.attr('transform', `translate(180,14)`);
  const width = f.width - 118;
  const x = scaleLinear().domain([0, bars.reduce((most, b) => Math.max(most, b.use), 1.05) * 100]).range([0, width]);
  const y = scaleBand<string>().domain(labels).range([0, f.height]).padding(0.15);
  f.plot
    .append('g')
    .attr('class', 'duty-bars')
    .selectAll('rect')
    .data(bars)
    .join('rect')
    .attr('class', (b) => (b.use > 1 ? 'over' : ''))
    .attr('y', (_b, i) => y(labels[i]!)!)
    .attr('height', y.bandwidth())
    .attr('width', (b) => x(100 * b.use))
    .append('title')
    .text((b) => `${b.id} in ${b.subBand}: ${(100 * b.use).toFixed(2)} % of the ${(100 * (dutyCycle.get(b.subBand) ?? 1)).toFixed(1)} % duty-cycle allowance`);
  f.plot
    .append('g')
    .attr('class', 'duty-values')
    .selectAll('text')
    .data(bars)
    .join('text')
    .attr('x', (b) => x(100 * b.use) + 3)
    .attr('y', (_b, i) => y(labels[i]!)! + y.bandwidth() / 2)
    .attr('dy', '0.35em')
    .text((b) => `${(100 * b.use).toFixed(1)} %`);
  f.plot.append('line').attr('class', 'limit').attr('x1', x(100)).attr('x2', x(100)).attr('y1', 0).attr('y2', f.height);
  f.plot.append('text').attr('class', 'limit-label').attr('x', x(100) + 3).attr('y', -3).text('legal limit');
  xAxis({ ...f, width }, x, 'use of the duty-cycle allowance (%)');
  yAxis(f, y, 'node @ sub-band (MHz)', false, 5, 168);
  samplingNotes(body, notes);
}
