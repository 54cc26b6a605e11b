/**
 * A client's local training (issue 7): E epochs of minibatch SGD (optionally with momentum) on
 * its own samples, starting from the global model, with FedProx's proximal term μ (w − w_g)
 * added to the gradient (μ = 0: plain FedAvg). A straggler stops after `maxSteps` steps (its
 * partial work). Returns the delta (local − global), the samples it trained on and the mean loss.
 * Frozen parameters (a partial model) keep the global values and are masked out.
 *
 * The loop is the same for every model; what a step computes (the gradients of one batch) is
 * the task's: `trainLocal` for the MNIST classifiers here, `trainLocalLm` for TinySeek.
 */
import type { LabeledDataset } from '../data/mnist.ts';
import { batchOf, type Classifier } from '../model/classifier.ts';
import { crossEntropy } from '../model/loss.ts';
import { zeroGrads, type Param } from '../model/params.ts';
import type { RandomStream } from '../sim/rng.ts';
import { assign, flatten, trainableMask } from './vector.ts';
import { mapValues } from '../model/map-values.ts';

export interface LocalTraining {
  readonly epochs: number;
  /** Samples per step; 'full' is the whole local set (B = ∞). */
  readonly batchSize: number | 'full';
  readonly learningRate: number;
  readonly momentum?: number;
  /** FedProx's proximal coefficient; 0 or absent for FedAvg. */
  readonly mu?: number;
  /** A straggler's budget: at most this many steps. */
  readonly maxSteps?: number;
}

export interface LocalResult {
  readonly delta: Float64Array;
  readonly mask: Uint8Array;
  readonly samples: number;
  readonly steps: number;
  /** Mean training loss over the steps taken (NaN when none). */
  readonly loss: number;
}

/**
 * The local loop over `params`: `gradients(batch)` zeroes nothing, adds the batch's gradients
 * into the parameters' `grad` and returns the batch's loss.
 */
export function trainLocalWith(params: readonly Param[], gradients: (batch: readonly number[]) => number, indices: ArrayLike<number>, global: Float64Array, config: LocalTraining, rng: RandomStream): LocalResult {
  assign(params, global);
  const mask = trainableMask(params);
  const velocity = params.map((p) => new Float64Array(p.value.length));
  const momentum = config.momentum ?? 0;
  const mu = config.mu ?? 0;
  const batch = config.batchSize === 'full' ? indices.length : config.batchSize;
  const budget = config.maxSteps ?? Number.POSITIVE_INFINITY;
  let steps = 0;
  let lossSum = 0;
  epochs: for (let epoch = 0; epoch < config.epochs; epoch++) {
    const order = Array.from(indices);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let start = 0; start < order.length; start += batch) {
      if (steps >= budget) break epochs;
      zeroGrads(params);
      const loss = gradients(order.slice(start, start + batch));
      let at = 0;
      params.forEach((p, k) => {
        if (p.trainable) {
          const v = velocity[k]!;
          for (let i = 0; i < p.value.length; i++) {
            const g = p.grad[i]! + (mu > 0 ? mu * (p.value[i]! - global[at + i]!) : 0);
            v[i] = momentum * v[i]! + g;
            p.value[i]! -= config.learningRate * v[i]!;
          }
        }
        at += p.value.length;
      });
      lossSum += loss;
      steps++;
    }
  }
  const local = flatten(params);
  return { delta: mapValues(local, (w, i) => (mask[i] ? w - global[i]! : 0)), mask, samples: indices.length, steps, loss: steps > 0 ? lossSum / steps : Number.NaN };
}

/** Local training of an MNIST classifier: mean softmax cross-entropy per batch. */
export function trainLocal(model: Classifier, data: LabeledDataset, indices: ArrayLike<number>, global: Float64Array, config: LocalTraining, rng: RandomStream): LocalResult {
  return trainLocalWith(
    model.params,
    (slice) => {
      const { x, labels } = batchOf(data, slice);
      const pass = model.forward(x, slice.length);
      const { loss, dLogits } = crossEntropy(pass.logits, labels, model.classes);
      pass.backward(dLogits);
      return loss;
    },
    indices,
    global,
    config,
    rng,
  );
}
