/** Reads a scenario file, applies `--set` overrides and a seed, validates it and resolves its swarm: what every command and every sweep run starts from. */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { InputError } from './errors.ts';
import { loadScenarioText, type LoadedScenario } from './loader.ts';
import { parseOverride } from './overrides.ts';
import { resolveSwarm, type ResolvedSwarm } from './resolve.ts';

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
