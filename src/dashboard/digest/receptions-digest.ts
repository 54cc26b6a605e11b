/**
 * receptions.csv as a report holds it. The map's links are tallied from every reception (per
 * ordered sender–receiver pair: heard, received, the sum and count of finite SNRs, as
 * views/map.ts's `mapLinks` tallies them) and the most heard kept, exact; the rows themselves
 * (the columns the views read) are embedded whole up to `limit`, else as a systematic sample
 * (every k-th, k a power of two), which the map ranks only if there were more than `pairLimit`
 * pairs to tally (a broadcast city). Pure.
 *
 * @example
 * const receptions = createReceptionsDigest({ ids, limit: 100_000, pairLimit: 1_000_000, links: 1500 });
 * // readCsv('run/receptions.csv.gz', receptions), then:
 * receptions.result().links // [from, to, heard, received, snrSumDb, snrCount, …], most heard first
 */
import type { CsvVisitor } from '../read/csv-stream.ts';
import type { IdIndex } from '../read/id-index.ts';
import { embeddedHeader } from './embedded-header.ts';
import { linkOf, rankLinks, type MapLink } from '../views/map.ts';
import { csvTable } from './csv-text.ts';
import { createSystematicSample } from './systematic-sample.ts';
import { createPairTable } from '../read/pair-table.ts';

export interface ReceptionsDigestOptions {
  readonly ids: IdIndex;
  /** The most rows embedded. */
  readonly limit: number;
  /** The most pairs tallied. */
  readonly pairLimit: number;
  /** The links kept. */
  readonly links: number;
  /** Receptions expected (summary.json's frames.receptions), or 0: see systematic-sample.ts. */
  readonly expected?: number;
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
}

export interface ReceptionsDigest extends CsvVisitor {
  result(): ReceptionsDigestResult;
}

export function createReceptionsDigest(options: ReceptionsDigestOptions): ReceptionsDigest {
  const { ids } = options;
  const sample = createSystematicSample<string>(options.limit, options.expected);
  // Each pair's numbers: heard, received, the sum and count of finite SNRs.
  let pairs = createPairTable();
  let overflow = false;
  let kept: string[] = [];
  let keptCells: number[] = [];
  let at = 0;
  return {
    header(columns) {
      const found = embeddedHeader('receptions.csv', columns, ['sender', 'receiver', 'fate', 'snrDb']);
      ({ kept, keptCells, at } = found);
      return found.indexes;
    },
    row(row) {
      if (sample.wants()) sample.keep(row.joined(keptCells));
      else sample.skip();
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
      if (row.equals(at + 2, 'received')) numbers[at0 + 1]!++;
      const snrDb = row.number(at + 3, Number.NaN);
      if (Number.isFinite(snrDb)) {
        numbers[at0 + 2]! += snrDb;
        numbers[at0 + 3]!++;
      }
    },
    result() {
      let links: number[] | null = null;
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
        links = rankLinks(all, options.links).flatMap((link) => [link.from, link.to, link.heard, link.received, link.snrSumDb, link.snrCount]);
      }
      return { csv: csvTable(kept, sample.items), header: csvTable(kept, []), rows: sample.seen, kept: sample.items.length, every: sample.every, pairs: overflow ? options.pairLimit : pairs.size, links };
    },
  };
}
