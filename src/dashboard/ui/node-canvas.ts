/**
 * The swarm map's nodes when there are too many for one SVG element each (100,000 circles take
 * seconds to lay out and minutes to scrub): squares of a pixel or two on a canvas inside the
 * SVG's plot (a foreignObject, so it scales with the SVG), filled by state of charge, grey once
 * dead, drawn colour by colour. Sinks are few and stay SVG squares, with their tooltips, on top
 * of the links (map-view.ts).
 */
import { interpolateRdYlGn, type ScaleLinear } from 'd3';
import type { MapNode } from '../views/map.ts';
import type { Frame } from './chart.ts';

/** More nodes than this are drawn on a canvas. */
export const canvasNodes = 2000;

/** Fill levels: state of charge to 1/250, as the digest's grid holds it; 251 is dead, 252 on mains. */
const levels = 251;
const deadLevel = levels;
const mainsLevel = levels + 1;
/** The fill of a mains-powered node (no battery to colour by). */
export const mainsFill = '#4e79a7';

export function drawNodeCanvas(f: Frame, nodes: readonly MapNode[], x: ScaleLinear<number, number>, y: ScaleLinear<number, number>, side: number): void {
  const object = f.plot.append('foreignObject').attr('class', 'node-canvas').attr('width', side).attr('height', side);
  const canvas = document.createElement('canvas');
  const ratio = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
  canvas.width = Math.round(side * ratio);
  canvas.height = Math.round(side * ratio);
  canvas.style.width = `${side}px`;
  canvas.style.height = `${side}px`;
  object.node()!.appendChild(canvas);
  const context = canvas.getContext('2d');
  if (!context) return;
  context.scale(ratio, ratio);
  const size = Math.max(1, Math.min(4, 320 / Math.sqrt(nodes.length)));
  const byLevel: number[][] = Array.from({ length: levels + 2 }, () => []);
  let drawn = 0;
  nodes.forEach((node, i) => {
    if (node.role === 'sink') return;
    byLevel[node.dead ? deadLevel : node.mains ? mainsLevel : Math.max(0, Math.min(levels - 1, Math.round(node.soc * (levels - 1))))]!.push(i);
    drawn++;
  });
  byLevel.forEach((indices, level) => {
    if (indices.length === 0) return;
    context.fillStyle = level === deadLevel ? '#999' : level === mainsLevel ? mainsFill : interpolateRdYlGn(level / (levels - 1));
    for (const i of indices) {
      const node = nodes[i]!;
      context.fillRect(x(node.x) - size / 2, y(node.y) - size / 2, size, size);
    }
  });
  canvas.dataset.nodes = String(drawn);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${drawn} nodes, coloured by state of charge`);
}
