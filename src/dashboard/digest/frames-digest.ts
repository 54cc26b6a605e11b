/**
 * frames.csv as a report holds it. Every sent frame counts in the exact figures: frames sent
 * per time bin (the header's "frames sent" at each slider position) and, for the nodes the
 * duty-cycle view follows, their airtime per sub-band per time bin. The rows themselves (the
 * columns the views read, blocked frames left out as the model leaves them out) are a
 * systematic sample of the sent frames: all of them up to `limit`, else every k-th (k a power
 * of two: systematic-sample.ts), which the map draws as the frames on the air. Pure.
 *
 * @example
 * const frames = createFramesDigest({ ids, bins: { spanMs: 86_400_000, count: 1000 }, follow: [3, 7], bands, limit: 100_000 });
 * // readCsv('run/frames.csv.gz', frames), then:
 * frames.result().sentByBin // exact counts per bin
 */
import type { CsvVisitor } from '../read/csv-stream.ts';
import { createIdIndex } from '../read/id-index.ts';
import { embeddedHeader } from './embedded-header.ts';
import { binOf, type TimeBins } from '../views/time-bins.ts';
import { bandIndexOf, type BandRange } from '../views/duty-cycle.ts';
import { csvTable } from './csv-text.ts';
import { createSystematicSample } from './systematic-sample.ts';

export interface FramesDigestOptions {
  readonly bins: TimeBins;
  /** The nodes whose airtime is kept per sub-band and bin: their indices in nodes.csv, and their ids. */
  readonly follow: readonly number[];
  readonly followIds: readonly string[];
  readonly bands: readonly BandRange[];
  /** The most sent frames embedded. */
  readonly limit: number;
  /** Sent frames expected (summary.json's frames.sent), or 0: see systematic-sample.ts. */
  readonly expected?: number;
}

export interface FramesDigestResult {
  /** The embedded frames.csv: the sampled sent frames. */
  readonly csv: string;
  readonly sent: number;
  readonly kept: number;
  readonly every: number;
  readonly sentByBin: readonly number[];
  /** Flat [node, band, bin, airtimeMs, …] for the followed nodes, by node, band and bin. */
  readonly airtime: readonly number[];
  /** The latest end of a sent frame embedded or followed (ms), or 0: every frame ends by the drained end. */
  readonly endMs: number;
}

export interface FramesDigest extends CsvVisitor {
  result(): FramesDigestResult;
}

/** Bins per sub-band per followed node in an airtime key; bins past it are not kept. */
const binLimit = 1 << 21;

export function createFramesDigest(options: FramesDigestOptions): FramesDigest {
  const { bins, bands } = options;
  const sample = createSystematicSample<string>(options.limit, options.expected);
  // The followed nodes' own index: most senders miss it at once, without touching every node's.
  const followed = createIdIndex(options.followIds);
  const airtime = new Map<number, number>();
  let sentByBin = new Float64Array(bins.count + 1);
  let kept: string[] = [];
  let keptCells: number[] = [];
  let endMs = 0;
  // Cells asked for: the kept columns, then sender, outcome, atMs, airtimeMs, channelMhz.
  let at = 0;
  return {
    header(columns) {
      const found = embeddedHeader('frames.csv', columns, ['sender', 'outcome', 'atMs', 'airtimeMs', 'channelMhz']);
      ({ kept, keptCells, at } = found);
      return found.indexes;
    },
    row(row) {
      if (!row.equals(at + 1, 'sent')) return;
      const atMs = row.number(at + 2);
      const bin = binOf(bins, atMs);
      if (bin >= sentByBin.length) {
        const grown = new Float64Array(Math.max(bin + 1, sentByBin.length * 2));
        grown.set(sentByBin);
        sentByBin = grown;
      }
      sentByBin[bin]!++;
      if (sample.wants()) {
        sample.keep(row.joined(keptCells));
        endMs = Math.max(endMs, atMs + row.number(at + 3));
      } else {
        sample.skip();
      }
      if (options.follow.length === 0) return;
      const slot = row.id(at, followed);
      if (slot < 0 || bin >= binLimit) return;
      const band = bandIndexOf(bands, row.number(at + 4, Number.NaN));
      if (band < 0) return;
      // As the model takes a frame's airtime: its end less its start.
      const frameEndMs = atMs + row.number(at + 3);
      endMs = Math.max(endMs, frameEndMs);
      const key = (slot * bands.length + band) * binLimit + bin;
      airtime.set(key, (airtime.get(key) ?? 0) + (frameEndMs - atMs));
    },
    result() {
      let last = sentByBin.length;
      while (last > bins.count + 1 && sentByBin[last - 1] === 0) last--;
      const flat: number[] = [];
      for (const key of [...airtime.keys()].sort((a, b) => a - b)) {
        const bin = key % binLimit;
        const slotBand = (key - bin) / binLimit;
        flat.push(options.follow[Math.floor(slotBand / bands.length)]!, slotBand % bands.length, bin, airtime.get(key)!);
      }
      return {
        csv: csvTable(kept, sample.items),
        sent: sample.seen,
        kept: sample.items.length,
        every: sample.every,
        sentByBin: Array.from(sentByBin.subarray(0, last)),
        airtime: flat,
        endMs,
      };
    },
  };
}
