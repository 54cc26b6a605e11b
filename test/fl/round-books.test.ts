import { describe, expect, it } from 'vitest';
import { createRoundBooks } from '../../src/fl/round-books.ts';
import type { RoundStats } from '../../src/fl/round-types.ts';

const stats = (round: number): RoundStats => ({
  round, startMs: 0, endMs: Number.NaN, selected: 0, participants: 0, dropouts: 0, stragglers: 0, abandoned: 0, resentChunks: 0, recoveredChunks: 0,
  bytesUp: 0, bytesDown: 0, frames: 0, airtimeMs: 0, energyUj: { transmit: 0, receive: 0, compute: 0, idle: 0 }, listenUj: 0, trainLoss: Number.NaN, validationLoss: Number.NaN, validationAccuracy: Number.NaN,
});

describe('the round books', () => {
  it('sum each node’s part of a round in node order, whatever order the nodes added in, and restore a copy', () => {
    const events: [node: number, airtimeMs: number, uj: number][] = [[3, 0.1, 1e16], [0, 0.2, 1], [3, 0.7, 2], [0, 1, 3]];
    const inOrder = createRoundBooks();
    const byNode = createRoundBooks();
    for (const [node, airtimeMs, uj] of events) {
      inOrder.frame(1, node, airtimeMs, 10, node === 0);
      inOrder.energy(1, node, 'receive', uj);
    }
    for (const node of [3, 0]) {
      for (const [n, airtimeMs, uj] of events) {
        if (n !== node) continue;
        byNode.frame(1, n, airtimeMs, 10, n === 0);
        byNode.energy(1, n, 'receive', uj);
      }
    }
    byNode.energy(1, 3, 'sleep', 5);
    const [a, b] = [[stats(1)], [stats(1)]];
    inOrder.settle(a);
    byNode.settle(b);
    expect(a).toEqual(b);
    // Node 0: 0.2 + 1; node 3: 0.1 + 0.7, summed in node order; bytes down from the coordinator (node 0).
    expect(a[0]).toMatchObject({ frames: 4, airtimeMs: 0 + (0.2 + 1) + (0.1 + 0.7), bytesDown: 20, bytesUp: 20, energyUj: { transmit: 0, receive: 1 + 3 + (1e16 + 2), compute: 0, idle: 0 } });
    const restored = createRoundBooks();
    restored.restore(inOrder.state);
    inOrder.frame(1, 0, 5, 1, true);
    const c = [stats(1)];
    restored.settle(c);
    expect(c).toEqual(a);
  });

  it('counts stragglers and chunks sent again or rebuilt from the nodes that saw them', () => {
    const books = createRoundBooks();
    books.count(2, 5, 'stragglers', 1);
    books.count(2, 0, 'resentChunks', 3);
    books.count(2, 5, 'resentChunks', 2);
    books.count(2, 5, 'recoveredChunks', 4);
    const rounds = [stats(1), stats(2)];
    books.settle(rounds);
    expect(rounds[1]).toMatchObject({ stragglers: 1, resentChunks: 5, recoveredChunks: 4, frames: 0 });
    expect(rounds[0]).toEqual(stats(1));
  });
});
