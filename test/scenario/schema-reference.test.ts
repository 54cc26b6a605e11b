/**
 * The reference of scenario keys (docs/reference/scenario.md) is what `loraswarm schema
 * --markdown` renders from the scenario schema, and the renderer's rows say each key's path,
 * type, default and description (issue 16, point 2).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { scenarioReference } from '../../src/scenario/schema-reference.ts';
import { scenarioJsonSchema } from '../../src/scenario/schema.ts';

const referenceFile = new URL('../../docs/reference/scenario.md', import.meta.url);

describe('docs/reference/scenario.md', () => {
  it('is the reference rendered from the scenario schema', () => {
    expect(readFileSync(referenceFile, 'utf8'), 'docs/reference/scenario.md is out of date: regenerate it with `npm run docs:reference` (node bin/loraswarm.js schema --markdown > docs/reference/scenario.md)').toBe(
      scenarioReference(scenarioJsonSchema()),
    );
  });

  it('is what loraswarm schema --markdown prints', async () => {
    let out = '';
    const status = await main(['schema', '--markdown'], { out: (text) => (out += text), err: (text) => expect.fail(text) });
    expect(status).toBe(0);
    expect(out).toBe(scenarioReference(scenarioJsonSchema()));
  });
});

describe('scenarioReference', () => {
  const schema = {
    type: 'object',
    properties: {
      seed: { type: 'integer', minimum: 0, maximum: 9_007_199_254_740_991, default: 1, description: 'Seed of every stream. Default: 1.' },
      duration: { type: ['number', 'string'], description: 'Simulated time.' },
      radio: {
        type: 'object',
        default: {},
        description: 'Radio settings.',
        properties: { sf: { anyOf: [{ type: 'integer', minimum: 5, maximum: 12 }, { type: 'string', const: 'auto' }], description: 'Spreading factor. Default: the group | its own.' } },
      },
      strategy: {
        oneOf: [
          { type: 'object', properties: { kind: { const: 'fedavg' } } },
          { type: 'object', properties: { kind: { enum: ['fedadam', 'fedyogi'] }, serverLearningRate: { type: 'number', exclusiveMinimum: 0, maximum: 1 } } },
        ],
      },
      groups: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: {
            placement: {
              oneOf: [
                { type: 'object', properties: { shape: { const: 'disc', description: 'disc: on a disc.' }, radiusM: { type: 'number', minimum: 0, description: 'Radius in metres.' } }, required: ['shape', 'radiusM'] },
                { type: 'object', properties: { shape: { const: 'grid', description: 'grid: on a grid.' } }, required: ['shape'] },
              ],
            },
          },
        },
      },
    },
    required: ['duration'],
  };
  const reference = scenarioReference(schema);
  const rowOf = (key: string): string | undefined => reference.split('\n').find((line) => line.startsWith(`| \`${key}\``));

  it('puts the keys without keys of their own in one table, and gives every block its own section', () => {
    expect(reference.match(/^## .*$/gm)).toEqual(['## Top-level keys', '## radio', '## strategy', '## groups']);
  });

  it('renders a key as its path, its type, its default (as code when it is the value itself) and its description without the default', () => {
    expect(rowOf('seed')).toBe('| `seed` | integer ≥ 0 | `1` | Seed of every stream. |');
    expect(rowOf('duration')).toBe('| `duration` | number or string | required | Simulated time. |');
  });

  it('takes a default said in words from the description, pipes escaped', () => {
    expect(rowOf('radio.sf')).toBe('| `radio.sf` | integer from 5 to 12 or `auto` | the group \\| its own | Spreading factor. |');
  });

  it('paths array items with [] and marks the keys of a union branch with its discriminating value', () => {
    expect(rowOf('groups[].placement.shape')).toBe('| `groups[].placement.shape` | `disc` | required | disc: on a disc. |');
    expect(rowOf('groups[].placement.radiusM')).toBe('| `groups[].placement.radiusM` (shape: disc) | number ≥ 0 | required | Radius in metres. |');
    expect(rowOf('groups')).toBe('| `groups` | list of object, at least 1 | — |  |');
  });

  it('tells the branches of a union apart by the key that is fixed in each, a constant or a set of values', () => {
    expect(rowOf('strategy.serverLearningRate')).toBe('| `strategy.serverLearningRate` (kind: fedadam/fedyogi) | number > 0, ≤ 1 | — |  |');
  });
});
