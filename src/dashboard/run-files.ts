/**
 * Reads what the dashboard shows from a run directory: the result files as text (the largest
 * with only the columns the views read), and the
 * dashboard's meta (title, sub-bands with their duty cycles, and, for an empty, unfinished or
 * failed directory, a message saying so instead of a blank page).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { regions, type RegionId } from '../radio/regions.ts';
import { subBandLabel } from '../metrics/series.ts';
import { csvFormat, csvParse } from 'd3';
import { embeddedColumns, runFileNames, type RunFiles, type RunMeta } from './views/run-model.ts';

/**
 * The files of `dir` (those that exist) and the meta the views need. `finishing`: the run is
 * writing its report into its own partial directory, whose RUNNING mark is about to go.
 */
export function readRunFiles(dir: string, finishing = false): RunFiles {
  const files: RunFiles = {};
  for (const name of runFileNames) {
    if (name === 'meta.json') continue;
    const path = join(dir, name);
    if (!existsSync(path) || !statSync(path).isFile()) continue;
    const text = readFileSync(path, 'utf8');
    const columns = embeddedColumns[name];
    files[name] = columns === undefined ? text : keepColumns(text, columns);
  }
  files['meta.json'] = JSON.stringify(runMeta(dir, files, finishing));
  return files;
}

/** The CSV text with only `columns` (those it has), in that order. */
function keepColumns(text: string, columns: readonly string[]): string {
  const rows = csvParse(text);
  const kept = columns.filter((column) => rows.columns.includes(column));
  return `${csvFormat(rows, kept)}\n`;
}

function runMeta(dir: string, files: RunFiles, finishing: boolean): RunMeta {
  let title = `run ${basename(dir)}`;
  let subBands: RunMeta['subBands'] = [];
  let durationMs: number | undefined;
  const scenarioPath = join(dir, 'scenario.yaml');
  if (existsSync(scenarioPath)) {
    try {
      const scenario = parseYaml(readFileSync(scenarioPath, 'utf8')) as { name?: unknown; seed?: unknown; region?: unknown; duration?: unknown };
      if (typeof scenario.name === 'string') title = `${scenario.name}${typeof scenario.seed === 'number' ? `, seed ${scenario.seed}` : ''}`;
      const region = regions[scenario.region as RegionId] as (typeof regions)[RegionId] | undefined;
      if (region) subBands = region.subBands.map((band) => ({ label: subBandLabel(band), dutyCycle: band.dutyCycle }));
      if (typeof scenario.duration === 'number') durationMs = scenario.duration;
    } catch {
      // A scenario that does not parse leaves the title and sub-bands at their defaults.
    }
  }
  const problem = finishing ? undefined : directoryProblem(dir, files);
  return { title, subBands, ...(durationMs !== undefined && { durationMs }), ...(problem !== undefined && { problem }) };
}

/** Why `dir` shows less than a whole run, or undefined for a finished run. */
function directoryProblem(dir: string, files: RunFiles): string | undefined {
  const failed = join(dir, 'FAILED.txt');
  if (existsSync(failed)) return `This run failed and left a partial directory (${dir}): ${readFileSync(failed, 'utf8').split('\n')[0]!.trim()}. What it wrote before it stopped is shown below.`;
  if (existsSync(join(dir, 'RUNNING'))) return `This run has not finished (${dir} is its partial directory, marked RUNNING). What it has written so far is shown below.`;
  if (files['summary.json'] === undefined) {
    const present = Object.keys(files);
    const entries = existsSync(dir) ? readdirSync(dir) : [];
    if (present.length === 0) {
      return `${dir} holds no loraswarm run: expected summary.json, nodes.csv and series.csv, found ${entries.length === 0 ? 'an empty directory' : entries.slice(0, 5).join(', ')}. Write one with \`loraswarm run <scenario> --out ${dir}\`.`;
    }
    return `${dir} is incomplete: summary.json is missing, so only ${present.join(', ')} can be shown.`;
  }
  return undefined;
}
