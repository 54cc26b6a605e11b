import { describe, expect, it } from 'vitest';
import { counterKeys, createInferenceReporter, receiveInferenceReport, type EngineCounters, type ReportedBooks } from '../../src/inference/engine-report.ts';
import { newTokenRecord } from '../../src/inference/records.ts';
import { createTokenBooks, FRAMES, HOPS } from '../../src/inference/token-books.ts';

const booksOf = (reports: boolean): ReportedBooks => ({
  books: createTokenBooks(2, reports),
  counters: Object.fromEntries(counterKeys.map((key) => [key, 0])) as EngineCounters,
  expertLoad: [
    [0, 0, 0],
    [0, 0, 0],
  ],
  attributedUj: [0, 0, 0, 0],
});

describe('a worker’s inference report', () => {
  it('carries what changed since the last one, and the coordinator’s books then read as the worker’s', () => {
    const worker = booksOf(true);
    const coordinator = booksOf(false);
    const report = createInferenceReporter(worker);
    worker.books.add(9, 2, HOPS, 1);
    worker.books.allowed(9, 2, 0, 1, 15.5, [0, 2]);
    worker.counters.timeouts = 2;
    worker.expertLoad[1]![2] = 3;
    worker.attributedUj[2] = 0.125;
    const first = report();
    expect(first).toEqual({ parts: [[9, 2, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [], [[1, 15.5, [0, 2]]]]], counters: [0, 0, 0, 2, 0, 0], expertLoad: [[1, 2, 3]], attributed: [[2, 0.125]] });
    // Taken in once, through JSON as the control codec carries it.
    expect(receiveInferenceReport(coordinator, JSON.parse(JSON.stringify(first)), (node) => node === 2 || node === 3)).toBeUndefined();
    worker.books.add(9, 2, FRAMES, 1);
    worker.counters.timeouts = 3;
    const second = report();
    expect(second).toEqual({ parts: [[9, 2, [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], [], [[1, 15.5, [0, 2]]]]], counters: [0, 0, 0, 1, 0, 0], expertLoad: [], attributed: [] });
    expect(receiveInferenceReport(coordinator, second, (node) => node === 2 || node === 3)).toBeUndefined();
    expect(report()).toEqual({ parts: [], counters: [0, 0, 0, 0, 0, 0], expertLoad: [], attributed: [] });
    const a = newTokenRecord(9, 0, 0, 1, 'generated', 0, 2);
    const b = newTokenRecord(9, 0, 0, 1, 'generated', 0, 2);
    worker.books.settle(a);
    coordinator.books.settle(b);
    expect(b).toEqual(a);
    expect(coordinator.counters.timeouts).toBe(3);
    expect(coordinator.expertLoad).toEqual(worker.expertLoad);
    expect(coordinator.attributedUj).toEqual(worker.attributedUj);
  });

  it('is refused, changing nothing, when it speaks for a node the worker does not run or is malformed', () => {
    const owns = (node: number): boolean => node === 1;
    const good = { parts: [[4, 1, new Array(11).fill(0), [], []]], counters: [0, 0, 0, 0, 0, 0], expertLoad: [], attributed: [] };
    const cases: [unknown, string][] = [
      [{ ...good, parts: [[4, 0, new Array(11).fill(0), [], []]] }, 'a part of node 0, which it does not run'],
      [{ ...good, attributed: [[3, 1]] }, 'expected attributed energy as [node, µJ] of its own nodes'],
      [{ ...good, parts: [[4, 1, new Array(10).fill(0), [], []]] }, 'expected 11 finite figures'],
      [{ ...good, parts: [[4, 1, [...new Array(10).fill(0), Number.POSITIVE_INFINITY], [], []]] }, 'expected 11 finite figures'],
      [{ ...good, parts: [[4, 1, new Array(11).fill(0), [[2, 0, [1]]], []]] }, 'expected choices as [key, atMs, experts]'],
      [{ ...good, parts: [[4, 1, new Array(11).fill(0), [], [[1, 0, ['x']]]]] }, 'expected experts as a list of indices or null'],
      [{ ...good, counters: [0, 0, -1, 0, 0, 0] }, 'expected 6 counter increments'],
      [{ ...good, expertLoad: [[2, 0, 1]] }, 'expected expert loads as [layer, expert, calls]'],
      [{ ...good, expertLoad: [['length', 0, 1]] }, 'expected expert loads as [layer, expert, calls]'],
      [[], 'expected parts, counters, expert loads and attributed energy'],
      [null, 'expected an inference report'],
    ];
    for (const [report, problem] of cases) {
      const coordinator = booksOf(false);
      expect(receiveInferenceReport(coordinator, report, owns)).toBe(problem);
      expect(coordinator.books.state.size).toBe(0);
    }
  });
});
