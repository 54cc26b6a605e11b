/**
 * Federated learning: validation accuracy and loss per round against the joules and the
 * airtime spent so far (with the scenario's target accuracy as a line), and who took part in
 * each round (aggregated, dropped out, abandoned). Live, it says which round is in progress
 * from the first moment, before any round has closed.
 */
import { line, max, scaleBand, scaleLinear } from 'd3';
import { federatedView, type FederatedPoint } from '../views/federated.ts';
import type { RunModel } from '../views/run-model.ts';
import type { LiveTotals } from '../live-messages.ts';
import { frame, legend, xAxis, yAxis, type Panel } from './chart.ts';

export function drawFederated(p: Panel, model: RunModel, t: number, live?: LiveTotals): void {
  const body = p.body();
  const begun = live?.roundsBegun ?? 0;
  if (live && begun > live.rounds) inProgress(body, begun, model.meta.accuracyTarget);
  if (model.rounds.length === 0) {
    if (live && begun > live.rounds) return;
    return p.message(live ? 'The first round has not begun yet: the coordinator is starting.' : 'No round closed in this run (rounds.csv has no rows): see the run\'s FAILED.txt or its duration.');
  }
  const points = federatedView(model.rounds.filter((r) => r.endMs <= t));
  if (points.length === 0) return p.message('No round finished yet at this time: move the slider later.');
  // A round without a validation (its coordinator died) has no accuracy to draw.
  const last = [...points].reverse().find((d) => Number.isFinite(d.accuracy)) ?? points[points.length - 1]!;
  const figures = document.createElement('p');
  figures.className = 'figures';
  figures.textContent = `After round ${last.round} (${last.hours.toFixed(2)} h): validation accuracy ${(100 * last.accuracy).toFixed(1)} %, loss ${last.loss.toFixed(3)}, ${last.cumulativeJ.toFixed(1)} J and ${last.cumulativeAirtimeS.toFixed(0)} s of airtime spent.`;
  const target = model.meta.accuracyTarget;
  if (target !== undefined) {
    const reached = points.find((d) => d.accuracy >= target);
    figures.textContent += reached ? ` The target of ${(100 * target).toFixed(1)} % was reached in round ${reached.round}, after ${reached.cumulativeJ.toFixed(1)} J.` : ` The target of ${(100 * target).toFixed(1)} % is not reached yet.`;
  }
  body.appendChild(figures);
  curve(body, points, (d) => d.cumulativeJ, 'energy spent in rounds so far (J)', target);
  curve(body, points, (d) => d.cumulativeAirtimeS, 'airtime spent in rounds so far (s)', target);

  const f = frame(body, 560, 200, 'participation per round');
  const x = scaleBand<string>().domain(points.map((d) => String(d.round))).range([0, f.width]).padding(0.15);
  const y = scaleLinear().domain([0, max(points, (d) => d.participants + d.dropouts + d.abandoned) || 1]).nice().range([f.height, 0]);
  const kinds = [
    { key: 'participants', label: 'aggregated', className: 'took-part' },
    { key: 'dropouts', label: 'dropped out', className: 'dropped' },
    { key: 'abandoned', label: 'abandoned (update lost)', className: 'abandoned' },
  ] as const;
  f.plot
    .append('g')
    .attr('class', 'participation')
    .selectAll('g')
    .data(points)
    .join('g')
    .attr('transform', (d) => `translate(${x(String(d.round))},0)`)
    .selectAll('rect')
    .data((d) => {
      let y0 = 0;
      return kinds.map((k) => ({ ...k, round: d.round, y0, y1: (y0 += d[k.key]) }));
    })
    .join('rect')
    .attr('class', (s) => s.className)
    .attr('y', (s) => y(s.y1))
    .attr('height', (s) => y(s.y0) - y(s.y1))
    .attr('width', x.bandwidth())
    .append('title')
    .text((s) => `round ${s.round}: ${s.y1 - s.y0} ${s.label}`);
  xAxis(f, x, 'round (number)');
  yAxis(f, y, 'clients (count)');
  legend(body, kinds.map((k) => ({ label: k.label, swatch: '', className: k.className })));
}

/** A live run's round in progress (begun, not closed: its figures come when it closes). */
function inProgress(body: HTMLElement, round: number, target: number | undefined): void {
  const p = document.createElement('p');
  p.className = 'figures round-progress';
  p.dataset.round = String(round);
  p.textContent = `Round ${round} in progress: its accuracy, joules and airtime come when it closes${target === undefined ? '' : ` (target accuracy ${(100 * target).toFixed(1)} %)`}.`;
  body.appendChild(p);
}

function curve(body: HTMLElement, points: readonly FederatedPoint[], along: (d: FederatedPoint) => number, label: string, target: number | undefined): void {
  const f = frame(body, 560, 220, `validation accuracy and loss against ${label}`);
  const x = scaleLinear().domain([0, max(points, along) || 1]).nice().range([0, f.width]);
  const acc = scaleLinear().domain([0, 100]).range([f.height, 0]);
  const loss = scaleLinear().domain([0, max(points, (d) => (Number.isFinite(d.loss) ? d.loss : 0)) || 1]).nice().range([f.height, 0]);
  const defined = (value: number): boolean => Number.isFinite(value);
  if (target !== undefined) {
    f.plot.append('line').attr('class', 'target-line').attr('x1', 0).attr('x2', f.width).attr('y1', acc(100 * target)).attr('y2', acc(100 * target));
    f.plot.append('text').attr('class', 'target-label').attr('x', 4).attr('y', acc(100 * target) - 4).text(`target ${(100 * target).toFixed(1)} %`);
  }
  f.plot.append('path').attr('class', 'accuracy-line').attr('d', line<FederatedPoint>().defined((d) => defined(d.accuracy)).x((d) => x(along(d))).y((d) => acc(100 * d.accuracy))(points));
  f.plot.append('path').attr('class', 'loss-line').attr('d', line<FederatedPoint>().defined((d) => defined(d.loss)).x((d) => x(along(d))).y((d) => loss(d.loss))(points));
  f.plot
    .selectAll('circle')
    .data(points.filter((d) => defined(d.accuracy)))
    .join('circle')
    .attr('class', 'accuracy-point')
    .attr('cx', (d) => x(along(d)))
    .attr('cy', (d) => acc(100 * d.accuracy))
    .attr('r', 3)
    .append('title')
    .text((d) => `round ${d.round}: accuracy ${(100 * d.accuracy).toFixed(2)} %, loss ${d.loss.toFixed(4)}`);
  xAxis(f, x, label);
  yAxis(f, acc, 'validation accuracy (%, solid)');
  yAxis(f, loss, 'validation loss (nats, dashed)', true);
}
