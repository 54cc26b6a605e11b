import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/scenario/errors.ts';
import { loadScenarioText } from '../../src/scenario/loader.ts';
import { parseOverride, type Override } from '../../src/scenario/overrides.ts';
import { resolveSwarm } from '../../src/scenario/resolve.ts';
import { inferenceFor } from '../../src/inference/load-model.ts';
import { prepareFederated } from '../../src/fl/setup.ts';

const fuzzSeed = 20240611;
const scenarioText = (name: string): string => readFileSync(new URL(`../../scenarios/${name}`, import.meta.url), 'utf8');

/**
 * Loads and resolves; returns 'ok' or 'input-error', and throws anything else. An InputError
 * must carry at least one issue and each issue a non-empty message.
 */
function loadAndResolve(text: string, overrides: readonly Override[] = []): 'ok' | 'input-error' {
  try {
    const loaded = loadScenarioText(text, { file: 'fuzz.yaml', overrides });
    resolveSwarm(loaded.scenario, loaded.locate);
    return 'ok';
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(typeof issue.message).toBe('string');
      expect(issue.message.trim()).not.toBe('');
    }
    return 'input-error';
  }
}

describe('loadScenarioText + resolveSwarm on arbitrary text', () => {
  it('either succeeds or throws InputError for any printable string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        loadAndResolve(text);
      }),
      { seed: fuzzSeed, numRuns: 400 },
    );
  });

  it('either succeeds or throws InputError for strings over a YAML-ish alphabet', () => {
    const unit = fc.constantFrom(...':-[]{}#\n "\'0123456789abc,.!&*|>'.split(''));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 120 }), (text) => {
        loadAndResolve(text);
      }),
      { seed: fuzzSeed, numRuns: 600 },
    );
  });
});

type Tree = Record<string, unknown>;

/** Every key path in a plain tree (objects and lists), the root excluded. */
function keyPaths(value: unknown, prefix: readonly (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => [[...prefix, i], ...keyPaths(item, [...prefix, i])]);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...keyPaths(item, [...prefix, key])]);
  }
  return [];
}

/** Keeps the swarm small so that resolveSwarm stays fast whatever the mutation did to `count`. */
function capCounts(tree: unknown): void {
  if (typeof tree !== 'object' || tree === null) return;
  const groups = (tree as Tree).groups;
  if (!Array.isArray(groups)) return;
  for (const group of groups as unknown[]) {
    if (typeof group === 'object' && group !== null && typeof (group as Tree).count === 'number' && ((group as Tree).count as number) > 50) {
      (group as Tree).count = 50;
    }
  }
}

type Mutation =
  | { readonly kind: 'replace'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'add'; readonly at: number; readonly key: string; readonly value: unknown };

const scalar = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('auto', 'sink', 'node', 'peer', 'broadcast', 'unlimited', '10min', '-5s', '0ms', '1e3', 'lorasim', 'sx1262', 'sx1280', 'us915', 'ism2400', 'disc', 'grid', 'rectangle', '4/8', 7, 12, 0, -1, 868.1),
);
const value = fc.oneof({ arbitrary: scalar, weight: 3 }, { arbitrary: fc.anything({ maxDepth: 2 }), weight: 1 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('sf', 'count', 'radio', 'nodes', 'traffic', 'compat')), value }),
);

/** Applies mutations to a copy of the tree; `at` picks a key path modulo the paths present. */
function mutate(base: Tree, mutations: readonly Mutation[]): Tree {
  const tree = structuredClone(base);
  for (const m of mutations) {
    const paths = keyPaths(tree);
    if (paths.length === 0) break;
    const path = paths[m.at % paths.length]!;
    const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Tree)[key as string], tree) as Tree | unknown[];
    const last = path[path.length - 1]!;
    if (m.kind === 'replace') {
      (parent as Tree)[last as string] = m.value;
    } else if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last as string];
    } else {
      const target = (parent as Tree)[last as string];
      if (typeof target === 'object' && target !== null && !Array.isArray(target)) (target as Tree)[m.key] = m.value;
      else if (Array.isArray(target)) target.push(m.value);
      else (parent as Tree)[last as string] = { [m.key]: m.value };
    }
  }
  capCounts(tree);
  return tree;
}

describe('loadScenarioText + resolveSwarm on mutated real scenarios', () => {
  const aloha = parseYaml(scenarioText('aloha.yaml')) as Tree;
  const citySink = parseYaml(scenarioText('city-sink.yaml')) as Tree;
  capCounts(aloha);
  capCounts(citySink);

  it('loads both unmutated bases (with counts capped at 50)', () => {
    expect(loadAndResolve(stringifyYaml(aloha))).toBe('ok');
    expect(loadAndResolve(stringifyYaml(citySink))).toBe('ok');
  });

  it.each([
    ['aloha.yaml', aloha],
    ['city-sink.yaml', citySink],
  ])('either succeeds or throws InputError for mutations of %s', (_name, base) => {
    const outcomes = { ok: 0, 'input-error': 0 };
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const text = stringifyYaml(mutate(base, mutations));
        outcomes[loadAndResolve(text)]++;
      }),
      { seed: fuzzSeed, numRuns: 300 },
    );
    // Both outcomes occur, so the mutations neither always break nor never touch the scenario.
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes['input-error']).toBeGreaterThan(0);
  });
});

describe('parseOverride + loadScenarioText on random --set texts', () => {
  const aloha = scenarioText('aloha.yaml');
  // Prototype keys (__proto__, constructor, prototype) are left out here: walking into
  // Object.prototype would pollute this worker for every later test. They have their own test.
  const segment = fc.oneof(
    fc.constantFrom('duration', 'seed', 'region', 'collision', 'radio', 'sf', 'channelsMhz', 'groups', 'count', 'placement', 'shape', 'radiusM', 'traffic', 'interval', 'payloadBytes', 'to', 'nodes', 'xM', 'name', 'role'),
    fc.constantFrom('0', '1', '2', '3'),
    fc.string({ unit: fc.constantFrom(...'ax_-09.'.split('')), maxLength: 4 }),
  );
  const valueText = fc.oneof(
    fc.string({ unit: fc.constantFrom(...':-[]{}#"\'0123456789abc, '.split('')), maxLength: 20 }),
    fc.constantFrom('7', '13', 'auto', '10min', '[868.1]', '{ shape: grid, spacingM: 10 }', 'null', '~', '', 'sink', '-1', '1e9', '[1', '{'),
  );
  const setText = fc.oneof(
    fc.tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), valueText).map(([path, text]) => `${path.join('.')}=${text}`),
    fc.string({ maxLength: 30 }),
    // Valid overrides, so that some runs load.
    fc.constantFrom('seed=7', 'duration=10min', 'radio.sf=9', 'groups.1.count=5', 'collision=lorasim', 'groups.1.traffic.payloadBytes=300'),
  );

  it('either succeeds or throws InputError, never anything else', () => {
    const outcomes = { ok: 0, 'input-error': 0 };
    fc.assert(
      fc.property(fc.array(setText, { minLength: 1, maxLength: 3 }), (texts) => {
        let overrides: Override[];
        try {
          overrides = texts.map(parseOverride);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          outcomes['input-error']++;
          return;
        }
        outcomes[loadAndResolve(aloha, [...overrides, parseOverride('groups.1.count=20')])]++;
      }),
      { seed: fuzzSeed, numRuns: 500 },
    );
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes['input-error']).toBeGreaterThan(0);
  });

  it('refuses --set __proto__.polluted=1 with an InputError and leaves Object.prototype alone', () => {
    const prototype = Object.prototype as Record<string, unknown>;
    let thrown: unknown;
    let polluted: boolean;
    try {
      loadScenarioText(aloha, { file: 'fuzz.yaml', overrides: [parseOverride('__proto__.polluted=1')] });
    } catch (error) {
      thrown = error;
    } finally {
      polluted = Object.prototype.hasOwnProperty.call(prototype, 'polluted');
      delete prototype.polluted;
    }
    expect(polluted).toBe(false);
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).issues[0]?.path).toMatch(/__proto__/);
  });
});

describe('source positions of InputError issues', () => {
  const lines = [
    'name: positions', // 1
    'duration: 10min', // 2
    'region: none', // 3
    'framing: raw', // 4
    'radio:', // 5
    '  sf: 7', // 6
    '  spreadingFactor: 9', // 7
    'groups:', // 8
    '  - name: sink', // 9
    '    role: sink', // 10
    '    nodes: [{ id: sink, xM: 0, yM: 0 }]', // 11
    '  - name: n', // 12
    '    count: 5', // 13
    '    placement: { shape: disc, radiusM: 1, minSeparationM: 1000 }', // 14
    '    traffic: { kind: poisson, interval: 1min, payloadBytes: 10 }', // 15
  ];

  function issuesOf(text: string): InputError['issues'] {
    try {
      const loaded = loadScenarioText(text, { file: 'positions.yaml' });
      resolveSwarm(loaded.scenario, loaded.locate);
    } catch (error) {
      if (error instanceof InputError) return error.issues;
      throw error;
    }
    throw new Error('expected an InputError');
  }

  it('places an unknown key on line 7 at positions.yaml:7:3', () => {
    expect(issuesOf(`${lines.join('\n')}\n`)).toEqual([
      {
        path: 'radio.spreadingFactor',
        message: 'unknown key "spreadingFactor" (not part of the scenario format; see `loraswarm schema`)',
        source: { file: 'positions.yaml', line: 7, column: 3 },
      },
    ]);
  });

  it('places a placement without room for its nodes at the minSeparationM key on line 14', () => {
    const text = `${lines.map((line, i) => (i === 6 ? '  txPowerDbm: 14' : line)).join('\n')}\n`;
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('groups[1].placement.minSeparationM');
    expect(issues[0]!.message).toMatch(/^expected at most 1 node 1000 m apart within radius 1\.0 m \(the hexagonal packing bound, .*\), found count 5$/);
    expect(issues[0]!.source).toEqual({ file: 'positions.yaml', line: 14, column: expect.any(Number) as number });
  });
});

describe('mutated model-serving and federated scenarios, prepared as a run prepares them', () => {
  /** Loads, resolves and prepares the model or the federation; 'ok' or an input error (exit 2), and nothing else. */
  function loadAndPrepare(text: string): 'ok' | 'input-error' {
    try {
      const loaded = loadScenarioText(text, { file: 'fuzz.yaml' });
      const swarm = resolveSwarm(loaded.scenario, loaded.locate);
      inferenceFor(loaded.scenario, swarm);
      if (loaded.scenario.federated) prepareFederated(loaded.scenario, swarm);
      return 'ok';
    } catch (error) {
      if (error instanceof InputError) {
        expect(error.issues.length).toBeGreaterThan(0);
        return 'input-error';
      }
      if (error instanceof Error && (error.name === 'PlacementError' || error.name === 'CheckpointError')) return 'input-error';
      throw error;
    }
  }

  it.each(['quickstart.yaml', 'fl-mnist-iid.yaml'])('either prepares or refuses mutations of %s with an input error', (name) => {
    const base = parseYaml(scenarioText(name)) as Tree;
    capCounts(base);
    const outcomes = { ok: 0, 'input-error': 0 };
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        outcomes[loadAndPrepare(stringifyYaml(mutate(base, mutations)))]++;
      }),
      { seed: fuzzSeed, numRuns: 400 },
    );
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes['input-error']).toBeGreaterThan(0);
  }, 120_000);
});
