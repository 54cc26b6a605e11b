import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isResultDirectory, runDirectoryProblem } from '../../src/metrics/run-directory.ts';

describe('an existing --out directory', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'loraswarm-run-dir-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const withSummary = (name: string, text: string): string => {
    const dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'summary.json'), text);
    return dir;
  };

  it("is an earlier result when its summary.json opens with our schema, read from the file's head only", () => {
    // As summary.ts writes it (two-space indent, schema first), then 8 MB more: only the head is read.
    const written = withSummary('run', `${JSON.stringify({ schema: 'loraswarm/summary@1', scenario: 'x', filler: 'f'.repeat(8 << 20) }, null, 2)}\n`);
    expect(isResultDirectory(written)).toBe(true);
    expect(runDirectoryProblem(written)).toBeUndefined();
    expect(isResultDirectory(withSummary('compact', '{"schema":"loraswarm/summary@2"}'))).toBe(true);
    expect(isResultDirectory(withSummary('spaced', '\n {"schema": "loraswarm/summary@1"}\n\n'))).toBe(true);
    // Only the head and the last bytes are read: what lies between is not parsed.
    const middle = `{\n  "schema": "loraswarm/summary@1",\n  "filler": "${'f'.repeat(300)}" not JSON here\n}\n`;
    expect(isResultDirectory(withSummary('middle', middle))).toBe(true);
  });

  it("is refused when summary.json is another program's, not JSON, not first with its schema, or not a file", () => {
    const foreign = withSummary('foreign', JSON.stringify({ schema: 'other/summary@1' }, null, 2));
    expect(isResultDirectory(foreign)).toBe(false);
    expect(runDirectoryProblem(foreign)).toMatch(/^expected a new directory, an empty one or an earlier loraswarm result at .*foreign, found a directory with other files \(summary\.json\); it is left untouched$/);
    expect(isResultDirectory(withSummary('text', 'loraswarm/summary@1'))).toBe(false);
    // Not as we write it: the schema must open the file (only its head is read).
    expect(isResultDirectory(withSummary('later', JSON.stringify({ scenario: 'x', schema: 'loraswarm/summary@1' })))).toBe(false);
    expect(isResultDirectory(withSummary('escaped', '{"schema": "loraswarm/summary\\"@1"}'))).toBe(false);
    // Cut short (a run killed while writing it, or another file that opens like ours): refused.
    const cut = `${JSON.stringify({ schema: 'loraswarm/summary@1', scenario: 'x', nodes: [1, 2, 3] }, null, 2)}`.slice(0, -20);
    expect(isResultDirectory(withSummary('cut', cut))).toBe(false);
    expect(isResultDirectory(withSummary('empty', ''))).toBe(false);
    const folder = join(root, 'folder');
    mkdirSync(join(folder, 'summary.json'), { recursive: true });
    expect(isResultDirectory(folder)).toBe(false);
    expect(isResultDirectory(join(root, 'absent'))).toBe(false);
  });
});
