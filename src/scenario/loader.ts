/**
 * Loads a scenario: YAML text → plain tree → `--set` overrides → compatibility defaults →
 * schema validation. Every problem becomes an {@link InputError} that names the file, line,
 * column and key path, what was expected and what was found.
 */
import { LineCounter, parseDocument, isAlias, isMap, isPair, isScalar, visit, type Document, type Pair, type YAMLMap } from 'yaml';
import type * as z from 'zod';
import { fillDefaults, lorasimDefaults } from './compat.ts';
import { duplicateKeys } from './duplicate-keys.ts';
import { describeValue, formatPath, InputError, type InputIssue, type SourcePosition } from './errors.ts';
import { applyOverride, type Override } from './overrides.ts';
import { closestTo } from './suggest.ts';
import { scenarioJsonSchema, scenarioSchema, type Scenario } from './schema.ts';

export interface LoadOptions {
  /** Name shown in messages (usually the file path). */
  readonly file: string;
  readonly overrides?: readonly Override[];
  /** Replaces the scenario's seed (the CLI's --seed). */
  readonly seed?: number;
}

export interface LoadedScenario {
  readonly scenario: Scenario;
  /** Locates a key path in the source, for later semantic errors. */
  readonly locate: (path: readonly PropertyKey[]) => SourcePosition | undefined;
  /** Whether a `--set` gave the value at a key path (or above it): its errors say so instead of a file position. */
  readonly fromSet: (path: readonly PropertyKey[]) => boolean;
}

export function loadScenarioText(text: string, options: LoadOptions): LoadedScenario {
  const lineCounter = new LineCounter();
  // Repeated keys are found in one pass (duplicate-keys.ts), not by yaml's check of each key against every earlier one.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: options.file, line, column: col };
  };
  const errors = [...doc.errors.map((error) => ({ offset: error.pos[0], message: error.message })), ...duplicateKeys(doc)].sort((a, b) => a.offset - b.offset);
  if (errors.length > 0) {
    throw new InputError(
      errors.map((error) => ({
        path: '',
        message: /Maximum call stack size exceeded/.test(error.message)
          ? 'expected YAML nested less deeply, found nesting deeper than the parser can follow (a scenario needs a few levels)'
          : `expected valid YAML, found a syntax error: ${error.message.split('\n')[0]}`,
        source: position(error.offset),
      })),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    // Unresolved aliases and alias bombs surface here, not in doc.errors.
    const alias = firstAliasOffset(doc);
    throw new InputError([{ path: '', message: `expected valid YAML, found: ${(error as Error).message.split('\n')[0]}`, source: position(alias ?? 0) }]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError([{ path: '', message: `expected a mapping of scenario keys, found ${describeValue(raw)}`, source: position(0) }]);
  }
  const tree = raw as Record<string, unknown>;
  const overridden = new Set<string>();
  for (const override of options.overrides ?? []) overridden.add(formatPath(applyOverride(tree, override)));
  const fromSet = (path: readonly PropertyKey[]): boolean => {
    const text = formatPath(path);
    return [...overridden].some((key) => text === key || text.startsWith(`${key}.`) || text.startsWith(`${key}[`));
  };
  if (options.seed !== undefined) tree.seed = options.seed;
  if (tree.compat === 'lorasim') fillDefaults(tree, lorasimDefaults);

  const locate = (path: readonly PropertyKey[]): SourcePosition | undefined => {
    const offset = sourceOffset(doc, path);
    return offset === undefined ? undefined : position(offset);
  };
  const result = scenarioSchema.safeParse(tree, { reportInput: true });
  if (!result.success) {
    throw new InputError(result.error.issues.flatMap((issue) => toIssues(issue, locate, fromSet)));
  }
  return { scenario: endWithScheduledRounds(result.data), locate, fromSet };
}

/** Scheduled federated rounds (fl/sessions.ts): the run ends with the last round's period, if the duration is longer. */
function endWithScheduledRounds(scenario: Scenario): Scenario {
  const schedule = scenario.federated?.schedule;
  if (!schedule) return scenario;
  return { ...scenario, duration: Math.min(scenario.duration, scenario.federated!.rounds * schedule.period) };
}

/** An issue at a key path: where the file has it, or "(set by --set)". */
export function issueAt(path: readonly PropertyKey[], message: string, locate: LoadedScenario['locate'], fromSet: LoadedScenario['fromSet']): InputIssue {
  const text = formatPath(path);
  if (fromSet(path)) return { path: text, message: `${message} (set by --set)` };
  const source = locate(path);
  return { path: text, message, ...(source && { source }) };
}

function toIssues(issue: z.core.$ZodIssue, locate: LoadedScenario['locate'], fromSet: LoadedScenario['fromSet']): InputIssue[] {
  const at = (path: readonly PropertyKey[], message: string): InputIssue => issueAt(path, message, locate, fromSet);
  const found = describeValue(issue.input);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const suggestion = closestTo(key, keysAt(issue.path));
        return at([...issue.path, key], `unknown key "${key}" (not part of the scenario format; see \`loraswarm schema\`)${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
      });
    case 'invalid_type':
      return [at(issue.path, `expected ${issue.expected}, found ${found}`)];
    case 'too_small':
      return [at(issue.path, `expected ${bound(issue.origin, issue.inclusive ? '≥' : '>', issue.minimum)}, found ${found}`)];
    case 'too_big':
      return [at(issue.path, `expected ${bound(issue.origin, issue.inclusive ? '≤' : '<', issue.maximum)}, found ${found}`)];
    case 'invalid_value': {
      const suggestion = typeof issue.input === 'string' ? closestTo(issue.input, issue.values.filter((v): v is string => typeof v === 'string')) : undefined;
      return [at(issue.path, `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${found}${suggestion ? `; did you mean "${suggestion}"?` : ''}`)];
    }
    case 'invalid_format':
      return [at(issue.path, `${issue.message.startsWith('expected') ? issue.message : `expected ${issue.format}`}, found ${found}`)];
    case 'invalid_union':
      return [at(issue.path, `${issue.message.startsWith('expected') ? issue.message : 'expected one of the allowed forms'}, found ${found}`)];
    case 'custom':
      return [at(issue.path, issue.message)];
    default:
      return [at(issue.path, `${issue.message}, found ${found}`)];
  }
}

function bound(origin: string, relation: string, limit: number | bigint): string {
  if (origin === 'array') return `a list of ${relation} ${limit} items`;
  if (origin === 'string') return `a string of ${relation} ${limit} characters`;
  return `a number ${relation} ${limit}`;
}

/** Offset in the source of the value (or, for a missing key, of the nearest existing parent). */
function sourceOffset(doc: Document, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = doc.contents;
  let offset = (node as { range?: number[] } | null)?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = pairOf(node, key);
      if (!pair) return offset;
      offset = (pair.key as { range?: number[] }).range?.[0] ?? offset;
      node = pair.value;
    } else if (node && typeof node === 'object' && 'items' in node && typeof key === 'number') {
      node = (node as { items: unknown[] }).items[key];
      offset = (node as { range?: number[] } | undefined)?.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

/** Each large mapping's pairs by key (the first pair of a key, as `find` gives): a file with 20,000 bad keys is located in one pass, not 20,000. */
const pairsByKey = new WeakMap<object, Map<unknown, Pair>>();

function pairOf(map: YAMLMap, key: PropertyKey): Pair | undefined {
  if (map.items.length < 32) return map.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
  let index = pairsByKey.get(map);
  if (!index) {
    index = new Map();
    for (const item of map.items) if (isPair(item) && isScalar(item.key) && !index.has(item.key.value)) index.set(item.key.value, item);
    pairsByKey.set(map, index);
  }
  return index.get(key);
}

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && offset === undefined) offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

let jsonSchema: JsonNode | undefined;
type JsonNode = { readonly [key: string]: unknown };

/** The keys the scenario format allows at `path` (for "did you mean"); none when the path cannot be followed. */
function keysAt(path: readonly PropertyKey[]): string[] {
  const root = (jsonSchema ??= scenarioJsonSchema() as JsonNode);
  const defs = (root.$defs ?? root.definitions ?? {}) as Record<string, JsonNode>;
  /** The schema node itself and its alternatives ($ref, anyOf, oneOf, allOf), flattened. */
  const expand = (node: JsonNode | undefined, depth = 0): JsonNode[] => {
    if (!node || depth > 20) return [];
    const ref = typeof node.$ref === 'string' ? defs[node.$ref.replace(/^#\/(\$defs|definitions)\//, '')] : undefined;
    const branches = (['anyOf', 'oneOf', 'allOf'] as const).flatMap((k) => (Array.isArray(node[k]) ? (node[k] as JsonNode[]) : []));
    return [node, ...expand(ref, depth + 1), ...branches.flatMap((b) => expand(b, depth + 1))];
  };
  let nodes = expand(root);
  for (const segment of path) {
    nodes = nodes.flatMap((node) => {
      if (typeof segment === 'number') return node.items && typeof node.items === 'object' ? expand(node.items as JsonNode) : [];
      const properties = node.properties as Record<string, JsonNode> | undefined;
      return properties && typeof segment === 'string' && properties[segment] ? expand(properties[segment]) : [];
    });
  }
  return [...new Set(nodes.flatMap((node) => (node.properties && typeof node.properties === 'object' ? Object.keys(node.properties) : [])))];
}
