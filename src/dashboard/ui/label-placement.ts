/**
 * Node labels that do not overlap: each label tries the right of its node, then the left, above
 * and below, and takes the first place that overlaps no label placed before it and no node's
 * mark; a label with no free place is left out (its node keeps its tooltip). Labels marked
 * `first` (sinks) are placed before the others. Greedy, in the given order otherwise; pure
 * (text widths estimated from the label font's size, no DOM).
 *
 * @example
 * placeLabels([{ x: 10, y: 10, text: 'sink mains', first: true }], 5, 500)
 * // [{ dx: 7, dy: 3, anchor: 'start' }]
 */

export interface LabelRequest {
  /** The node's position in the plot (px). */
  readonly x: number;
  readonly y: number;
  readonly text: string;
  /** Placed before the others (sinks). */
  readonly first?: boolean;
}

/** Where a label goes, relative to its node. */
export interface LabelPlace {
  readonly dx: number;
  readonly dy: number;
  readonly anchor: 'start' | 'end' | 'middle';
}

interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** The node-label font is 9 px: a character is about 5.4 px wide, a line 10 px high. */
const charWidth = 5.4;
const lineHeight = 10;

const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** One place per request (undefined: left out), in the requests' order. */
export function placeLabels(requests: readonly LabelRequest[], radius: number, side: number): (LabelPlace | undefined)[] {
  const marks: Box[] = requests.map((r) => ({ x0: r.x - radius, y0: r.y - radius, x1: r.x + radius, y1: r.y + radius }));
  const taken: Box[] = [];
  const places: (LabelPlace | undefined)[] = requests.map(() => undefined);
  const order = requests.map((_, i) => i).sort((a, b) => Number(requests[b]!.first ?? false) - Number(requests[a]!.first ?? false) || a - b);
  for (const i of order) {
    const r = requests[i]!;
    const width = r.text.length * charWidth;
    const gap = radius + 2;
    const candidates: readonly (LabelPlace & { box: Box })[] = [
      { dx: gap, dy: 3, anchor: 'start', box: { x0: r.x + gap, y0: r.y - 7, x1: r.x + gap + width, y1: r.y - 7 + lineHeight } },
      { dx: -gap, dy: 3, anchor: 'end', box: { x0: r.x - gap - width, y0: r.y - 7, x1: r.x - gap, y1: r.y - 7 + lineHeight } },
      { dx: 0, dy: -gap - 2, anchor: 'middle', box: { x0: r.x - width / 2, y0: r.y - gap - 2 - 8, x1: r.x + width / 2, y1: r.y - gap - 2 + 2 } },
      { dx: 0, dy: gap + 9, anchor: 'middle', box: { x0: r.x - width / 2, y0: r.y + gap, x1: r.x + width / 2, y1: r.y + gap + lineHeight } },
    ];
    const free = candidates.find(
      (c) => c.box.x0 >= -4 && c.box.x1 <= side + 40 && c.box.y0 >= -12 && c.box.y1 <= side + 4 && !taken.some((box) => overlaps(box, c.box)) && !marks.some((box, k) => k !== i && overlaps(box, c.box)),
    );
    if (!free) continue;
    taken.push(free.box);
    places[i] = { dx: free.dx, dy: free.dy, anchor: free.anchor };
  }
  return places;
}
