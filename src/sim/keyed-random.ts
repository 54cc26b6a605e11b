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

// The same draws without allocating (the ether takes them by the million): the state of
// generatorFor kept in four variables and stepped as pure-rand's XoroShiro128Plus.next does
// (fields s01, s00, s11, s10 = state[0..3]), uniformFloat64 as pure-rand's (26 + 27 bits).
let s01 = 0;
let s00 = 0;
let s11 = 0;
let s10 = 0;

function nextInt(): number {
  const out = (s00 + s10) | 0;
  const a0 = s10 ^ s00;
  const a1 = s11 ^ s01;
  const t00 = s00;
  const t01 = s01;
  s00 = (t00 << 24) ^ (t01 >>> 8) ^ a0 ^ (a0 << 16);
  s01 = (t01 << 24) ^ (t00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
  s10 = (a1 << 5) ^ (a0 >>> 27);
  s11 = (a0 << 5) ^ (a1 >>> 27);
  return out;
}

function nextFloat(): number {
  const high = nextInt() & 0x3ffffff;
  const low = nextInt() & 0x7ffffff;
  return high * 1.4901161193847656e-8 + low * 1.1102230246251565e-16;
}

/** generatorFor(seed, keys) for `count` keys (3 or 4), into the four variables. */
function seedState(seed: number, count: number, k0: number, k1: number, k2: number, k3: number): void {
  let h = fmix32(seed ^ 0x9e3779b9) ^ fmix32(Math.floor(seed / 2 ** 32));
  h = fmix32(h ^ fmix32(k0 + Math.imul(1, 0x27d4eb2f)));
  const x0 = h;
  h = fmix32(h ^ fmix32(k1 + Math.imul(2, 0x27d4eb2f)));
  const x1 = h;
  h = fmix32(h ^ fmix32(k2 + Math.imul(3, 0x27d4eb2f)));
  const x2 = h;
  let x3 = 0;
  if (count === 4) {
    h = fmix32(h ^ fmix32(k3 + Math.imul(4, 0x27d4eb2f)));
    x3 = h;
  }
  mixState(x0, x1, x2, x3, h);
}

/** The four state words from the keys' running hashes and the final one, then the discarded outputs. */
function mixState(x0: number, x1: number, x2: number, x3: number, h: number): void {
  s01 = fmix32(x0 ^ Math.imul(h, 1) ^ 0);
  s00 = fmix32(x1 ^ Math.imul(h, 2) ^ 0x165667b1);
  s11 = fmix32(x2 ^ Math.imul(h, 3) ^ (2 * 0x165667b1));
  s10 = fmix32(x3 ^ Math.imul(h, 4) ^ (3 * 0x165667b1));
  if ((s01 | s00 | s11 | s10) === 0) s01 = 1;
  for (let i = 0; i < 4; i++) nextInt();
}

function normal(): number {
  const u1 = 1 - nextFloat();
  const u2 = nextFloat();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** keyedNormal(seed, k0, k1, k2) without allocating. */
export function keyedNormal3(seed: number, k0: number, k1: number, k2: number): number {
  seedState(seed, 3, k0, k1, k2, 0);
  return normal();
}

/** keyedNormal(seed, k0, k1, k2, k3) without allocating. */
export function keyedNormal4(seed: number, k0: number, k1: number, k2: number, k3: number): number {
  seedState(seed, 4, k0, k1, k2, k3);
  return normal();
}

/** keyedUniform(seed, k0, k1, k2, k3) without allocating. */
export function keyedUniform4(seed: number, k0: number, k1: number, k2: number, k3: number): number {
  seedState(seed, 4, k0, k1, k2, k3);
  return nextFloat();
}

/**
 * A standard normal truncated at ±`bound`, by rejection: the first draw within it among those of
 * the generator seeded by the keys (the first is keyedNormal's), as ns-3's NormalRandomVariable
 * given a bound redraws a value beyond it
 * (https://www.nsnam.org/docs/release/3.46/doxygen/da/d67/classns3_1_1_normal_random_variable.html).
 */
function normalWithin(bound: number): number {
  for (;;) {
    const z = normal();
    if (z <= bound && z >= -bound) return z;
  }
}

/** keyedNormal3 truncated at ±`bound` (the same value whenever keyedNormal3's is within it). */
export function keyedNormal3Within(seed: number, k0: number, k1: number, k2: number, bound: number): number {
  seedState(seed, 3, k0, k1, k2, 0);
  return normalWithin(bound);
}

/** keyedNormal4 truncated at ±`bound` (the same value whenever keyedNormal4's is within it). */
export function keyedNormal4Within(seed: number, k0: number, k1: number, k2: number, k3: number, bound: number): number {
  seedState(seed, 4, k0, k1, k2, k3);
  return normalWithin(bound);
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
