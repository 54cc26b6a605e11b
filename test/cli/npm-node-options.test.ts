/**
 * The repository's .npmrc gives what npm starts here (`npx loraswarm`, `npm test`, `npm run
 * bench`) a larger young generation, and keeps a NODE_OPTIONS of the user's after it (so the
 * user's own options, and a semi-space size of theirs, win).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const nodeOptionsUnderNpm = (own: string | undefined): string => {
  // As from a shell: without the options npm hands its own children (npm test's, here).
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(node_options|npm_config_node_options)$/i.test(key)));
  if (own !== undefined) env.NODE_OPTIONS = own;
  return execFileSync('npm', ['exec', '--offline', '--', 'node', '-p', 'process.env.NODE_OPTIONS + " " + require("v8").getHeapStatistics().heap_size_limit'], { env, encoding: 'utf8' }).trim();
};

describe('Node options under npm', () => {
  it('semi-spaces of 64 MB, the user\'s own options after them', () => {
    const [options, limit] = nodeOptionsUnderNpm(undefined).split(/ (?=\d+$)/);
    expect(options!.trim()).toBe('--max-semi-space-size=64');
    const [own, ownLimit] = nodeOptionsUnderNpm('--max-old-space-size=3000').split(/ (?=\d+$)/);
    expect(own).toBe('--max-semi-space-size=64 --max-old-space-size=3000');
    // The user's option took effect (V8's heap limit follows the old space's).
    expect(Number(ownLimit)).toBeLessThan(Number(limit));
  }, 60_000);
});
