/**
 * Counter-based draws: a random number that is a pure function of (seed, key…). Used where a
 * draw belongs to a pair of things rather than to one stream (the shadowing of one frame at
 * one receiver, the fading of one link), so that it does not depend on the order in which
 * such pairs happen to be evaluated, nor on how many other nodes exist.
 *
 * The key words are mixed with MurmurHash3's 32-bit finaliser (Appleby, public domain,
 * https://github.com/aappleby/smhasher/blob/master/src/MurmurHash3.cpp `fmix32`) into a
 * xoroshiro128+ state (pure-rand), from which the value is drawn.
 */
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function generatorFor(seed: number, keys: readonly number[]): ReturnType<typeof xoroshiro128plusFromState> {
  let h = fmix32(seed ^ 0x9e3779b9) ^ fmix32(Math.floor(seed / 2 ** 32));
  const state: number[] = [0, 0, 0, 0];
  for (let i = 0; i < keys.length; i++) {
    h = fmix32(h ^ fmix32(keys[i]! + Math.imul(i + 1, 0x27d4eb2f)));
    state[i & 3] = state[i & 3]! ^ h;
  }
  for (let i = 0; i < 4; i++) state[i] = fmix32(state[i]! ^ Math.imul(h, i + 1) ^ (i * 0x165667b1));
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1;
  const generator = xoroshiro128plusFromState(state);
  // A few outputs are discarded so that nearby keys decorrelate fully.
  for (let i = 0; i < 4; i++) generator.next();
  return generator;
}

/** Uniform in [0, 1), a pure function of the seed and the integer keys. */
export function keyedUniform(seed: number, ...keys: number[]): number {
  return uniformFloat64(generatorFor(seed, keys));
}

/** Standard normal, a pure function of the seed and the integer keys (Box–Muller). */
export function keyedNormal(seed: number, ...keys: number[]): number {
  const generator = generatorFor(seed, keys);
  const u1 = 1 - uniformFloat64(generator);
  const u2 = uniformFloat64(generator);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * A stable 32-bit key for a name (FNV-1a, http://www.isthe.com/chongo/tech/comp/fnv/), so that
 * keyed draws follow a node's id rather than its position in a list.
 */
export function nameKey(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
