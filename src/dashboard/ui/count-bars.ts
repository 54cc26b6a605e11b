/** A bar per group with its count (the delivery and LoRaWAN figures). */
import { max, scaleBand, scaleLinear } from 'd3';
import { frame, xAxis, yAxis } from './chart.ts';

/** Bars no wider than 60 px: one SF or one gateway is a bar, not a wall. */
export const barWidth = (band: number): number => Math.min(band, 60);

export function countBars(body: HTMLElement, groups: readonly { label: string; count: number }[], title: string, xLabel: string, yLabel: string): void {
  const f = frame(body, 560, 180, title);
  const x = scaleBand<string>().domain(groups.map((g) => g.label)).range([0, f.width]).padding(0.2);
  const y = scaleLinear().domain([0, max(groups, (g) => g.count) || 1]).nice().range([f.height, 0]);
  f.plot
    .append('g')
    .attr('class', 'count-bars')
    .selectAll('rect')
    .data(groups)
    .join('rect')
    .attr('class', 'count-bar')
    .attr('x', (g) => x(g.label)! + (x.bandwidth() - barWidth(x.bandwidth())) / 2)
    .attr('width', barWidth(x.bandwidth()))
    .attr('y', (g) => y(g.count))
    .attr('height', (g) => f.height - y(g.count))
    .attr('data-count', (g) => g.count)
    .append('title')
    .text((g) => `${g.label}: ${g.count}`);
  xAxis(f, x, xLabel);
  yAxis(f, y, yLabel);
}
