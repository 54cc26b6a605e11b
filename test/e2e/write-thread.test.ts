/**
 * `run --write-thread`: the streamed files (frames, receptions, series) formatted and written by
 * a thread of their own give the same run directory as the simulation's thread writing them,
 * checkpoints included.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'loraswarm-write-thread-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// 1,000 nodes for two hours: 7,185 frames, more than a batch of rows (4,096).
const city = ['run', 'bench/poisson-1000.yaml', '--set', 'duration=2h', '--transport', 'memory', '--quiet'];

describe('loraswarm run --write-thread', () => {
  it('writes byte-identical files on or off, gzip-compressed or not, with checkpoints taken on the way', () => {
    for (const compress of ['off', 'on']) {
      const dirs = ['on', 'off'].map((thread) => {
        const out = join(tmp, `${thread}-${compress}`);
        const result = cli([...city, '--out', out, '--write-thread', thread, '--compress', compress, '--checkpoint-every', '0.01']);
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
        return out;
      });
      const files = readdirSync(dirs[0]!).sort();
      expect(files).toEqual(readdirSync(dirs[1]!).sort());
      expect(files).toContain(compress === 'on' ? 'frames.csv.gz' : 'frames.csv');
      for (const file of files.filter((name) => name !== 'timing.json')) expect(readFileSync(join(dirs[0]!, file)).equals(readFileSync(join(dirs[1]!, file))), file).toBe(true);
      const frames = JSON.parse(readFileSync(join(dirs[0]!, 'summary.json'), 'utf8')) as { frames: { sent: number } };
      expect(frames.frames.sent).toBe(7185);
      for (const out of dirs) expect((JSON.parse(readFileSync(join(out, 'timing.json'), 'utf8')) as { checkpoints: number }).checkpoints).toBeGreaterThan(0);
    }
  });

  it('refuses a value other than auto, on or off (exit 2)', () => {
    const result = cli([...city, '--out', join(tmp, 'bad'), '--write-thread', 'sometimes']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('loraswarm: --write-thread: expected "auto", "on" or "off", found "sometimes"\n');
  });
});
