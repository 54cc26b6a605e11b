/**
 * The swarm map: nodes where they stand (shape by role, fill by state of charge or blue on
 * mains, a cross when dead, a thick outline when they hold model units, a red dashed ring when
 * none of their frames was received), the links heard (line style by quality) and the frames
 * on the air at t as arcs (animated in live mode). Labels that would overlap are left out.
 */
import { extent, interpolateRdYlGn, scaleLinear } from 'd3';
import { framesInFlight, mapLinksOf, mapNodesAt, type MapLink } from '../views/map.ts';
import type { RunModel } from '../views/run-model.ts';
import { duration, frame, legend, samplingNotes, xAxis, yAxis, type Panel } from './chart.ts';
import { canvasNodes, drawNodeCanvas, mainsFill } from './node-canvas.ts';
import { silentNodes } from '../views/delivery.ts';
import { placeLabels } from './label-placement.ts';

/** At most this many silent nodes are ringed (the delivery panel counts them all). */
const mostRings = 2000;

const dash: Record<MapLink['quality'], string | null> = { good: null, fair: '6 3', poor: '2 3' };

export function drawMap(p: Panel, model: RunModel, t: number, windowMs: number, live: boolean, notes: readonly string[] = []): void {
  const body = p.body();
  if (model.nodes.length === 0) return p.message('No nodes to draw: nodes.csv is missing from this run.');
  const holders = new Set(model.placement.map((unit) => unit.node));
  const nodes = mapNodesAt(model, t, holders);
  const onCanvas = nodes.length > canvasNodes;
  const approximate = model.socGrid !== undefined ? '≈ ' : '';
  const [x0, x1] = extent(nodes, (n) => n.x) as [number, number];
  const [y0, y1] = extent(nodes, (n) => n.y) as [number, number];
  const span = Math.max(x1 - x0, y1 - y0, 1) * 1.08;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const f = frame(body, 560, 520, 'swarm map: node positions in metres');
  const side = Math.min(f.width, f.height);
  const x = scaleLinear().domain([cx - span / 2, cx + span / 2]).range([0, side]);
  const y = scaleLinear().domain([cy - span / 2, cy + span / 2]).range([side, 0]);
  xAxis({ ...f, height: side }, x, 'x (m)', 5);
  yAxis(f, y, 'y (m)', false, 5);
  const radius = Math.max(3, Math.min(9, 180 / Math.sqrt(nodes.length)));
  if (onCanvas) drawNodeCanvas(f, nodes, x, y, side);

  const links = mapLinksOf(model, 1500);
  f.plot
    .append('g')
    .attr('class', 'links')
    .selectAll('line')
    .data(links)
    .join('line')
    .attr('class', (l) => `link ${l.quality}`)
    .attr('x1', (l) => x(nodes[l.from]!.x))
    .attr('y1', (l) => y(nodes[l.from]!.y))
    .attr('x2', (l) => x(nodes[l.to]!.x))
    .attr('y2', (l) => y(nodes[l.to]!.y))
    .attr('stroke-dasharray', (l) => dash[l.quality])
    .append('title')
    .text((l) => `${nodes[l.from]!.id} → ${nodes[l.to]!.id}: ${l.received} of ${l.heard} frames received (${(100 * l.deliveryRatio).toFixed(0)} %), mean SNR ${l.meanSnrDb.toFixed(1)} dB, ${l.quality}`);

  const flying = framesInFlight(model.frames, t, windowMs).slice(-300);
  f.plot
    .append('g')
    .attr('class', 'frames')
    .selectAll('path')
    .data(flying)
    .join('path')
    .attr('class', `frame-arc${live ? ' animated' : ''}`)
    .attr('d', ({ frame: fr }) => {
      const a = nodes[fr.sender];
      if (!a) return null;
      const ax = x(a.x);
      const ay = y(a.y);
      const b = fr.destination >= 0 ? nodes[fr.destination] : undefined;
      if (!b) return `M${ax - radius * 2},${ay} a${radius * 2},${radius * 2} 0 1,0 ${radius * 4},0 a${radius * 2},${radius * 2} 0 1,0 ${-radius * 4},0`;
      const bx = x(b.x);
      const by = y(b.y);
      // A quadratic arc bulging to the left of the path, so that both directions show.
      const mx = (ax + bx) / 2 - (by - ay) * 0.2;
      const my = (ay + by) / 2 + (bx - ax) * 0.2;
      return `M${ax},${ay} Q${mx},${my} ${bx},${by}`;
    })
    .append('title')
    .text(({ frame: fr }) => `frame ${nodes[fr.sender]?.id ?? '?'} → ${fr.destination >= 0 ? nodes[fr.destination]?.id : fr.destination === -2 ? 'every gateway' : 'broadcast'}, on air ${duration(fr.atMs)}–${duration(fr.endMs)}, ${fr.fate || 'in flight'}`);

  const silent = new Set(silentNodes(model, t).nodes);
  const indexed = nodes.map((n, i) => ({ ...n, index: i, silent: silent.has(i) }));
  const g = f.plot
    .append('g')
    .attr('class', 'nodes')
    .selectAll('g')
    .data(onCanvas ? indexed.filter((n) => n.role === 'sink' || n.silent).slice(0, mostRings) : indexed)
    .join('g')
    .attr('class', (n) => `node${n.dead ? ' dead' : ''}${n.holdsUnits ? ' holder' : ''}${n.silent ? ' silent' : ''}`)
    .attr('transform', (n) => `translate(${x(n.x)},${y(n.y)})`);
  g.filter((n) => n.silent)
    .append('circle')
    .attr('class', 'silent-ring')
    .attr('r', radius + 4);
  g.append((n) => document.createElementNS('http://www.w3.org/2000/svg', n.role === 'sink' ? 'rect' : 'circle'))
    .attr('r', radius)
    .attr('x', -radius)
    .attr('y', -radius)
    .attr('width', radius * 2)
    .attr('height', radius * 2)
    .attr('fill', (n) => (n.dead ? '#999' : n.mains ? mainsFill : interpolateRdYlGn(n.soc)));
  g.filter((n) => n.dead)
    .append('path')
    .attr('class', 'death')
    .attr('d', `M${-radius},${-radius}L${radius},${radius}M${radius},${-radius}L${-radius},${radius}`);
  const state = (n: (typeof indexed)[number]): string => (n.dead ? 'dead' : n.mains ? 'on mains' : `state of charge ${approximate}${(100 * n.soc).toFixed(2)} %`);
  g.append('title').text((n) => `${n.id} (${n.role}${n.holdsUnits ? ', holds model units' : ''}${n.silent ? ', none of its frames received' : ''}): ${state(n)}`);
  // Few nodes: each written out with its state, so that nothing hangs on the fill's colour; a
  // label that would overlap another (or a node) is left out, the node keeps its tooltip.
  if (nodes.length <= 40) {
    const texts = indexed.map((n) => `${n.id} ${n.dead ? '✕' : n.mains ? 'mains' : `${(100 * n.soc).toFixed(1)} %`}`);
    const placed = placeLabels(indexed.map((n, i) => ({ x: x(n.x), y: y(n.y), text: texts[i]!, first: n.role === 'sink' })), radius, side);
    g.filter((n) => placed[n.index] !== undefined)
      .append('text')
      .attr('class', 'node-label')
      .attr('x', (n) => placed[n.index]!.dx)
      .attr('y', (n) => placed[n.index]!.dy)
      .attr('text-anchor', (n) => placed[n.index]!.anchor)
      .text((n) => texts[n.index]!);
  }

  const alive = nodes.filter((n) => !n.dead).length;
  const summary = document.createElement('p');
  summary.className = 'figures';
  summary.innerHTML = `<span class="node-count" data-count="${nodes.length}"></span>; <span></span>; <span class="frames-in-flight"></span>`;
  const spans = summary.querySelectorAll('span');
  spans[0]!.textContent = `${nodes.length} nodes, ${alive} alive`;
  spans[1]!.textContent = `${links.length} links heard (solid: ≥ 90 % received, dashed: fair, dotted: < 50 %)`;
  spans[2]!.textContent = `${flying.length} frames on the air in the last ${duration(windowMs)}`;
  body.appendChild(summary);
  legend(body, [
    { label: onCanvas ? 'node: dot; sink: square' : 'node: circle; sink: square', swatch: '#ccc' },
    { label: 'fill: state of charge, red 0 % → green 100 %', swatch: interpolateRdYlGn(0.5) },
    { label: onCanvas ? 'dead: grey (sinks with a cross)' : 'dead: grey with a cross', swatch: '#999' },
    { label: 'thick outline: holds model units', swatch: '#fff', className: 'holder-swatch' },
    ...(nodes.some((n) => n.mains) ? [{ label: 'blue: on mains', swatch: mainsFill }] : []),
    { label: `red dashed ring: sent frames, none received (${silent.size})`, swatch: '#fff', className: 'silent-swatch' },
  ]);
  samplingNotes(body, onCanvas ? [`${nodes.length} nodes are too many to draw one by one: they are dots on a canvas, without a tooltip each; the sinks are squares with theirs.`, ...notes] : notes);
}
