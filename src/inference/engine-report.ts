/**
 * What a worker's inference engine tells the coordinator after each window, with its nodes'
 * events (issue 22): the token parts its nodes changed (whole: token-books.ts), its counters'
 * and expert loads' increments, and its nodes' attributed energy. The coordinator, which holds
 * the entry and so the records, takes them in; a record read there is then the same as in one
 * process. A report crossed the network: it is checked before it is used.
 */
import { isCount } from '../sim/value-checks.ts';
import { counterKeys, type EngineCounters } from './engine-counters.ts';
import type { TokenBooks } from './token-books.ts';
import { partRowProblem, type PartBounds, type PartRow } from './token-part-rows.ts';

export interface InferenceReport {
  readonly parts: PartRow[];
  /** Increments of the engine's counters, in `counterKeys` order. */
  readonly counters: number[];
  /** Increments of expert loads: [layer, expert, calls]. */
  readonly expertLoad: [number, number, number][];
  /** Nodes' energy attributed to tokens so far, where it changed: [node, µJ]. */
  readonly attributed: [number, number][];
}

/** The engine's books a report is made from and taken into. */
export interface ReportedBooks {
  readonly tokenBooks: TokenBooks;
  readonly counters: EngineCounters;
  /** Routed expert calls served, [layer][expert]. */
  readonly expertLoad: number[][];
  readonly attributedUj: number[];
}

/** Makes each window's report from what changed since the last one; undefined when nothing did. */
export function createInferenceReporter(books: ReportedBooks): () => InferenceReport | undefined {
  const counters = counterKeys.map(() => 0);
  const load = books.expertLoad.map((row) => row.map(() => 0));
  const attributed = books.attributedUj.map(() => 0);
  return () => {
    const report: InferenceReport = { parts: books.tokenBooks.takeChanged(), counters: [], expertLoad: [], attributed: [] };
    counterKeys.forEach((key, k) => {
      report.counters.push(books.counters[key] - counters[k]!);
      counters[k] = books.counters[key];
    });
    books.expertLoad.forEach((row, l) =>
      row.forEach((calls, e) => {
        if (calls !== load[l]![e]) report.expertLoad.push([l, e, calls - load[l]![e]!]);
        load[l]![e] = calls;
      }),
    );
    books.attributedUj.forEach((uj, node) => {
      if (uj !== attributed[node]) report.attributed.push([node, uj]);
      attributed[node] = uj;
    });
    const empty = report.parts.length === 0 && report.expertLoad.length === 0 && report.attributed.length === 0 && report.counters.every((n) => n === 0);
    return empty ? undefined : report;
  };
}

/** Takes a worker's report in; says what is wrong with it instead when it is malformed or speaks for a node the worker does not run. */
export function receiveInferenceReport(books: ReportedBooks, bounds: PartBounds, value: unknown, owns: (node: number) => boolean): string | undefined {
  const problem = reportProblem(books, bounds, value, owns);
  if (problem) return problem;
  const report = value as InferenceReport;
  for (const row of report.parts) books.tokenBooks.put(row);
  counterKeys.forEach((key, k) => (books.counters[key] += report.counters[k]!));
  for (const [l, e, calls] of report.expertLoad) books.expertLoad[l]![e]! += calls;
  for (const [node, uj] of report.attributed) books.attributedUj[node] = uj;
  return undefined;
}

function reportProblem(books: ReportedBooks, bounds: PartBounds, value: unknown, owns: (node: number) => boolean): string | undefined {
  if (value === null || typeof value !== 'object') return 'expected an inference report';
  const { parts, counters, expertLoad, attributed } = value as Record<string, unknown>;
  if (!Array.isArray(parts) || !Array.isArray(counters) || !Array.isArray(expertLoad) || !Array.isArray(attributed)) return 'expected parts, counters, expert loads and attributed energy';
  for (const row of parts) {
    const problem = partRowProblem(row, owns, bounds);
    if (problem) return problem;
  }
  if (counters.length !== counterKeys.length || !counters.every(isCount)) return `expected ${counterKeys.length} counter increments`;
  for (const load of expertLoad) {
    if (!Array.isArray(load) || load.length !== 3 || !load.every(isCount) || load[0]! >= bounds.layers || load[1]! >= bounds.experts) return 'expected expert loads as [layer, expert, calls]';
  }
  for (const pair of attributed) {
    if (!Array.isArray(pair) || pair.length !== 2 || !isCount(pair[0]) || !owns(pair[0]) || pair[0] >= books.attributedUj.length || typeof pair[1] !== 'number' || !Number.isFinite(pair[1])) {
      return 'expected attributed energy as [node, µJ] of its own nodes';
    }
  }
  return undefined;
}
