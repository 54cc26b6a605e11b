/**
 * What every view draws with: a panel with a heading and a message slot, an SVG with margins,
 * and axes that always carry a label with its unit. Browser only (d3-selection).
 */
import { axisBottom, axisLeft, axisRight, select, type ScaleBand, type ScaleLinear, type Selection } from 'd3';

export type Svg = Selection<SVGSVGElement, unknown, null, undefined>;
export type G = Selection<SVGGElement, unknown, null, undefined>;

export interface Panel {
  readonly root: HTMLElement;
  /** Clears the panel's body and returns it. */
  body(): HTMLElement;
  /** Shows a message instead of (or beside) the charts, e.g. why there is no data. */
  message(text: string): void;
}

export function panel(container: HTMLElement, id: string, title: string, caption: string): Panel {
  const root = document.createElement('section');
  root.className = 'panel';
  root.id = `view-${id}`;
  root.innerHTML = `<h2></h2><p class="caption"></p><div class="body"></div>`;
  root.querySelector('h2')!.textContent = title;
  root.querySelector('.caption')!.textContent = caption;
  container.appendChild(root);
  const body = root.querySelector<HTMLElement>('.body')!;
  return {
    root,
    body() {
      body.replaceChildren();
      return body;
    },
    message(text) {
      const p = document.createElement('p');
      p.className = 'message';
      p.textContent = text;
      body.appendChild(p);
    },
  };
}

export interface Frame {
  readonly svg: Svg;
  /** The plotting area, translated past the margins. */
  readonly plot: G;
  readonly width: number;
  readonly height: number;
}

export const margin = { top: 14, right: 56, bottom: 44, left: 62 };


/** An SVG of `width` × `height` pixels (the plotting area is smaller by the margins). */
export function frame(parent: HTMLElement, width: number, height: number, label: string, extraBottom = 0): Frame {
  const svg = select(parent).append('svg').attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height).attr('role', 'img').attr('aria-label', label);
  const plot = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  return { svg, plot, width: width - margin.left - margin.right, height: height - margin.top - margin.bottom - extraBottom };
}

type Scale = ScaleLinear<number, number> | ScaleBand<string>;

/** A bottom axis with its label (which names the unit, e.g. "latency (s)"). */
export function xAxis(f: Frame, scale: Scale, label: string, ticks = 6, offset = 36): void {
  const axis = axisBottom(scale as ScaleLinear<number, number>);
  if ('ticks' in scale) axis.ticks(ticks);
  const g = f.plot.append('g').attr('class', 'axis x').attr('transform', `translate(0,${f.height})`).call(axis);
  if (!('ticks' in scale) && scale.domain().length > 24) g.selectAll('.tick text').attr('display', (_d, i) => (i % Math.ceil(scale.domain().length / 24) === 0 ? null : 'none'));
  f.plot.append('text').attr('class', 'axis-label').attr('x', f.width / 2).attr('y', f.height + offset).attr('text-anchor', 'middle').text(label);
}

/** A left axis (or right, with `right`) with its label. */
export function yAxis(f: Frame, scale: Scale, label: string, right = false, ticks = 5, offset = 48): void {
  const axis = (right ? axisRight : axisLeft)(scale as ScaleLinear<number, number>);
  if ('ticks' in scale) axis.ticks(ticks);
  const g = f.plot.append('g').attr('class', `axis y${right ? ' right' : ''}`).call(axis);
  if (right) g.attr('transform', `translate(${f.width},0)`);
  f.plot
    .append('text')
    .attr('class', 'axis-label')
    .attr('transform', `translate(${right ? f.width + 46 : -offset},${f.height / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .text(label);
}

/** A legend row: each entry a swatch (its fill may be a pattern) and its name. */
export function legend(parent: HTMLElement, entries: readonly { readonly label: string; readonly swatch: string; readonly className?: string }[]): void {
  const ul = document.createElement('ul');
  ul.className = 'legend';
  for (const entry of entries) {
    const li = document.createElement('li');
    li.innerHTML = `<svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" class="${entry.className ?? ''}" style="fill:${entry.swatch}"></rect></svg><span></span>`;
    li.querySelector('span')!.textContent = entry.label;
    ul.appendChild(li);
  }
  parent.appendChild(ul);
}

/** What a view says about sampled or aggregated data (views/sampling-notes.ts), under its charts. */
export function samplingNotes(parent: HTMLElement, texts: readonly string[]): void {
  for (const text of texts) {
    const p = document.createElement('p');
    p.className = 'sampling-note';
    p.textContent = text;
    parent.appendChild(p);
  }
}

/** Milliseconds as a short duration: "850 ms", "12.3 s", "4.2 min", "3.1 h". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (Math.abs(ms) < 1000) return `${Number(ms.toFixed(1))} ms`;
  if (Math.abs(ms) < 120_000) return `${Number((ms / 1000).toFixed(1))} s`;
  if (Math.abs(ms) < 7_200_000) return `${Number((ms / 60_000).toFixed(1))} min`;
  return `${Number((ms / 3_600_000).toFixed(2))} h`;
}
