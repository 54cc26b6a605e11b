/**
 * `loraswarm model sample|eval|quantize|info`: sample names from a model directory, judge its
 * integer model against a float reference, rewrite its integer models, and say what each unit
 * costs. Training is model-train.ts.
 */
import { vocabularyFromRecord } from '../../data/dataset.ts';
import { loadNames } from '../../data/names.ts';
import { decodeCheckpoint, encodeCheckpoint, fileSha256, readCheckpoint, readCheckpointBytes, writeCheckpoint, type Checkpoint } from '../../model/io/checkpoint.ts';
import { generate } from '../../model/sample.ts';
import { modelConfigOf } from '../../model/train-config.ts';
import { readTrainConfigFile } from './train-config-file.ts';
import { createRandomStreams } from '../../sim/rng.ts';
import { UsageError } from '../exit.ts';
import type { TinySeekConfig } from '../../model/config.ts';
import { modelCost, unitCosts } from '../../model/cost.ts';
import type { QatSetting } from '../../model/quant/fake-quant.ts';
import { measureFidelity } from '../../model/quant/fidelity.ts';
import type { Bits } from '../../model/quant/integer.ts';
import { quantizeWeights, quantMatrices, type QuantizedTinySeek } from '../../model/quant/quantized-model.ts';
import { quantizedParams } from '../../model/quant/fake-quant.ts';
import { dequantizeMatrix } from '../../model/quant/integer.ts';
import type { TinySeek } from '../../model/tinyseek.ts';
import { checkpointIn, quantizationOf } from './model-train.ts';

export { checkpointFile, modelTrainCommand } from './model-train.ts';

/** The quantization-aware training a checkpoint's record names, checked (the record comes from a file). */
export function qatOfRecord(training: Record<string, unknown>, file: string): QatSetting | undefined {
  const q = training.quantization as Record<string, unknown> | undefined;
  if (q === undefined) return undefined;
  const ok = (q.bits === 8 || q.bits === 4 || q.bits === 2) && (q.levels === 'signed' || q.levels === 'odd') && Number.isSafeInteger(q.groupSize) && (q.groupSize as number) >= 1 && (q.scaleRule === 'mse' || q.scaleRule === 'absmax');
  if (!ok) throw new UsageError(`${file}: training.quantization: expected bits 8, 4 or 2, levels "signed" or "odd", a whole groupSize ≥ 1 and scaleRule "mse" or "absmax", found ${JSON.stringify(q).slice(0, 120)}`);
  return { bits: q.bits as Bits, grid: { levels: q.levels as 'signed' | 'odd', groupSize: q.groupSize as number, scaleRule: q.scaleRule as 'mse' | 'absmax' } };
}

/** `model quantize`: (re)writes a checkpoint's quantized section from its float weights. */
export function modelQuantizeCommand(dir: string, print: (text: string) => void): void {
  const file = checkpointIn(dir);
  const { header, model } = readCheckpoint(file);
  const data = loadNames(dataRecordOf(header.training));
  // A model trained on quantized weights keeps the one integer model it was trained for.
  const qat = qatOfRecord(header.training, file);
  writeCheckpoint(file, encodeCheckpoint(model, header.vocabulary, header.training, quantizationOf(model, data.train, qat)));
  print(`${file}: ${qat ? `int${qat.bits} weights (groups of ${qat.grid.groupSize}, ${qat.grid.levels} levels)` : 'int8, int4 and int2 weights'} and calibrated boundary scales written\n`);
}

const dataRecordOf = (training: Record<string, unknown>): { seed: number; validationFraction: number; vocabulary: 'chars' | 'bytes' } =>
  (training.data ?? { seed: 1, validationFraction: 0.1, vocabulary: 'chars' }) as { seed: number; validationFraction: number; vocabulary: 'chars' | 'bytes' };

export const vocabularyOf = vocabularyFromRecord;

export function modelSampleCommand(dir: string, options: { count: string; temperature: string; topP: string; seed: string }, print: (text: string) => void): void {
  const count = Number(options.count);
  const temperature = Number(options.temperature);
  const topP = Number(options.topP);
  const seed = Number(options.seed);
  if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new UsageError(`--count: expected a whole number 1..10000, found ${JSON.stringify(options.count)}`);
  if (!(temperature >= 0) || !Number.isFinite(temperature)) throw new UsageError(`--temperature: expected a number ≥ 0, found ${JSON.stringify(options.temperature)}`);
  if (!(topP > 0 && topP <= 1)) throw new UsageError(`--top-p: expected a number in (0, 1], found ${JSON.stringify(options.topP)}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed: expected a non-negative integer, found ${JSON.stringify(options.seed)}`);
  const { header, model, quantized } = readCheckpoint(checkpointIn(dir));
  // A model trained for one integer model speaks with that model's weights (its float ones are only for training).
  const trained = trainedFor(quantized);
  if (trained) useIntegerWeights(model, trained);
  const vocabulary = vocabularyOf(header.vocabulary);
  const rng = createRandomStreams(seed).stream('model/sample');
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(vocabulary.decode(generate(model, { temperature, topP }, rng)));
  print(`${lines.join('\n')}\n`);
}

/** The integer model a checkpoint was trained for (the one with a grid of its own), if any. */
const trainedFor = (quantized: Checkpoint['quantized']): QuantizedTinySeek | undefined => [...quantized.values()].find((q) => q.grid !== undefined);

/** Puts a quantized model's weights (levels × scales) in place of the float model's, in the same order (quantizedParams, quantMatrices). */
function useIntegerWeights(model: TinySeek, integer: QuantizedTinySeek): void {
  const matrices = quantMatrices(integer);
  // The integer model has no MTP module's matrices (the swarm does not draft yet).
  const params = quantizedParams(model).filter((param) => !param.name.startsWith('mtp.'));
  params.forEach((param, i) => param.value.set(dequantizeMatrix(matrices[i]![1])));
}

/** `model info`: per unit, parameters, weight bytes at 8/4/2 bits, MACs, latent bytes, boundary bytes. */
export function modelInfoCommand(target: string, options: { json?: boolean }, print: (text: string) => void): void {
  const file = checkpointIn(target);
  const checkpoint = file !== target || target.endsWith('.tskp') ? readCheckpoint(file) : undefined;
  const config = checkpoint?.header.config ?? configFromFile(target);
  // A model trained for low bits: its one integer model's group-wise scales cost bytes and MACs.
  const trained = checkpoint && trainedFor(checkpoint.quantized);
  const groupSize = trained?.grid?.groupSize;
  const units = unitCosts(config, groupSize);
  const total = modelCost(config, groupSize);
  if (options.json) {
    print(`${JSON.stringify({ config, ...(trained && { trainedFor: { bits: trained.bits, ...trained.grid } }), units, total }, null, 2)}\n`);
    return;
  }
  const rows = units.map((u) => [u.unit, String(u.count), u.parameters.toLocaleString('en'), ...([8, 4, 2] as const).map((b) => u.weightBytes[b].toLocaleString('en')), u.macsPerToken.toLocaleString('en'), u.macsPerCachedPosition.toLocaleString('en'), String(u.latentBytesPerToken), `${u.inputBytes}/${u.outputBytes}`]);
  const header = ['unit', 'count', 'params', 'int8 B', 'int4 B', 'int2 B', 'MACs/token', '+MACs/cached pos', 'latent B/token', 'in/out B'];
  const widths = header.map((h, i) => rows.reduce((width, r) => Math.max(width, r[i]!.length), h.length));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  print(
    [
      line(header),
      ...rows.map(line),
      '',
      `total: ${total.parameters.toLocaleString('en')} parameters; weights ${total.weightBytes[8].toLocaleString('en')} B at int8, ${total.weightBytes[4].toLocaleString('en')} B at int4, ${total.weightBytes[2].toLocaleString('en')} B at int2;`,
      `${total.activeMacsPerToken.toLocaleString('en')} MACs per token (top-${config.topK} of ${config.experts} routed experts) + ${total.macsPerCachedPosition.toLocaleString('en')} per position in the cache, its own included; latent KV cache ${total.latentBytesPerToken} B per token`,
      ...(trained ? [`trained for int${trained.bits} (${trained.grid!.levels} levels), the only integer model it holds; every width above with a float32 scale per ${groupSize} input columns, counted in bytes and MACs`] : []),
    ].join('\n') + '\n',
  );
}

function configFromFile(file: string): TinySeekConfig {
  const config = readTrainConfigFile(file, 'model info', 'a model directory, a checkpoint or a training config');
  return modelConfigOf(config, loadNames({ seed: 1, vocabulary: config.data.vocabulary }).vocabulary.size).model;
}

const ownWeights = 'its own float weights';

/**
 * The float model an integer model is judged against: `--reference`, else the teacher a
 * distilled model records (when it is still at its path with the same SHA-256), else the
 * checkpoint's own float weights.
 */
function referenceModel(checkpoint: Checkpoint, file: string, reference: string | undefined): { model: TinySeek; name: string } {
  if (reference !== undefined) return { model: readCheckpoint(checkpointIn(reference)).model, name: reference };
  const distilled = checkpoint.header.training.distillation as { teacher?: unknown; teacherSha256?: unknown } | undefined;
  if (distilled === undefined) return { model: checkpoint.model, name: ownWeights };
  const teacher = typeof distilled.teacher === 'string' ? checkpointIn(distilled.teacher) : '';
  let bytes: Buffer | undefined;
  try {
    bytes = readCheckpointBytes(teacher);
  } catch {
    // Reported below.
  }
  if (!bytes || fileSha256(bytes) !== distilled.teacherSha256) throw new UsageError(`--reference: ${file} was distilled from ${JSON.stringify(distilled.teacher)}, which is ${bytes ? 'another file now' : 'not there'}; give the teacher's directory with --reference DIR`);
  return { model: decodeCheckpoint(bytes, teacher).model, name: `its teacher ${String(distilled.teacher)}` };
}

/** `model eval`: the integer model at `bits` against a float reference on the validation split. */
export function modelEvalCommand(dir: string, options: { bits: string; json?: boolean; samples?: string; reference?: string }, print: (text: string) => void): void {
  const bits = Number(options.bits);
  if (bits !== 8 && bits !== 4 && bits !== 2) throw new UsageError(`--bits: expected 8, 4 or 2, found ${JSON.stringify(options.bits)}`);
  if (options.samples !== undefined && !(/^\d+$/.test(options.samples) && Number(options.samples) > 0)) throw new UsageError(`--samples: expected a whole number ≥ 1, found ${JSON.stringify(options.samples)}`);
  const file = checkpointIn(dir);
  const checkpoint = readCheckpoint(file);
  const { header, model, quantized } = checkpoint;
  if (header.quantized && !quantized.has(bits)) throw new UsageError(`--bits: expected ${[...quantized.keys()].join(' or ')} (the integer model ${file} was trained for), found ${bits}`);
  const data = loadNames(dataRecordOf(header.training));
  const samples = options.samples === undefined ? data.validation : data.validation.slice(0, Number(options.samples));
  const reference = referenceModel(checkpoint, file, options.reference);
  // The checkpoint's own integer model; for an older checkpoint, calibrated on training names, never on the names it is judged on.
  const integer = quantized.get(bits) ?? quantizeWeights(model, bits, quantizationOf(model, data.train).scales);
  const fidelity = measureFidelity(reference.model, integer, samples);
  if (options.json) print(`${JSON.stringify({ ...fidelity, reference: reference.name })}\n`);
  else {
    print(
      `int${bits} against float${reference.name === ownWeights ? '' : ` (${reference.name})`} on ${fidelity.positions} validation positions: top-1 agreement ${(100 * fidelity.top1Agreement).toFixed(2)} %, ` +
        `KL ${fidelity.klDivergence.toFixed(5)} nats, ${fidelity.bitsPerChar.toFixed(4)} bits/char (float ${fidelity.floatBitsPerChar.toFixed(4)})\n`,
    );
  }
}
