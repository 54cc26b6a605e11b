/**
 * TinySeek checkpoints. Layout (little-endian):
 *
 *   0   'TSKP'             magic
 *   4   u16 version = 1
 *   6   u32 header length  H
 *   10  header             UTF-8 JSON: config, vocabulary, training record, and per tensor
 *                          { name, shape, offset, length } (float32 offsets into the data)
 *   10+H  float32 data     every parameter, then each layer's gate bias
 *   end−32  SHA-256        of every byte before it
 *
 * Values are stored as float32 (the reference computes in float64 from them, so a loaded
 * model is the float32 rounding of the trained one). A file that is truncated, altered,
 * of another version or not a checkpoint is refused with a CheckpointError saying which.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { TinySeekConfig } from '../config.ts';
import { createTinySeek, type TinySeek } from '../tinyseek.ts';

export const checkpointVersion = 1;
const magic = 'TSKP';

export class CheckpointError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: not a usable TinySeek checkpoint: ${detail}`);
    this.name = 'CheckpointError';
  }
}

export interface VocabularyRecord {
  readonly kind: 'chars' | 'bytes';
  readonly symbols: readonly string[];
}

export interface CheckpointHeader {
  readonly config: TinySeekConfig;
  readonly vocabulary: VocabularyRecord;
  /** How the model was made: its training config, seed, data and final figures. */
  readonly training: Record<string, unknown>;
  readonly tensors: readonly { readonly name: string; readonly shape: readonly number[]; readonly offset: number; readonly length: number }[];
}

export interface Checkpoint {
  readonly header: CheckpointHeader;
  readonly model: TinySeek;
}

export function encodeCheckpoint(model: TinySeek, vocabulary: VocabularyRecord, training: Record<string, unknown>): Uint8Array {
  const tensors: { name: string; shape: number[]; values: Float64Array | Float64Array }[] = model.params.map((p) => ({ name: p.name, shape: [...p.shape], values: p.value }));
  model.blocks.forEach((block, l) => tensors.push({ name: `layer${l}.moe.gate.bias`, shape: [block.moe.gate.bias.length], values: block.moe.gate.bias }));
  let offset = 0;
  const entries = tensors.map((t) => {
    const entry = { name: t.name, shape: t.shape, offset, length: t.values.length };
    offset += t.values.length;
    return entry;
  });
  const header: CheckpointHeader = { config: model.config, vocabulary, training, tensors: entries };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const data = new Float32Array(offset);
  tensors.forEach((t, i) => data.set(t.values, entries[i]!.offset));
  const body = Buffer.alloc(10 + headerBytes.length + data.byteLength);
  body.write(magic, 0, 'ascii');
  body.writeUInt16LE(checkpointVersion, 4);
  body.writeUInt32LE(headerBytes.length, 6);
  headerBytes.copy(body, 10);
  Buffer.from(data.buffer).copy(body, 10 + headerBytes.length);
  const digest = createHash('sha256').update(body).digest();
  return Buffer.concat([body, digest]);
}

export function decodeCheckpoint(bytes: Uint8Array, file = 'checkpoint'): Checkpoint {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 10 + 32) throw new CheckpointError(file, `${buffer.length} bytes, shorter than the smallest checkpoint`);
  if (buffer.toString('ascii', 0, 4) !== magic) throw new CheckpointError(file, `expected the magic "${magic}", found ${JSON.stringify(buffer.toString('latin1', 0, 4))}`);
  const version = buffer.readUInt16LE(4);
  if (version !== checkpointVersion) throw new CheckpointError(file, `expected version ${checkpointVersion}, found ${version}`);
  const body = buffer.subarray(0, buffer.length - 32);
  const digest = createHash('sha256').update(body).digest();
  if (!digest.equals(buffer.subarray(buffer.length - 32))) throw new CheckpointError(file, 'the SHA-256 checksum does not match: the file is truncated or altered');
  const headerLength = buffer.readUInt32LE(6);
  if (10 + headerLength > body.length) throw new CheckpointError(file, `header of ${headerLength} bytes runs past the end`);
  let header: CheckpointHeader;
  try {
    header = JSON.parse(body.toString('utf8', 10, 10 + headerLength)) as CheckpointHeader;
  } catch (error) {
    throw new CheckpointError(file, `the header is not JSON (${(error as Error).message})`);
  }
  const dataBytes = body.length - 10 - headerLength;
  if (dataBytes % 4 !== 0) throw new CheckpointError(file, `${dataBytes} data bytes, not whole float32 values`);
  const data = new Float32Array(body.buffer.slice(body.byteOffset + 10 + headerLength, body.byteOffset + body.length));
  const model = createTinySeek(header.config, 0);
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  const take = (name: string, target: Float64Array): void => {
    const entry = byName.get(name);
    if (!entry) throw new CheckpointError(file, `tensor ${name} is missing`);
    if (entry.length !== target.length || entry.offset + entry.length > data.length) throw new CheckpointError(file, `tensor ${name} has ${entry.length} values, expected ${target.length}`);
    for (let i = 0; i < target.length; i++) target[i] = data[entry.offset + i]!;
  };
  for (const param of model.params) take(param.name, param.value);
  model.blocks.forEach((block, l) => take(`layer${l}.moe.gate.bias`, block.moe.gate.bias));
  return { header, model };
}

/** Writes atomically (a temporary file, then a rename): a failed write leaves no half file. */
export function writeCheckpoint(file: string, bytes: Uint8Array): void {
  writeFileSync(`${file}.tmp`, bytes);
  renameSync(`${file}.tmp`, file);
}

export function readCheckpoint(file: string): Checkpoint {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new CheckpointError(file, `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return decodeCheckpoint(bytes, file);
}
