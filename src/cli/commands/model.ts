/**
 * `loraswarm model train|sample`: train TinySeek from a config file into a model directory
 * (model.tskp, config.yaml, training-log.csv, model.json), and sample names from it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { stringify as stringifyYaml } from 'yaml';
import { vocabularyFromRecord } from '../../data/dataset.ts';
import { loadNames } from '../../data/names.ts';
import { fitBigram } from '../../model/bigram.ts';
import { encodeCheckpoint, readCheckpoint, writeCheckpoint } from '../../model/io/checkpoint.ts';
import { countParams } from '../../model/params.ts';
import { generate } from '../../model/sample.ts';
import { createTinySeek } from '../../model/tinyseek.ts';
import { modelConfigOf, parseTrainConfig } from '../../model/train-config.ts';
import { evaluateBitsPerChar, trainLanguageModel } from '../../model/train-lm.ts';
import { createRandomStreams } from '../../sim/rng.ts';
import { UsageError } from '../exit.ts';
import type { TinySeekConfig } from '../../model/config.ts';
import { modelCost, unitCosts } from '../../model/cost.ts';
import { calibrateScales } from '../../model/quant/calibrate.ts';
import { measureFidelity } from '../../model/quant/fidelity.ts';
import { quantizeWeights, type BoundaryScales } from '../../model/quant/quantized-model.ts';
import type { TextSample } from '../../data/dataset.ts';
import type { TinySeek } from '../../model/tinyseek.ts';

export const checkpointFile = 'model.tskp';

export function modelTrainCommand(options: { config: string; out: string; quiet?: boolean }, print: (text: string) => void, note: (text: string) => void): void {
  let text: string;
  try {
    text = readFileSync(options.config, 'utf8');
  } catch (error) {
    throw new UsageError(`--config: expected a readable training config, found ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} at ${options.config}`);
  }
  const config = parseTrainConfig(text, options.config);
  if (existsSync(options.out) && !existsSync(join(options.out, checkpointFile))) {
    throw new UsageError(`--out: expected a new directory or an earlier model directory, found ${options.out} without ${checkpointFile}; it is left untouched`);
  }
  const data = loadNames({ seed: config.data.seed, validationFraction: config.data.validationFraction, vocabulary: config.data.vocabulary });
  const { model: modelConfig, seed: modelSeed } = modelConfigOf(config, data.vocabulary.size);
  const model = createTinySeek(modelConfig, modelSeed);
  const started = performance.now();
  note(`training ${countParams(model.params).toLocaleString('en')} parameters on ${data.train.length.toLocaleString('en')} names (${data.validation.length.toLocaleString('en')} for validation)\n`);
  const log = trainLanguageModel(model, data.train, data.validation, config.training, (entry) => {
    if (entry.validationBitsPerChar !== undefined && !options.quiet) note(`step ${entry.step}: train ${entry.trainBitsPerChar.toFixed(4)} bits/char, validation ${entry.validationBitsPerChar.toFixed(4)}\n`);
  });
  // The saved model is float32: round now, so that the figures below are the file's.
  for (const param of model.params) for (let i = 0; i < param.value.length; i++) param.value[i] = Math.fround(param.value[i]!);
  for (const block of model.blocks) for (let i = 0; i < block.moe.gate.bias.length; i++) block.moe.gate.bias[i] = Math.fround(block.moe.gate.bias[i]!);
  const validationBitsPerChar = evaluateBitsPerChar(model, data.validation);
  const bigram = fitBigram(data.train, data.validation, data.vocabulary.size);
  const trainingSeconds = (performance.now() - started) / 1000;
  const record = {
    data: config.data,
    training: config.training,
    modelSeed,
    parameters: countParams(model.params),
    validationBitsPerChar,
    bigramValidationBitsPerChar: bigram.bitsPerChar(data.validation),
    bigramAlpha: bigram.alpha,
  };
  // Written beside, then moved into place: a failed run leaves an earlier model intact.
  const partial = `${options.out}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeCheckpoint(join(partial, checkpointFile), encodeCheckpoint(model, { kind: data.vocabulary.kind, symbols: data.vocabulary.symbols }, record, quantizationOf(model, data.train)));
  writeFileSync(join(partial, 'config.yaml'), `# the training config this model was made from: loraswarm model train --config <this file> --out <dir>\n${stringifyYaml(config)}`);
  writeFileSync(
    join(partial, 'training-log.csv'),
    stringifyCsv([['step', 'trainBitsPerChar', 'validationBitsPerChar', 'learningRate', 'gradNorm'], ...log.map((e) => [e.step, e.trainBitsPerChar, e.validationBitsPerChar ?? '', e.learningRate, e.gradNorm])]),
  );
  writeFileSync(join(partial, 'model.json'), `${JSON.stringify({ ...record, trainingWallSeconds: Math.round(trainingSeconds) }, null, 2)}\n`);
  rmSync(options.out, { recursive: true, force: true });
  renameSync(partial, options.out);
  if (!options.quiet) {
    print(`model ${options.out}: ${record.parameters.toLocaleString('en')} parameters; validation ${validationBitsPerChar.toFixed(4)} bits/char (bigram baseline ${record.bigramValidationBitsPerChar.toFixed(4)}); ${trainingSeconds.toFixed(0)} s\n`);
  }
}

/** Calibration on the first 200 training texts: the boundary scales the integer models use. */
export const calibrationTexts = 200;

function quantizationOf(model: TinySeek, train: readonly TextSample[]): { scales: BoundaryScales; calibration: Record<string, unknown> } {
  return { scales: calibrateScales(model, train.slice(0, calibrationTexts).map((sample) => sample.tokens)), calibration: { texts: calibrationTexts, from: 'the first training texts' } };
}

/** `model quantize`: (re)writes a checkpoint's quantized section from its float weights. */
export function modelQuantizeCommand(dir: string, print: (text: string) => void): void {
  const file = existsSync(join(dir, checkpointFile)) ? join(dir, checkpointFile) : dir;
  const { header, model } = readCheckpoint(file);
  const data = loadNames(dataRecordOf(header.training));
  writeCheckpoint(file, encodeCheckpoint(model, header.vocabulary, header.training, quantizationOf(model, data.train)));
  print(`${file}: int8, int4 and int2 weights and calibrated boundary scales written\n`);
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
  const { header, model } = readCheckpoint(existsSync(join(dir, checkpointFile)) ? join(dir, checkpointFile) : dir);
  const vocabulary = vocabularyOf(header.vocabulary);
  const rng = createRandomStreams(seed).stream('model/sample');
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(vocabulary.decode(generate(model, { temperature, topP }, rng)));
  print(`${lines.join('\n')}\n`);
}

/** `model info`: per unit, parameters, weight bytes at 8/4/2 bits, MACs, latent bytes, boundary bytes. */
export function modelInfoCommand(target: string, options: { json?: boolean }, print: (text: string) => void): void {
  const config = existsSync(join(target, checkpointFile)) || target.endsWith('.tskp') ? readCheckpoint(existsSync(join(target, checkpointFile)) ? join(target, checkpointFile) : target).header.config : configFromFile(target);
  const units = unitCosts(config);
  const total = modelCost(config);
  if (options.json) {
    print(`${JSON.stringify({ config, units, total }, null, 2)}\n`);
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
    ].join('\n') + '\n',
  );
}

function configFromFile(file: string): TinySeekConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`model info: expected a model directory, a checkpoint or a training config, found ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} at ${file}`);
  }
  const config = parseTrainConfig(text, file);
  return modelConfigOf(config, loadNames({ seed: 1, vocabulary: config.data.vocabulary }).vocabulary.size).model;
}

/** `model eval`: the integer model at `bits` against the float reference on the validation split. */
export function modelEvalCommand(dir: string, options: { bits: string; json?: boolean; samples?: string }, print: (text: string) => void): void {
  const bits = Number(options.bits);
  if (bits !== 8 && bits !== 4 && bits !== 2) throw new UsageError(`--bits: expected 8, 4 or 2, found ${JSON.stringify(options.bits)}`);
  if (options.samples !== undefined && !(/^\d+$/.test(options.samples) && Number(options.samples) > 0)) throw new UsageError(`--samples: expected a whole number ≥ 1, found ${JSON.stringify(options.samples)}`);
  const { header, model, quantized } = readCheckpoint(existsSync(join(dir, checkpointFile)) ? join(dir, checkpointFile) : dir);
  const data = loadNames(dataRecordOf(header.training));
  const samples = options.samples === undefined ? data.validation : data.validation.slice(0, Number(options.samples));
  // The checkpoint's own integer model; for an older checkpoint, calibrated on training names, never on the names it is judged on.
  const integer = quantized.get(bits) ?? quantizeWeights(model, bits, quantizationOf(model, data.train).scales);
  const fidelity = measureFidelity(model, integer, samples);
  if (options.json) print(`${JSON.stringify(fidelity)}\n`);
  else {
    print(
      `int${bits} against float on ${fidelity.positions} validation positions: top-1 agreement ${(100 * fidelity.top1Agreement).toFixed(2)} %, ` +
        `KL ${fidelity.klDivergence.toFixed(5)} nats, ${fidelity.bitsPerChar.toFixed(4)} bits/char (float ${fidelity.floatBitsPerChar.toFixed(4)})\n`,
    );
  }
}
