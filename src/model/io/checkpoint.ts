/**
 * TinySeek checkpoints. Layout (little-endian):
 *
 *   0   'TSKP'             magic
 *   4   u16 version = 3    (version 1, without the quantized section, and 2, every bit width
 *                          per row, are still read)
 *   6   u32 header length  H
 *   10  header             UTF-8 JSON: config, vocabulary, training record, per tensor
 *                          { name, shape, offset, length } (float32 offsets into the data),
 *                          and `quantized`: the calibrated boundary scales and, per bit width
 *                          (8, 4, 2, or only those a quantization-aware model was trained for)
 *                          and weight matrix, { bits, name, rows, cols, offset, packedBytes,
 *                          levels, groupSize } (byte offsets into the quantized section; version 2
 *                          has no levels or groupSize: signed, one scale per row)
 *   10+H  float32 data     every parameter, then each layer's gate bias
 *         quantized        per matrix: its packed values, then its float32 scales [rows, groups]
 *   end−32  SHA-256        of every byte before it
 *
 * Values are stored as float32 (the reference computes in float64 from them, so a loaded
 * model is the float32 rounding of the trained one). A file that is truncated, altered, of
 * another version, not a checkpoint, or whose header does not describe a valid model is
 * refused with a CheckpointError saying which. A file without a quantized section is written
 * (and read) as version 1, one whose integer models are all per row at 8, 4 and 2 bits as
 * version 2.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import type { TinySeekConfig } from '../config.ts';
import { unpack, type Bits, type Levels, type QuantMatrix, type WeightGrid } from '../quant/integer.ts';
import { quantizeWeights, quantMatrices, type BoundaryScales, type QuantizedTinySeek } from '../quant/quantized-model.ts';
import { createTinySeek, type TinySeek } from '../tinyseek.ts';
import { checkpointConfigProblem } from './checkpoint-config.ts';

export const checkpointVersion = 3;
const bitWidths: readonly Bits[] = [8, 4, 2];
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
  readonly quantized?: QuantizedHeader;
}

export interface QuantizedHeader {
  /** How the boundary scales were calibrated. */
  readonly calibration: Record<string, unknown>;
  readonly scales: { residual: number[][]; mid: number[][]; moeIn: number[]; latent: number[]; ropeKey: number[]; expertOut: number[][] };
  readonly matrices: readonly QuantizedEntry[];
}

export interface QuantizedEntry {
  readonly bits: Bits;
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  readonly offset: number;
  readonly packedBytes: number;
  /** Version 3: the levels and the columns per scale (version 2: signed, one scale per row). */
  readonly levels?: Levels;
  readonly groupSize?: number;
}

/** How a checkpoint's integer models are made: calibrated boundary scales, and the bit widths with their grids (default: 8, 4 and 2 bits per row). */
export interface QuantizationRecord {
  readonly scales: BoundaryScales;
  readonly calibration: Record<string, unknown>;
  readonly grids?: ReadonlyMap<Bits, WeightGrid>;
}

export interface Checkpoint {
  readonly header: CheckpointHeader;
  readonly model: TinySeek;
  /** The stored integer models by weight bits (version 2). */
  readonly quantized: ReadonlyMap<Bits, QuantizedTinySeek>;
}

const scalesToJson = (s: BoundaryScales): QuantizedHeader['scales'] => ({
  residual: s.residual.map((a) => Array.from(a)),
  mid: s.mid.map((a) => Array.from(a)),
  moeIn: [...s.moeIn],
  latent: [...s.latent],
  ropeKey: [...s.ropeKey],
  expertOut: s.expertOut.map((a) => Array.from(a)),
});

const scalesFromJson = (s: QuantizedHeader['scales']): BoundaryScales => ({
  residual: s.residual.map((a) => Float64Array.from(a)),
  mid: s.mid.map((a) => Float64Array.from(a)),
  moeIn: s.moeIn,
  latent: s.latent,
  ropeKey: s.ropeKey,
  expertOut: s.expertOut.map((a) => Float64Array.from(a)),
});

export function encodeCheckpoint(model: TinySeek, vocabulary: VocabularyRecord, training: Record<string, unknown>, quantization?: QuantizationRecord): Uint8Array {
  const tensors: { name: string; shape: number[]; values: Float64Array | Float64Array }[] = model.params.map((p) => ({ name: p.name, shape: [...p.shape], values: p.value }));
  model.blocks.forEach((block, l) => tensors.push({ name: `layer${l}.moe.gate.bias`, shape: [block.moe.gate.bias.length], values: block.moe.gate.bias }));
  let offset = 0;
  const entries = tensors.map((t) => {
    const entry = { name: t.name, shape: t.shape, offset, length: t.values.length };
    offset += t.values.length;
    return entry;
  });
  // The integer models at every bit width: packed values and float32 row scales.
  const blobs: Buffer[] = [];
  let quantized: QuantizedHeader | undefined;
  const grouped = quantization?.grids !== undefined;
  if (quantization) {
    let byteOffset = 0;
    const matrices: QuantizedEntry[] = [];
    // Quantized from the float32 weights the file holds, so that a reader quantizing again gets the same.
    const stored = decodeCheckpoint(encodeCheckpoint(model, vocabulary, training)).model;
    for (const bits of bitWidths) {
      if (grouped && !quantization.grids!.has(bits)) continue;
      for (const [name, matrix] of quantMatrices(quantizeWeights(stored, bits, quantization.scales, undefined, quantization.grids?.get(bits)))) {
        const layout = grouped ? { levels: matrix.levels, groupSize: matrix.groupSize } : {};
        matrices.push({ bits, name, rows: matrix.rows, cols: matrix.cols, offset: byteOffset, packedBytes: matrix.packed.length, ...layout });
        const scales = Buffer.from(Float32Array.from(matrix.scales).buffer);
        blobs.push(Buffer.from(matrix.packed), scales);
        byteOffset += matrix.packed.length + scales.length;
      }
    }
    quantized = { calibration: quantization.calibration, scales: scalesToJson(quantization.scales), matrices };
  }
  const header: CheckpointHeader = { config: model.config, vocabulary, training, tensors: entries, ...(quantized && { quantized }) };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const data = new Float32Array(offset);
  tensors.forEach((t, i) => data.set(t.values, entries[i]!.offset));
  const quantBytes = Buffer.concat(blobs);
  const body = Buffer.alloc(10 + headerBytes.length + data.byteLength + quantBytes.length);
  body.write(magic, 0, 'ascii');
  body.writeUInt16LE(!quantized ? 1 : grouped ? checkpointVersion : 2, 4);
  body.writeUInt32LE(headerBytes.length, 6);
  headerBytes.copy(body, 10);
  Buffer.from(data.buffer).copy(body, 10 + headerBytes.length);
  quantBytes.copy(body, 10 + headerBytes.length + data.byteLength);
  const digest = createHash('sha256').update(body).digest();
  return Buffer.concat([body, digest]);
}

export function decodeCheckpoint(bytes: Uint8Array, file = 'checkpoint'): Checkpoint {
  try {
    return decodeUnchecked(bytes, file);
  } catch (error) {
    // Whatever a file that passed its checksum can still get wrong is the file's fault.
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(file, `its header does not describe a valid model (${(error as Error).message})`);
  }
}

const isScale = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value > 0;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function decodeUnchecked(bytes: Uint8Array, file: string): Checkpoint {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 10 + 32) throw new CheckpointError(file, `${buffer.length} bytes, shorter than the smallest checkpoint`);
  if (buffer.toString('ascii', 0, 4) !== magic) throw new CheckpointError(file, `expected the magic "${magic}", found ${JSON.stringify(buffer.toString('latin1', 0, 4))}`);
  const version = buffer.readUInt16LE(4);
  if (version < 1 || version > checkpointVersion) throw new CheckpointError(file, `expected version 1 to ${checkpointVersion}, found ${version}`);
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
  if (!Array.isArray(header.tensors) || typeof header.config !== 'object' || header.config === null) throw new CheckpointError(file, 'the header lacks its config or tensor table');
  for (const t of header.tensors) {
    if (typeof t.name !== 'string' || !isCount(t.offset) || !isCount(t.length)) throw new CheckpointError(file, `tensor entry ${JSON.stringify(t).slice(0, 80)} needs a name and whole-number offset and length`);
  }
  const byOffset = [...header.tensors].sort((a, b) => a.offset - b.offset);
  byOffset.forEach((t, i) => {
    const next = byOffset[i + 1];
    if (next && t.offset + t.length > next.offset) throw new CheckpointError(file, `tensors ${t.name} and ${next.name} overlap`);
  });
  const floats = header.tensors.reduce((n, t) => Math.max(n, t.offset + t.length), 0);
  const dataStart = 10 + headerLength;
  if (dataStart + 4 * floats > body.length) throw new CheckpointError(file, `the header describes ${floats} float32 values, the file holds fewer`);
  // The config is checked before anything is allocated from it, the values before they are used.
  const configProblem = checkpointConfigProblem(header.config, floats);
  if (configProblem !== undefined) throw new CheckpointError(file, configProblem);
  const data = new Float32Array(body.buffer.slice(body.byteOffset + dataStart, body.byteOffset + dataStart + 4 * floats));
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) throw new CheckpointError(file, `value ${i} of the float32 data is ${data[i]}, expected a finite number`);
  }
  const quantStart = dataStart + 4 * floats;
  // Every value is read from the file below (a missing tensor is refused): no weights drawn.
  const model = createTinySeek(header.config, 0, 'blank');
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  const take = (name: string, target: Float64Array): void => {
    const entry = byName.get(name);
    if (!entry) throw new CheckpointError(file, `tensor ${name} is missing`);
    if (entry.length !== target.length || entry.offset + entry.length > data.length) throw new CheckpointError(file, `tensor ${name} has ${entry.length} values, expected ${target.length}`);
    for (let i = 0; i < target.length; i++) target[i] = data[entry.offset + i]!;
  };
  for (const param of model.params) take(param.name, param.value);
  model.blocks.forEach((block, l) => take(`layer${l}.moe.gate.bias`, block.moe.gate.bias));
  const quantized = version >= 2 ? readQuantizedSection(header, body, quantStart, model, version, file) : new Map<Bits, QuantizedTinySeek>();
  return { header, model, quantized };
}

/** The integer models of a version 2 or 3 file, each matrix checked against the file before it is read. */
function readQuantizedSection(header: CheckpointHeader, body: Buffer, quantStart: number, model: TinySeek, version: number, file: string): Map<Bits, QuantizedTinySeek> {
  const missing = (name: string, bits: Bits): never => {
    throw new CheckpointError(file, `quantized matrix ${name} (${bits} bits) is missing`);
  };
  const quantized = new Map<Bits, QuantizedTinySeek>();
  if (!header.quantized) throw new CheckpointError(file, `version ${version} without its quantized section`);
  const { layers, dim } = header.config;
  const q = header.quantized;
  const rows = (list: unknown, count: number, width?: number): boolean => Array.isArray(list) && list.length === count && list.every((row) => (width === undefined ? isScale(row) : Array.isArray(row) && row.length === width && row.every(isScale)));
  const ok = q.scales && rows(q.scales.residual, layers + 1, dim) && rows(q.scales.mid, layers, dim) && rows(q.scales.moeIn, layers) && rows(q.scales.latent, layers) && rows(q.scales.ropeKey, layers) && rows(q.scales.expertOut, layers, dim);
  if (!ok) throw new CheckpointError(file, `the calibrated scales do not fit ${layers} layers of width ${dim}`);
  if (!Array.isArray(q.matrices)) throw new CheckpointError(file, 'the quantized section lacks its matrix table');
  for (const m of q.matrices) {
    if (!bitWidths.includes(m.bits) || !isCount(m.offset) || !isCount(m.rows) || !isCount(m.cols) || m.packedBytes !== Math.ceil((m.rows * m.cols * m.bits) / 8)) {
      throw new CheckpointError(file, `quantized matrix ${String(m.name)} has an inconsistent entry (bits, offset, shape or ${m.packedBytes} packed bytes)`);
    }
    const layoutOk = version === 2 ? m.levels === undefined && m.groupSize === undefined : (m.levels === 'signed' || m.levels === 'odd') && isCount(m.groupSize) && m.groupSize >= 1 && m.groupSize <= m.cols;
    if (!layoutOk) throw new CheckpointError(file, `quantized matrix ${String(m.name)} has levels ${JSON.stringify(m.levels)} and group size ${JSON.stringify(m.groupSize)}, expected ${version === 2 ? 'neither (version 2)' : '"signed" or "odd" and a whole number from 1 to its columns'}`);
  }
  const scales = scalesFromJson(header.quantized.scales);
  // Version 2 holds every bit width; version 3 those its model was made for, each complete.
  const widths = version === 2 ? bitWidths : bitWidths.filter((bits) => q.matrices.some((m) => m.bits === bits));
  if (widths.length === 0) throw new CheckpointError(file, 'the quantized section holds no matrix');
  for (const bits of widths) {
    const stored = new Map<string, QuantMatrix>();
    const entries = q.matrices.filter((m) => m.bits === bits);
    for (const entry of entries) {
      const levels = entry.levels ?? 'signed';
      const groupSize = entry.groupSize ?? entry.cols;
      const scaleCount = entry.rows * Math.ceil(entry.cols / groupSize);
      const start = quantStart + entry.offset;
      const end = start + entry.packedBytes + 4 * scaleCount;
      if (end > body.length) throw new CheckpointError(file, `quantized matrix ${entry.name} (${bits} bits) runs past the end`);
      const packed = new Uint8Array(body.buffer.slice(body.byteOffset + start, body.byteOffset + start + entry.packedBytes));
      const groupScales = Float64Array.from(new Float32Array(body.buffer.slice(body.byteOffset + start + entry.packedBytes, body.byteOffset + end)));
      if (!groupScales.every(isScale)) throw new CheckpointError(file, `quantized matrix ${entry.name} (${bits} bits) has a scale that is not a finite number > 0`);
      stored.set(entry.name, { bits, rows: entry.rows, cols: entry.cols, levels, groupSize, packed, scales: groupScales, values: unpack(packed, entry.rows * entry.cols, bits, levels) });
    }
    // Version 3: the grid the model was made on (its widest group: narrower matrices have one
    // group per row); the scale rule only matters to quantize again, and the matrices are stored.
    const grid: WeightGrid | undefined = version >= 3 ? { levels: entries[0]!.levels!, groupSize: entries.reduce((most, m) => Math.max(most, m.groupSize!), 1), scaleRule: 'mse' } : undefined;
    try {
      quantized.set(bits, quantizeWeights(model, bits, scales, (name) => stored.get(name) ?? missing(name, bits), grid));
    } catch (error) {
      if (error instanceof CheckpointError) throw error;
      throw new CheckpointError(file, (error as Error).message);
    }
  }
  return quantized;
}

/** Writes atomically (a temporary file, then a rename): a failed write leaves no half file. */
export function writeCheckpoint(file: string, bytes: Uint8Array): void {
  writeFileSync(`${file}.tmp`, bytes);
  renameSync(`${file}.tmp`, file);
}

/** The largest checkpoint read (bytes): the shipped model is ~8 MB. */
export const maxCheckpointBytes = 512 * 2 ** 20;

/** A checkpoint file's bytes, bounded by maxCheckpointBytes (a CheckpointError if it is larger or unreadable). */
export function readCheckpointBytes(file: string): Buffer {
  try {
    const size = statSync(file).size;
    if (size > maxCheckpointBytes) throw new CheckpointError(file, `${size} bytes, more than the ${maxCheckpointBytes / 2 ** 20} MiB a checkpoint may have`);
    return readFileSync(file);
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(file, `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

export function readCheckpoint(file: string): Checkpoint {
  return decodeCheckpoint(readCheckpointBytes(file), file);
}

/** The SHA-256 of a file's bytes, as model.json records a teacher's. */
export const fileSha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
