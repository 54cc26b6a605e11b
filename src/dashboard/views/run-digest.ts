/**
 * What a report of a large run holds instead of every row (docs/reference/dashboard.md, "Large
 * runs"): for each table the page samples, how many rows the file has and which it kept, and the exact figures the
 * views draw from every row (frames sent per time bin, the followed nodes' airtime, the links,
 * the series' figures per sample time). Written by the report builder (dashboard/digest/) as
 * the page's `digest.json`; a run small enough to embed whole has none. Pure.
 */
import type { TimeBins } from './time-bins.ts';

/** What the page holds of a table. */
export interface TableShown {
  /** Rows in the file (frames.csv: the sent frames). */
  readonly rows: number;
  /** Rows the page holds. */
  readonly kept: number;
  /** One row in `every` is kept, from the first (1: all). */
  readonly every: number;
}

export interface FramesDigest {
  readonly shown: TableShown;
  /** Sent frames per time bin (`RunDigest.bins`), from every sent frame. */
  readonly sentByBin: readonly number[];
  /** The nodes the duty-cycle view follows (indices into nodes.csv), busiest at the end first. */
  readonly followed: readonly number[];
  /** The nodes.csv column they were chosen by, or null (none followed). */
  readonly rankedBy: string | null;
  /** Flat [node, sub-band (index into meta.subBands), bin, airtimeMs, …], from every sent frame. */
  readonly airtime: readonly number[];
}

export interface ReceptionsDigest {
  readonly shown: TableShown;
  /** Distinct (sender, receiver) pairs heard. */
  readonly pairs: number;
  /** The most heard links' tallies, flat [from, to, heard, received, snrSumDb, snrCount, …], from every reception; null when there were too many pairs to tally (the map then ranks the sampled receptions). */
  readonly links: readonly number[] | null;
  /** The delivery views' figures, from every reception. */
  readonly delivery?: DeliveryDigest;
}

/** What became of every reception, as the delivery views draw it (views/delivery.ts). */
export interface DeliveryDigest {
  /** Receptions per time bin (`RunDigest.bins`, by the frame's end) and fate, flat [bin · fates + fate] in `fateOrder`. */
  readonly fatesByBin: readonly number[];
  /** Per receiver that heard anything, flat [node, heard, received, …], the most heard first (at most 256); null when there were too many pairs to tally. */
  readonly receivers: readonly number[] | null;
  /** Receptions by the distance from sender to receiver in equal bins up to the longest, flat [toM, heard, received, …]; null when there were too many pairs, or no positions. */
  readonly distance: readonly number[] | null;
}

export interface SeriesDigest {
  /** Rows in series.csv. */
  readonly rows: number;
  /** Distinct sample times. */
  readonly times: number;
  /** The file went back in time somewhere: figures per sample time are only approximate. */
  readonly unordered: boolean;
  /** Figures at the kept sample times (one in `every`, and the last). */
  readonly stats: {
    readonly every: number;
    readonly timesMs: readonly number[];
    /** Nodes sampled by then, and of them those alive; the state-of-charge figures are of the battery-powered ones (1 when there are none). */
    readonly sampled: readonly number[];
    readonly alive: readonly number[];
    readonly socMin: readonly number[];
    readonly socMean: readonly number[];
    readonly socMax: readonly number[];
    /** Per time, flat [node, energy by state (energyStates order)…] of the largest consumers, largest first. */
    readonly energyTop: readonly (readonly number[])[];
  };
  /** Every node's state of charge in one byte per kept time (0–250: 0–100 %, 253: on mains, 254: no sample yet, 255: dead), base64, time-major. */
  readonly grid: { readonly every: number; readonly timesMs: readonly number[]; readonly base64: string };
  /** The battery lines embedded: the nodes at indices 0, every, 2·every… */
  readonly lines: { readonly every: number; readonly nodes: number };
}

export interface RunDigest {
  /** The grid of the binned figures: the run's end over the slider's steps. */
  readonly bins: TimeBins;
  /** The last instant any row speaks of (ms), over every row read. */
  readonly endMs: number;
  readonly frames?: FramesDigest;
  readonly receptions?: ReceptionsDigest;
  readonly series?: SeriesDigest;
  /** Nodes in nodes.csv (all embedded). */
  readonly nodes: number;
  /** summary.json's keys left out of the page (per-node figures), with their entries. */
  readonly summaryLeftOut: readonly { readonly key: string; readonly entries: number }[];
  /** Files read only in part, and why. */
  readonly problems: readonly string[];
}

/** State-of-charge grid bytes. */
export const gridMains = 253;
export const gridNotSampled = 254;
export const gridDead = 255;
export const gridScale = 250;

/** The index of the last of `timesMs` (ascending) at or before `t`, or -1. */
export function lastAtOrBefore(timesMs: readonly number[], t: number): number {
  let lo = 0;
  let hi = timesMs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timesMs[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The bytes of a base64 string (atob: in browsers and Node alike). */
export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
