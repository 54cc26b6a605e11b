/**
 * Seeded randomness split into named, independent streams: every subsystem and every node
 * draws from its own stream, derived from (seed, name) alone, so adding a node or a feature
 * never shifts anyone else's draws.
 *
 * Generator: xoroshiro128+ from pure-rand (https://github.com/dubzzz/pure-rand); its 128-bit
 * state is taken from SHA-256 of the seed and the stream name.
 */
import { hash } from 'node:crypto';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

/** One independent stream of random numbers. */
export interface RandomStream {
  readonly name: string;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [minInclusive, maxInclusive]. */
  int(minInclusive: number, maxInclusive: number): number;
  /** Exponential with the given mean. */
  exponential(mean: number): number;
  /** Standard normal (mean 0, standard deviation 1). */
  normal(): number;
}

/** A stream that can say where it stands and be put back there (a checkpoint: checkpoint-state.ts). */
export interface SavableStream extends RandomStream {
  checkpoint(): RandomStreamState;
  restore(state: RandomStreamState): void;
}

export interface RandomStreamState {
  readonly generator: readonly number[];
  readonly spareNormal: number | undefined;
}

/** Factory of named streams for one seed. */
export interface RandomStreams {
  readonly seed: number;
  stream(name: string): SavableStream;
}

/**
 * @example
 * const rng = createRandomStreams(42);
 * const traffic = rng.stream('node/7/traffic');
 * traffic.exponential(1000); // the same value for seed 42 on every machine
 */
export function createRandomStreams(seed: number): RandomStreams {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  }
  return {
    seed,
    stream: (name) => createStream(seed, name),
  };
}

/** A stream's bare generator: what a node keeps per stream on the hot path (no wrapper object). */
export type RandomGenerator = ReturnType<typeof xoroshiro128plusFromState>;

/** A generator's state (a checkpoint: checkpoint-state.ts). */
export function generatorState(generator: RandomGenerator): number[] {
  return [...generator.getState()];
}

/** Puts a generator back in a state `generatorState` gave; the object (held by its owner) stays the same. */
export function setGeneratorState(generator: RandomGenerator, state: readonly number[]): void {
  Object.assign(generator, xoroshiro128plusFromState([...state]));
}

/** The generator of stream `name` for `seed` (the same draws as `createRandomStreams(seed).stream(name)`). */
export function streamGenerator(seed: number, name: string): RandomGenerator {
  // One-shot SHA-256 (crypto.hash): a city derives a few streams per node.
  const digest = hash('sha256', `loraswarm/${seed}/${name}`, 'buffer');
  const state = [digest.readInt32LE(0), digest.readInt32LE(4), digest.readInt32LE(8), digest.readInt32LE(12)];
  // xoroshiro128+ must not start from the all-zero state.
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
  return xoroshiro128plusFromState(state);
}

/** Uniform in [0, 1) from a generator. */
export function uniform(generator: RandomGenerator): number {
  return uniformFloat64(generator);
}

/** Uniform integer in [minInclusive, maxInclusive] from a generator. */
export function uniformInt(generator: RandomGenerator, minInclusive: number, maxInclusive: number): number {
  return minInclusive + Math.floor(uniformFloat64(generator) * (maxInclusive - minInclusive + 1));
}

/** Exponential with the given mean from a generator. */
export function exponential(generator: RandomGenerator, mean: number): number {
  // 1 − u lies in (0, 1], so the logarithm is finite.
  return -mean * Math.log(1 - uniformFloat64(generator));
}

function createStream(seed: number, name: string): SavableStream {
  const generator = streamGenerator(seed, name);
  let spareNormal: number | undefined;
  const next = (): number => uniformFloat64(generator);
  return {
    name,
    next,
    int: (minInclusive, maxInclusive) => uniformInt(generator, minInclusive, maxInclusive),
    exponential: (mean) => exponential(generator, mean),
    checkpoint: () => ({ generator: generatorState(generator), spareNormal }),
    restore(state) {
      setGeneratorState(generator, state.generator);
      spareNormal = state.spareNormal;
    },
    normal() {
      if (spareNormal !== undefined) {
        const value = spareNormal;
        spareNormal = undefined;
        return value;
      }
      // Marsaglia's polar method.
      for (;;) {
        const u = 2 * next() - 1;
        const v = 2 * next() - 1;
        const s = u * u + v * v;
        if (s > 0 && s < 1) {
          const factor = Math.sqrt((-2 * Math.log(s)) / s);
          spareNormal = v * factor;
          return u * factor;
        }
      }
    },
  };
}
