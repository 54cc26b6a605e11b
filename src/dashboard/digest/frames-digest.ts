/**
 * frames.csv as a report holds it. Every sent frame counts in the exact figures: frames sent
 * per time bin (the header's "frames sent" at each slider position) and, for the nodes the
 * duty-cycle view follows, their airtime per sub-band per time bin. The rows themselves (the
 * columns the views read, blocked frames left out as the model leaves them out) are a
 * systematic sample of the sent frames: all of them up to `limit`, else every k-th (k a power
 * of two: systematic-sample.ts), which the map draws as the frames on the air. Pure.
 *
 * Read back from a finished run's file, the time bins (the run's drained end) and the nodes
 * followed (the busiest in nodes.csv) are known before the first row, and the digest streams
 * (`createFramesDigest`): nothing is kept per row. Digested as the run writes the file (the
 * report's thread, report-digester.ts), they are known only at the end, so the rows are first
 * recorded (`createFramesRecord`: each sent frame's time, airtime, channel and sender, 28
 * bytes, and the sample's rows), then taken through the same figures (`framesDigestOf`).
 *
 * @example
 * const frames = createFramesDigest({ bins: { spanMs: 86_400_000, count: 1000 }, follow: [3, 7], followIds: ['n-3', 'n-7'], bands, limit: 100_000 });
 * // readCsv('run/frames.csv.gz', frames), then:
 * frames.result().sentByBin // exact counts per bin
 */
import type { CsvRow, CsvVisitor } from '../read/csv-stream.ts';
import { createIdIndex, type IdIndex } from '../read/id-index.ts';
import { embeddedHeader } from './embedded-header.ts';
import { binOf, type TimeBins } from '../views/time-bins.ts';
import { bandIndexOf, type BandRange } from '../views/duty-cycle.ts';
import { csvTable } from './csv-text.ts';
import { createSystematicSample } from './systematic-sample.ts';

/** The sent frames of a frames.csv as its digest needs them: plain data, which crosses threads. */
export interface FramesRecordData {
  /** The embedded columns the file has. */
  readonly kept: readonly string[];
  /** The sampled sent frames' embedded cells, one CSV record each, and one in `every` was kept. */
  readonly items: readonly string[];
  readonly every: number;
  /** Each sent frame, in file order: its time, airtime and channel (NaN: none), and its sender's index in the run's nodes (-1: none of them, or not one the record looked for). */
  readonly atMs: Float64Array;
  readonly airtimeMs: Float64Array;
  readonly channelMhz: Float64Array;
  readonly sender: Int32Array;
}

export interface FramesRecord extends CsvVisitor {
  data(): FramesRecordData;
}

export interface FramesDigestOptions {
  readonly bins: TimeBins;
  /** The nodes whose airtime is kept per sub-band and bin: their indices among the run's nodes. */
  readonly follow: readonly number[];
  readonly bands: readonly BandRange[];
}

/** A frames.csv read with its bins and the nodes followed known (a finished run's file). */
export interface StreamedFramesOptions extends FramesDigestOptions {
  /** The ids of the nodes followed, in `follow`'s order. */
  readonly followIds: readonly string[];
  /** The most sent frames embedded. */
  readonly limit: number;
  /** Sent frames expected (summary.json's frames.sent), or 0: see systematic-sample.ts. */
  readonly expected?: number;
}

export interface FramesDigest extends CsvVisitor {
  result(): FramesDigestResult;
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

/** The cells the figures read, after the embedded columns: at, at + 1, … */
const framesCells = ['sender', 'outcome', 'atMs', 'airtimeMs', 'channelMhz'] as const;

/** Bins per sub-band per followed node in an airtime key; bins past it are not kept. */
const binLimit = 1 << 21;

/**
 * The record of a frames.csv whose bins and followed nodes are not known yet: `ids` the run's
 * nodes (nodes.csv's order), by which each frame's sender is kept; `limit` the most sent frames
 * embedded (the sample thins as it goes: see systematic-sample.ts).
 */
export function createFramesRecord(ids: IdIndex, limit: number): FramesRecord {
  const sample = createSystematicSample<string>(limit);
  let size = 0;
  let atMs = new Float64Array(1 << 12);
  let airtimeMs = new Float64Array(1 << 12);
  let channelMhz = new Float64Array(1 << 12);
  let sender = new Int32Array(1 << 12);
  let kept: string[] = [];
  let keptCells: number[] = [];
  // Cells asked for: the kept columns, then `framesCells` from `at` on.
  let at = 0;
  const grow = (): void => {
    const more = <T extends Float64Array | Int32Array>(array: T, make: (length: number) => T): T => {
      const grown = make(2 * size);
      grown.set(array);
      return grown;
    };
    atMs = more(atMs, (n) => new Float64Array(n));
    airtimeMs = more(airtimeMs, (n) => new Float64Array(n));
    channelMhz = more(channelMhz, (n) => new Float64Array(n));
    sender = more(sender, (n) => new Int32Array(n));
  };
  return {
    header(columns) {
      const found = embeddedHeader('frames.csv', columns, framesCells);
      ({ kept, keptCells, at } = found);
      return found.indexes;
    },
    row(row) {
      if (!row.equals(at + 1, 'sent')) return;
      if (size === atMs.length) grow();
      atMs[size] = row.number(at + 2);
      airtimeMs[size] = row.number(at + 3);
      channelMhz[size] = row.number(at + 4, Number.NaN);
      sender[size] = row.id(at, ids);
      size++;
      if (sample.wants()) sample.keep(row.joined(keptCells));
      else sample.skip();
    },
    data: () => ({ kept, items: sample.items, every: sample.every, atMs: atMs.subarray(0, size), airtimeMs: airtimeMs.subarray(0, size), channelMhz: channelMhz.subarray(0, size), sender: sender.subarray(0, size) }),
  };
}

/** The figures of the sent frames, taken one at a time in file order. */
interface FramesFigures {
  /**
   * One sent frame: `slot` its sender's place in `follow` (-1: not followed), `embedded`
   * whether the sample keeps it. Its channel is asked for only when it is followed.
   */
  add(atMs: number, airtimeMs: number, slot: number, embedded: boolean, channelMhz: () => number): void;
  result(): Pick<FramesDigestResult, 'sentByBin' | 'airtime' | 'endMs'>;
}

function createFramesFigures(options: FramesDigestOptions): FramesFigures {
  const { bins, bands, follow } = options;
  const airtime = new Map<number, number>();
  let sentByBin = new Float64Array(bins.count + 1);
  let endMs = 0;
  return {
    add(atMs, airtimeMs, slot, embedded, channelMhz) {
      const bin = binOf(bins, atMs);
      if (bin >= sentByBin.length) {
        const grown = new Float64Array(Math.max(bin + 1, sentByBin.length * 2));
        grown.set(sentByBin);
        sentByBin = grown;
      }
      sentByBin[bin]!++;
      if (embedded) endMs = Math.max(endMs, atMs + airtimeMs);
      if (slot < 0 || bin >= binLimit) return;
      const band = bandIndexOf(bands, channelMhz());
      if (band < 0) return;
      // As the model takes a frame's airtime: its end less its start.
      const frameEndMs = atMs + airtimeMs;
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
        flat.push(follow[Math.floor(slotBand / bands.length)]!, slotBand % bands.length, bin, airtime.get(key)!);
      }
      return { sentByBin: Array.from(sentByBin.subarray(0, last)), airtime: flat, endMs };
    },
  };
}

/** frames.csv digested as it is read, its bins and the nodes followed known: nothing kept per row. */
export function createFramesDigest(options: StreamedFramesOptions): FramesDigest {
  const sample = createSystematicSample<string>(options.limit, options.expected);
  const figures = createFramesFigures(options);
  // The followed nodes' own index: most senders miss it at once, without touching every node's.
  const followed = createIdIndex(options.followIds);
  let kept: string[] = [];
  let keptCells: number[] = [];
  // Cells asked for: the kept columns, then `framesCells` from `at` on.
  let at = 0;
  let current: CsvRow | undefined;
  const channelMhz = (): number => current!.number(at + 4, Number.NaN);
  return {
    header(columns) {
      const found = embeddedHeader('frames.csv', columns, framesCells);
      ({ kept, keptCells, at } = found);
      return found.indexes;
    },
    row(row) {
      if (!row.equals(at + 1, 'sent')) return;
      const embedded = sample.wants();
      if (embedded) sample.keep(row.joined(keptCells));
      else sample.skip();
      current = row;
      figures.add(row.number(at + 2), row.number(at + 3), options.follow.length === 0 ? -1 : row.id(at, followed), embedded, channelMhz);
    },
    result: () => ({ csv: csvTable(kept, sample.items), sent: sample.seen, kept: sample.items.length, every: sample.every, ...figures.result() }),
  };
}

/** The digest of a frames record over the run's time bins, following `options.follow`: the same as `createFramesDigest` reading the file. */
export function framesDigestOf(data: FramesRecordData, options: FramesDigestOptions): FramesDigestResult {
  const { atMs, airtimeMs, channelMhz, sender, every } = data;
  const figures = createFramesFigures(options);
  // Each node's place in `follow` (-1: not followed), by node index.
  const slots = new Int32Array(options.follow.reduce((most, node) => Math.max(most, node + 1), 0)).fill(-1);
  options.follow.forEach((node, slot) => (slots[node] = slot));
  let i = 0;
  const channel = (): number => channelMhz[i]!;
  for (; i < atMs.length; i++) {
    const node = sender[i]!;
    // The embedded frames: every k-th sent frame, from the first.
    figures.add(atMs[i]!, airtimeMs[i]!, node >= 0 && node < slots.length ? slots[node]! : -1, i % every === 0, channel);
  }
  return { csv: csvTable(data.kept, data.items), sent: atMs.length, kept: data.items.length, every, ...figures.result() };
}
