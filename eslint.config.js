// Lint: typescript-eslint's recommended rules, plus the house rule that keeps the wall clock,
// Math.random, global timers, the network and the file system out of the pure folders (sim
// except realtime.ts, radio, hw, model except model/io/, placement, lorawan, the dashboard's
// views' data; docs/explanation/design-notes.md, "Layout").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export const pureFolders = ['src/sim/**', 'src/radio/**', 'src/hw/**', 'src/model/**', 'src/placement/**', 'src/lorawan/**', 'src/dashboard/views/**'];
export const pureExceptions = ['src/sim/realtime.ts', 'src/model/io/**'];

const why = 'pure folders take time from the scheduler and randomness from an RNG stream (docs/explanation/design-notes.md, Layout)';

export default tseslint.config(
  { ignores: ['node_modules/**', 'perf-tmp/**', 'runs/**', 'test-output/**', 'coverage/**', 'dist/**', 'dashboard/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true } }],
    },
  },
  {
    // A spread into a call's arguments overflows the stack past ~125,000 items (a city's nodes):
    // loops and reduce instead (issue 14).
    files: ['src/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'CallExpression > SpreadElement', message: 'no spread into function arguments: a large array overflows the stack; loop or reduce' },
        { selector: 'NewExpression > SpreadElement', message: 'no spread into constructor arguments: a large array overflows the stack; loop or reduce' },
      ],
    },
  },
  {
    files: ['src/dashboard/ui/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['eslint.config.js', 'vitest.config.ts'],
    rules: { 'no-restricted-exports': 'off' },
  },
  {
    // CommonJS on purpose: what the bundle gives packages that require('debug') and call it.
    files: ['bin/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: pureFolders,
    ignores: pureExceptions,
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: why },
        { object: 'Date', property: 'now', message: why },
        { object: 'performance', property: 'now', message: why },
        { object: 'process', property: 'hrtime', message: why },
      ],
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'queueMicrotask', 'performance', 'fetch', 'Date'].map(
          (name) => ({ name, message: why }),
        ),
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'https', 'node:https', 'dgram', 'node:dgram', 'node:timers', 'timers', 'node:perf_hooks', 'perf_hooks', 'mqtt', 'aedes', 'ws'].map(
            (name) => ({ name, message: why }),
          ),
        },
      ],
    },
  },
);
