/**
 * Every shipped scenario, at full size, over the embedded broker and over memory: the same
 * result files, the inference records included (they all fit CI's time budget: under ten
 * seconds each over MQTT).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, repoRoot } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-scenarios-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenarios = readdirSync(join(repoRoot, 'scenarios')).filter((file) => file.endsWith('.yaml')).sort();

describe('every shipped scenario over MQTT', () => {
  it('finds the shipped scenarios', () => {
    expect(scenarios).toEqual(['aloha.yaml', 'city-sink.yaml', 'fl-compression.yaml', 'fl-mnist-dirichlet.yaml', 'fl-mnist-iid.yaml', 'fl-names.yaml', 'inference-2g4.yaml', 'inference-bits.yaml', 'inference-replicas.yaml', 'inference-spread.yaml', 'lorasim-exp1.yaml', 'quickstart.yaml']);
  });

  it.each(scenarios)('%s: the embedded broker writes the bytes memory writes', { timeout: 120_000 }, (file) => {
    const runs = (['memory', 'mqtt'] as const).map((transport) => {
      const out = join(dir, `${file}-${transport}`);
      const result = cli(['run', `scenarios/${file}`, '--transport', transport, '--out', out, '--quiet'], 120_000);
      expect(result.stderr, transport).toBe('');
      expect(result.status, transport).toBe(0);
      return out;
    });
    const serving = file === 'quickstart.yaml' || file.startsWith('inference-');
    const training = file.startsWith('fl-');
    for (const name of ['summary.json', 'report.html', 'frames.csv', 'receptions.csv', 'nodes.csv', 'series.csv', ...(serving ? ['tokens.csv', 'requests.csv', 'placement.csv'] : []), ...(training ? ['rounds.csv', 'partition.csv', 'partition-samples.csv'] : [])]) {
      expect(readFileSync(join(runs[1]!, name), 'utf8'), name).toBe(readFileSync(join(runs[0]!, name), 'utf8'));
    }
  });
});
