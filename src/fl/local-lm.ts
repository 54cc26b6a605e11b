/**
 * A client's local training of TinySeek on its names (issue 7's names task): the loop of
 * fl/local.ts with, per step, a batch of names whose every predicted character weighs the same
 * (model/train-lm.ts's batch gradient).
 */
import type { TextSample } from '../data/dataset.ts';
import { batchGradients } from '../model/train-lm.ts';
import type { TinySeek } from '../model/tinyseek.ts';
import type { RandomStream } from '../sim/rng.ts';
import { trainLocalWith, type LocalResult, type LocalTraining } from './local.ts';

export function trainLocalLm(model: TinySeek, samples: readonly TextSample[], indices: ArrayLike<number>, global: Float64Array, config: LocalTraining, rng: RandomStream): LocalResult {
  return trainLocalWith(
    model.params,
    (slice) => {
      const { nats, tokens } = batchGradients(model, slice.map((i) => samples[i]!));
      return nats / tokens;
    },
    indices,
    global,
    config,
    rng,
  );
}
