/**
 * The swarm's link graph and its routing tables (issue 6, "Routing").
 *
 * A directed link a → b exists when b's mean received power from a clears b's sensitivity at
 * a's spreading factor by `marginDb` (mean path loss, no shadowing draw). Each link's cost is
 * the expected airtime of one activation message (all its fragments when one frame cannot
 * carry it): its time on air divided by the chance a frame arrives, Φ(margin / σ) under log-normal shadowing of σ dB (1 without shadowing), times
 * 1 − the scenario's extra loss probability. Routes are the shortest paths in expected
 * airtime (Dijkstra from every source; ties broken towards the lower node index, so tables are
 * deterministic); `next[a][b]` is the first hop from a towards b.
 *
 * Route repair: tables are recomputed without the dead nodes (`computeRoutes` with `dead`).
 */
import { timeOnAir } from '../radio/airtime.ts';
import { fragmentPayload } from '../radio/fragmentation.ts';
import { meanPathLossDb, rxPowerDbm, type PathLossModel } from '../radio/path-loss.ts';
import { sensitivityDbm } from '../radio/sensitivity.ts';
import type { AirtimeParams } from '../radio/airtime.ts';
import type { SensitivityTableId } from '../radio/sensitivity.ts';

/** What the link model needs of a node. */
export interface LinkNode {
  readonly xM: number;
  readonly yM: number;
  readonly txPowerDbm: number;
  readonly antennaGainDbi: number;
  readonly sensitivity: SensitivityTableId;
  readonly noiseFigureDb: number;
  /** Time-on-air parameters of the node's transmissions, without the payload length. */
  readonly airtime: Omit<AirtimeParams, 'payloadBytes'>;
  /** Largest application payload one of its frames carries (longer messages are fragmented). */
  readonly maxAppBytes: number;
}

export interface LinkModel {
  readonly pathLoss: PathLossModel;
  /** Shadowing σ in dB (0: none). */
  readonly shadowingSigmaDb: number;
  readonly extraLossProbability: number;
  /** Margin above sensitivity a link must have, in dB. */
  readonly marginDb: number;
  /** Application bytes of the message the costs are computed for (an activation message). */
  readonly messageBytes: number;
  /** Framing overhead per frame (header and MIC). */
  readonly framingBytes: number;
}

export interface Link {
  readonly to: number;
  /** Mean received power above sensitivity, dB. */
  readonly marginDb: number;
  /** Probability that one frame arrives. */
  readonly delivery: number;
  /** Expected airtime per delivered frame, ms. */
  readonly costMs: number;
}

export interface LinkGraph {
  /** Outgoing links of every node, in receiver order. */
  readonly links: readonly (readonly Link[])[];
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 on erf; |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export function linkGraph(nodes: readonly LinkNode[], model: LinkModel): LinkGraph {
  const links = nodes.map((a, i) => {
    // A message longer than one frame goes as fragments: the link's cost is all of their airtime.
    const parts = model.messageBytes <= a.maxAppBytes ? [model.messageBytes] : fragmentPayload(new Uint8Array(model.messageBytes), 0, a.maxAppBytes).map((part) => part.length);
    const airtimeMs = parts.reduce((sum, bytes) => sum + timeOnAir({ ...a.airtime, payloadBytes: model.framingBytes + bytes }).airtimeMs, 0);
    const out: Link[] = [];
    nodes.forEach((b, j) => {
      if (i === j) return;
      const sensitivity = sensitivityDbm(b.sensitivity, a.airtime.sf, a.airtime.bandwidthHz, b.noiseFigureDb);
      if (sensitivity === undefined) return;
      const loss = meanPathLossDb(model.pathLoss, Math.hypot(a.xM - b.xM, a.yM - b.yM));
      const marginDb = rxPowerDbm(a.txPowerDbm, a.antennaGainDbi, b.antennaGainDbi, loss, 0) - sensitivity;
      if (marginDb < model.marginDb) return;
      const delivery = (model.shadowingSigmaDb > 0 ? normalCdf(marginDb / model.shadowingSigmaDb) : 1) * (1 - model.extraLossProbability);
      if (!(delivery > 0)) return;
      out.push({ to: j, marginDb, delivery, costMs: airtimeMs / delivery });
    });
    return out;
  });
  return { links };
}

export interface Routes {
  /** Expected airtime of the best route, ms (0 to itself, Infinity when unreachable). */
  readonly costMs: readonly Float64Array[];
  /** Hops on the best route (0 to itself, -1 when unreachable). */
  readonly hops: readonly Int32Array[];
  /** First hop from a towards b (-1 when unreachable or a = b). */
  readonly next: readonly Int32Array[];
}

/** All-pairs shortest paths in expected airtime, avoiding the nodes marked dead. */
export function computeRoutes(graph: LinkGraph, dead: readonly boolean[] = []): Routes {
  const n = graph.links.length;
  const costMs: Float64Array[] = [];
  const hops: Int32Array[] = [];
  const next: Int32Array[] = [];
  for (let source = 0; source < n; source++) {
    const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    const hop = new Int32Array(n).fill(-1);
    const first = new Int32Array(n).fill(-1);
    const done = new Uint8Array(n);
    if (!dead[source]) {
      dist[source] = 0;
      hop[source] = 0;
    }
    // n is small (at most a few thousand placement candidates): a linear scan per step is enough.
    for (;;) {
      let u = -1;
      for (let v = 0; v < n; v++) if (!done[v] && Number.isFinite(dist[v]!) && (u < 0 || dist[v]! < dist[u]!)) u = v;
      if (u < 0) break;
      done[u] = 1;
      for (const link of graph.links[u]!) {
        const v = link.to;
        if (dead[v] || done[v]) continue;
        const candidate = dist[u]! + link.costMs;
        const via = u === source ? v : first[u]!;
        if (candidate < dist[v]! || (candidate === dist[v]! && via < first[v]!)) {
          dist[v] = candidate;
          hop[v] = hop[u]! + 1;
          first[v] = via;
        }
      }
    }
    costMs.push(dist);
    hops.push(hop);
    next.push(first);
  }
  return { costMs, hops, next };
}
