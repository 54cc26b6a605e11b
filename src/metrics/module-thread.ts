/**
 * Starts a worker thread on one of the bundle's thread entries: `dist/<name>.mjs`, next to the
 * chunk the caller lands in once bundled, or, run from the sources, `<name>.ts` next to the
 * caller, through tsx. `here` is the caller's `import.meta.url`, which the bundle must leave as
 * it is (bin/bundle.js, `ownUrl`), and `<name>` must be one of the bundle's entries.
 *
 * @example
 * const worker = startModuleThread(import.meta.url, 'csv-writer-thread');
 */
import { Worker } from 'node:worker_threads';

export function startModuleThread(here: string, name: string): Worker {
  if (here.endsWith('.mjs')) return new Worker(new URL(`./${name}.mjs`, here));
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${name}.ts`, here).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`, { eval: true });
}
