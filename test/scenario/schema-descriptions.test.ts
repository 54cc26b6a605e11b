/**
 * Every property of the scenario JSON Schema (`loraswarm schema`, what editors show and
 * docs/reference/scenario.md is built from) has a description, at every depth: inside
 * anyOf/oneOf/allOf branches, array items and tuples, record values and $defs (issue 16, point 2).
 */
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../src/scenario/schema.ts';

type JsonNode = { readonly [key: string]: unknown };

interface Property {
  /** JSON pointer of the property's schema, e.g. /properties/groups/items/properties/name. */
  readonly pointer: string;
  readonly schema: JsonNode;
}

const isNode = (value: unknown): value is JsonNode => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The node a local $ref ("#/$defs/x") points at. */
function resolve(root: JsonNode, ref: string): unknown {
  return ref
    .replace(/^#\/?/, '')
    .split('/')
    .filter((part) => part !== '')
    .reduce<unknown>((node, part) => (isNode(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), root);
}

/** Every `properties` entry reachable from the root, each $ref followed once. */
function propertiesOf(root: JsonNode): Property[] {
  const found: Property[] = [];
  const followed = new Set<string>();
  const visit = (node: unknown, pointer: string): void => {
    if (!isNode(node)) return;
    if (typeof node.$ref === 'string' && !followed.has(node.$ref)) {
      followed.add(node.$ref);
      visit(resolve(root, node.$ref), node.$ref.replace(/^#/, ''));
    }
    for (const [key, child] of Object.entries(isNode(node.properties) ? node.properties : {})) {
      found.push({ pointer: `${pointer}/properties/${key}`, schema: isNode(child) ? child : {} });
      visit(child, `${pointer}/properties/${key}`);
    }
    for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) {
      const branches = node[key];
      if (Array.isArray(branches)) branches.forEach((branch, i) => visit(branch, `${pointer}/${key}/${i}`));
    }
    visit(node.items, `${pointer}/items`);
    visit(node.additionalProperties, `${pointer}/additionalProperties`);
  };
  visit(root, '');
  return found;
}

const described = (property: Property): boolean => typeof property.schema.description === 'string' && property.schema.description.trim() !== '';

describe('the scenario JSON Schema', () => {
  const properties = propertiesOf(scenarioJsonSchema() as JsonNode);

  it('describes every property, at every depth', () => {
    const missing = properties.filter((property) => !described(property)).map((property) => property.pointer);
    expect(missing, `${properties.length - missing.length} of ${properties.length} properties described; without a description:\n${missing.join('\n')}`).toEqual([]);
  });

  it('has as many properties described as properties, and over 300 of them', () => {
    const count = properties.filter(described).length;
    expect(count, `${count} properties described of ${properties.length}`).toBe(properties.length);
    expect(properties.length, `${properties.length} properties found: the walker missed most of the schema`).toBeGreaterThanOrEqual(300);
  });

  it('states the default of every property that has a default value (an object default means each of its keys at theirs)', () => {
    const silent = properties.filter((property) => 'default' in property.schema && !isNode(property.schema.default) && !/Default: /.test(String(property.schema.description)));
    expect(silent.map((property) => property.pointer)).toEqual([]);
  });
});

describe('propertiesOf', () => {
  it('finds properties in branches, items, tuples, record values and $defs', () => {
    const leaf = { type: 'number' };
    const schema: JsonNode = {
      properties: {
        plain: leaf,
        union: { anyOf: [{ properties: { inAnyOf: leaf } }], oneOf: [{ properties: { inOneOf: leaf } }], allOf: [{ properties: { inAllOf: leaf } }] },
        list: { items: { properties: { inItems: leaf } } },
        tuple: { prefixItems: [{ properties: { inTuple: leaf } }] },
        record: { additionalProperties: { properties: { inRecord: leaf } } },
        reused: { $ref: '#/$defs/shared' },
        again: { $ref: '#/$defs/shared' },
      },
      $defs: { shared: { properties: { inDefs: leaf, self: { $ref: '#/$defs/shared' } } } },
    };
    expect(propertiesOf(schema).map((property) => property.pointer)).toEqual([
      '/properties/plain',
      '/properties/union',
      '/properties/union/anyOf/0/properties/inAnyOf',
      '/properties/union/oneOf/0/properties/inOneOf',
      '/properties/union/allOf/0/properties/inAllOf',
      '/properties/list',
      '/properties/list/items/properties/inItems',
      '/properties/tuple',
      '/properties/tuple/prefixItems/0/properties/inTuple',
      '/properties/record',
      '/properties/record/additionalProperties/properties/inRecord',
      '/properties/reused',
      '/$defs/shared/properties/inDefs',
      '/$defs/shared/properties/self',
      '/properties/again',
    ]);
  });
});
