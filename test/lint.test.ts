import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The house rule of docs/explanation/design-notes.md, "Layout" (no wall clock, randomness or I/O
 * in the pure folders), as lint enforces it on the project's own configuration.
 */
describe('lint keeps the pure folders free of wall clock and randomness', () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const lint = async (filePath: string, code: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath });
    return result!.messages.map((message) => `${message.ruleId}: ${message.message}`);
  };
  const offending = [
    'export const a = Math.random();',
    'export const b = Date.now();',
    'export const c = performance.now();',
    'setTimeout(() => undefined, 5);',
    'export const d = new Date();',
    "import { readFileSync } from 'node:fs';\nexport const e = readFileSync;",
  ];

  it.each(['src/radio/x.ts', 'src/sim/x.ts', 'src/hw/x.ts', 'src/model/x.ts', 'src/placement/x.ts'])('refuses each of them in %s', async (file) => {
    for (const code of offending) {
      const messages = await lint(file, code);
      expect(messages.some((m) => m.includes('pure folders')), `${file}: ${code}`).toBe(true);
    }
  });

  it('allows them where time and I/O belong: src/sim/realtime.ts, src/model/io/, src/cli/', async () => {
    for (const file of ['src/sim/realtime.ts', 'src/model/io/x.ts', 'src/cli/x.ts']) {
      for (const code of offending) expect(await lint(file, code), `${file}: ${code}`).toEqual([]);
    }
  });
});
