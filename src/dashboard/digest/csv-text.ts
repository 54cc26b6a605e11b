/**
 * CSV text as d3's `csvFormat` writes it, one row at a time: a cell with a comma, quote or
 * line break is quoted, its quotes doubled (d3-dsv's formatValue; `csvCell`). The dashboard's
 * model reads the embedded tables back with d3's `csvParse`.
 *
 * @example
 * csvLine(['a', 'b,c']) // 'a,"b,c"'
 */
import { csvCell } from '../../metrics/csv-record.ts';

/** One row of cells. */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',');
}

/** A table from its header and rows (each already a line), ending with a line break. */
export function csvTable(header: readonly string[], lines: readonly string[]): string {
  return `${[csvLine(header)].concat(lines).join('\n')}\n`;
}
