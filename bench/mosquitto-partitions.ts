/**
 * Partition users on Mosquitto (issue 22; src/transport/partition-users.ts): the Poisson city
 * (bench/poisson-1000.yaml) at 5,000 nodes for 2 simulated hours through Debian's Mosquitto,
 * its nodes connecting once per 64 (the partition users `broker-setup` writes) and once each (the
 * same credentials without them), in interleaved rounds. Prints each wall time, the medians, the
 * connections Mosquitto logged, and whether the result files are byte-identical to memory.
 * Needs `mosquitto` and `mosquitto_passwd` on the PATH. `node --import tsx bench/mosquitto-partitions.ts [rounds]` (default 3).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startMosquitto, stopProcess } from '../test/helpers/mosquitto.ts';

const rounds = Number(process.argv[2] ?? 3);
const sets = ['groups.1.count=5000', 'duration=2h'].flatMap((set) => ['--set', set]);
const notCompared = new Set(['timing.json', 'report.html']);

function cli(args: readonly string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['bin/loraswarm.js', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`loraswarm ${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
  return (performance.now() - started) / 1000;
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const sameFiles = (a: string, b: string): boolean => readdirSync(a).filter((file) => !notCompared.has(file)).every((file) => readFileSync(join(a, file)).equals(readFileSync(join(b, file))));

if (spawnSync('mosquitto', ['-h']).error) {
  console.log('mosquitto-partitions: skipped, no mosquitto on the PATH (Debian: apt-get install mosquitto)');
  process.exit(0);
}
console.log(`mosquitto-partitions: machine ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, Node ${process.version}; 5,000 nodes × 2 h through Mosquitto, ${rounds} interleaved rounds, medians`);
const dir = mkdtempSync(join(tmpdir(), 'loraswarm-mosquitto-partitions-'));
const port = await freePort();
cli(['broker-setup', '--run', 'bench', '--scenario', 'bench/poisson-1000.yaml', ...sets, '--dir', join(dir, 'broker'), '--port', String(port)]);
const withPartitions = join(dir, 'broker', 'credentials.json');
const perNode = join(dir, 'per-node.json');
const { partitions: _, ...credentials } = JSON.parse(readFileSync(withPartitions, 'utf8')) as { partitions?: unknown };
writeFileSync(perNode, JSON.stringify(credentials));
const config = join(dir, 'broker', 'mosquitto.conf');
const broker = await startMosquitto(config, port);
try {
  cli(['run', 'bench/poisson-1000.yaml', ...sets, '--transport', 'memory', '--out', join(dir, 'memory'), '--quiet']);
  const modes = [
    { name: 'a user per 64 nodes', credentials: withPartitions },
    { name: 'a user per node', credentials: perNode },
  ];
  const times = modes.map(() => [] as number[]);
  const identical = modes.map(() => true);
  const connections = modes.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    for (const [m, mode] of modes.entries()) {
      const out = join(dir, `run-${m}`);
      const logged = (readFileSync(`${config}.log`, 'utf8').match(/New client connected/g) ?? []).length;
      times[m]!.push(cli(['run', 'bench/poisson-1000.yaml', ...sets, '--broker', `mqtt://127.0.0.1:${port}`, '--credentials', mode.credentials, '--out', out, '--quiet']));
      connections[m] = (readFileSync(`${config}.log`, 'utf8').match(/New client connected/g) ?? []).length - logged;
      identical[m] &&= sameFiles(join(dir, 'memory'), out);
      rmSync(out, { recursive: true, force: true });
    }
  }
  for (const [m, mode] of modes.entries()) {
    console.log(`  ${mode.name}: ${median(times[m]!).toFixed(2)} s [${times[m]!.map((t) => t.toFixed(2)).join(', ')}], ${connections[m]} connections; files ${identical[m] ? 'byte-identical to memory' : 'DIFFERENT'}`);
  }
} finally {
  await stopProcess(broker);
  rmSync(dir, { recursive: true, force: true });
}
