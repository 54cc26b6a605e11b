/**
 * One CSV cell as csv-stringify writes it with its defaults (a number as `'' + n`; a string
 * quoted, its quotes doubled, when it holds a comma, a quote or a line break; '' empty),
 * without its per-cell option handling (test/metrics/csv-record.test.ts checks the text
 * against csv-stringify on random records).
 *
 * @example
 * ['n-1', 3.5, '', 'a,b'].map(csvCell).join(',') // 'n-1,3.5,,"a,b"'
 */

const special = /[",\n\r]/;

export function csvCell(value: string | number): string {
  if (typeof value === 'number') return `${value}`;
  return special.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
