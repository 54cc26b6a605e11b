/** Token embedding: ids → rows of a [vocab, d] table. */
import { createParam, normalInit, type Param } from '../params.ts';
import type { RandomStream } from '../../sim/rng.ts';

export interface Embedding {
  readonly table: Param;
  readonly params: readonly Param[];
  forward(ids: readonly number[]): { y: Float64Array; backward(dy: Float64Array): void };
}

export function createEmbedding(name: string, vocab: number, dim: number, rng: RandomStream, std = 1): Embedding {
  const table = createParam(`${name}.table`, [vocab, dim], normalInit(rng, std));
  return {
    table,
    params: [table],
    forward(ids) {
      const y = new Float64Array(ids.length * dim);
      ids.forEach((id, t) => {
        if (!Number.isInteger(id) || id < 0 || id >= vocab) throw new RangeError(`token id must be in 0..${vocab - 1}, got ${id}`);
        y.set(table.value.subarray(id * dim, (id + 1) * dim), t * dim);
      });
      return {
        y,
        backward(dy) {
          ids.forEach((id, t) => {
            for (let i = 0; i < dim; i++) table.grad[id * dim + i]! += dy[t * dim + i]!;
          });
        },
      };
    },
  };
}
