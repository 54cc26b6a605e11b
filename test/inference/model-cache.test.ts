/**
 * A process keeps the checkpoints it has read (a sweep reads each once), and reads one again
 * when its file has changed since, as a fresh process would: the same path, another model.
 */
import { copyFileSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inferenceFor } from '../../src/inference/load-model.ts';
import { loadScenario } from '../helpers/scenario.ts';

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-model-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the checkpoints a process keeps', () => {
  it('are read once per file, and again once the file changes', () => {
    const file = join(dir, 'model.tskp');
    const served = () => {
      const { scenario, swarm } = loadScenario('scenarios/quickstart.yaml', [`model.checkpoint=${file}`]);
      return inferenceFor(scenario, swarm)!.model;
    };
    copyFileSync('models/tinyseek-names/model.tskp', file);
    const model = served();
    expect(model.config.experts).toBe(16);
    // Read again unchanged: the model kept.
    expect(served()).toBe(model);
    // The distilled student over the same path, its time set apart from the first file's.
    copyFileSync('models/tinyseek-names-small/model.tskp', file);
    utimesSync(file, new Date(1_000_000), new Date(1_000_000));
    expect(served().config.experts).toBe(4);
  });
});
