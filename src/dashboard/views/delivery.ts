/**
 * The delivery views' data (issue 16): what became of the frames at the receivers they
 * addressed, from receptions.csv (one row per frame and addressed receiver, with its fate and
 * the frame's end): the fates and the delivery ratio over time, by spreading factor, by
 * receiving gateway and by distance; the spreading factors in use; and the nodes that sent
 * frames of which none was received. Pure.
 */
import type { NodeRow, ReceptionRow, RunModel } from './run-model.ts';
import { binEdgeMs, binsThrough } from './time-bins.ts';

/** The fates of receptions.csv in the order the ether checks them (the last one is delivery). */
export const fateOrder = ['lostHalfDuplex', 'asleep', 'underSensitivity', 'noReceivePath', 'collided', 'dropped', 'received'] as const;

/** Receptions of a group (a time bin, an SF, a gateway, a distance) by fate. */
export interface FateTally {
  /** Receptions in the group. */
  readonly total: number;
  readonly received: number;
  /** received / total, NaN for an empty group. */
  readonly ratio: number;
  /** Receptions by fate, in `fateOrder` (fates outside it are left out). */
  readonly byFate: readonly number[];
}

export interface TimeTally extends FateTally {
  readonly startMs: number;
  readonly endMs: number;
}

export interface KeyedTally extends FateTally {
  readonly key: string;
}

/** The receptions whose frame ended by `t` (a row without a time counts at the run's end). */
export function receptionsBy(model: RunModel, t: number): ReceptionRow[] {
  return model.receptions.filter((r) => (Number.isFinite(r.atMs) ? r.atMs : model.endMs) <= t);
}

/** Every one of `receptions` by fate. */
export function tally(receptions: readonly ReceptionRow[]): FateTally {
  const byFate = fateOrder.map(() => 0);
  let total = 0;
  for (const r of receptions) {
    total++;
    const k = fateOrder.indexOf(r.fate as (typeof fateOrder)[number]);
    if (k >= 0) byFate[k]!++;
  }
  const received = byFate[fateOrder.length - 1]!;
  return { total, received, ratio: total > 0 ? received / total : Number.NaN, byFate };
}

/** `receptions` in `bins` equal bins of [0, spanMs), by the frame's end. */
export function deliveryOverTime(receptions: readonly ReceptionRow[], spanMs: number, bins: number): TimeTally[] {
  const width = Math.max(spanMs, 1) / bins;
  const groups: ReceptionRow[][] = Array.from({ length: bins }, () => []);
  for (const r of receptions) groups[Math.min(bins - 1, Math.max(0, Math.floor((Number.isFinite(r.atMs) ? r.atMs : spanMs) / width)))]!.push(r);
  return groups.map((group, i) => ({ startMs: i * width, endMs: (i + 1) * width, ...tally(group) }));
}

/** `receptions` grouped by `keyOf` (rows it gives undefined are left out), in the order `sort` gives the keys. */
export function deliveryBy(receptions: readonly ReceptionRow[], keyOf: (r: ReceptionRow) => string | undefined, sort: (a: string, b: string) => number): KeyedTally[] {
  const groups = new Map<string, ReceptionRow[]>();
  for (const r of receptions) {
    const key = keyOf(r);
    if (key === undefined) continue;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(r);
  }
  return [...groups.keys()].sort(sort).map((key) => ({ key, ...tally(groups.get(key)!) }));
}

const byNumber = (a: string, b: string): number => Number(a) - Number(b);

/** By the SF the frame was sent at (a node's own SF where the frame's is unknown). */
export function deliveryBySf(model: RunModel, receptions: readonly ReceptionRow[]): KeyedTally[] {
  return deliveryBy(receptions, (r) => (Number.isFinite(r.sf) ? String(r.sf) : sfKey(model.nodes[r.sender])), byNumber);
}

function sfKey(node: NodeRow | undefined): string | undefined {
  return node && Number.isFinite(node.sf) ? String(node.sf) : undefined;
}

/** Whether a node receives for the network (a sink or gateway) rather than sending to one. */
export function isGateway(node: NodeRow | undefined): boolean {
  return node !== undefined && (node.role === 'sink' || node.role === 'gateway');
}

/** By receiving gateway (sinks), in nodes.csv order; receptions at other nodes are left out. */
export function deliveryByGateway(model: RunModel, receptions: readonly ReceptionRow[]): KeyedTally[] {
  const order = new Map(model.nodes.map((node, i) => [node.id, i]));
  return deliveryBy(receptions, (r) => (isGateway(model.nodes[r.receiver]) ? model.nodes[r.receiver]!.id : undefined), (a, b) => order.get(a)! - order.get(b)!);
}

/** A distance bin: receptions whose sender stood from `fromM` to `toM` metres from the receiver. */
export interface DistanceTally extends FateTally {
  readonly fromM: number;
  readonly toM: number;
}

/** By the distance from sender to receiver, in `bins` equal bins up to the longest. */
export function deliveryByDistance(model: RunModel, receptions: readonly ReceptionRow[], bins: number): DistanceTally[] {
  const distances = receptions.map((r) => distanceM(model.nodes[r.sender], model.nodes[r.receiver]));
  let longest = 0;
  for (const d of distances) if (d > longest) longest = d;
  const width = longest > 0 ? longest / bins : 1;
  const groups: ReceptionRow[][] = Array.from({ length: bins }, () => []);
  receptions.forEach((r, i) => {
    const d = distances[i]!;
    if (Number.isFinite(d)) groups[Math.min(bins - 1, Math.floor(d / width))]!.push(r);
  });
  return groups.map((group, i) => ({ fromM: i * width, toM: (i + 1) * width, ...tally(group) }));
}

function distanceM(a: NodeRow | undefined, b: NodeRow | undefined): number {
  return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : Number.NaN;
}

/** Nodes (not gateways) by spreading factor: how many use each. */
export function sfDistribution(model: RunModel): { sf: number; nodes: number }[] {
  const counts = new Map<number, number>();
  for (const node of model.nodes) if (!isGateway(node) && Number.isFinite(node.sf)) counts.set(node.sf, (counts.get(node.sf) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]).map(([sf, nodes]) => ({ sf, nodes }));
}

/**
 * The nodes that sent frames by `t` of which no receiver received one (indices into nodes.csv).
 * From every reception when the page holds them all; in a large run's report, whose receptions
 * are a sample, from nodes.csv's totals at the run's end (`atEnd` says so).
 */
export function silentNodes(model: RunModel, t: number): { nodes: number[]; atEnd: boolean } {
  const sampled = (model.digest?.receptions?.shown.every ?? 1) > 1;
  if (sampled) {
    const nodes: number[] = [];
    model.nodes.forEach((node, i) => {
      if (node.receptions > 0 && node.receptionsReceived === 0) nodes.push(i);
    });
    return { nodes, atEnd: true };
  }
  const heard = new Map<number, number>();
  for (const r of receptionsBy(model, t)) {
    if (r.sender < 0) continue;
    heard.set(r.sender, (heard.get(r.sender) ?? 0) + (r.fate === 'received' ? 1 : 0));
  }
  return { nodes: [...heard].filter(([, received]) => received === 0).map(([node]) => node).sort((a, b) => a - b), atEnd: false };
}

/** Everything the delivery panel draws at t. */
export interface DeliveryFigures {
  readonly all: FateTally;
  readonly overTime: TimeTally[];
  readonly bySf: KeyedTally[];
  readonly byGateway: KeyedTally[];
  readonly byDistance: DistanceTally[];
  /** The figures by SF, gateway and distance are the run's totals, whatever t (a large run's digest). */
  readonly totalsOnly: boolean;
}

/**
 * The delivery panel's figures at `t`: from every reception on the page, or, in a large run's
 * report, from its digest (every reception tallied by the report builder): the fates by time
 * exact at the slider's steps, the rest the run's totals. `keep` narrows the fates over time
 * (one SF's frames, one gateway's receptions) where the page holds the rows.
 */
export function deliveryFigures(model: RunModel, t: number, bins: { readonly time: number; readonly distance: number }, keep: (r: ReceptionRow) => boolean = () => true): DeliveryFigures {
  const digest = model.digest?.receptions?.delivery;
  if (!digest) {
    const receptions = receptionsBy(model, t);
    return {
      all: tally(receptions),
      overTime: deliveryOverTime(receptions.filter(keep), Math.max(model.endMs, 1), bins.time),
      bySf: deliveryBySf(model, receptions),
      byGateway: deliveryByGateway(model, receptions),
      byDistance: deliveryByDistance(model, receptions, bins.distance),
      totalsOnly: false,
    };
  }
  const grid = model.digest!.bins;
  const fates = fateOrder.length;
  const through = Math.min(binsThrough(grid, t), digest.fatesByBin.length / fates);
  const width = Math.max(model.endMs, 1) / bins.time;
  const overTime = Array.from({ length: bins.time }, () => fateOrder.map(() => 0));
  const all = fateOrder.map(() => 0);
  for (let i = 0; i < through; i++) {
    const shown = overTime[Math.min(bins.time - 1, Math.max(0, Math.ceil(binEdgeMs(grid, i) / width) - 1))]!;
    for (let f = 0; f < fates; f++) {
      const n = digest.fatesByBin[i * fates + f]!;
      shown[f]! += n;
      all[f]! += n;
    }
  }
  return {
    all: tallyOf(all),
    overTime: overTime.map((byFate, i) => ({ startMs: i * width, endMs: (i + 1) * width, ...tallyOf(byFate) })),
    bySf: sfTotals(model),
    byGateway: gatewayTotals(model, digest.receivers ?? []),
    byDistance: distanceTotals(digest.distance ?? []),
    totalsOnly: true,
  };
}

function tallyOf(byFate: readonly number[]): FateTally {
  const total = byFate.reduce((sum, n) => sum + n, 0);
  const received = byFate[fateOrder.length - 1]!;
  return { total, received, ratio: total > 0 ? received / total : Number.NaN, byFate };
}

/** A tally of which only the received count is known. */
function receivedOf(total: number, received: number): FateTally {
  return { total, received, ratio: total > 0 ? received / total : Number.NaN, byFate: fateOrder.map((fate) => (fate === 'received' ? received : 0)) };
}

/** By the sender's SF, from nodes.csv's totals of each node's receptions. */
function sfTotals(model: RunModel): KeyedTally[] {
  const bySf = new Map<number, [number, number]>();
  for (const node of model.nodes) {
    if (!Number.isFinite(node.sf) || !(node.receptions > 0)) continue;
    const tally = bySf.get(node.sf) ?? [0, 0];
    tally[0] += node.receptions;
    tally[1] += node.receptionsReceived;
    bySf.set(node.sf, tally);
  }
  return [...bySf].sort((a, b) => a[0] - b[0]).map(([sf, [total, received]]) => ({ key: String(sf), ...receivedOf(total, received) }));
}

function gatewayTotals(model: RunModel, flat: readonly number[]): KeyedTally[] {
  const tallies: (KeyedTally & { node: number })[] = [];
  for (let i = 0; i + 3 <= flat.length; i += 3) {
    const node = flat[i]!;
    if (isGateway(model.nodes[node])) tallies.push({ node, key: model.nodes[node]!.id, ...receivedOf(flat[i + 1]!, flat[i + 2]!) });
  }
  return tallies.sort((a, b) => a.node - b.node);
}

function distanceTotals(flat: readonly number[]): DistanceTally[] {
  const tallies: DistanceTally[] = [];
  for (let i = 0; i + 3 <= flat.length; i += 3) tallies.push({ fromM: i === 0 ? 0 : flat[i - 3]!, toM: flat[i]!, ...receivedOf(flat[i + 1]!, flat[i + 2]!) });
  return tallies;
}
