/**
 * The training config file of `loraswarm model train` (YAML): the model, the data and the
 * training run. Validated with zod; every problem names its key path, what was expected and
 * what was found.
 */
import { parseDocument } from 'yaml';
import * as z from 'zod';
import { duplicateKeys } from '../scenario/duplicate-keys.ts';
import { InputError, formatPath } from '../scenario/errors.ts';
import type { LmTrainingConfig } from './train-lm.ts';
import type { TinySeekConfig } from './config.ts';
import type { QatSetting } from './quant/fake-quant.ts';

const positiveInt = z.number().int().positive();

export const trainConfigSchema = z.strictObject({
  data: z.strictObject({
    dataset: z.literal('names'),
    vocabulary: z.enum(['chars', 'bytes']).default('chars'),
    validationFraction: z.number().gt(0).lt(1).default(0.1),
    seed: z.number().int().nonnegative().default(1),
  }),
  model: z.strictObject({
    dim: positiveInt,
    layers: positiveInt,
    heads: positiveInt,
    headDim: positiveInt,
    latentDim: positiveInt,
    context: positiveInt,
    positions: z.enum(['learned', 'rotary']).default('learned'),
    ropeDim: positiveInt.optional(),
    experts: positiveInt,
    sharedExperts: z.number().int().nonnegative(),
    expertHidden: positiveInt,
    topK: positiveInt,
    affinity: z.enum(['sigmoid', 'softmax']).default('sigmoid'),
    capacityFactor: z.number().positive().optional(),
    biasUpdate: z.number().nonnegative().default(0.001),
    /** A multi-token prediction module of depth 1 (DeepSeek-V3's MTP), with its SwiGLU hidden width. */
    mtp: z.strictObject({ hidden: positiveInt }).optional(),
    seed: z.number().int().nonnegative().default(1),
  }),
  training: z.strictObject({
    steps: positiveInt,
    batchSize: positiveInt,
    learningRate: z.number().positive(),
    minLearningRate: z.number().nonnegative().default(0),
    warmupSteps: z.number().int().nonnegative().default(0),
    optimizer: z.enum(['adamw', 'sgd']).default('adamw'),
    weightDecay: z.number().nonnegative().default(0.01),
    clipNorm: z.number().positive().default(1),
    seed: z.number().int().nonnegative().default(1),
    evalEvery: positiveInt.default(100),
    /** λ: the MTP module's cross-entropy weighs this much beside the main loss (DeepSeek-V3: 0.3, then 0.1). */
    mtpWeight: z.number().nonnegative().default(0.3),
  }),
  /** Learn from a trained model's predictions (knowledge distillation). */
  distillation: z
    .strictObject({
      /** The teacher: a model directory or checkpoint, relative to the working directory. */
      teacher: z.string().min(1),
      /** The share of the loss that is the KL to the teacher (the rest: cross-entropy on the names). */
      weight: z.number().min(0).max(1).default(1),
      temperature: z.number().positive().default(1),
      /** Start from the teacher's weights (same shape only) or from the model's seed. */
      init: z.enum(['teacher', 'seed']).default('teacher'),
    })
    .optional(),
  /** Quantization-aware training: the integer model the checkpoint holds, and the only one. */
  quantization: z
    .strictObject({
      bits: z.union([z.literal(8), z.literal(4), z.literal(2)]),
      /** Consecutive input columns that share a float32 scale. */
      groupSize: positiveInt.default(32),
      /** Default: odd (±1, ±3) at 2 bits, signed otherwise. */
      levels: z.enum(['signed', 'odd']).optional(),
    })
    .optional(),
});

export type TrainConfig = z.infer<typeof trainConfigSchema>;

/** The largest training config read (bytes): one is a few hundred bytes; a device or a log given by mistake is refused. */
export const maxTrainConfigBytes = 2 ** 20;

export function parseTrainConfig(text: string, file: string): TrainConfig & { training: LmTrainingConfig } {
  let raw: unknown;
  try {
    // Repeated keys found in one pass (duplicate-keys.ts), as for scenarios.
    const doc = parseDocument(text, { uniqueKeys: false });
    const problem = doc.errors[0]?.message ?? duplicateKeys(doc)[0]?.message;
    if (problem !== undefined) throw new Error(problem);
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new InputError([{ path: file, message: `expected valid YAML, found a syntax error: ${(error as Error).message.split('\n')[0]}` }]);
  }
  const result = trainConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new InputError(
      result.error.issues.map((issue) => ({ path: `${file}: ${formatPath(issue.path)}`, message: issue.message.replace(/^Invalid input: /, '') })),
    );
  }
  const config = result.data;
  if (config.model.topK > config.model.experts) throw new InputError([{ path: `${file}: model.topK`, message: `expected at most model.experts (${config.model.experts}), found ${config.model.topK}` }]);
  return config;
}

/** The model section as a TinySeek config (optional fields left out when absent) and its seed. */
export function modelConfigOf(config: TrainConfig, vocab: number): { readonly model: TinySeekConfig; readonly seed: number } {
  const { seed, capacityFactor, ropeDim, mtp, ...rest } = config.model;
  return { model: { ...rest, vocab, ...(capacityFactor !== undefined && { capacityFactor }), ...(ropeDim !== undefined && { ropeDim }), ...(mtp !== undefined && { mtp }) }, seed };
}

/** The quantization-aware training a config asks for: levels odd at 2 bits unless set, scales by least error. */
export function qatSettingOf(config: TrainConfig): QatSetting | undefined {
  const q = config.quantization;
  if (!q) return undefined;
  return { bits: q.bits, grid: { levels: q.levels ?? (q.bits === 2 ? 'odd' : 'signed'), groupSize: q.groupSize, scaleRule: 'mse' } };
}
