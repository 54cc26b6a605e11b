/**
 * A run's checkpoint file, `<out>.partial/checkpoint.bin` (`run --checkpoint-every`, `run
 * --resume`; docs/reference/reliability.md, "A crashed run goes on from its last
 * checkpoint"): a magic line, one line of JSON saying where the run stood (its settings, the
 * slice it had finished, where each streamed file stood), then the
 * simulation's serialised state (Simulation.checkpoint). It is written to a temporary file,
 * flushed to disk and renamed over the previous one, so that a crash at any moment leaves the
 * last whole checkpoint; the state's SHA-256 is checked before it is used.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CsvFileSnapshot } from '../metrics/csv-file.ts';

// 2: the MAC's service and the ether's end marker at a frame's end only when needed (a
// checkpoint of 1 holds events this version would not have scheduled).
const magic = 'loraswarm run checkpoint 2\n';
export const checkpointFileName = 'checkpoint.bin';
/** A checkpoint's header line may not be longer (it holds the streamed files' unwritten buffers, ~1 MiB each). */
const maxHeaderBytes = 64 * 2 ** 20;

export interface RunCheckpointHeader {
  /** The scenario's name (the run directory's scenario.yaml holds the scenario itself). */
  readonly name: string;
  readonly transport: 'memory' | 'mqtt';
  readonly compress: boolean;
  /** `--checkpoint-every`, in seconds of wall time. */
  readonly checkpointEverySeconds: number;
  /** The slices the run had finished, of how many. */
  readonly step: number;
  readonly steps: number;
  readonly simulatedMs: number;
  /** Each streamed file: its length and its buffer's bytes (base64). */
  readonly files: Readonly<Record<string, { readonly bytes: number; readonly pending: string }>>;
  readonly stateBytes: number;
  readonly stateSha256: string;
}

/** Thrown when a checkpoint is missing, corrupt or not this version's. */
export class RunCheckpointError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'RunCheckpointError';
  }
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Writes the checkpoint into `partialPath` atomically; returns its size in bytes. */
export function writeRunCheckpoint(partialPath: string, header: Omit<RunCheckpointHeader, 'files' | 'stateBytes' | 'stateSha256'>, files: Readonly<Record<string, CsvFileSnapshot>>, state: Uint8Array): number {
  const full: RunCheckpointHeader = {
    ...header,
    files: Object.fromEntries(Object.entries(files).map(([name, file]) => [name, { bytes: file.bytes, pending: Buffer.from(file.pending).toString('base64') }])),
    stateBytes: state.length,
    stateSha256: sha256(state),
  };
  const head = Buffer.from(`${magic}${JSON.stringify(full)}\n`);
  const path = join(partialPath, checkpointFileName);
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    for (const part of [head, state]) for (let at = 0; at < part.length; ) at += writeSync(fd, part, at, part.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  return head.length + state.length;
}

/** Reads and checks the checkpoint in `partialPath`. */
export function readRunCheckpoint(partialPath: string): { header: RunCheckpointHeader; files: Record<string, CsvFileSnapshot>; state: Buffer } {
  const path = join(partialPath, checkpointFileName);
  if (!existsSync(path)) throw new RunCheckpointError(`found no checkpoint at ${path}: the run was started without --checkpoint-every, or stopped before its first checkpoint`);
  const size = statSync(path).size;
  const bytes = readFileSync(path);
  if (bytes.length !== size || !bytes.subarray(0, magic.length).equals(Buffer.from(magic))) throw new RunCheckpointError(`${path} is not a loraswarm run checkpoint of this version`);
  const end = bytes.indexOf(10, magic.length);
  if (end < 0 || end - magic.length > maxHeaderBytes) throw new RunCheckpointError(`${path}: its header line is missing or longer than ${maxHeaderBytes} bytes`);
  let header: RunCheckpointHeader;
  try {
    header = JSON.parse(bytes.subarray(magic.length, end).toString('utf8')) as RunCheckpointHeader;
  } catch (error) {
    throw new RunCheckpointError(`${path}: its header is not JSON (${(error as Error).message})`);
  }
  const problem = headerProblem(header);
  if (problem) throw new RunCheckpointError(`${path}: ${problem}`);
  const state = bytes.subarray(end + 1);
  if (state.length !== header.stateBytes || sha256(state) !== header.stateSha256) {
    throw new RunCheckpointError(`${path}: the saved state is damaged (expected ${header.stateBytes} bytes with the SHA-256 its header gives, found ${state.length} bytes that do not match)`);
  }
  const files = Object.fromEntries(Object.entries(header.files).map(([name, file]) => [name, { bytes: file.bytes, pending: new Uint8Array(Buffer.from(file.pending, 'base64')) }]));
  return { header, files, state };
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function headerProblem(header: RunCheckpointHeader): string | undefined {
  if (header === null || typeof header !== 'object') return 'expected a header object';
  if (typeof header.name !== 'string' || (header.transport !== 'memory' && header.transport !== 'mqtt') || typeof header.compress !== 'boolean') return 'expected name, transport and compress';
  if (!(header.checkpointEverySeconds > 0) || !isCount(header.step) || !isCount(header.steps) || header.step > header.steps || !(header.simulatedMs >= 0)) return 'expected checkpointEverySeconds, step, steps and simulatedMs';
  if (!isCount(header.stateBytes) || typeof header.stateSha256 !== 'string') return 'expected stateBytes and stateSha256';
  if (header.files === null || typeof header.files !== 'object') return 'expected files';
  for (const [name, file] of Object.entries(header.files)) {
    if (!/^(frames|receptions|series)\.csv(\.gz)?$/.test(name) || !isCount(file?.bytes) || typeof file.pending !== 'string') return `expected a streamed file's length and buffer, found ${JSON.stringify(name)}`;
  }
  return undefined;
}
