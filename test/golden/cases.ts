/**
 * The golden runs: every shipped scenario at full size and the test fixtures (short where a
 * benchmark scenario would be long). Their result files are committed under
 * `test/golden/<case>/` (gzip-compressed) and test/e2e/golden.test.ts reruns each case over
 * memory and over the embedded broker and compares every file byte for byte.
 *
 * Regenerate with `npm run golden:update` only when a result changes on purpose, in a commit of
 * its own that says what changed and why.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.ts';

export interface GoldenCase {
  /** The folder under test/golden/. */
  readonly name: string;
  /** The scenario file, from the repository root. */
  readonly file: string;
  /** `--set` overrides. */
  readonly sets: readonly string[];
}

const shipped: GoldenCase[] = readdirSync(join(repoRoot, 'scenarios'))
  .filter((file) => file.endsWith('.yaml'))
  .sort()
  .map((file) => ({ name: file.replace(/\.yaml$/, ''), file: `scenarios/${file}`, sets: [] }));

const fixtures: GoldenCase[] = ['busy-swarm', 'kitchen-sink', 'late-delivery', 'many-gateways', 'multi-gateway', 'us915-raw'].map((name) => ({
  name,
  file: `test/fixtures/${name}.yaml`,
  sets: [],
}));

const benchmarks: GoldenCase[] = [
  { name: 'poisson-1000-1h', file: 'bench/poisson-1000.yaml', sets: ['duration=1h'] },
  { name: 'dense-broadcast-1min', file: 'bench/dense-broadcast.yaml', sets: ['duration=1min', 'groups.0.count=100'] },
  { name: 'listen-300', file: 'bench/listen-10k.yaml', sets: ['duration=20min', 'groups.1.count=300'] },
];

/** LoRaWAN class A devices and the network server (issue 17): confirmed traffic, RX2 fall-backs, retransmissions, ADR; the peer MAC's ACKs and listen before talk. */
const lorawan: GoldenCase[] = [
  { name: 'lorawan-class-a', file: 'test/fixtures/lorawan/class-a.yaml', sets: [] },
  { name: 'city-gateways-confirmed-adr-1h', file: 'scenarios/city-gateways.yaml', sets: ['duration=1h', 'lorawan={confirmed: true, adr: true}'] },
  { name: 'peer-mac-ack-lbt', file: 'test/fixtures/peer-mac.yaml', sets: ['peerMac={ack: true, lbt: true}'] },
];

export const goldenCases: readonly GoldenCase[] = [...shipped, ...fixtures, ...benchmarks, ...lorawan];

/** Not kept as golden files: wall-clock figures, the page built from the others, and a trained model's binary checkpoint (its figures are in rounds.csv). */
export const notGolden = new Set(['timing.json', 'report.html', 'model.tskp']);

export const goldenDir = join(repoRoot, 'test', 'golden');
