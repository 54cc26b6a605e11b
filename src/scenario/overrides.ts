/**
 * `--set a.b=value` overrides: one field of the scenario, set before validation. The value is
 * read as YAML (so `9` is a number, `true` a boolean, `[1,2]` a list, `"9"` a string); numeric
 * path segments index lists (`groups.0.count=500`), and a list of named items is addressed by
 * name too (`groups.sensors.count=500`).
 */
import { parse as parseYaml } from 'yaml';
import { InputError } from './errors.ts';
import { closestTo } from './suggest.ts';

export interface Override {
  readonly path: readonly (string | number)[];
  readonly value: unknown;
  readonly text: string;
}

export function parseOverride(text: string): Override {
  const eq = text.indexOf('=');
  const key = eq > 0 ? text.slice(0, eq).trim() : '';
  if (eq <= 0 || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(key)) {
    throw new InputError([{ path: '', message: `--set: expected key.path=value, found ${JSON.stringify(text)}` }]);
  }
  let value: unknown;
  try {
    value = parseYaml(text.slice(eq + 1));
  } catch (error) {
    throw new InputError([{ path: key, message: `--set: the value is not valid YAML (${(error as Error).message.split('\n')[0]}), found ${JSON.stringify(text.slice(eq + 1))}` }]);
  }
  const path = key.split('.').map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
  return { path, value, text };
}

const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

/** Applies an override in place to a plain object tree (as parsed from YAML). */
/** Sets the override's value in `root`; returns the path it set, names of list items resolved to their indices. */
export function applyOverride(root: Record<string, unknown>, override: Override): (string | number)[] {
  const { path, text } = override;
  const resolved: (string | number)[] = [];
  const refuse = (depth: number, message: string): never => {
    throw new InputError([{ path: path.slice(0, depth + 1).join('.'), message: `--set ${text}: ${message}` }]);
  };
  let node: Record<string | number, unknown> = root;
  path.forEach((segment, depth) => {
    let key = segment;
    if (typeof key === 'string' && forbiddenKeys.has(key)) refuse(depth, `unknown key "${key}" (not part of the scenario format)`);
    if (Array.isArray(node) && typeof key === 'string') {
      // A list of named items (groups, profiles) is addressed by name too: groups.sensors.count.
      const names = node.map((item: unknown) => (item !== null && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string' ? (item as { name: string }).name : undefined));
      const index = names.indexOf(key);
      if (index < 0) {
        const named = names.filter((name): name is string => name !== undefined);
        const suggestion = named.length > 0 ? closestTo(key, named) : undefined;
        refuse(depth, `expected a list index${named.length > 0 ? ` or the name of an item (${named.join(', ')})` : ''} after ${path.slice(0, depth).join('.')}, found "${key}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`);
      }
      key = index;
    }
    resolved.push(key as string | number);
    if (Array.isArray(node)) {
      if (typeof key !== 'number') refuse(depth, `expected a list index after ${path.slice(0, depth).join('.')}, found "${key}"`);
      if ((key as number) > node.length) {
        refuse(depth, `expected an index ≤ ${node.length} (the list has ${node.length} items; index ${node.length} appends one), found ${key}`);
      }
    }
    if (depth === path.length - 1) {
      node[key] = override.value;
      return;
    }
    let next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next === undefined || next === null) {
      next = typeof path[depth + 1] === 'number' ? [] : {};
      node[key] = next;
    }
    if (typeof next !== 'object') {
      refuse(depth, `expected a mapping or list at ${path.slice(0, depth + 1).join('.')}, found ${JSON.stringify(next) ?? typeof next}`);
    }
    node = next as Record<string | number, unknown>;
  });
  return resolved;
}
