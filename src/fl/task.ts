/**
 * What a federated run trains (issue 7, "Tasks"): the MNIST classifiers on the digits of the
 * `mnist` package, or TinySeek on the first names. A task owns its model and data; the engine
 * only moves flat parameter vectors, trains clients by sample index and evaluates.
 * Each sample has a label for the partitioners: the digit, or for names the first letter
 * (`letter`) or the list it comes from (`list`: female, male, both).
 */
import type { TextSample } from '../data/dataset.ts';
import { loadMnist, mnistPixels, type LabeledDataset } from '../data/mnist.ts';
import { loadNames } from '../data/names.ts';
import { accuracy, createClassifier, type Classifier } from '../model/classifier.ts';
import { modelCost } from '../model/cost.ts';
import { crossEntropy } from '../model/loss.ts';
import type { Param } from '../model/params.ts';
import { framed } from '../model/train-lm.ts';
import { createTinySeek, type TinySeek } from '../model/tinyseek.ts';
import type { RandomStream } from '../sim/rng.ts';
import { trainLocal, type LocalResult, type LocalTraining } from './local.ts';
import { trainLocalLm } from './local-lm.ts';
import { assign, flatten } from './vector.ts';
import { encodeCheckpoint } from '../model/io/checkpoint.ts';

export interface FlTask {
  readonly name: string;
  /** The model's parameters, which training and evaluation overwrite: a run starts from `initial`. */
  readonly params: readonly Param[];
  /** The parameters as the task was built (flattened): every run of the task starts from them. */
  readonly initial: Float64Array;
  /** Indices of the training samples, and a label per sample index for the partitioners. */
  readonly train: Int32Array;
  readonly labels: ArrayLike<number>;
  readonly classes: number;
  /** The sample a partition index names, for partition-samples.csv (its index in the source data). */
  readonly sampleId: (index: number) => number;
  trainLocal(indices: ArrayLike<number>, global: Float64Array, config: LocalTraining, rng: RandomStream): LocalResult;
  /** On the validation split with the parameters `global`: mean loss (nats) and top-1 accuracy (digits, or next characters). */
  evaluate(global: Float64Array): { loss: number; accuracy: number; bitsPerChar?: number };
  /** The model with `global`'s parameters as a checkpoint `loraswarm model sample` and `model eval` read (tasks that train TinySeek). */
  checkpoint?(global: Float64Array, training: Record<string, unknown>): Uint8Array;
  /** Forward MACs per training sample (a digit, or a name of average length). */
  readonly forwardMacsPerSample: number;
  /** What the task was built from, for a thread to build the same one (training-pool.ts); absent for a task built by hand. */
  readonly source?: FlTaskSource;
}

/** A task as plain data: `taskFromSource` builds it again, the same data and model, anywhere. */
export type FlTaskSource = ({ readonly kind: 'mnist' } & MnistTaskOptions) | ({ readonly kind: 'names' } & NamesTaskOptions);

export function taskFromSource(source: FlTaskSource): FlTask {
  return source.kind === 'mnist' ? loadMnistTask(source) : namesTask(source);
}

export function mnistTask(data: LabeledDataset, model: Classifier): FlTask {
  const hidden = model.kind === 'mlp' ? model.params[0]!.shape[0]! : 0;
  return {
    name: `mnist-${model.kind}`,
    params: model.params,
    initial: flatten(model.params),
    train: data.train,
    labels: data.labels,
    classes: data.classes,
    sampleId: (i) => i,
    trainLocal: (indices, global, config, rng) => trainLocal(model, data, indices, global, config, rng),
    evaluate(global) {
      assign(model.params, global);
      return accuracy(model, data, data.validation);
    },
    forwardMacsPerSample: model.kind === 'logistic' ? mnistPixels * data.classes : mnistPixels * hidden + hidden * data.classes,
  };
}

export interface MnistTaskOptions {
  readonly seed: number;
  readonly model: 'logistic' | 'mlp';
  readonly hidden: number;
}

export function loadMnistTask(options: MnistTaskOptions): FlTask & { readonly data: LabeledDataset } {
  const data = loadMnist({ seed: options.seed });
  const source: FlTaskSource = { kind: 'mnist', seed: options.seed, model: options.model, hidden: options.hidden };
  return { ...mnistTask(data, createClassifier(options.model, mnistPixels, data.classes, options.seed, options.hidden)), data, source };
}

export interface NamesTaskOptions {
  readonly seed: number;
  readonly by: 'letter' | 'list';
  /** The TinySeek shape (vocabulary from the names; sigmoid gate; no bias rule). */
  readonly model: { readonly dim: number; readonly layers: number; readonly heads: number; readonly headDim: number; readonly latentDim: number; readonly context: number; readonly experts: number; readonly sharedExperts: number; readonly expertHidden: number; readonly topK: number };
}

export function namesTask(options: NamesTaskOptions): FlTask {
  const data = loadNames({ seed: options.seed });
  const samples: TextSample[] = [...data.train, ...data.validation];
  const train = Int32Array.from(data.train, (_, i) => i);
  const validation = data.validation;
  const model: TinySeek = createTinySeek({ ...options.model, vocab: data.vocabulary.size, affinity: 'sigmoid', biasUpdate: 0 }, options.seed);
  const lists = ['female', 'male', 'both'];
  const labels = Int32Array.from(samples, (s) => (options.by === 'list' ? Math.max(0, lists.indexOf(s.group ?? 'both')) : Math.max(0, (s.tokens[0] ?? 1) - 1)));
  const meanLength = data.train.reduce((sum, s) => sum + s.tokens.length + 1, 0) / data.train.length;
  const cost = modelCost(model.config);
  return {
    name: 'names-tinyseek',
    params: model.params,
    initial: flatten(model.params),
    train,
    labels,
    classes: options.by === 'list' ? 3 : data.vocabulary.size - 1,
    sampleId: (i) => i,
    trainLocal: (indices, global, config, rng) => trainLocalLm(model, samples, indices, global, config, rng),
    checkpoint(global, training) {
      assign(model.params, global);
      // The names' split, as `model eval` loads it again to judge the model.
      return encodeCheckpoint(model, { kind: data.vocabulary.kind, symbols: data.vocabulary.symbols }, { ...training, data: { seed: options.seed, validationFraction: 0.1, vocabulary: data.vocabulary.kind } });
    },
    evaluate(global) {
      assign(model.params, global);
      let nats = 0;
      let count = 0;
      let correct = 0;
      for (const sample of validation) {
        const { inputs, targets } = framed(sample.tokens, model.config.context);
        const { logits } = model.forward(inputs);
        const { loss, count: n } = crossEntropy(logits, targets, model.config.vocab);
        nats += loss * n;
        count += n;
        targets.forEach((target, t) => {
          let best = 0;
          for (let c = 1; c < model.config.vocab; c++) if (logits[t * model.config.vocab + c]! > logits[t * model.config.vocab + best]!) best = c;
          if (best === target) correct++;
        });
      }
      return { loss: nats / count, accuracy: correct / count, bitsPerChar: nats / count / Math.LN2 };
    },
    forwardMacsPerSample: meanLength * (cost.activeMacsPerToken + (meanLength / 2) * cost.macsPerCachedPosition),
    source: { kind: 'names', seed: options.seed, by: options.by, model: options.model },
  };
}
