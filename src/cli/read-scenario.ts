/** Reads and validates a scenario file for the CLI commands. */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { InputError } from '../scenario/errors.ts';
import { loadScenarioText, type LoadedScenario } from '../scenario/loader.ts';
import { parseOverride } from '../scenario/overrides.ts';
import { resolveSwarm, type ResolvedSwarm } from '../scenario/resolve.ts';

export interface ReadScenarioOptions {
  readonly sets?: readonly string[];
  readonly seed?: number;
}

export interface ReadScenario extends LoadedScenario {
  readonly name: string;
  readonly swarm: ResolvedSwarm;
}

export function readScenario(file: string, options: ReadScenarioOptions = {}): ReadScenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError([{ path: '', message: `expected a readable scenario file at ${file}, found ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (code ?? 'an unreadable file')}` }]);
  }
  const overrides = (options.sets ?? []).map(parseOverride);
  const loaded = loadScenarioText(text, { file, overrides, ...(options.seed !== undefined && { seed: options.seed }) });
  const swarm = resolveSwarm(loaded.scenario, loaded.locate);
  return { ...loaded, swarm, name: loaded.scenario.name ?? basename(file, extname(file)) };
}
