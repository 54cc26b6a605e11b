/**
 * The swarm map's data (issue 8): each node's state at time t (state of charge from the last
 * sample, dead once it died, its role), the links heard over the run with their quality, and
 * the frames on the air at t. Pure.
 */
import type { FrameRow, NodeRow, ReceptionRow, SeriesPoint } from './run-model.ts';

export interface MapNode {
  readonly id: string;
  readonly role: string;
  readonly x: number;
  readonly y: number;
  /** State of charge at t (1 before the first sample). */
  readonly soc: number;
  readonly dead: boolean;
  /** Whether the node holds a unit of the model (placement), for its outline. */
  readonly holdsUnits: boolean;
}

/** Node states at `t`: the last series sample at or before t, and deaths at or before t. */
export function mapNodes(nodes: readonly NodeRow[], series: readonly SeriesPoint[], t: number, holders: ReadonlySet<string> = new Set()): MapNode[] {
  const soc = new Float64Array(nodes.length).fill(1);
  const deadBySample = new Uint8Array(nodes.length);
  for (const point of series) {
    if (point.atMs > t || point.node < 0) continue;
    soc[point.node] = point.soc;
    deadBySample[point.node] = point.alive ? 0 : 1;
  }
  return nodes.map((node, i) => ({
    id: node.id,
    role: node.role,
    x: node.x,
    y: node.y,
    soc: soc[i]!,
    dead: (node.diedAtMs !== null && node.diedAtMs <= t) || deadBySample[i] === 1,
    holdsUnits: holders.has(node.id),
  }));
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
 * One link per ordered (sender, receiver) pair that heard a frame, at most `limit` (most
 * heard first). Quality: good when ≥ 90 % of receptions were received and the mean SNR is at
 * least 0 dB, poor when under half were, fair otherwise.
 */
export function mapLinks(receptions: readonly ReceptionRow[], limit = 2000): MapLink[] {
  const pairs = new Map<number, { from: number; to: number; heard: number; received: number; snr: number; snrCount: number }>();
  for (const r of receptions) {
    if (r.sender < 0 || r.receiver < 0) continue;
    const key = r.sender * 1_000_003 + r.receiver;
    let pair = pairs.get(key);
    if (!pair) pairs.set(key, (pair = { from: r.sender, to: r.receiver, heard: 0, received: 0, snr: 0, snrCount: 0 }));
    pair.heard++;
    if (r.fate === 'received') pair.received++;
    if (Number.isFinite(r.snrDb)) {
      pair.snr += r.snrDb;
      pair.snrCount++;
    }
  }
  return [...pairs.values()]
    .map((p) => {
      const deliveryRatio = p.received / p.heard;
      const meanSnrDb = p.snrCount > 0 ? p.snr / p.snrCount : Number.NaN;
      const quality: LinkQuality = deliveryRatio >= 0.9 && meanSnrDb >= 0 ? 'good' : deliveryRatio < 0.5 ? 'poor' : 'fair';
      return { from: p.from, to: p.to, heard: p.heard, received: p.received, meanSnrDb, deliveryRatio, quality };
    })
    .sort((a, b) => b.heard - a.heard || a.from - b.from || a.to - b.to)
    .slice(0, limit);
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
