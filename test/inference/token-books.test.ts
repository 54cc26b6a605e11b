import { describe, expect, it } from 'vitest';
import { newTokenRecord } from '../../src/inference/records.ts';
import { createTokenBooks, EXPERTS_DROPPED, FRAMES, FRAMES_AIRTIME_MS, HOPS } from '../../src/inference/token-books.ts';

describe('the token books', () => {
  const contributions: [node: number, field: number, amount: number][] = [
    [5, FRAMES_AIRTIME_MS, 0.1], [2, FRAMES_AIRTIME_MS, 0.2], [5, FRAMES_AIRTIME_MS, 0.7], [2, HOPS, 1], [9, FRAMES_AIRTIME_MS, 1e16], [2, FRAMES_AIRTIME_MS, 1], [5, FRAMES, 3],
  ];

  it('sums each node’s part in its own order, then the parts in node order, whatever order the nodes added in', () => {
    const books = createTokenBooks(2);
    for (const [node, field, amount] of contributions) books.add(7, node, field, amount);
    const shuffled = createTokenBooks(2);
    // Node by node, nodes in reverse: as parts reported by other processes arrive.
    for (const node of [9, 5, 2]) for (const [n, field, amount] of contributions) if (n === node) shuffled.add(7, n, field, amount);
    const a = newTokenRecord(7, 0, 0, 1, 'generated', 0, 2);
    const b = newTokenRecord(7, 0, 0, 1, 'generated', 0, 2);
    books.settle(a);
    shuffled.settle(b);
    expect(a).toEqual(b);
    // Node 2: 0.2 + 1; node 5: 0.1 + 0.7; node 9: 1e16, summed in node order.
    expect(a.framesAirtimeMs).toBe(0 + (0.2 + 1) + (0.1 + 0.7) + 1e16);
    expect(a.hops).toBe(1);
    expect(a.frames).toBe(3);
  });

  it('gives the same figures however often they are read, counts only the ledger states a record keeps, and restores a copy', () => {
    const books = createTokenBooks(2);
    books.add(3, 1, EXPERTS_DROPPED, 1);
    books.addEnergy(3, 1, 'transmit', 2.5);
    books.addEnergy(3, 0, 'sleep', 100);
    books.addEnergy(3, 0, 'compute', 0.25);
    const token = newTokenRecord(3, 0, 0, 1, 'prompt', 0, 1);
    books.settle(token);
    books.settle(token);
    expect(token.energyUj).toEqual({ transmit: 2.5, receive: 0, compute: 0.25, idle: 0 });
    expect(token.expertsDropped).toBe(1);
    const restored = createTokenBooks(2);
    restored.restore(books.state);
    books.add(3, 1, EXPERTS_DROPPED, 1);
    const again = newTokenRecord(3, 0, 0, 1, 'prompt', 0, 1);
    restored.settle(again);
    expect(again.expertsDropped).toBe(1);
  });

  it('keeps each position and layer’s choice of the latest attempt, then time, then node, whatever order the parts arrive in', () => {
    const token = () => newTokenRecord(1, 0, 0, 1, 'generated', 0, 2, { positions: 2, drafted: 1 });
    const writes: [node: number, position: number, layer: number, attempt: number, atMs: number, experts: number[]][] = [
      [4, 0, 1, 1, 10, [1, 2]], [3, 0, 1, 1, 12, [3]], [6, 1, 0, 1, 12, [0]], [2, 1, 0, 1, 12, [5]], [1, 1, 1, 2, 1, [7]], [5, 1, 1, 1, 30, [6]],
    ];
    const forward = createTokenBooks(2);
    const backward = createTokenBooks(2);
    const choose = (books: ReturnType<typeof createTokenBooks>, [node, position, layer, attempt, atMs, experts]: (typeof writes)[number]): void => books.combined({ serial: 1, node, position, layer, attempt, atMs }, experts);
    for (const w of writes) choose(forward, w);
    for (const w of [...writes].reverse()) choose(backward, w);
    forward.allowed({ serial: 1, node: 3, position: 1, layer: 1, attempt: 1, atMs: 5 }, [2, 3]);
    backward.allowed({ serial: 1, node: 3, position: 1, layer: 1, attempt: 1, atMs: 5 }, [2, 3]);
    // Beyond the pass's positions: kept in the books, not in the record.
    forward.combined({ serial: 1, node: 3, position: 2, layer: 0, attempt: 1, atMs: 5 }, [1]);
    backward.combined({ serial: 1, node: 3, position: 2, layer: 0, attempt: 1, atMs: 5 }, [1]);
    const a = token();
    const b = token();
    forward.settle(a);
    backward.settle(b);
    expect(a).toEqual(b);
    // [position · layers + layer]: (0, 1) from node 3 at 12 ms; (1, 0) a tie at 12 ms, node 6
    // after node 2; (1, 1) attempt 2's at 1 ms, not attempt 1's stale choice at 30 ms.
    expect(a.experts).toEqual([[], [3], [0], [7]]);
    expect(a.candidates).toEqual([[undefined, undefined], [undefined, [2, 3]]]);
  });

  it('settles only the tokens whose parts changed since they were settled', () => {
    const books = createTokenBooks(2);
    const records = [newTokenRecord(0, 0, 0, 1, 'prompt', 0, 2), newTokenRecord(1, 0, 1, 1, 'prompt', 0, 2)];
    books.add(0, 1, HOPS, 1);
    books.add(1, 1, HOPS, 2);
    const settled: number[] = [];
    books.settleChanged((serial) => (settled.push(serial), records[serial]));
    books.add(1, 4, HOPS, 1);
    books.settleChanged((serial) => (settled.push(serial), records[serial]));
    books.settleChanged((serial) => (settled.push(serial), records[serial]));
    expect(settled).toEqual([0, 1, 1]);
    expect(records.map((record) => record.hops)).toEqual([1, 3]);
  });
});
