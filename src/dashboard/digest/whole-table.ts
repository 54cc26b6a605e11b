/**
 * A small table embedded whole, record by record as written (tokens.csv, placement.csv,
 * rounds.csv: their views need every row, and runs that write them have a few hundred nodes).
 * Pure.
 *
 * @example
 * const tokens = createWholeTable();
 * // readCsv('run/tokens.csv', tokens), then:
 * tokens.result() // the file's text, its records each ending with a line break
 */
import type { CsvVisitor } from '../read/csv-stream.ts';
import { csvLine } from './csv-text.ts';

export function createWholeTable(): CsvVisitor & { result(): string } {
  const lines: string[] = [];
  return {
    header(columns) {
      lines.push(csvLine(columns));
      return [];
    },
    row(row) {
      lines.push(row.line());
    },
    result: () => (lines.length === 0 ? '' : `${lines.join('\n')}\n`),
  };
}
