/**
 * readRunFiles: a run within the report's limits is embedded whole (no digest), and the model
 * the page parses from it is the one d3 parses from the run's files themselves, whether the
 * per-frame files are plain or gzip-compressed; a directory cut short says what it could read.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunFiles, tablePath } from '../../src/dashboard/run-files.ts';
import { parseRun, type RunFiles } from '../../src/dashboard/views/run-model.ts';
import { writeSyntheticRun } from './synthetic-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-run-files-'));
const options = { nodes: 120, gateways: 2, frames: 4000, durationMs: 2 * 3_600_000, sampleMs: 1_800_000, seed: 3 };
beforeAll(() => {
  writeSyntheticRun(join(dir, 'plain'), { ...options, gzip: false });
  writeSyntheticRun(join(dir, 'gz'), { ...options, gzip: true });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The run's files as they are, parsed by d3 whole (as the report did before it streamed them). */
function wholeFiles(run: string, meta: string): RunFiles {
  const text = (name: string): string => {
    const path = tablePath(run, name)!;
    return path.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8');
  };
  return { 'meta.json': meta, 'summary.json': readFileSync(join(run, 'summary.json'), 'utf8'), 'nodes.csv': text('nodes.csv'), 'series.csv': text('series.csv'), 'frames.csv': text('frames.csv'), 'receptions.csv': text('receptions.csv') };
}

describe('readRunFiles', () => {
  for (const kind of ['plain', 'gz']) {
    it(`embeds a run within the limits whole (${kind}): the model is that of its files parsed whole`, async () => {
      const files = await readRunFiles(join(dir, kind));
      expect(files['digest.json']).toBeUndefined();
      const model = parseRun(files);
      const expected = parseRun(wholeFiles(join(dir, kind), files['meta.json']!));
      expect(model.frames).toHaveLength(3960);
      expect(model.receptions).toHaveLength(3960);
      expect(model.series).toHaveLength(122 * 5);
      expect(model).toEqual(expected);
      // Only the columns the views read.
      expect(files['frames.csv']!.split('\n')[0]).toBe('sender,seq,destination,outcome,atMs,airtimeMs,channelMhz,sf,fate');
      expect(files['receptions.csv']!.split('\n')[0]).toBe('sender,seq,receiver,atMs,fate,snrDb');
      expect(files['nodes.csv']!.split('\n')[0]).toBe('id,group,role,xM,yM,sf,mcu,battery,receptions,receptionsReceived,diedAtMs,deathReason');
    });
  }

  it('reads a gzip file cut short up to the cut, and a corrupt one not at all, saying so', async () => {
    const cut = join(dir, 'cut');
    writeSyntheticRun(cut, { ...options, gzip: true });
    truncateSync(join(cut, 'frames.csv.gz'), Math.floor(statSync(join(cut, 'frames.csv.gz')).size / 2));
    writeFileSync(join(cut, 'receptions.csv.gz'), 'not gzip');
    const files = await readRunFiles(cut);
    const model = parseRun(files);
    expect(model.frames.length).toBeGreaterThan(1000);
    expect(model.frames.length).toBeLessThan(3960);
    expect(model.receptions).toEqual([]);
    expect(model.digest!.problems).toEqual([
      `${join(cut, 'frames.csv.gz')} ends inside a record (cut short, by a run still writing it?): what it held up to there is shown.`,
      `${join(cut, 'receptions.csv.gz')} could be read only in part (incorrect header check): what it held up to there is shown.`,
    ]);
  });

  it('reads a run directory\'s scenario.yaml and FAILED.txt within bounds: /dev/zero as either leaves the defaults, at once', async () => {
    const odd = join(dir, 'odd');
    writeSyntheticRun(odd, { ...options, gzip: false });
    rmSync(join(odd, 'scenario.yaml'), { force: true });
    symlinkSync('/dev/zero', join(odd, 'scenario.yaml'));
    symlinkSync('/dev/zero', join(odd, 'FAILED.txt'));
    const meta = JSON.parse((await readRunFiles(odd))['meta.json']!) as { title: string; problem?: string };
    expect(meta.title).toBe('run odd');
    expect(meta.problem).toBe(`This run failed and left a partial directory (${odd}): its FAILED.txt is longer than a run writes. What it wrote before it stopped is shown below.`);
  });
});
