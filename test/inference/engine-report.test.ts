import { describe, expect, it } from 'vitest';
import { createInferenceReporter, receiveInferenceReport, type ReportedBooks } from '../../src/inference/engine-report.ts';
import { zeroCounters } from '../../src/inference/engine-counters.ts';
import { newTokenRecord } from '../../src/inference/records.ts';
import { createTokenBooks, FRAMES, HOPS } from '../../src/inference/token-books.ts';

/** A model of 2 layers and 3 routed experts, passes of up to 4 positions. */
const bounds = { layers: 2, experts: 3, positions: 4 };

const booksOf = (reports: boolean): ReportedBooks => ({
  tokenBooks: createTokenBooks(2, reports),
  counters: zeroCounters(),
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
    worker.tokenBooks.add(9, 2, HOPS, 1);
    worker.tokenBooks.allowed({ serial: 9, node: 2, position: 0, layer: 1, attempt: 1, atMs: 15.5 }, [0, 2]);
    worker.counters.timeouts = 2;
    worker.expertLoad[1]![2] = 3;
    worker.attributedUj[2] = 0.125;
    const first = report();
    expect(first).toEqual({ parts: [[9, 2, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [], [[1, 1, 15.5, [0, 2]]]]], counters: [0, 0, 0, 2, 0, 0], expertLoad: [[1, 2, 3]], attributed: [[2, 0.125]] });
    // Taken in once, through JSON as the control codec carries it.
    expect(receiveInferenceReport(coordinator, bounds, JSON.parse(JSON.stringify(first)), (node) => node === 2 || node === 3)).toBeUndefined();
    worker.tokenBooks.add(9, 2, FRAMES, 1);
    worker.counters.timeouts = 3;
    const second = report();
    expect(second).toEqual({ parts: [[9, 2, [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], [], [[1, 1, 15.5, [0, 2]]]]], counters: [0, 0, 0, 1, 0, 0], expertLoad: [], attributed: [] });
    expect(receiveInferenceReport(coordinator, bounds, second, (node) => node === 2 || node === 3)).toBeUndefined();
    // Nothing changed: no report.
    expect(report()).toBeUndefined();
    const a = newTokenRecord(9, 0, 0, 1, 'generated', 0, 2);
    const b = newTokenRecord(9, 0, 0, 1, 'generated', 0, 2);
    worker.tokenBooks.settle(a);
    coordinator.tokenBooks.settle(b);
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
      [{ ...good, parts: [[4, 1, new Array(11).fill(0), [[1, 1, 0]], []]] }, 'expected choices as [key, attempt, atMs, experts]'],
      // Layer 2 of 2, position 4 of 4, a key past 2^31, an expert past the model's, all experts where a list is due.
      [{ ...good, parts: [[4, 1, new Array(11).fill(0), [[2, 1, 0, [1]]], []]] }, 'expected choices as [key, attempt, atMs, experts] within the model'],
      [{ ...good, parts: [[4, 1, new Array(11).fill(0), [[4 * 256, 1, 0, [1]]], []]] }, 'expected choices as [key, attempt, atMs, experts] within the model'],
      [{ ...good, parts: [[4, 1, new Array(11).fill(0), [[2 ** 31, 1, 0, [1]]], []]] }, 'expected choices as [key, attempt, atMs, experts] within the model'],
      [{ ...good, parts: [[4, 1, new Array(11).fill(0), [], [[1, 1, 0, [1e9]]]]] }, "expected experts as a list of the model's experts"],
      [{ ...good, parts: [[4, 1, new Array(11).fill(0), [[1, 1, 0, null]], []]] }, "expected experts as a list of the model's experts"],
      [{ ...good, parts: [[4, 1, new Array(11).fill(0), [], [[1, 1, 0, ['x']]]]] }, "expected experts as a list of the model's experts"],
      [{ ...good, counters: [0, 0, -1, 0, 0, 0] }, 'expected 6 counter increments'],
      [{ ...good, expertLoad: [[2, 0, 1]] }, 'expected expert loads as [layer, expert, calls]'],
      [{ ...good, expertLoad: [[0, 3, 1]] }, 'expected expert loads as [layer, expert, calls]'],
      [{ ...good, expertLoad: [['length', 0, 1]] }, 'expected expert loads as [layer, expert, calls]'],
      [[], 'expected parts, counters, expert loads and attributed energy'],
      [null, 'expected an inference report'],
    ];
    for (const [report, problem] of cases) {
      const coordinator = booksOf(false);
      expect(receiveInferenceReport(coordinator, bounds, report, owns)).toBe(problem);
      expect(coordinator.tokenBooks.state.size).toBe(0);
    }
  });
});
