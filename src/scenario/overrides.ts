/**
 * `--set a.b=value` overrides: one field of the scenario, set before validation. The value is
 * read as YAML (so `9` is a number, `true` a boolean, `[1,2]` a list, `"9"` a string); numeric
 * path segments index lists (`groups.0.count=500`).
 */
import { parse as parseYaml } from 'yaml';
import { InputError } from './errors.ts';

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

/** Applies an override in place to a plain object tree (as parsed from YAML). */
export function applyOverride(root: Record<string, unknown>, override: Override): void {
  let node: unknown = root;
  const { path } = override;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const container = node as Record<string | number, unknown>;
    let next = container[key];
    if (next === undefined || next === null) {
      next = typeof path[i + 1] === 'number' ? [] : {};
      container[key] = next;
    }
    if (typeof next !== 'object') {
      const where = path.slice(0, i + 1).join('.');
      throw new InputError([{ path: where, message: `--set ${override.text}: expected a mapping or list at ${where}, found ${JSON.stringify(next)}` }]);
    }
    node = next;
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(node) && typeof last !== 'number') {
    throw new InputError([{ path: path.join('.'), message: `--set ${override.text}: expected a list index after ${path.slice(0, -1).join('.')}, found "${last}"` }]);
  }
  (node as Record<string | number, unknown>)[last] = override.value;
}
