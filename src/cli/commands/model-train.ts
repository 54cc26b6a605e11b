/**
 * `loraswarm model train`: train TinySeek from a config file into a model directory
 * (model.tskp, config.yaml, training-log.csv, model.json): from its seed, or from a teacher
 * (distillation), on float or on fake-quantized weights (quantization-aware training, whose
 * checkpoint holds only the integer model it was trained for).
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import { stringify as stringifyYaml } from 'yaml';
import type { TextSample } from '../../data/dataset.ts';
import { loadNames } from '../../data/names.ts';
import { fitBigram } from '../../model/bigram.ts';
import { dataMismatch, shapeMismatch, startFromTeacher, type DataRecord } from '../../model/distill.ts';
import { decodeCheckpoint, encodeCheckpoint, fileSha256, readCheckpointBytes, writeCheckpoint, type Checkpoint, type QuantizationRecord } from '../../model/io/checkpoint.ts';
import { countParams } from '../../model/params.ts';
import { calibrateScales } from '../../model/quant/calibrate.ts';
import { createFakeQuantizer, withQuantizedWeights, type QatSetting } from '../../model/quant/fake-quant.ts';
import { measureFidelity, type Fidelity } from '../../model/quant/fidelity.ts';
import { quantizeWeights } from '../../model/quant/quantized-model.ts';
import { createTinySeek, type TinySeek } from '../../model/tinyseek.ts';
import { measureMtp, type MtpFigures } from '../../model/mtp-eval.ts';
import { modelConfigOf, qatSettingOf, type TrainConfig } from '../../model/train-config.ts';
import { readTrainConfigFile } from './train-config-file.ts';
import { evaluateBitsPerChar, teacherLogits, trainLanguageModel, type TrainingAids } from '../../model/train-lm.ts';
import { InputError } from '../../scenario/errors.ts';
import { UsageError } from '../exit.ts';

export const checkpointFile = 'model.tskp';

/** Calibration on the first 200 training texts: the boundary scales the integer models use. */
export const calibrationTexts = 200;

/**
 * The boundary scales, calibrated on the first training texts, and, for a model trained for
 * one integer model, that bit width and grid only (calibrated on its quantized weights).
 */
export function quantizationOf(model: TinySeek, train: readonly TextSample[], qat?: QatSetting): QuantizationRecord {
  const texts = train.slice(0, calibrationTexts).map((sample) => sample.tokens);
  const scales = withQuantizedWeights(qat && createFakeQuantizer(model, qat), () => calibrateScales(model, texts));
  return { scales, calibration: { texts: calibrationTexts, from: 'the first training texts' }, ...(qat && { grids: new Map([[qat.bits, qat.grid]]) }) };
}

/** The model directory's checkpoint, or the file itself. */
export const checkpointIn = (dir: string): string => (existsSync(join(dir, checkpointFile)) ? join(dir, checkpointFile) : dir);

interface Teacher {
  readonly path: string;
  readonly checkpoint: Checkpoint;
  readonly sha256: string;
}

function readTeacher(config: TrainConfig, file: string): Teacher | undefined {
  if (!config.distillation) return undefined;
  const path = checkpointIn(config.distillation.teacher);
  if (!existsSync(path)) throw new InputError([{ path: `${file}: distillation.teacher`, message: `expected a model directory or a .tskp file, found nothing at ${JSON.stringify(config.distillation.teacher)}` }]);
  const bytes = readCheckpointBytes(path);
  const checkpoint = decodeCheckpoint(bytes, path);
  const problem = dataMismatch(config.data, (checkpoint.header.training.data ?? {}) as DataRecord);
  if (problem) throw new InputError([{ path: `${file}: ${problem.split(':')[0]}`, message: problem.slice(problem.indexOf(':') + 2) }]);
  return { path: config.distillation.teacher, checkpoint, sha256: fileSha256(bytes) };
}

/** The student, from its seed or from the teacher's weights. */
function makeStudent(config: TrainConfig, vocab: number, teacher: Teacher | undefined, file: string): { model: TinySeek; seed: number } {
  const { model: modelConfig, seed } = modelConfigOf(config, vocab);
  const model = createTinySeek(modelConfig, seed);
  if (teacher && config.distillation!.init === 'teacher') {
    const problem = shapeMismatch(model, teacher.checkpoint.model);
    if (problem) throw new InputError([{ path: `${file}: distillation.init`, message: `expected a student of the teacher's shape to start from its weights, found that ${problem} (use init: seed)` }]);
    startFromTeacher(model, teacher.checkpoint.model);
  }
  return { model, seed };
}

export function modelTrainCommand(options: { config: string; out: string; quiet?: boolean }, print: (text: string) => void, note: (text: string) => void): void {
  const config = readTrainConfigFile(options.config, '--config', 'a readable training config');
  if (existsSync(options.out) && !existsSync(join(options.out, checkpointFile))) {
    throw new UsageError(`--out: expected a new directory or an earlier model directory, found ${options.out} without ${checkpointFile}; it is left untouched`);
  }
  const teacher = readTeacher(config, options.config);
  const qat = qatSettingOf(config);
  const data = loadNames({ seed: config.data.seed, validationFraction: config.data.validationFraction, vocabulary: config.data.vocabulary });
  const { model, seed: modelSeed } = makeStudent(config, data.vocabulary.size, teacher, options.config);
  const quantizer = qat && createFakeQuantizer(model, qat);
  const aids: TrainingAids = {
    ...(quantizer && { quantizer }),
    ...(teacher && { distillation: { logitsOf: teacherLogits(teacher.checkpoint.model), weight: config.distillation!.weight, temperature: config.distillation!.temperature } }),
  };
  const started = performance.now();
  note(`training ${countParams(model.params).toLocaleString('en')} parameters on ${data.train.length.toLocaleString('en')} names (${data.validation.length.toLocaleString('en')} for validation)${teacher ? `, distilled from ${teacher.path}` : ''}${qat ? `, on int${qat.bits} weights` : ''}\n`);
  const log = trainLanguageModel(model, data.train, data.validation, config.training, (entry) => {
    if (entry.validationBitsPerChar !== undefined && !options.quiet) note(`step ${entry.step}: train ${entry.trainBitsPerChar.toFixed(4)} bits/char, validation ${entry.validationBitsPerChar.toFixed(4)}\n`);
  }, aids);
  // The saved model is float32: round now, so that the figures below are the file's.
  for (const param of model.params) for (let i = 0; i < param.value.length; i++) param.value[i] = Math.fround(param.value[i]!);
  for (const block of model.blocks) for (let i = 0; i < block.moe.gate.bias.length; i++) block.moe.gate.bias[i] = Math.fround(block.moe.gate.bias[i]!);
  const validationBitsPerChar = withQuantizedWeights(quantizer, () => evaluateBitsPerChar(model, data.validation));
  const bigram = fitBigram(data.train, data.validation, data.vocabulary.size);
  const quantization = quantizationOf(model, data.train, qat);
  // A model trained for one integer model is judged as that model, against its teacher.
  const integer: Fidelity | undefined = qat && measureFidelity(teacher?.checkpoint.model ?? model, quantizeWeights(model, qat.bits, quantization.scales, undefined, qat.grid), data.validation);
  // The module's guesses of the token after next, with the validation names fed.
  const mtp: MtpFigures | undefined = model.mtp && withQuantizedWeights(quantizer, () => measureMtp(model, data.validation));
  const trainingSeconds = (performance.now() - started) / 1000;
  const record = {
    data: config.data,
    training: config.training,
    modelSeed,
    parameters: countParams(model.params),
    validationBitsPerChar,
    ...(teacher && { distillation: { ...config.distillation!, teacherSha256: teacher.sha256, teacherValidationBitsPerChar: teacher.checkpoint.header.training.validationBitsPerChar } }),
    ...(qat && { quantization: { bits: qat.bits, ...qat.grid } }),
    ...(integer && { integer }),
    ...(mtp && { mtp }),
    bigramValidationBitsPerChar: bigram.bitsPerChar(data.validation),
    bigramAlpha: bigram.alpha,
  };
  writeModelDirectory(options.out, {
    checkpoint: encodeCheckpoint(model, { kind: data.vocabulary.kind, symbols: data.vocabulary.symbols }, record, quantization),
    config: `# the training config this model was made from: loraswarm model train --config <this file> --out <dir>\n${stringifyYaml(config)}`,
    log: stringifyCsv([['step', 'trainBitsPerChar', 'validationBitsPerChar', 'learningRate', 'gradNorm'], ...log.map((e) => [e.step, e.trainBitsPerChar, e.validationBitsPerChar ?? '', e.learningRate, e.gradNorm])]),
    json: `${JSON.stringify({ ...record, trainingWallSeconds: Math.round(trainingSeconds) }, null, 2)}\n`,
  });
  if (!options.quiet) {
    const mtpLine = mtp ? `; MTP: token after next ${(100 * mtp.accuracy).toFixed(1)} % right, ${(100 * mtp.agreement).toFixed(1)} % agreeing with the model` : '';
    const integerLine = integer ? `; int${qat!.bits} ${integer.bitsPerChar.toFixed(4)} bits/char, KL ${integer.klDivergence.toFixed(5)} to ${teacher ? 'the teacher' : 'its float weights'}` : '';
    print(`model ${options.out}: ${record.parameters.toLocaleString('en')} parameters; validation ${validationBitsPerChar.toFixed(4)} bits/char (bigram baseline ${record.bigramValidationBitsPerChar.toFixed(4)})${integerLine}${mtpLine}; ${trainingSeconds.toFixed(0)} s\n`);
  }
}

/** Written beside, then moved into place: a failed run leaves an earlier model intact. */
function writeModelDirectory(out: string, files: { checkpoint: Uint8Array; config: string; log: string; json: string }): void {
  const partial = `${out}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  writeCheckpoint(join(partial, checkpointFile), files.checkpoint);
  writeFileSync(join(partial, 'config.yaml'), files.config);
  writeFileSync(join(partial, 'training-log.csv'), files.log);
  writeFileSync(join(partial, 'model.json'), files.json);
  rmSync(out, { recursive: true, force: true });
  renameSync(partial, out);
}
