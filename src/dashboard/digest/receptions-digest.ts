/**
 * receptions.csv as a report holds it. The map's links are tallied from every reception (per
 * ordered sender–receiver pair: heard, received, the sum and count of finite SNRs, as
 * views/map.ts's `mapLinks` tallies them) and the most heard kept, exact; the rows themselves
 * (the columns the views read) are embedded whole up to `limit`, else as a systematic sample
 * (every k-th, k a power of two), which the map ranks only if there were more than `pairLimit`
 * pairs to tally (a broadcast city). Pure.
 *
 * @example
 * const receptions = createReceptionsDigest({ limit: 100_000, pairLimit: 1_000_000, links: 1500 });
 * // readCsv('run/receptions.csv.gz', receptions), then:
 * receptions.result(bins, { ids }).links // [from, to, heard, received, snrSumDb, snrCount, …], most heard first
 */
import type { CsvRow, CsvVisitor } from '../read/csv-stream.ts';
import type { IdIndex } from '../read/id-index.ts';
import { embeddedHeader } from './embedded-header.ts';
import { linkOf, rankLinks, type MapLink } from '../views/map.ts';
import { csvTable } from './csv-text.ts';
import { createSystematicSample } from './systematic-sample.ts';
import { createPairTable } from '../read/pair-table.ts';
import { fateOrder } from '../views/delivery.ts';
import { binOf, type TimeBins } from '../views/time-bins.ts';
import type { DeliveryDigest } from '../views/run-digest.ts';

/** `fateOrder`'s index by its names' first byte, each its own: a row's fate is one comparison, not seven. */
const fateByFirstCode = new Int8Array(128).fill(-1);
for (const [i, name] of fateOrder.entries()) {
  if (fateByFirstCode[name.charCodeAt(0)] !== -1) throw new Error(`two fates start with ${name[0]}: fateByFirstCode needs a first byte of each its own`);
  fateByFirstCode[name.charCodeAt(0)] = i;
}
const receivedFate = fateOrder.indexOf('received');

/** The index in `fateOrder` of the fate cell `k` holds, or -1. */
function fateOf(row: CsvRow, k: number): number {
  const code = row.firstCode(k);
  const fate = code >= 0 && code < 128 ? fateByFirstCode[code]! : -1;
  return fate >= 0 && row.equals(k, fateOrder[fate]!) ? fate : -1;
}

/** Receivers and distance bins the delivery digest keeps. */
const deliveryReceivers = 256;
const distanceBins = 10;

export interface ReceptionsDigestOptions {
  /** The most rows embedded. */
  readonly limit: number;
  /** The most pairs tallied. */
  readonly pairLimit: number;
  /** The links kept. */
  readonly links: number;
  /** Receptions expected (summary.json's frames.receptions), or 0: see systematic-sample.ts. */
  readonly expected?: number;
}

/** The run's nodes, known once nodes.csv is read (which may be after the rows). */
export interface ReceptionsNodes {
  /** Their ids (nodes.csv order), which the links name by index. */
  readonly ids: IdIndex;
  /** Their positions (m), for delivery against distance. */
  readonly xs?: readonly number[];
  readonly ys?: readonly number[];
}

export interface ReceptionsDigestResult {
  /** The sampled receptions, and the table without them. */
  readonly csv: string;
  readonly header: string;
  readonly rows: number;
  readonly kept: number;
  readonly every: number;
  /** Pairs tallied (`pairLimit` when there were more). */
  readonly pairs: number;
  /** The most heard links' tallies, or null when the pairs passed `pairLimit`. */
  readonly links: number[] | null;
  readonly delivery: DeliveryDigest;
}

export interface ReceptionsDigest extends CsvVisitor {
  /** `bins`: the report's time grid, for the fates over time (known once series.csv is read, which may be after the rows). */
  result(bins: TimeBins, nodes: ReceptionsNodes): ReceptionsDigestResult;
}

export function createReceptionsDigest(options: ReceptionsDigestOptions): ReceptionsDigest {
  const sample = createSystematicSample<string>(options.limit, options.expected);
  // Each pair's numbers: heard, received, the sum and count of finite SNRs.
  let pairs = createPairTable();
  let overflow = false;
  let kept: string[] = [];
  let keptCells: number[] = [];
  let at = 0;
  const fates = createFateTimes();
  return {
    header(columns) {
      const found = embeddedHeader('receptions.csv', columns, ['sender', 'receiver', 'fate', 'snrDb', 'atMs']);
      ({ kept, keptCells, at } = found);
      return found.indexes;
    },
    row(row) {
      if (sample.wants()) sample.keep(row.joined(keptCells));
      else sample.skip();
      const fate = fateOf(row, at + 2);
      // NaN: no time (number() gives only finite numbers otherwise), which bins as the run's end.
      if (fate >= 0) fates.push(fate, row.number(at + 4, Number.NaN));
      if (overflow) return;
      // Pairs by their ids' bytes, resolved to nodes once at the end.
      const at0 = pairs.numbersAt(row.pair(at, at + 1, pairs));
      if (pairs.size > options.pairLimit) {
        overflow = true;
        pairs = createPairTable();
        return;
      }
      const numbers = pairs.numbers;
      numbers[at0]!++;
      if (fate === receivedFate) numbers[at0 + 1]!++;
      const snrDb = row.number(at + 3, Number.NaN);
      if (Number.isFinite(snrDb)) {
        numbers[at0 + 2]! += snrDb;
        numbers[at0 + 3]!++;
      }
    },
    result(bins, { ids, xs, ys }) {
      const fatesByBin = fates.binned(bins);
      let links: number[] | null = null;
      let delivery: DeliveryDigest = { fatesByBin, receivers: null, distance: null };
      if (!overflow) {
        const all: (MapLink & { snrSumDb: number; snrCount: number })[] = [];
        const numbers = pairs.numbers;
        pairs.forEach((bytes, senderStart, senderEnd, receiverStart, receiverEnd, n) => {
          const from = ids.find(bytes, senderStart, senderEnd);
          const to = ids.find(bytes, receiverStart, receiverEnd);
          // As mapLinks: receptions naming a node nodes.csv does not hold are left out.
          if (from < 0 || to < 0) return;
          const link = linkOf(from, to, numbers[n]!, numbers[n + 1]!, numbers[n + 2]!, numbers[n + 3]!);
          all.push(Object.assign(link, { snrSumDb: numbers[n + 2]!, snrCount: numbers[n + 3]! }));
        });
        delivery = { fatesByBin, receivers: receiverTallies(all), distance: distanceTallies(all, xs, ys) };
        links = rankLinks(all, options.links).flatMap((link) => [link.from, link.to, link.heard, link.received, link.snrSumDb, link.snrCount]);
      }
      return { csv: csvTable(kept, sample.items), header: csvTable(kept, []), rows: sample.seen, kept: sample.items.length, every: sample.every, pairs: overflow ? options.pairLimit : pairs.size, links, delivery };
    },
  };
}

/** Each reception's fate (index in `fateOrder`) and time, kept until the time bins are known. */
function createFateTimes() {
  let codes = new Uint8Array(1 << 12);
  let times = new Float64Array(1 << 12);
  let size = 0;
  return {
    push(fate: number, atMs: number): void {
      if (size === codes.length) {
        const moreCodes = new Uint8Array(2 * size);
        moreCodes.set(codes);
        codes = moreCodes;
        const moreTimes = new Float64Array(2 * size);
        moreTimes.set(times);
        times = moreTimes;
      }
      codes[size] = fate;
      times[size++] = atMs;
    },
    /** Receptions per time bin and fate, flat [bin 0's fates…, bin 1's…], up to the last bin with one. */
    binned(bins: TimeBins): number[] {
      const tallies: number[] = [];
      for (let i = 0; i < size; i++) {
        const atMs = times[i]!;
        const cell = binOf(bins, Number.isNaN(atMs) ? bins.spanMs : atMs) * fateOrder.length + codes[i]!;
        while (tallies.length <= cell) tallies.push(0);
        tallies[cell]!++;
      }
      return tallies;
    },
  };
}

/** Per receiver, flat [node, heard, received, …], the most heard first (ties by node). */
function receiverTallies(links: readonly MapLink[]): number[] {
  const byReceiver = new Map<number, [number, number]>();
  for (const link of links) {
    const tally = byReceiver.get(link.to) ?? [0, 0];
    tally[0] += link.heard;
    tally[1] += link.received;
    byReceiver.set(link.to, tally);
  }
  return [...byReceiver]
    .sort((a, b) => b[1][0] - a[1][0] || a[0] - b[0])
    .slice(0, deliveryReceivers)
    .flatMap(([node, [heard, received]]) => [node, heard, received]);
}

/** Receptions by sender–receiver distance, flat [toM, heard, received, …] over equal bins up to the longest; null without positions. */
function distanceTallies(links: readonly MapLink[], xs: readonly number[] | undefined, ys: readonly number[] | undefined): number[] | null {
  if (!xs || !ys) return null;
  const distances = links.map((link) => Math.hypot(xs[link.from]! - xs[link.to]!, ys[link.from]! - ys[link.to]!));
  let longest = 0;
  for (const d of distances) if (d > longest) longest = d;
  if (!Number.isFinite(longest)) return null;
  const width = longest > 0 ? longest / distanceBins : 1;
  const tallies = Array.from({ length: distanceBins }, () => [0, 0]);
  links.forEach((link, i) => {
    const d = distances[i]!;
    if (!Number.isFinite(d)) return;
    const tally = tallies[Math.min(distanceBins - 1, Math.floor(d / width))]!;
    tally[0]! += link.heard;
    tally[1]! += link.received;
  });
  return tallies.flatMap(([heard, received], i) => [(i + 1) * width, heard!, received!]);
}
