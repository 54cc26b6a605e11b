/** createPairSlots numbers (sender, receiver) pairs of id bytes in order of first appearance and gives their ids back. */
import { describe, expect, it } from 'vitest';
import { createPairSlots } from '../../../src/dashboard/read/pair-slots.ts';

describe('createPairSlots', () => {
  it('numbers 200,000 pairs in order of first appearance, each once, and gives their ids back', () => {
    const slots = createPairSlots();
    const key = (i: number): [string, string] => [`n-${i % 50_000}`, `gw-${Math.floor(i / 50_000)}`];
    const slotOf = (i: number): number => {
      const [sender, receiver] = key(i);
      const bytes = Buffer.from(`${sender},7,${receiver}`);
      return slots.slot(bytes, 0, sender.length, sender.length + 3, bytes.length);
    };
    const wrong: number[] = [];
    for (let i = 0; i < 200_000; i++) if (slotOf(i) !== i) wrong.push(i);
    for (let i = 0; i < 200_000; i += 997) if (slotOf(i) !== i || slots.ids(i).join() !== key(i).join()) wrong.push(i);
    expect(wrong).toEqual([]);
    expect(slots.size).toBe(200_000);
    expect(slots.slotOfText('n-3', 'gw-2')).toBe(100_003);
    // A pair whose ids run together differently is another pair.
    expect(slots.slotOfText('n-3g', 'w-2')).toBe(200_000);
    expect(slots.ids(200_000)).toEqual(['n-3g', 'w-2']);
  });
});
