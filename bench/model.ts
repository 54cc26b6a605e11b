/**
 * TinySeek benchmark (printed, never asserted), in its own process: training steps per second
 * for the shipped configuration (models/tinyseek-names.yaml), and int8 integer-forward MACs
 * per second in JavaScript (the units composed, one token at a time).
 */
import { readFileSync } from 'node:fs';
import { loadNames } from '../src/data/names.ts';
import { modelCost } from '../src/model/cost.ts';
import { calibrateScales } from '../src/model/quant/calibrate.ts';
import { quantizeWeights } from '../src/model/quant/quantized-model.ts';
import { createIntGenerator, expertMemo } from '../src/model/quant/units.ts';
import { createTinySeek } from '../src/model/tinyseek.ts';
import { modelConfigOf, parseTrainConfig } from '../src/model/train-config.ts';
import { framed, trainLanguageModel } from '../src/model/train-lm.ts';

const config = parseTrainConfig(readFileSync('models/tinyseek-names.yaml', 'utf8'), 'models/tinyseek-names.yaml');
const data = loadNames({ seed: config.data.seed });
const { model: modelConfig, seed } = modelConfigOf(config, data.vocabulary.size);
const model = createTinySeek(modelConfig, seed);
const steps = 20;
const start = performance.now();
trainLanguageModel(model, data.train, data.validation, { ...config.training, steps, evalEvery: steps + 1 });
const stepSeconds = (performance.now() - start) / 1000 / steps;
console.log(`TinySeek training (shipped config, ${model.params.reduce((n, p) => n + p.value.length, 0).toLocaleString('en')} parameters, batch ${config.training.batchSize}): ${(1 / stepSeconds).toFixed(2)} steps/s (${stepSeconds.toFixed(3)} s per step)`);

const quantized = quantizeWeights(model, 8, calibrateScales(model, data.train.slice(0, 50).map((s) => s.tokens)));
const cost = modelCost(model.config);
/** Tokens/s and MACs/s of the integer forward over 200 validation names, each from a fresh generator. */
function intForward(): { macsPerSecond: number; tokensPerSecond: number } {
  let macs = 0;
  let tokens = 0;
  const started = performance.now();
  for (const sample of data.validation.slice(0, 200)) {
    const generator = createIntGenerator(quantized);
    framed(sample.tokens, model.config.context).inputs.forEach((id, position) => {
      generator.next(id);
      macs += cost.activeMacsPerToken + cost.macsPerCachedPosition * (position + 1);
      tokens++;
    });
  }
  const seconds = (performance.now() - started) / 1000;
  return { macsPerSecond: macs / seconds, tokensPerSecond: tokens / seconds };
}
// The arithmetic alone (every expert computed), then as a run computes (names share prefixes,
// whose experts' inputs repeat: src/model/quant/units.ts keeps their outputs).
const memoEntries = expertMemo.entries;
expertMemo.entries = 0;
const arithmetic = intForward();
expertMemo.entries = memoEntries;
const memoized = intForward();
console.log(`TinySeek int8 forward (units composed, one token at a time): ${(arithmetic.macsPerSecond / 1e6).toFixed(1)} million MACs/s, ${Math.round(arithmetic.tokensPerSecond).toLocaleString('en')} tokens/s; with the expert memo ${Math.round(memoized.tokensPerSecond).toLocaleString('en')} tokens/s`);
