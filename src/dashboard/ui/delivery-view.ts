/**
 * Delivery: what became of the frames at the receivers they addressed, up to t. The fates over
 * time with the delivery ratio; the delivery ratio by spreading factor (with how many nodes use
 * each), by gateway and against distance; and the nodes that sent frames none of which was
 * received (also marked on the map).
 */
import { line, max, scaleBand, scaleLinear } from 'd3';
import { deliveryFigures, fateOrder, sfDistribution, silentNodes, type FateTally, type KeyedTally } from '../views/delivery.ts';
import type { ReceptionRow, RunModel } from '../views/run-model.ts';
import { duration, frame, legend, samplingNotes, xAxis, yAxis, type Panel } from './chart.ts';
import { cursor } from './energy-view.ts';
import { barWidth, countBars } from './count-bars.ts';
import { lorawanFigures, peerMacFigures } from './lorawan-view.ts';

export const fateFills: Record<(typeof fateOrder)[number], string> = {
  lostHalfDuplex: '#b07aa1',
  asleep: '#bab0ac',
  underSensitivity: '#f28e2b',
  noReceivePath: '#edc948',
  collided: '#e15759',
  dropped: '#9c755f',
  received: '#59a14f',
};

const timeBins = 24;
const distanceBins = 10;
const mostGateways = 24;


const percent = (ratio: number): string => (Number.isFinite(ratio) ? `${(100 * ratio).toFixed(1)} %` : 'n/a');

/** Which receptions the over-time chart shows: `all`, `sf:<n>` (the sender's SF) or `gw:<id>` (at one gateway). */
export interface DeliveryOptions {
  readonly over: string;
  readonly setOver: (over: string) => void;
}

export function drawDelivery(p: Panel, model: RunModel, t: number, options: DeliveryOptions): void {
  const body = p.body();
  const digest = model.digest?.receptions;
  if (model.receptions.length === 0 && !digest) return p.message('No frame reached a receiver it addressed in this run (receptions.csv has no rows).');
  // The choice of receptions over time needs the rows: the page of a large run holds the digest's bins.
  const bins = { time: timeBins, distance: distanceBins };
  let figures = deliveryFigures(model, t, bins, overFilter(model, options.over));
  // The choices come from the figures by SF and gateway; a choice no longer offered falls back to all.
  const choices = digest ? [] : overChoices(figures.bySf, figures.byGateway);
  const over = choices.some((c) => c.value === options.over) ? options.over : 'all';
  if (over !== options.over) figures = deliveryFigures(model, t, bins);
  headline(body, model, t, figures.all);
  uplinks(body, model);
  lorawanFigures(body, model);
  peerMacFigures(body, model);
  if (choices.length > 1) overSelect(body, choices, over, options.setOver);
  fatesOverTime(body, figures.overTime, t);
  const atEnd = figures.totalsOnly ? ' (the run\'s totals)' : '';
  if (figures.bySf.length > 0) ratioBars(body, figures.bySf.map((g) => ({ ...g, label: `SF${g.key}` })), `delivery ratio by the spreading factor frames were sent at${atEnd}`, 'spreading factor (SF)');
  const spread = sfDistribution(model);
  if (spread.length > 0) countBars(body, spread.map((s) => ({ label: `SF${s.sf}`, count: s.nodes })), 'nodes by their configured spreading factor', 'spreading factor (SF)', 'nodes (count)');
  const byGateway = figures.byGateway;
  if (byGateway.length > 0) {
    const shown = byGateway.length > mostGateways ? [...byGateway].sort((a, b) => b.total - a.total).slice(0, mostGateways) : byGateway;
    ratioBars(body, shown.map((g) => ({ ...g, label: g.key })), `delivery ratio at each gateway${shown.length < byGateway.length ? ` (the ${shown.length} that heard most)` : ''}${atEnd}`, 'gateway (node id)');
  }
  const byDistance = figures.byDistance.filter((g) => g.total > 0);
  if (byDistance.length > 0) ratioBars(body, byDistance.map((g) => ({ ...g, label: `${Number(g.toM.toPrecision(2))}` })), `delivery ratio against the distance from sender to receiver${atEnd}`, 'distance (m, upper end of each bin)');
  if (digest) samplingNotes(body, [`A large run: these figures count all ${digest.shown.rows} receptions (tallied by the report builder); the fates over time at the slider's steps, the ratios by SF, gateway and distance over the whole run.`]);
}

/** The overall ratio by t, and the nodes none of whose frames was received. */
function headline(body: HTMLElement, model: RunModel, t: number, all: FateTally): void {
  const silent = silentNodes(model, t);
  const figures = document.createElement('p');
  figures.className = 'figures';
  figures.innerHTML = '<span class="delivery-ratio"></span>; <span class="silent-count"></span>';
  const spans = figures.querySelectorAll('span');
  spans[0]!.dataset.ratio = Number.isFinite(all.ratio) ? all.ratio.toFixed(6) : '';
  spans[0]!.textContent = `${all.received} of ${all.total} receptions received by ${duration(t)} (${percent(all.ratio)})`;
  spans[1]!.dataset.count = String(silent.nodes.length);
  const names = silent.nodes.slice(0, 12).map((i) => model.nodes[i]!.id).join(', ');
  spans[1]!.textContent =
    silent.nodes.length === 0
      ? 'every node that sent was heard'
      : `${silent.nodes.length} node${silent.nodes.length === 1 ? '' : 's'} sent frames of which none was received${silent.atEnd ? ' (by the run\'s end)' : ''}: ${names}${silent.nodes.length > 12 ? ', …' : ''} (ringed in red on the map)`;
  body.appendChild(figures);
}

/**
 * With gateway diversity (summary.json's `uplinks`, at the run's end): the uplinks the network
 * got from at least one gateway, and how many frames k gateways received, by k.
 */
function uplinks(body: HTMLElement, model: RunModel): void {
  const u = model.summary?.uplinks as { sent: number; delivered: number; deliveryRatio: number | null; byGatewaysReceived: Record<string, number> } | undefined;
  if (!u) return;
  const p = document.createElement('p');
  p.className = 'figures uplinks';
  p.dataset.ratio = u.deliveryRatio === null ? '' : String(u.deliveryRatio);
  p.textContent = `Uplinks to every gateway in range: ${u.delivered} of ${u.sent} reached the network through at least one gateway (${percent(u.deliveryRatio ?? Number.NaN)}), by the run's end.`;
  body.appendChild(p);
  countBars(body, Object.entries(u.byGatewaysReceived).map(([k, count]) => ({ label: k, count })), 'uplinks by how many gateways received them (run\'s end)', 'gateways that received the frame (count)', 'uplinks (count)');
}

/** The choices of receptions for the fates over time: all, each SF's frames, each gateway's (when there are several). */
function overChoices(bySf: readonly KeyedTally[], byGateway: readonly KeyedTally[]): { value: string; label: string }[] {
  return [
    { value: 'all', label: 'all receptions' },
    ...(bySf.length > 1 ? bySf.map((g) => ({ value: `sf:${g.key}`, label: `frames sent at SF${g.key}` })) : []),
    ...(byGateway.length > 1 ? byGateway.map((g) => ({ value: `gw:${g.key}`, label: `at gateway ${g.key}` })) : []),
  ];
}

/** The receptions the over-time chart keeps for a choice of `overSelect`. */
function overFilter(model: RunModel, over: string): (r: ReceptionRow) => boolean {
  if (over.startsWith('sf:')) return (r) => String(Number.isFinite(r.sf) ? r.sf : model.nodes[r.sender]?.sf) === over.slice(3);
  if (over.startsWith('gw:')) return (r) => model.nodes[r.receiver]?.id === over.slice(3);
  return () => true;
}

function overSelect(body: HTMLElement, choices: readonly { value: string; label: string }[], over: string, setOver: (over: string) => void): void {
  const label = document.createElement('label');
  label.className = 'delivery-over';
  label.textContent = 'fates over time of ';
  const select = document.createElement('select');
  for (const choice of choices) select.add(new Option(choice.label, choice.value, false, choice.value === over));
  select.addEventListener('change', () => setOver(select.value));
  label.appendChild(select);
  body.appendChild(label);
}

function fatesOverTime(body: HTMLElement, bins: readonly (FateTally & { startMs: number; endMs: number })[], t: number): void {
  const f = frame(body, 560, 240, 'receptions by fate over time, with the delivery ratio');
  const hours = (ms: number): number => ms / 3_600_000;
  const x = scaleLinear().domain([0, hours(bins[bins.length - 1]!.endMs)]).range([0, f.width]);
  const y = scaleLinear().domain([0, max(bins, (b) => b.total) || 1]).nice().range([f.height, 0]);
  const ratio = scaleLinear().domain([0, 100]).range([f.height, 0]);
  const stacks = f.plot.append('g').attr('class', 'fate-stacks');
  for (const bin of bins) {
    let y0 = 0;
    fateOrder.forEach((fate, k) => {
      const n = bin.byFate[k]!;
      if (n === 0) return;
      stacks
        .append('rect')
        .attr('class', `fate ${fate}`)
        .attr('x', x(hours(bin.startMs)) + 0.5)
        .attr('width', Math.max(1, x(hours(bin.endMs)) - x(hours(bin.startMs)) - 1))
        .attr('y', y(y0 + n))
        .attr('height', y(y0) - y(y0 + n))
        .attr('fill', fateFills[fate])
        .append('title')
        .text(`${duration(bin.startMs)}–${duration(bin.endMs)}: ${n} ${fate}`);
      y0 += n;
    });
  }
  const defined = bins.filter((b) => b.total > 0);
  f.plot.append('path').attr('class', 'delivery-line').attr('d', line<FateTally & { startMs: number; endMs: number }>().x((b) => x(hours((b.startMs + b.endMs) / 2))).y((b) => ratio(100 * b.ratio))(defined));
  cursor(f, x(hours(t)));
  xAxis(f, x, 'time (h)');
  yAxis(f, y, 'receptions (count)');
  yAxis(f, ratio, 'delivery ratio (%, line)', true);
  legend(body, fateOrder.map((fate) => ({ label: fate, swatch: fateFills[fate] })));
}

/** Bars of delivery ratio (0–100 %), each with its receptions in the tooltip. */
function ratioBars(body: HTMLElement, groups: readonly (FateTally & { label: string })[], title: string, xLabel: string): void {
  const f = frame(body, 560, 200, title, groups.length > 8 ? 24 : 0);
  const x = scaleBand<string>().domain(groups.map((g) => g.label)).range([0, f.width]).padding(0.2);
  const y = scaleLinear().domain([0, 100]).range([f.height, 0]);
  f.plot
    .append('g')
    .attr('class', 'ratio-bars')
    .selectAll('rect')
    .data(groups)
    .join('rect')
    .attr('class', 'ratio-bar')
    .attr('x', (g) => x(g.label)! + (x.bandwidth() - barWidth(x.bandwidth())) / 2)
    .attr('width', barWidth(x.bandwidth()))
    .attr('y', (g) => y(Number.isFinite(g.ratio) ? 100 * g.ratio : 0))
    .attr('height', (g) => f.height - y(Number.isFinite(g.ratio) ? 100 * g.ratio : 0))
    .attr('data-ratio', (g) => (Number.isFinite(g.ratio) ? g.ratio.toFixed(6) : ''))
    .append('title')
    .text((g) => `${g.label}: ${g.received} of ${g.total} received (${percent(g.ratio)})`);
  xAxis(f, x, xLabel, 6, groups.length > 8 ? 56 : 36);
  if (groups.length > 8) f.svg.selectAll('.axis.x .tick text').attr('transform', 'rotate(-40)').attr('text-anchor', 'end').attr('dx', '-0.4em').attr('dy', '0.5em');
  yAxis(f, y, 'delivery ratio (%)');
}
