/**
 * The swarm map's data (issue 8): each node's state at time t (state of charge from the last
 * sample, dead once it died, its role), the links heard over the run with their quality, and
 * the frames on the air at t. Pure.
 */
import type { FrameRow, NodeRow, ReceptionRow, RunModel, SeriesPoint } from './run-model.ts';
import { gridDead, gridNotSampled, gridScale, lastAtOrBefore } from './run-digest.ts';

export interface MapNode {
  readonly id: string;
  readonly role: string;
  readonly x: number;
  readonly y: number;
  /** State of charge at t (1 before the first sample). */
  readonly soc: number;
  readonly dead: boolean;
  /** Mains-powered: no battery to colour by. */
  readonly mains: boolean;
  /** Whether the node holds a unit of the model (placement), for its outline. */
  readonly holdsUnits: boolean;
}

/** Node states at `t`: the last series sample at or before t, and deaths at or before t. */
export function mapNodes(nodes: readonly NodeRow[], series: readonly SeriesPoint[], t: number, holders: ReadonlySet<string> = new Set()): MapNode[] {
  const soc = new Float64Array(nodes.length).fill(1);
  const deadBySample = new Uint8Array(nodes.length);
  for (const point of series) {
    if (point.atMs > t || point.node < 0) continue;
    if (Number.isFinite(point.soc)) soc[point.node] = point.soc;
    deadBySample[point.node] = point.alive ? 0 : 1;
  }
  return nodes.map((node, i) => ({
    id: node.id,
    role: node.role,
    x: node.x,
    y: node.y,
    soc: soc[i]!,
    dead: (node.diedAtMs !== null && node.diedAtMs <= t) || deadBySample[i] === 1,
    mains: node.battery === 'mains',
    holdsUnits: holders.has(node.id),
  }));
}

/**
 * Node states at `t` from a large run's state-of-charge grid (run-digest.ts): each node's byte
 * at the last kept sample time at or before t (state of charge to 0.4 %), deaths at or before t.
 */
export function mapNodesFromGrid(nodes: readonly NodeRow[], grid: Uint8Array, timesMs: readonly number[], t: number, holders: ReadonlySet<string> = new Set()): MapNode[] {
  const j = lastAtOrBefore(timesMs, t);
  const row = j < 0 ? undefined : grid.subarray(j * nodes.length, (j + 1) * nodes.length);
  return nodes.map((node, i) => {
    const byte = row ? row[i]! : gridNotSampled;
    return {
      id: node.id,
      role: node.role,
      x: node.x,
      y: node.y,
      soc: byte <= gridScale ? byte / gridScale : 1,
      dead: (node.diedAtMs !== null && node.diedAtMs <= t) || byte === gridDead,
      mains: node.battery === 'mains',
      holdsUnits: holders.has(node.id),
    };
  });
}

/** The map's nodes at `t`: from the series, or a large run's grid. */
export function mapNodesAt(model: RunModel, t: number, holders: ReadonlySet<string> = new Set()): MapNode[] {
  const grid = model.digest?.series?.grid;
  if (grid && model.socGrid) return mapNodesFromGrid(model.nodes, model.socGrid, grid.timesMs, t, holders);
  return mapNodes(model.nodes, model.series, t, holders);
}

/** The map's links: every reception's tallies in a large run's digest, else the receptions embedded. */
export function mapLinksOf(model: RunModel, limit: number): MapLink[] {
  const flat = model.digest?.receptions?.links;
  if (!flat) return mapLinks(model.receptions, limit);
  const links: MapLink[] = [];
  for (let i = 0; i + 6 <= flat.length && links.length < limit; i += 6) links.push(linkOf(flat[i]!, flat[i + 1]!, flat[i + 2]!, flat[i + 3]!, flat[i + 4]!, flat[i + 5]!));
  return links;
}

export type LinkQuality = 'good' | 'fair' | 'poor';

export interface MapLink {
  readonly from: number;
  readonly to: number;
  readonly heard: number;
  readonly received: number;
  /** Mean SNR of the receptions (dB). */
  readonly meanSnrDb: number;
  /** received / heard. */
  readonly deliveryRatio: number;
  readonly quality: LinkQuality;
}

/**
 * A link's figures from its tallies: `heard` receptions of which `received` were received, and
 * the sum and count of their finite SNRs. Quality: good when ≥ 90 % were received and the mean
 * SNR is at least 0 dB, poor when under half were, fair otherwise.
 */
export function linkOf(from: number, to: number, heard: number, received: number, snrSumDb: number, snrCount: number): MapLink {
  const deliveryRatio = received / heard;
  const meanSnrDb = snrCount > 0 ? snrSumDb / snrCount : Number.NaN;
  const quality: LinkQuality = deliveryRatio >= 0.9 && meanSnrDb >= 0 ? 'good' : deliveryRatio < 0.5 ? 'poor' : 'fair';
  return { from, to, heard, received, meanSnrDb, deliveryRatio, quality };
}

/** The `limit` most heard links, ties by sender then receiver. */
export function rankLinks<T extends MapLink>(links: T[], limit: number): T[] {
  return links.sort((a, b) => b.heard - a.heard || a.from - b.from || a.to - b.to).slice(0, limit);
}

/** One link per ordered (sender, receiver) pair that heard a frame, at most `limit` (most heard first). */
export function mapLinks(receptions: readonly ReceptionRow[], limit = 2000): MapLink[] {
  const pairs = new Map<number, { from: number; to: number; heard: number; received: number; snr: number; snrCount: number }>();
  for (const r of receptions) {
    if (r.sender < 0 || r.receiver < 0) continue;
    const key = r.sender * 4_294_967_296 + r.receiver;
    let pair = pairs.get(key);
    if (!pair) pairs.set(key, (pair = { from: r.sender, to: r.receiver, heard: 0, received: 0, snr: 0, snrCount: 0 }));
    pair.heard++;
    if (r.fate === 'received') pair.received++;
    if (Number.isFinite(r.snrDb)) {
      pair.snr += r.snrDb;
      pair.snrCount++;
    }
  }
  return rankLinks(
    [...pairs.values()].map((p) => linkOf(p.from, p.to, p.heard, p.received, p.snr, p.snrCount)),
    limit,
  );
}

/**
 * Frames on the air at some instant of (t − windowMs, t]: started at or before t and ended
 * after t − windowMs (a frame lasts a fraction of a second, a slider step may span minutes),
 * each with how far it had got at t (0..1, 1 once it ended).
 */
export function framesInFlight(frames: readonly FrameRow[], t: number, windowMs = 0): { frame: FrameRow; progress: number }[] {
  const flying: { frame: FrameRow; progress: number }[] = [];
  for (const frame of frames) {
    if (frame.atMs <= t && frame.endMs > t - windowMs) flying.push({ frame, progress: frame.endMs > frame.atMs ? Math.min(1, (t - frame.atMs) / (frame.endMs - frame.atMs)) : 1 });
  }
  return flying;
}
