/**
 * The datasets models learn from (issue 5; federated learning partitions them later): a
 * dataset holds samples split into training and validation, each sample tagged with a group
 * (its source list, its label) that partitioners can use.
 */

export interface Dataset<T> {
  readonly name: string;
  readonly train: readonly T[];
  readonly validation: readonly T[];
}

/** A text sample as token ids, with the text it came from. */
export interface TextSample {
  readonly text: string;
  readonly tokens: readonly number[];
  readonly group: string;
}

/** Characters (or bytes) to token ids; id 0 is the boundary token that starts and ends a text. */
export interface Vocabulary {
  readonly kind: 'chars' | 'bytes';
  /** The symbol of each id; the boundary is shown as '.'. */
  readonly symbols: readonly string[];
  readonly size: number;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

export const boundary = 0;

export function charVocabulary(alphabet: readonly string[]): Vocabulary {
  const symbols = ['.', ...alphabet];
  const index = new Map(alphabet.map((c, i) => [c, i + 1]));
  return {
    kind: 'chars',
    symbols,
    size: symbols.length,
    encode(text) {
      return [...text].map((c) => {
        const id = index.get(c);
        if (id === undefined) throw new RangeError(`character ${JSON.stringify(c)} is not in the vocabulary (${alphabet.join('')})`);
        return id;
      });
    },
    decode(ids) {
      return ids.map((id) => (id === boundary ? '' : (symbols[id] ?? '?'))).join('');
    },
  };
}

/** Bytes 0..255 as ids 1..256, UTF-8. */
export function byteVocabulary(): Vocabulary {
  const symbols = ['.', ...Array.from({ length: 256 }, (_, b) => String.fromCharCode(b))];
  return {
    kind: 'bytes',
    symbols,
    size: 257,
    encode: (text) => [...Buffer.from(text, 'utf8')].map((b) => b + 1),
    decode: (ids) => Buffer.from(ids.filter((id) => id !== boundary).map((id) => id - 1)).toString('utf8'),
  };
}

/** The vocabulary a checkpoint records (kind and symbols, the boundary first). */
export function vocabularyFromRecord(record: { readonly kind: 'chars' | 'bytes'; readonly symbols: readonly string[] }): Vocabulary {
  return record.kind === 'bytes' ? byteVocabulary() : charVocabulary(record.symbols.slice(1));
}

/** A seeded Fisher–Yates shuffle (returns a new array). */
export function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Splits after a seeded shuffle: the first ⌊fraction·n⌉ go to validation. */
export function splitSamples<T>(items: readonly T[], validationFraction: number, next: () => number): { train: T[]; validation: T[] } {
  if (!(validationFraction > 0 && validationFraction < 1)) throw new RangeError(`validation fraction must be in (0, 1), got ${validationFraction}`);
  const order = shuffled(items, next);
  const cut = Math.round(order.length * validationFraction);
  return { validation: order.slice(0, cut), train: order.slice(cut) };
}
