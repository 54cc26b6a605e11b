/** createPairTable finds (sender, receiver) pairs from their ids' bytes, short and long, keeps each one's numbers, and gives them back in the order they came. */
import { describe, expect, it } from 'vitest';
import { createPairTable } from '../../../src/dashboard/read/pair-table.ts';

describe('createPairTable', () => {
  it('counts 600,000 receptions of 200,000 pairs (ids of 7 to 40 bytes) into each pair\'s numbers, as a Map of their ids does', () => {
    const pairs = createPairTable();
    const key = (i: number): [string, string] => {
      const pair = i % 200_000;
      const sender = pair % 3 === 0 ? `a-very-long-node-id-from-site-${pair % 50_000}` : `n-${pair % 50_000}`;
      return [sender, `gw-${Math.floor(pair / 50_000)}`];
    };
    const expected = new Map<string, number>();
    for (let i = 0; i < 600_000; i++) {
      const [sender, receiver] = key(i);
      const bytes = Buffer.from(`${sender},7,${receiver}`);
      const at = pairs.numbersAt(pairs.entry(bytes, 0, sender.length, sender.length + 3, bytes.length));
      pairs.numbers[at]! += 1;
      pairs.numbers[at + 3]! += i;
      expected.set(`${sender}|${receiver}`, (expected.get(`${sender}|${receiver}`) ?? 0) + 1);
    }
    expect(pairs.size).toBe(expected.size);
    const seen: string[] = [];
    let wrong = 0;
    pairs.forEach((bytes, s0, s1, r0, r1, at) => {
      const sender = Buffer.from(bytes.subarray(s0, s1)).toString();
      const receiver = Buffer.from(bytes.subarray(r0, r1)).toString();
      seen.push(`${sender}|${receiver}`);
      if (pairs.numbers[at] !== expected.get(`${sender}|${receiver}`)) wrong++;
    });
    expect(wrong).toBe(0);
    expect(seen).toEqual([...expected.keys()]);
    // A pair whose ids run together differently is another pair.
    const before = pairs.size;
    pairs.entryOfText('n-3g', 'w-2');
    pairs.entryOfText('n-3', 'gw-2');
    expect(pairs.size).toBe(before + 1);
  });
});
