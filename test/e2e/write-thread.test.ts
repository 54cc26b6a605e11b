/**
 * `run --write-thread`: the streamed files (frames, receptions, series) formatted and written by
 * a thread of their own give the same run directory as the simulation's thread writing them,
 * checkpoints included; and `--report-thread`: the report digested on the writer thread from
 * the rows it writes is the report read from the files afterwards.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, inOrder, runCli } from '../helpers/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'loraswarm-write-thread-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// 1,000 nodes for two hours: 7,185 frames, more than a batch of rows (4,096).
const city = ['run', 'bench/poisson-1000.yaml', '--set', 'duration=2h', '--transport', 'memory', '--quiet'];

describe('loraswarm run --write-thread', () => {
  it('writes byte-identical files on or off, gzip-compressed or not, with checkpoints taken on the way', async () => {
    for (const compress of ['off', 'on']) {
      // The writer thread and the report's, the writer thread alone, neither.
      const dirs = await inOrder([['on', 'on'], ['on', 'off'], ['off', 'off']], async ([thread, report]) => {
        const out = join(tmp, `${thread}-${report}-${compress}`);
        const args = [...city, '--out', out, '--write-thread', thread!, '--report-thread', report!, '--compress', compress, '--checkpoint-every', '0.01'];
        // Both threads as a user's process runs them (the bundle's thread entries); the others in this process, from the sources.
        const result = report === 'on' ? cli(args, 120_000) : await runCli(args);
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
        return out;
      });
      const files = readdirSync(dirs[0]!).sort();
      expect(files).toContain(compress === 'on' ? 'frames.csv.gz' : 'frames.csv');
      expect(files).toContain('report.html');
      for (const dir of dirs.slice(1)) {
        expect(readdirSync(dir).sort()).toEqual(files);
        for (const file of files.filter((name) => name !== 'timing.json')) expect(readFileSync(join(dirs[0]!, file)).equals(readFileSync(join(dir, file))), file).toBe(true);
      }
      const frames = JSON.parse(readFileSync(join(dirs[0]!, 'summary.json'), 'utf8')) as { frames: { sent: number } };
      expect(frames.frames.sent).toBe(7185);
      for (const out of dirs) expect((JSON.parse(readFileSync(join(out, 'timing.json'), 'utf8')) as { checkpoints: number }).checkpoints).toBeGreaterThan(0);
      // The report's thread served the first run's report; the others read the files back.
      expect(dirs.map((out) => (JSON.parse(readFileSync(join(out, 'timing.json'), 'utf8')) as { reportDigested?: boolean }).reportDigested)).toEqual([true, undefined, undefined]);
    }
  });

  it('refuses a value other than auto, on or off, and the report\'s thread without the writer\'s (exit 2)', async () => {
    const result = await runCli([...city, '--out', join(tmp, 'bad'), '--write-thread', 'sometimes']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('loraswarm: --write-thread: expected "auto", "on" or "off", found "sometimes"\n');
    const both = await runCli([...city, '--out', join(tmp, 'bad'), '--write-thread', 'off', '--report-thread', 'on']);
    expect(both.status).toBe(2);
    expect(both.stderr).toBe("loraswarm: --report-thread on: the report is digested on the writer thread, from the rows it writes; leave out --write-thread off\n");
  });
});
