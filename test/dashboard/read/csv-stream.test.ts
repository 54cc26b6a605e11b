/**
 * The streaming CSV reader against d3's parser of the whole text: plain and gzip files (one
 * member and many), records across chunk boundaries, quoted cells with commas, quotes and line
 * breaks, CRLF, a last record without a line break, a gzip file cut short, numbers as Number
 * reads them, node ids looked up from the bytes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { csvParse } from 'd3';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsv, type CsvRow } from '../../../src/dashboard/read/csv-stream.ts';
import { createIdIndex } from '../../../src/dashboard/read/id-index.ts';

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-csv-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every cell of `columns` of every record, as the reader gives them. */
async function cells(path: string, columns: readonly string[]): Promise<{ rows: string[][]; problem: string | undefined }> {
  const rows: string[][] = [];
  const result = await readCsv(path, {
    header: (names) => columns.map((c) => names.indexOf(c)),
    row: (row: CsvRow) => rows.push(columns.map((_, k) => row.text(k))),
  });
  expect(result.rows).toBe(rows.length);
  return { rows, problem: result.problem };
}

/** Rows as one string, compared at once (deep equality of 60,000 arrays is slow). */
const joined = (rows: readonly (readonly string[])[]): string => rows.map((r) => r.join('\u0001')).join('\n');

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A table of `n` rows whose records are long enough to cross the reader's 1 MiB chunks many times. */
function bigTable(n: number): string {
  const lines = ['sender,seq,fate,atMs,note'];
  for (let i = 0; i < n; i++) lines.push(`n-${i % 977},${i},${i % 3 === 0 ? 'received' : 'collided'},${(i * 1.001).toFixed(3)},${'x'.repeat(i % 50)}`);
  return `${lines.join('\n')}\n`;
}

describe('readCsv', () => {
  it('reads every record of a plain file across chunk boundaries as d3 parses the whole text', async () => {
    const text = bigTable(60_000);
    const expected = csvParse(text).map((r) => [r.sender!, r.fate!, r.atMs!, r.note!]);
    const { rows, problem } = await cells(write('big.csv', text), ['sender', 'fate', 'atMs', 'note']);
    expect(problem).toBeUndefined();
    expect(rows).toHaveLength(60_000);
    expect(joined(rows)).toBe(joined(expected));
  });

  it('reads a multi-member gzip file (one member per 100 kB, as runs write them) as its plain text', async () => {
    const text = bigTable(60_000);
    const bytes = Buffer.from(text);
    const members: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 100_000) members.push(gzipSync(bytes.subarray(at, at + 100_000), { level: 1 }));
    expect(members.length).toBeGreaterThan(20);
    const plain = await cells(write('big-plain.csv', text), ['sender', 'seq', 'note']);
    const gz = await cells(write('big.csv.gz', Buffer.concat(members)), ['sender', 'seq', 'note']);
    expect(gz.rows).toHaveLength(60_000);
    expect(joined(gz.rows)).toBe(joined(plain.rows));
  });

  it('reads quoted cells (commas, doubled quotes, line breaks), CRLF and a last record without a line break', async () => {
    const text = 'id,note,n\r\na,"x, y",1\r\n"b""q","two\nlines",2\r\nc,,3';
    const { rows } = await cells(write('quoted.csv', text), ['id', 'note', 'n', 'absent']);
    expect(rows).toEqual([
      ['a', 'x, y', '1', ''],
      ['b"q', 'two\nlines', '2', ''],
      ['c', '', '3', ''],
    ]);
  });

  it('gives numbers as Number reads them, the fallback for empty cells, and the whole record', async () => {
    const path = write('numbers.csv', 'a,b,c\n257720.941,-0.5,\n1e3,0.1,x\n123456789012345678,.25,  \n');
    const seen: unknown[][] = [];
    await readCsv(path, {
      header: (names) => names.map((_, i) => i),
      row: (row) => seen.push([row.number(0), row.number(1), row.number(2, -1), row.line(), row.equals(2, 'x'), row.firstCode(2)]),
    });
    expect(seen).toEqual([
      [257720.941, -0.5, -1, '257720.941,-0.5,', false, -1],
      [1000, 0.1, -1, '1e3,0.1,x', true, 120],
      [Number('123456789012345678'), 0.25, -1, '123456789012345678,.25,  ', false, 32],
    ]);
  });

  it('looks node ids up from the bytes, in quoted records too', async () => {
    const ids = createIdIndex(['gw', 'n-1', 'n,2']);
    const path = write('ids.csv', 'sender,receiver\nn-1,gw\n"n,2",n-1\nzz,gw\n');
    const found: number[][] = [];
    await readCsv(path, { header: () => [0, 1], row: (row) => found.push([row.id(0, ids), row.id(1, ids)]) });
    expect(found).toEqual([
      [1, 0],
      [2, 1],
      [-1, 0],
    ]);
  });

  it('gives the whole records before the cut of a gzip file cut short (a run still writing it), and says so', async () => {
    const text = bigTable(20_000);
    const whole = gzipSync(Buffer.from(text));
    const { rows, problem } = await cells(write('cut.csv.gz', whole.subarray(0, Math.floor(whole.length / 2))), ['seq', 'note']);
    expect(problem).toMatch(/cut\.csv\.gz ends inside a record \(cut short/);
    expect(rows.length).toBeGreaterThan(5000);
    expect(rows.length).toBeLessThan(20_000);
    // Every record before the cut is whole, in order, the last one too.
    expect(rows.map((r) => Number(r[0]))).toEqual(Array.from({ length: rows.length }, (_, i) => i));
    expect(rows.every((r, i) => r[1] === 'x'.repeat(i % 50))).toBe(true);
  });

  it('says a corrupt gzip file could be read only in part', async () => {
    const { rows, problem } = await cells(write('corrupt.csv.gz', Buffer.from('not gzip at all')), ['seq']);
    expect(rows).toEqual([]);
    expect(problem).toMatch(/corrupt\.csv\.gz could be read only in part/);
  });
});
