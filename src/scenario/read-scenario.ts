/** Reads a scenario file, applies `--set` overrides and a seed, validates it and resolves its swarm: what every command and every sweep run starts from. */
import { basename, extname } from 'node:path';
import { maxScenarioBytes, readBoundedText, TooLargeError } from './bounded-text.ts';
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
  const text = readScenarioText(file);
  const overrides = (options.sets ?? []).map(parseOverride);
  const loaded = loadScenarioText(text, { file, overrides, ...(options.seed !== undefined && { seed: options.seed }) });
  const swarm = resolveSwarm(loaded.scenario, loaded.locate, loaded.fromSet);
  return { ...loaded, swarm, name: loaded.scenario.name ?? basename(file, extname(file)) };
}

/** The file's text, read no further than `maxScenarioBytes` + 1 bytes whatever it is (a pipe or a device has no size to check first). */
function readScenarioText(file: string): string {
  try {
    return readBoundedText(file, maxScenarioBytes);
  } catch (error) {
    if (error instanceof TooLargeError) throw new InputError([{ path: '', message: `expected a scenario file of at most ${maxScenarioBytes / 2 ** 20} MiB, found more at ${file}` }]);
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError([{ path: '', message: `expected a readable scenario file at ${file}, found ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (code ?? 'an unreadable file')}` }]);
  }
}
