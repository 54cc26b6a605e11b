/**
 * The classifiers federated learning trains on MNIST: logistic regression (one linear layer)
 * and a small MLP (linear, ReLU, linear), with softmax cross-entropy, trained by the same
 * optimisers as TinySeek.
 */
import type { LabeledDataset } from '../data/mnist.ts';
import { createRandomStreams } from '../sim/rng.ts';
import { createLinear, type Linear } from './layers/linear.ts';
import { relu } from './layers/relu.ts';
import { crossEntropy } from './loss.ts';
import { clipGradients, createAdamW, createSgd } from './optim.ts';
import { zeroGrads, type Param } from './params.ts';

export interface Classifier {
  readonly kind: 'logistic' | 'mlp';
  readonly params: readonly Param[];
  readonly classes: number;
  /** Logits [rows, classes]; backward accumulates the parameters' gradients (the input's is not computed: the input is data). */
  forward(x: Float64Array, rows: number): { logits: Float64Array; backward(dLogits: Float64Array): void };
}

export function createClassifier(kind: 'logistic' | 'mlp', inputs: number, classes: number, seed: number, hidden = 64): Classifier {
  const init = createRandomStreams(seed).stream('classifier/init');
  if (kind === 'logistic') {
    const linear = createLinear('logistic', inputs, classes, init, { bias: true, std: 0.01, inputGradient: false });
    return { kind, params: linear.params, classes, forward: (x, rows) => {
      const pass = linear.forward(x, rows);
      return { logits: pass.y, backward: pass.backward };
    } };
  }
  const first: Linear = createLinear('mlp.hidden', inputs, hidden, init, { bias: true, inputGradient: false });
  const second: Linear = createLinear('mlp.out', hidden, classes, init, { bias: true });
  return {
    kind,
    params: [...first.params, ...second.params],
    classes,
    forward(x, rows) {
      const a = first.forward(x, rows);
      const r = relu(a.y);
      const b = second.forward(r.y, rows);
      return { logits: b.y, backward: (d) => a.backward(r.backward(b.backward(d))) };
    },
  };
}

/** The features and labels of the samples `indices`, as one batch. */
export function batchOf(data: LabeledDataset, indices: ArrayLike<number>): { x: Float64Array; labels: number[] } {
  const x = new Float64Array(indices.length * data.dim);
  const labels: number[] = [];
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    x.set(data.features.subarray(i * data.dim, (i + 1) * data.dim), k * data.dim);
    labels.push(data.labels[i]!);
  }
  return { x, labels };
}

export function accuracy(model: Classifier, data: LabeledDataset, indices: ArrayLike<number>): { accuracy: number; loss: number } {
  let correct = 0;
  let loss = 0;
  for (let start = 0; start < indices.length; start += 256) {
    const slice = Array.from({ length: Math.min(256, indices.length - start) }, (_, k) => indices[start + k]!);
    const { x, labels } = batchOf(data, slice);
    const { logits } = model.forward(x, slice.length);
    loss += crossEntropy(logits, labels, model.classes).loss * slice.length;
    labels.forEach((label, r) => {
      let best = 0;
      for (let c = 1; c < model.classes; c++) if (logits[r * model.classes + c]! > logits[r * model.classes + best]!) best = c;
      if (best === label) correct++;
    });
  }
  return { accuracy: correct / indices.length, loss: loss / indices.length };
}

export interface ClassifierTraining {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly optimizer: 'adamw' | 'sgd';
  readonly seed: number;
  readonly clipNorm?: number;
}

/** Trains on `indices` (a client's partition, or the whole training split); returns the loss per epoch. */
export function trainClassifier(model: Classifier, data: LabeledDataset, indices: ArrayLike<number>, config: ClassifierTraining): number[] {
  const shuffle = createRandomStreams(config.seed).stream('classifier/shuffle');
  const optimizer = config.optimizer === 'adamw' ? createAdamW({ weightDecay: 0 }) : createSgd({ momentum: 0.9 });
  const losses: number[] = [];
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    const order = Array.from(indices);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(shuffle.next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let total = 0;
    for (let start = 0; start < order.length; start += config.batchSize) {
      const slice = order.slice(start, start + config.batchSize);
      const { x, labels } = batchOf(data, slice);
      zeroGrads(model.params);
      const pass = model.forward(x, slice.length);
      const { loss, dLogits } = crossEntropy(pass.logits, labels, model.classes);
      pass.backward(dLogits);
      if (config.clipNorm !== undefined) clipGradients(model.params, config.clipNorm);
      optimizer.step(model.params, config.learningRate);
      total += loss * slice.length;
    }
    losses.push(total / order.length);
  }
  return losses;
}
