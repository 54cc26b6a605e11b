/**
 * A client's local training of TinySeek on its names (issue 7's names task): the contract of
 * fl/local.ts (E epochs of minibatch SGD from the global model, FedProx's proximal term, a
 * straggler's step budget, frozen parameters masked out), with a batch of names per step and
 * every predicted character weighing the same.
 */
import type { TextSample } from '../data/dataset.ts';
import { crossEntropy } from '../model/loss.ts';
import { zeroGrads } from '../model/params.ts';
import { framed } from '../model/train-lm.ts';
import type { TinySeek } from '../model/tinyseek.ts';
import type { RandomStream } from '../sim/rng.ts';
import type { LocalResult, LocalTraining } from './local.ts';
import { assign, flatten, trainableMask } from './vector.ts';

export function trainLocalLm(model: TinySeek, samples: readonly TextSample[], indices: ArrayLike<number>, global: Float64Array, config: LocalTraining, rng: RandomStream): LocalResult {
  assign(model.params, global);
  const mask = trainableMask(model.params);
  const velocity = model.params.map((p) => new Float64Array(p.value.length));
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
      const texts = order.slice(start, start + batch).map((i) => framed(samples[i]!.tokens, model.config.context));
      const tokens = texts.reduce((sum, t) => sum + t.targets.length, 0);
      zeroGrads(model.params);
      let nats = 0;
      for (const { inputs, targets } of texts) {
        const pass = model.forward(inputs, { training: true });
        const { loss, dLogits, count } = crossEntropy(pass.logits, targets, model.config.vocab);
        nats += loss * count;
        const scale = count / tokens;
        for (let i = 0; i < dLogits.length; i++) dLogits[i]! *= scale;
        pass.backward(dLogits);
      }
      let at = 0;
      model.params.forEach((p, k) => {
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
      lossSum += nats / tokens;
      steps++;
    }
  }
  const local = flatten(model.params);
  return { delta: Float64Array.from(local, (w, i) => (mask[i] ? w - global[i]! : 0)), mask, samples: indices.length, steps, loss: steps > 0 ? lossSum / steps : Number.NaN };
}
