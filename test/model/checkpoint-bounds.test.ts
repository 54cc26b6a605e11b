/**
 * Issue 15, finding 8: a checkpoint whose checksum was recomputed after its header was edited
 * is checked before anything is allocated from it, and its values before they are used.
 */
import { createHash } from 'node:crypto';
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { TinySeekConfig } from '../../src/model/config.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/model/io/checkpoint.ts';
import { createTinySeek } from '../../src/model/tinyseek.ts';
import { calibrateScales } from '../../src/model/quant/calibrate.ts';

const small: TinySeekConfig = { vocab: 28, dim: 16, layers: 2, heads: 2, headDim: 8, latentDim: 6, context: 12, experts: 8, sharedExperts: 1, expertHidden: 16, topK: 2, affinity: 'sigmoid', biasUpdate: 0 };
const model = createTinySeek(small, 5);
const bytes = encodeCheckpoint(model, { kind: 'chars', symbols: ['.'] }, {}, { scales: calibrateScales(model, [[1, 2, 3]]), calibration: {} });

/** The checkpoint with its header edited, or a float of its data replaced, and a fresh checksum. */
function forged(edit: (header: Record<string, unknown>) => void, dataFloat?: { index: number; value: number }): Uint8Array {
  const buffer = Buffer.from(bytes);
  const length = buffer.readUInt32LE(6);
  const header = JSON.parse(buffer.toString('utf8', 10, 10 + length)) as Record<string, unknown>;
  edit(header);
  const text = Buffer.from(JSON.stringify(header), 'utf8');
  const data = Buffer.from(buffer.subarray(10 + length, buffer.length - 32));
  if (dataFloat) data.writeFloatLE(dataFloat.value, 4 * dataFloat.index);
  const body = Buffer.concat([buffer.subarray(0, 6), Buffer.alloc(4), text, data]);
  body.writeUInt32LE(text.length, 6);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

const config = (h: Record<string, unknown>): Record<string, unknown> => h.config as Record<string, unknown>;

describe('checkpoints validated before use', () => {
  it('refuses a config that would allocate gigabytes (layers: 100000) without allocating them', () => {
    const before = getHeapStatistics().used_heap_size;
    expect(() => decodeCheckpoint(forged((h) => (config(h).layers = 100_000)), 'big.tskp')).toThrow('big.tskp: not a usable TinySeek checkpoint: config.layers: expected a whole number from 1 to 64, found 100000');
    expect(getHeapStatistics().used_heap_size - before).toBeLessThan(64 * 2 ** 20);
  });

  it('refuses a config within the bounds whose parameters the file does not hold', () => {
    expect(() => decodeCheckpoint(forged((h) => (config(h).layers = 60)))).toThrow(/the config describes a model of \d+ parameters, the file holds \d+ values/);
  });

  it('refuses negative, non-integer and unknown config values', () => {
    expect(() => decodeCheckpoint(forged((h) => (config(h).sharedExperts = -1)))).toThrow('config.sharedExperts: expected a whole number from 0 to 64, found -1');
    expect(() => decodeCheckpoint(forged((h) => (config(h).dim = 16.5)))).toThrow('config.dim: expected a whole number from 1 to 1024, found 16.5');
    expect(() => decodeCheckpoint(forged((h) => (config(h).affinity = 'cubic')))).toThrow('config.affinity: expected "sigmoid" or "softmax", found "cubic"');
    expect(() => decodeCheckpoint(forged((h) => (config(h).topK = 9)))).toThrow('config.topK: expected at most the 8 experts, found 9');
    expect(() => decodeCheckpoint(forged((h) => (config(h).biasUpdate = null)))).toThrow('config.biasUpdate: expected a finite number ≥ 0, found null');
  });

  it('refuses NaN or infinite weights and scales', () => {
    expect(() => decodeCheckpoint(forged(() => undefined, { index: 7, value: Number.NaN }))).toThrow('value 7 of the float32 data is NaN, expected a finite number');
    expect(() => decodeCheckpoint(forged(() => undefined, { index: 0, value: Number.POSITIVE_INFINITY }))).toThrow('value 0 of the float32 data is Infinity, expected a finite number');
    expect(() => decodeCheckpoint(forged((h) => ((h.quantized as { scales: { moeIn: number[] } }).scales.moeIn[0] = 0)))).toThrow('the calibrated scales do not fit 2 layers of width 16');
    // A row scale of the stored int8 matrices (float32, after the packed values) made infinite.
    const header = JSON.parse(Buffer.from(bytes).toString('utf8', 10, 10 + Buffer.from(bytes).readUInt32LE(6))) as { tensors: { offset: number; length: number }[]; quantized: { matrices: { name: string; offset: number; packedBytes: number }[] } };
    const floats = header.tensors.reduce((n, t) => Math.max(n, t.offset + t.length), 0);
    const first = header.quantized.matrices[0]!;
    expect(() => decodeCheckpoint(forged(() => undefined, { index: floats + (first.offset + first.packedBytes) / 4, value: Number.POSITIVE_INFINITY }))).toThrow(`quantized matrix ${first.name} (8 bits) has a scale that is not a finite number > 0`);
    // The unedited file still reads.
    expect(decodeCheckpoint(forged(() => undefined)).header.config).toEqual(small);
  });
});
