/**
 * frames.csv as a report holds it. Every sent frame counts in the exact figures: frames sent
 * per time bin (the header's "frames sent" at each slider position) and, for the nodes the
 * duty-cycle view follows, their airtime per sub-band per time bin. The rows themselves (the
 * columns the views read, blocked frames left out as the model leaves them out) are a
 * systematic sample of the sent frames: all of them up to `limit`, else every k-th (k a power
 * of two: systematic-sample.ts), which the map draws as the frames on the air.
 *
 * In two steps, because the time bins (the run's drained end) and the nodes followed (the
 * busiest in nodes.csv) are known only once the run is over, and the CSV writer thread digests
 * frames.csv as the run writes it: a record of the file (`createFramesRecord`: each sent
 * frame's time, airtime, channel and sender, 28 bytes, and the sample's rows), then its digest
 * (`framesDigestOf`). Pure.
 *
 * @example
 * const record = createFramesRecord({ ids: createIdIndex(nodeIds) }, 100_000);
 * // readCsv('run/frames.csv.gz', record), then:
 * framesDigestOf(record.data(), { bins: { spanMs: 86_400_000, count: 1000 }, follow: [3, 7], bands }).sentByBin // exact counts per bin
 */
import type { CsvVisitor } from '../read/csv-stream.ts';
import type { IdIndex } from '../read/id-index.ts';
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

/** Bins per sub-band per followed node in an airtime key; bins past it are not kept. */
const binLimit = 1 << 21;

/**
 * How a record knows a frame's sender: `ids` finds the sender cell's index in its list, which is
 * the node's own among the run's nodes (nodes.csv's order) or, given `nodes`, the node
 * `nodes[found]`. A reader that knows which nodes will be followed looks up only theirs: a
 * small index, which most senders miss at once, instead of every node's.
 */
export interface FrameSenders {
  readonly ids: IdIndex;
  readonly nodes?: readonly number[];
}

/**
 * `limit`: the most sent frames embedded. `expected`: sent frames expected (summary.json's
 * frames.sent), or 0: see systematic-sample.ts.
 */
export function createFramesRecord(senders: FrameSenders, limit: number, expected = 0): FramesRecord {
  const { ids, nodes } = senders;
  const sample = createSystematicSample<string>(limit, expected);
  let size = 0;
  let atMs = new Float64Array(1 << 12);
  let airtimeMs = new Float64Array(1 << 12);
  let channelMhz = new Float64Array(1 << 12);
  let sender = new Int32Array(1 << 12);
  let kept: string[] = [];
  let keptCells: number[] = [];
  // Cells asked for: the kept columns, then sender, outcome, atMs, airtimeMs, channelMhz.
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
      const found = embeddedHeader('frames.csv', columns, ['sender', 'outcome', 'atMs', 'airtimeMs', 'channelMhz']);
      ({ kept, keptCells, at } = found);
      return found.indexes;
    },
    row(row) {
      if (!row.equals(at + 1, 'sent')) return;
      if (size === atMs.length) grow();
      atMs[size] = row.number(at + 2);
      airtimeMs[size] = row.number(at + 3);
      channelMhz[size] = row.number(at + 4, Number.NaN);
      const found = row.id(at, ids);
      sender[size] = nodes === undefined || found < 0 ? found : nodes[found]!;
      size++;
      if (sample.wants()) sample.keep(row.joined(keptCells));
      else sample.skip();
    },
    data: () => ({ kept, items: sample.items, every: sample.every, atMs: atMs.subarray(0, size), airtimeMs: airtimeMs.subarray(0, size), channelMhz: channelMhz.subarray(0, size), sender: sender.subarray(0, size) }),
  };
}

/** The digest of a frames record over the run's time bins, following `options.follow`. */
export function framesDigestOf(data: FramesRecordData, options: FramesDigestOptions): FramesDigestResult {
  const { bins, bands, follow } = options;
  const { atMs, airtimeMs, every } = data;
  const sent = atMs.length;
  const followSlot = new Map(follow.map((node, slot) => [node, slot]));
  const airtime = new Map<number, number>();
  let sentByBin = new Float64Array(bins.count + 1);
  let endMs = 0;
  for (let i = 0; i < sent; i++) {
    const bin = binOf(bins, atMs[i]!);
    if (bin >= sentByBin.length) {
      const grown = new Float64Array(Math.max(bin + 1, sentByBin.length * 2));
      grown.set(sentByBin);
      sentByBin = grown;
    }
    sentByBin[bin]!++;
    // The embedded frames: every k-th sent frame, from the first.
    if (i % every === 0) endMs = Math.max(endMs, atMs[i]! + airtimeMs[i]!);
    const slot = followSlot.get(data.sender[i]!);
    if (slot === undefined || bin >= binLimit) continue;
    const band = bandIndexOf(bands, data.channelMhz[i]!);
    if (band < 0) continue;
    // As the model takes a frame's airtime: its end less its start.
    const frameEndMs = atMs[i]! + airtimeMs[i]!;
    endMs = Math.max(endMs, frameEndMs);
    const key = (slot * bands.length + band) * binLimit + bin;
    airtime.set(key, (airtime.get(key) ?? 0) + (frameEndMs - atMs[i]!));
  }
  let last = sentByBin.length;
  while (last > bins.count + 1 && sentByBin[last - 1] === 0) last--;
  const flat: number[] = [];
  for (const key of [...airtime.keys()].sort((a, b) => a - b)) {
    const bin = key % binLimit;
    const slotBand = (key - bin) / binLimit;
    flat.push(follow[Math.floor(slotBand / bands.length)]!, slotBand % bands.length, bin, airtime.get(key)!);
  }
  return {
    csv: csvTable(data.kept, data.items),
    sent,
    kept: data.items.length,
    every,
    sentByBin: Array.from(sentByBin.subarray(0, last)),
    airtime: flat,
    endMs,
  };
}
