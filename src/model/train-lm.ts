/**
 * Training TinySeek as a character language model: seeded shuffling into mini-batches of
 * texts, each text framed by the boundary token, cross-entropy per predicted token, gradient
 * clipping, AdamW or SGD with linear warm-up and cosine decay, and DeepSeek-V3's bias rule
 * applied from each batch's expert load.
 */
import type { TextSample } from '../data/dataset.ts';
import { boundary } from '../data/dataset.ts';
import { createRandomStreams } from '../sim/rng.ts';
import { crossEntropy, distillationLoss } from './loss.ts';
import { withQuantizedWeights, type FakeQuantizer } from './quant/fake-quant.ts';
import { clipGradients, createAdamW, createSgd } from './optim.ts';
import { zeroGrads } from './params.ts';
import type { TinySeek } from './tinyseek.ts';

export interface LmTrainingConfig {
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly minLearningRate: number;
  readonly warmupSteps: number;
  readonly optimizer: 'adamw' | 'sgd';
  readonly weightDecay: number;
  readonly clipNorm: number;
  readonly seed: number;
  readonly evalEvery: number;
  /** λ of the MTP module's loss, for a model with one (default 0.3). */
  readonly mtpWeight?: number;
}

export interface LmLogEntry {
  readonly step: number;
  readonly trainBitsPerChar: number;
  readonly validationBitsPerChar?: number;
  readonly learningRate: number;
  readonly gradNorm: number;
}

/** A text as model input and targets: [., c1 … cn] → [c1 … cn, .], cut to the context. */
export function framed(tokens: readonly number[], context: number): { inputs: number[]; targets: number[] } {
  const sequence = [boundary, ...tokens, boundary].slice(0, context + 1);
  return { inputs: sequence.slice(0, -1), targets: sequence.slice(1) };
}

/** Bits per predicted character over `samples` (the end boundary counts as one). */
export function evaluateBitsPerChar(model: TinySeek, samples: readonly TextSample[]): number {
  let nats = 0;
  let count = 0;
  for (const sample of samples) {
    const { inputs, targets } = framed(sample.tokens, model.config.context);
    const { loss, count: n } = crossEntropy(model.forward(inputs).logits, targets, model.config.vocab);
    nats += loss * n;
    count += n;
  }
  return nats / count / Math.LN2;
}

/**
 * A teacher to distil from: its logits for a text (computed once per text and kept), and the
 * share of the loss that is the KL to it (`weight`) at `temperature`.
 */
export interface Distillation {
  readonly logitsOf: (sample: TextSample) => Float64Array;
  readonly weight: number;
  readonly temperature: number;
}

/** A teacher model's logits per text, computed on first use and kept (the teacher does not change). */
export function teacherLogits(teacher: TinySeek): (sample: TextSample) => Float64Array {
  const kept = new Map<TextSample, Float64Array>();
  return (sample) => {
    let logits = kept.get(sample);
    if (!logits) kept.set(sample, (logits = teacher.forward(framed(sample.tokens, teacher.config.context).inputs).logits));
    return logits;
  };
}

/** How a model is trained beyond the plain loop: from a teacher, on fake-quantized weights. */
export interface TrainingAids {
  readonly distillation?: Distillation;
  readonly quantizer?: FakeQuantizer;
}

/**
 * Adds the gradients of a batch of texts into the parameters (every predicted token weighing
 * the same) and returns its loss in nats, its token count and each layer's expert load. With a
 * teacher the loss is distillation's (its returned nats stay the cross-entropy).
 */
export function batchGradients(model: TinySeek, texts: readonly TextSample[], distillation?: Distillation, mtpWeight = 0.3): { nats: number; tokens: number; load: Float64Array[] } {
  const batch = texts.map((sample) => framed(sample.tokens, model.config.context));
  const tokens = batch.reduce((sum, item) => sum + item.targets.length, 0);
  // The MTP module's loss: λ × its cross-entropy per predicted token after next (DeepSeek-V3, §2.2).
  const withMtp = model.mtp !== undefined && mtpWeight > 0;
  const mtpTokens = batch.reduce((sum, item) => sum + item.targets.length - 1, 0);
  const load = Array.from({ length: model.config.layers }, () => new Float64Array(model.config.experts));
  let nats = 0;
  batch.forEach(({ inputs, targets }, b) => {
    const pass = model.forward(inputs, { training: true, mtp: withMtp });
    const { vocab } = model.config;
    const { loss, dLogits, count } = distillation
      ? distillationLoss(pass.logits, distillation.logitsOf(texts[b]!), targets, vocab, distillation.weight, distillation.temperature)
      : crossEntropy(pass.logits, targets, vocab);
    nats += loss * count;
    // Every token of the batch weighs the same.
    const scale = count / tokens;
    for (let i = 0; i < dLogits.length; i++) dLogits[i]! *= scale;
    const dMtp = pass.mtpLogits && mtpTokens > 0 ? crossEntropy(pass.mtpLogits, targets.slice(1), vocab) : undefined;
    if (dMtp) for (let i = 0; i < dMtp.dLogits.length; i++) dMtp.dLogits[i]! *= (mtpWeight * dMtp.count) / mtpTokens;
    pass.backward(dLogits, dMtp?.dLogits);
    pass.load.forEach((perExpert, l) => perExpert.forEach((n, e) => (load[l]![e]! += n)));
  });
  return { nats, tokens, load };
}

export function learningRateAt(config: LmTrainingConfig, step: number): number {
  if (step < config.warmupSteps) return (config.learningRate * (step + 1)) / config.warmupSteps;
  const progress = (step - config.warmupSteps) / Math.max(1, config.steps - config.warmupSteps);
  return config.minLearningRate + 0.5 * (config.learningRate - config.minLearningRate) * (1 + Math.cos(Math.PI * Math.min(1, progress)));
}

/**
 * Trains `model`; with `aids.quantizer` every step (and every validation) runs on the
 * quantized weights and steps the latent ones (fake-quant.ts), with `aids.distillation` the
 * loss is distillation's.
 */
export function trainLanguageModel(model: TinySeek, train: readonly TextSample[], validation: readonly TextSample[], config: LmTrainingConfig, onLog: (entry: LmLogEntry) => void = () => undefined, aids: TrainingAids = {}): LmLogEntry[] {
  const shuffle = createRandomStreams(config.seed).stream('train/shuffle');
  const optimizer = config.optimizer === 'adamw' ? createAdamW({ weightDecay: config.weightDecay }) : createSgd({ momentum: 0.9, weightDecay: config.weightDecay });
  const log: LmLogEntry[] = [];
  let order: number[] = [];
  let cursor = 0;
  const nextBatch = (): TextSample[] => {
    const batch: TextSample[] = [];
    while (batch.length < config.batchSize) {
      if (cursor >= order.length) {
        order = train.map((_, i) => i);
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(shuffle.next() * (i + 1));
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        cursor = 0;
      }
      batch.push(train[order[cursor++]!]!);
    }
    return batch;
  };
  const { biasUpdate } = model.config;
  for (let step = 0; step < config.steps; step++) {
    zeroGrads(model.params);
    const batch = nextBatch();
    const { nats, tokens, load } = withQuantizedWeights(aids.quantizer, () => batchGradients(model, batch, aids.distillation, config.mtpWeight));
    const gradNorm = clipGradients(model.params, config.clipNorm);
    const learningRate = learningRateAt(config, step);
    optimizer.step(model.params, learningRate);
    if (biasUpdate > 0) model.blocks.forEach((block, l) => block.moe.gate.updateBias(load[l]!, biasUpdate));
    const last = step === config.steps - 1;
    const entry: LmLogEntry = {
      step: step + 1,
      trainBitsPerChar: nats / tokens / Math.LN2,
      learningRate,
      gradNorm,
      ...((last || (step + 1) % config.evalEvery === 0) && { validationBitsPerChar: withQuantizedWeights(aids.quantizer, () => evaluateBitsPerChar(model, validation)) }),
    };
    log.push(entry);
    onLog(entry);
  }
  return log;
}
