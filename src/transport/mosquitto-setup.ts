/**
 * Per-run configuration for an external Mosquitto 2 broker with the embedded broker's rules:
 * random credentials per role, the password file hashed by `mosquitto_passwd -U`, the ACL and
 * the broker configuration filled in from the templates in deploy/mosquitto/.
 *
 * Besides a user per node, partition users (`<run>-partition-<ranges>`, e.g.
 * `r1-partition-0-63`): one connection for up to 64 of a process's nodes (partition-users.ts),
 * whose ACL names each of them, as the embedded broker's `partition:<ranges>` (topics.ts) does
 * for all of them. Mosquitto reads users from its files, so the partitions are fixed when the
 * files are written: the run's own nodes and each worker's, as `run --workers` or `--remote`
 * will split them, in chunks. A process whose nodes are not all held by partition users
 * connects each node on its own, as before.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvironmentError } from './environment-error.ts';
import { maxRunPacketBytes, remainingLengthBytes } from './packet-size-guard.ts';
import { writePrivateFile } from './private-file.ts';
import { maxNodeRangesChars, nodeRanges, nodeRangesName, parseNodeRanges } from './node-ranges.ts';
import { partitionChunks } from './partition-users.ts';
import { runTopics } from './topics.ts';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** One connection for a process's nodes: `nodes` is their canonical ranges name (node-ranges.ts). */
export interface PartitionCredentials extends Credentials {
  readonly nodes: string;
}

/** What a `loraswarm worker` needs: the worker's own credentials and those of every node. */
export interface WorkerCredentials {
  readonly runId: string;
  readonly worker: Credentials;
  readonly nodes: readonly Credentials[];
  /** Partition users (absent in files written before them: every node then connects on its own). */
  readonly partitions?: readonly PartitionCredentials[];
}

/** Everything a run needs to connect to an external broker, as written to credentials.json. */
export interface RunCredentials extends WorkerCredentials {
  readonly coordinator: Credentials;
  readonly viewer: Credentials;
}

export interface MosquittoSetupOptions {
  readonly dir: string;
  readonly runId: string;
  readonly nodes: number;
  readonly port: number;
  readonly host?: string;
  /** The user mosquitto runs as (it must read the password and ACL files); the current user by default. */
  readonly user?: string;
  /** The mosquitto_passwd binary (Debian's mosquitto package puts it on the PATH). */
  readonly mosquittoPasswd?: string;
  /** A MQTT-over-WebSocket listener for live dashboards (same host, same rules). */
  readonly wsPort?: number;
  /** The node sets that get partition users (each a process's nodes, in chunks: partition-users.ts); none by default. */
  readonly partitions?: readonly (readonly number[])[];
}

const templates = resolve(dirname(fileURLToPath(import.meta.url)), '../../deploy/mosquitto');

const secret = (): string => randomBytes(18).toString('base64url');

export function createRunCredentials(runId: string, nodes: number, partitions: readonly (readonly number[])[] = []): RunCredentials {
  runTopics(runId, nodes);
  const named = new Set<string>();
  const partitionUsers: PartitionCredentials[] = [];
  for (const part of partitions) {
    if (part.some((node) => !(Number.isInteger(node) && node >= 0 && node < nodes))) throw new RangeError(`a partition must name nodes 0..${nodes - 1}, got ${part.join(',')}`);
  }
  for (const set of partitions.flatMap((part) => partitionChunks(part))) {
    const name = nodeRangesName(nodeRanges(set));
    // A name too long for the run's reader is left out (that process's nodes connect one by one).
    if (name.length > maxNodeRangesChars || named.has(name)) continue;
    named.add(name);
    partitionUsers.push({ nodes: name, username: `${runId}-partition-${name}`, password: secret() });
  }
  return {
    runId,
    coordinator: { username: `${runId}-coordinator`, password: secret() },
    worker: { username: `${runId}-worker`, password: secret() },
    viewer: { username: `${runId}-viewer`, password: secret() },
    nodes: Array.from({ length: nodes }, (_, i) => ({ username: `${runId}-node-${i}`, password: secret() })),
    ...(partitionUsers.length > 0 && { partitions: partitionUsers }),
  };
}

/** A partition user's ACL: the tx topic of each of its nodes to write, the rx topic of each to read. */
function partitionAcl(runId: string, partition: PartitionCredentials, nodes: number): string {
  const ranges = parseNodeRanges(partition.nodes, nodes)!;
  const lines = [`user ${partition.username}`];
  for (let r = 0; r < ranges.length; r += 2) for (let i = ranges[r]!; i <= ranges[r + 1]!; i++) lines.push(`topic write swarm/${runId}/tx/${i}`, `topic read swarm/${runId}/rx/${i}`);
  return `${lines.join('\n')}\n`;
}

/** Writes passwd, acl, mosquitto.conf and credentials.json into `dir`; returns the credentials. */
export function writeMosquittoSetup(options: MosquittoSetupOptions): RunCredentials {
  const { dir, runId, nodes } = options;
  const credentials = createRunCredentials(runId, nodes, options.partitions);
  mkdirSync(dir, { recursive: true });
  const passwordFile = resolve(dir, 'passwd');
  const aclFile = resolve(dir, 'acl');
  const partitionUsers = credentials.partitions ?? [];
  const users = [credentials.coordinator, credentials.worker, credentials.viewer, ...credentials.nodes, ...partitionUsers];
  // Hashed in a fresh 0600 file before it takes passwd's place: no plain-text password file is ever left.
  writePrivateFile(passwordFile, users.map((user) => `${user.username}:${user.password}\n`).join(''), (plain) => hashPasswords(options.mosquittoPasswd ?? 'mosquitto_passwd', plain));
  const nodeLines = [
    ...credentials.nodes.map((user, i) => `user ${user.username}\ntopic write swarm/${runId}/tx/${i}\ntopic read swarm/${runId}/rx/${i}\n`),
    ...partitionUsers.map((partition) => partitionAcl(runId, partition, nodes)),
  ].join('\n');
  const fill = (text: string, values: Readonly<Record<string, string>>): string => text.replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => values[key] ?? '');
  writeFileSync(aclFile, fill(readFileSync(join(templates, 'acl.template'), 'utf8'), { RUN: runId, NODES: nodeLines }));
  const maxPacketBytes = maxRunPacketBytes(runId, nodes);
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    fill(readFileSync(join(templates, 'mosquitto.conf.template'), 'utf8'), {
      PASSWORD_FILE: passwordFile,
      ACL_FILE: aclFile,
      MAX_PACKET_BYTES: String(mosquittoMaxPacketSize(maxPacketBytes)),
      PORT: String(options.port),
      HOST: options.host ?? '127.0.0.1',
      USER: options.user ?? userInfo().username,
      WS_LISTENER: options.wsPort === undefined ? '' : `# Live dashboards (loraswarm dashboard --attach ws://host:${options.wsPort}/mqtt), as the viewer.\nlistener ${options.wsPort} ${options.host ?? '127.0.0.1'}\nprotocol websockets\n`,
    }),
  );
  writePrivateFile(join(dir, 'credentials.json'), `${JSON.stringify(credentials, null, 2)}\n`);
  return credentials;
}

/** Hashes a Mosquitto password file in place (`mosquitto_passwd -U`), or says what is missing. */
function hashPasswords(program: string, file: string): void {
  try {
    execFileSync(program, ['-U', file], { stdio: 'pipe' });
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (code === 'ENOENT') throw new EnvironmentError(`${program} was not found: broker-setup needs Mosquitto's tools (Debian: apt-get install mosquitto); nothing was written`);
    throw new EnvironmentError(`${program} -U failed (${stderr?.toString().trim() || (error as Error).message}); no password file was written`);
  }
}

/**
 * Mosquitto's `max_packet_size` for a limit of `packetBytes` on the whole packet. Mosquitto 2
 * compares 1 + the remaining length with it, leaving out the 1–4 bytes that encode the
 * remaining length (measured with Mosquitto 2.0: `max_packet_size 200` passes a 202-byte
 * PUBLISH and refuses 203), so the setting is the limit less those bytes, and the two brokers
 * refuse from the same size on.
 */
export function mosquittoMaxPacketSize(packetBytes: number): number {
  // The largest remaining length whose whole packet fits the limit (at most three steps down).
  let remaining = packetBytes - 2;
  while (remaining > 0 && 1 + remainingLengthBytes(remaining) + remaining > packetBytes) remaining--;
  return 1 + remaining;
}
