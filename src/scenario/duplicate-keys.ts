/**
 * Repeated keys in one YAML mapping, found in one pass. The yaml package can refuse them as it
 * parses (`uniqueKeys`), but it compares each key with every key before it in its mapping: a
 * scenario file of 100,000 keys, 1.2 MB and well within the size bound, took more than a minute
 * to be refused. Here each mapping's keys go into a set, and the message and position are the
 * ones yaml gives (the repeated key's start).
 *
 * @example
 * duplicateKeys(parseDocument('a: 1\na: 2\n', { uniqueKeys: false })) // [{ offset: 5, message: 'Map keys must be unique' }]
 */
import { isMap, isPair, isScalar, isSeq, type Document } from 'yaml';

export interface DuplicateKey {
  /** The repeated key's offset in the text. */
  readonly offset: number;
  readonly message: string;
}

/** Every key that repeats an earlier key of its mapping, in document order; as yaml's `uniqueKeys`, scalar keys are equal when their values are (`1` and `1.0`, not `1` and `"1"`). */
export function duplicateKeys(doc: Document): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  // A stack, not recursion: nesting as deep as the parser followed.
  const pending: unknown[] = [doc.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          if (seen.has(pair.key.value)) found.push({ offset: pair.key.range?.[0] ?? 0, message: 'Map keys must be unique' });
          else seen.add(pair.key.value);
        }
        pending.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) pending.push(item);
    } else if (isPair(node)) {
      pending.push(node.key, node.value);
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}
