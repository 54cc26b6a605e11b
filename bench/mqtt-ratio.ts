/**
 * The MQTT path against the memory transport (issue 22): whole `loraswarm run` processes of
 * city-sink, the 1,000-node day (bench/poisson-1000.yaml), the quickstart (a served model) and
 * fl-mnist-iid (federated learning), over memory and over the embedded broker, and with half
 * the nodes in one worker (`--workers 1`), in interleaved rounds; prints
 * each wall time, the medians and the MQTT/memory ratios, and whether the result files are
 * byte-identical. `node --import tsx bench/mqtt-ratio.ts [rounds]` (default 3).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const rounds = Number(process.argv[2] ?? 3);
const cases = [
  { name: 'city-sink', file: 'scenarios/city-sink.yaml' },
  { name: 'poisson-1000 (1 day)', file: 'bench/poisson-1000.yaml' },
  // The workloads whose nodes work together (issue 22, point 2): the worker serves model units, or trains clients.
  { name: 'quickstart (swarm inference)', file: 'scenarios/quickstart.yaml' },
  { name: 'fl-mnist-iid (federated learning)', file: 'scenarios/fl-mnist-iid.yaml' },
];
const modes = [
  { name: 'memory', args: ['--transport', 'memory'] },
  { name: 'mqtt', args: [] },
  { name: 'mqtt, --workers 1', args: ['--workers', '1'] },
];
/** Files that hold wall-clock figures or the page built from the others. */
const notCompared = new Set(['timing.json', 'report.html']);

/** Runs a child to its end; rejects with its stderr if it fails. */
function finished(child: ChildProcess, what: string): Promise<void> {
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${what}: exit ${code}\n${stderr}`)))));
}

/** One whole run; with --workers, the worker the run asks for is started as soon as it prints its command. */
async function run(file: string, args: readonly string[], out: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/loraswarm.js', 'run', file, ...args, '--out', out, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const done = finished(child, `${file} ${args.join(' ')}`);
  const workers: Promise<void>[] = [];
  let text = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const match = /loraswarm worker (--broker \S+ --run \S+ --nodes \S+ --credentials \S+)/.exec(text);
    if (match && workers.length === 0) workers.push(finished(spawn(process.execPath, ['bin/loraswarm.js', 'worker', ...match[1]!.split(' ')], { stdio: ['ignore', 'ignore', 'pipe'] }), 'worker'));
  });
  await done;
  await Promise.all(workers);
  return (performance.now() - started) / 1000;
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

function sameFiles(a: string, b: string): boolean {
  const files = readdirSync(a).filter((file) => !notCompared.has(file));
  return files.every((file) => readFileSync(join(a, file)).equals(readFileSync(join(b, file))));
}

console.log(`mqtt-ratio: machine ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}; whole \`loraswarm run\` processes, ${rounds} interleaved rounds, medians`);
const scratch = mkdtempSync(join(tmpdir(), 'loraswarm-mqtt-ratio-'));
try {
  for (const c of cases) {
    const times = modes.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) for (const [m, mode] of modes.entries()) times[m]!.push(await run(c.file, mode.args, join(scratch, `${m}-${round}`)));
    const identical = modes.every((_, m) => sameFiles(join(scratch, '0-0'), join(scratch, `${m}-0`)));
    const memory = median(times[0]!);
    const parts = modes.map((mode, m) => `${mode.name} ${median(times[m]!).toFixed(2)} s${m > 0 ? ` (${(median(times[m]!) / memory).toFixed(2)}×)` : ''} [${times[m]!.map((t) => t.toFixed(2)).join(', ')}]`);
    console.log(`  ${c.name}: ${parts.join('; ')}; files ${identical ? 'byte-identical' : 'DIFFERENT'}`);
    for (let m = 0; m < modes.length; m++) for (let round = 0; round < rounds; round++) rmSync(join(scratch, `${m}-${round}`), { recursive: true, force: true });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
