/**
 * Joules: each node's energy stacked by state at t (patterned as well as coloured), every
 * battery's state of charge over time, and joules per generated token over time.
 */
import { area, line, max, scaleBand, scaleLinear } from 'd3';
import { batteryBand, batteryLines, energyAt, energyStacks, energyUnit, joulesPerTokenOverTime, stateOrder } from '../views/energy.ts';
import { tokensBy, type RunModel } from '../views/run-model.ts';
import { frame, legend, samplingNotes, xAxis, yAxis, type Frame, type Panel } from './chart.ts';

const stateFills: Record<string, string> = {
  transmit: '#e15759',
  receive: '#4e79a7',
  compute: '#59a14f',
  idle: '#edc948',
  listen: '#76b7b2',
  sleep: '#bab0ac',
  radioStandby: '#b07aa1',
};
const patterns: Record<string, string> = { transmit: 'solid', receive: 'hatch', compute: 'dots', idle: 'cross', listen: 'hatch-back', sleep: 'horizontal lines', radioStandby: 'vertical lines' };

/** Pattern defs so that states differ without colour: hatching, dots, crosses. */
function definePatterns(f: Frame): void {
  const defs = f.svg.append('defs');
  for (const state of stateOrder) {
    const kind = patterns[state]!;
    const pattern = defs.append('pattern').attr('id', `pattern-${state}`).attr('patternUnits', 'userSpaceOnUse').attr('width', 6).attr('height', 6);
    pattern.append('rect').attr('width', 6).attr('height', 6).attr('fill', stateFills[state]!);
    const mark = '#222';
    if (kind === 'hatch') pattern.append('path').attr('d', 'M0,6L6,0').attr('stroke', mark).attr('stroke-width', 0.8);
    if (kind === 'hatch-back') pattern.append('path').attr('d', 'M0,0L6,6').attr('stroke', mark).attr('stroke-width', 0.8);
    if (kind === 'cross') pattern.append('path').attr('d', 'M0,6L6,0M0,0L6,6').attr('stroke', mark).attr('stroke-width', 0.6);
    if (kind === 'dots') pattern.append('circle').attr('cx', 3).attr('cy', 3).attr('r', 1).attr('fill', mark);
    if (kind === 'horizontal lines') pattern.append('path').attr('d', 'M0,3L6,3').attr('stroke', mark).attr('stroke-width', 0.8);
    if (kind === 'vertical lines') pattern.append('path').attr('d', 'M3,0L3,6').attr('stroke', mark).attr('stroke-width', 0.8);
  }
}

/** What the energy view shows beyond the run at t: mains nodes or not (a checkbox), and a live run's figures now. */
export interface EnergyOptions {
  readonly includeMains: boolean;
  readonly setIncludeMains: (include: boolean) => void;
  /** A live run's largest consumers now (live-messages.ts), before and between samples. */
  readonly liveTop?: readonly number[];
}

export function drawEnergy(p: Panel, model: RunModel, t: number, notes: readonly string[], options: EnergyOptions): void {
  const body = p.body();
  const mainsIds = new Set(model.nodes.filter((node) => node.battery === 'mains').map((node) => node.id));
  // Mains nodes (gateways at a watt, all day) flatten every battery node's bar: left out unless asked for, or unless every node is on mains.
  const mixed = mainsIds.size > 0 && mainsIds.size < model.nodes.length;
  const leaveOut = mixed && !options.includeMains;
  const all = energyAt(model, t, options.liveTop);
  const stacks = energyStacks(leaveOut ? all.filter((node) => !mainsIds.has(node.id)) : all).slice(0, 30);
  if (mixed) mainsToggle(body, mainsIds.size, options);
  if (stacks.length === 0) return p.message(all.length > 0 ? 'Every node with energy figures is on mains: tick the box above to see them.' : 'No energy figures yet: series.csv and summary.json are missing from this run, or no sample has been taken.');
  const f = frame(body, 560, 290, 'energy per node stacked by state', 30);
  definePatterns(f);
  const { unit, perJ } = energyUnit(max(stacks, (s) => s.total) ?? 0);
  const x = scaleBand<string>().domain(stacks.map((s) => s.id)).range([0, f.width]).padding(0.15);
  const y = scaleLinear().domain([0, (max(stacks, (s) => s.total) || 1) * perJ]).nice().range([f.height, 0]);
  f.plot
    .append('g')
    .attr('class', 'stacks')
    .selectAll('g')
    .data(stacks)
    .join('g')
    .attr('transform', (s) => `translate(${x(s.id)},0)`)
    .selectAll('rect')
    .data((s) => s.segments.filter((seg) => seg.y1 > seg.y0).map((seg) => ({ ...seg, id: s.id })))
    .join('rect')
    .attr('class', (seg) => `segment ${seg.state}`)
    .attr('y', (seg) => y(seg.y1 * perJ))
    .attr('height', (seg) => Math.max(0.5, y(seg.y0 * perJ) - y(seg.y1 * perJ)))
    .attr('width', x.bandwidth())
    .attr('fill', (seg) => `url(#pattern-${seg.state})`)
    .append('title')
    .text((seg) => `${seg.id}: ${seg.state} ${Number(((seg.y1 - seg.y0) * perJ).toPrecision(4))} ${unit}`);
  xAxis(f, x, `node (the ${stacks.length} largest consumers${leaveOut ? ' on batteries' : ''})`, 6, 66);
  f.svg.selectAll('.axis.x .tick text').attr('transform', 'rotate(-40)').attr('text-anchor', 'end').attr('dx', '-0.4em').attr('dy', '0.5em');
  yAxis(f, y, `energy (${unit})`);
  legend(body, stateOrder.map((state) => ({ label: `${state} (${patterns[state]})`, swatch: stateFills[state]! })));

  // Mains nodes have no state of charge (empty cells): no line.
  const lines = batteryLines(model.series.filter((s) => s.node >= 0 && Number.isFinite(s.soc)).map((s) => ({ atMs: s.atMs, node: model.nodes[s.node]!.id, stateOfCharge: s.soc })));
  const band = batteryBand(model);
  if (lines.length > 0) {
    const b = frame(body, 560, 220, band.length > 0 ? 'state of charge of sampled batteries over time, with the range and mean of all' : 'state of charge of every battery over time');
    const hours = Math.max(model.endMs, 1) / 3_600_000;
    const bx = scaleLinear().domain([0, hours]).range([0, b.width]);
    let minSoc = 1;
    for (const l of lines) for (const pt of l.points) if (pt.soc < minSoc) minSoc = pt.soc;
    for (const pt of band) if (pt.min < minSoc) minSoc = pt.min;
    const by = scaleLinear().domain([Math.max(0, Math.min(minSoc, 0.999) - 0.001) * 100, 100]).nice().range([b.height, 0]);
    const path = line<{ hours: number; soc: number }>().x((d) => bx(d.hours)).y((d) => by(d.soc * 100));
    if (band.length > 0) {
      b.plot
        .append('path')
        .attr('class', 'battery-band')
        .attr('d', area<(typeof band)[number]>().x((d) => bx(d.hours)).y0((d) => by(d.min * 100)).y1((d) => by(d.max * 100))(band))
        .append('title')
        .text('least to largest state of charge of all nodes sampled');
      b.plot
        .append('path')
        .attr('class', 'battery-mean')
        .attr('d', line<(typeof band)[number]>().x((d) => bx(d.hours)).y((d) => by(d.mean * 100))(band))
        .append('title')
        .text(`mean state of charge of all nodes sampled: ${(100 * band[band.length - 1]!.mean).toFixed(3)} % at the end`);
    }
    b.plot
      .append('g')
      .attr('class', 'battery-lines')
      .selectAll('path')
      .data(lines)
      .join('path')
      .attr('d', (l) => path(l.points))
      .append('title')
      .text((l) => `${l.id}: ${(100 * l.points[l.points.length - 1]!.soc).toFixed(3)} % at the end`);
    cursor(b, bx(t / 3_600_000));
    xAxis(b, bx, 'time (h)');
    yAxis(b, by, 'state of charge (%)');
  }

  const tokens = tokensBy(model, t);
  if (tokens.length > 0) {
    const windowMs = Math.max(60_000, Math.ceil(model.endMs / 24 / 60_000) * 60_000);
    const points = joulesPerTokenOverTime(tokens, windowMs);
    const j = frame(body, 560, 200, 'joules per generated token over time');
    const jx = scaleLinear().domain([0, Math.max(model.endMs, 1) / 3_600_000]).range([0, j.width]);
    const jy = scaleLinear().domain([0, max(points, (pt) => pt.joulesPerToken) || 1]).nice().range([j.height, 0]);
    j.plot.append('path').attr('class', 'joules-line').attr('d', line<{ hours: number; joulesPerToken: number }>().x((d) => jx(d.hours)).y((d) => jy(d.joulesPerToken))(points));
    j.plot
      .selectAll('circle')
      .data(points)
      .join('circle')
      .attr('class', 'joules-point')
      .attr('cx', (d) => jx(d.hours))
      .attr('cy', (d) => jy(d.joulesPerToken))
      .attr('r', 3)
      .append('title')
      .text((d) => `${d.tokens} tokens ending by ${d.hours.toFixed(2)} h: ${d.joulesPerToken.toFixed(4)} J per token`);
    cursor(j, jx(t / 3_600_000));
    xAxis(j, jx, `time (h; mean per ${Math.round(windowMs / 60_000)} min window)`);
    yAxis(j, jy, 'energy per token (J)');
  }
  samplingNotes(body, notes);
}

/** The checkbox that puts mains nodes into the energy chart. */
function mainsToggle(body: HTMLElement, count: number, options: EnergyOptions): void {
  const label = document.createElement('label');
  label.className = 'mains-toggle';
  label.innerHTML = '<input type="checkbox"> <span></span>';
  const box = label.querySelector('input')!;
  box.checked = options.includeMains;
  label.querySelector('span')!.textContent = `include the ${count} mains-powered node${count === 1 ? '' : 's'}`;
  box.addEventListener('change', () => options.setIncludeMains(box.checked));
  body.appendChild(label);
}

/** The time slider's position on a time axis. */
export function cursor(f: Frame, at: number): void {
  f.plot.append('line').attr('class', 'cursor').attr('x1', at).attr('x2', at).attr('y1', 0).attr('y2', f.height);
}
