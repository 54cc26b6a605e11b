/**
 * Reads the checkpoint a scenario's `model` block names (file I/O, outside the pure folders).
 * A path is taken relative to the working directory; a bare name that is no such path (e.g.
 * "tinyseek-names") is looked up among the models shipped with loraswarm.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vocabularyFromRecord } from '../data/dataset.ts';
import { loadNames } from '../data/names.ts';
import { readCheckpoint } from '../model/io/checkpoint.ts';
import type { TinySeekConfig } from '../model/config.ts';
import { createTinySeek } from '../model/tinyseek.ts';
import { calibrateScales } from '../model/quant/calibrate.ts';
import { quantizeWeights } from '../model/quant/quantized-model.ts';
import { calibrateMtpScales, quantizeMtp } from '../model/quant/mtp-units.ts';
import { attentionUnit, combineUnit, createInt8LatentCache, embeddingUnit, gateUnit, routedExpertUnit, sharedExpertUnit } from '../model/quant/units.ts';
import type { QuantizedTinySeek } from '../model/quant/quantized-model.ts';
import { InputError } from '../scenario/errors.ts';
import type { ModelSettings } from '../scenario/model-settings.ts';
import { prepareInference, type LoadedModel } from './setup.ts';
import type { ResolvedSwarm } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';

const shippedModels = resolve(dirname(fileURLToPath(import.meta.url)), '../../models');

/** The checkpoint file a `model.checkpoint` value (or another setting's, at `path`) names, or an InputError saying where it looked. */
export function checkpointPath(name: string, path = 'model.checkpoint'): string {
  const candidates = [name, ...(/^[A-Za-z0-9_.-]+$/.test(name) ? [join(shippedModels, name)] : [])];
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    return statSync(candidate).isDirectory() ? join(candidate, 'model.tskp') : candidate;
  }
  throw new InputError([
    {
      path,
      message: `expected a model directory or a .tskp file, found nothing at ${JSON.stringify(name)} (relative to ${process.cwd()}${candidates.length > 1 ? `, nor among the shipped models in ${shippedModels}` : ''})`,
    },
  ]);
}

/** `paths`: the settings named in errors (a draft model's are not model.checkpoint and model.bits). */
export function loadModel(settings: ModelSettings, options: { readonly measureLoad?: boolean; readonly mtp?: boolean; readonly paths?: { readonly checkpoint: string; readonly bits: string } } = {}): LoadedModel {
  if (settings.spec) return untrainedModel(settings, options);
  const paths = options.paths ?? { checkpoint: 'model.checkpoint', bits: 'model.bits' };
  const file = checkpointPath(settings.checkpoint!, paths.checkpoint);
  const { header, model, quantized } = readCheckpoint(file);
  const training = (header.training.data ?? { seed: 1, validationFraction: 0.1, vocabulary: 'chars' }) as { seed: number; validationFraction: number; vocabulary: 'chars' | 'bytes' };
  let integer = quantized.get(settings.bits);
  if (!integer && header.quantized) {
    throw new InputError([{ path: paths.bits, message: `expected ${[...quantized.keys()].join(' or ')} (the integer model ${file} was trained for), found ${settings.bits}` }]);
  }
  // The first 200 training names, read once whatever needs them: calibration, the MTP module's, the load.
  let texts: (readonly number[])[] | undefined;
  const calibration = (): (readonly number[])[] => (texts ??= loadNames(training).train.slice(0, 200).map((sample) => sample.tokens));
  if (!integer) integer = quantizeWeights(model, settings.bits, calibrateScales(model, calibration()));
  // The MTP module at the same bits, its block's scales calibrated on the same names.
  const mtp = options.mtp && model.mtp ? quantizeMtp(model, integer, calibrateMtpScales(model, calibration())) : undefined;
  const loaded: LoadedModel = { quantized: integer, vocabulary: vocabularyFromRecord(header.vocabulary), source: file, ...(mtp && { mtp }) };
  return options.measureLoad ? { ...loaded, expertLoad: measureExpertLoad(integer, calibration()) } : loaded;
}

/**
 * A model of the given shape, untrained: weights drawn from its seed, boundary scales
 * calibrated on the first 200 training names, weights quantized at the scenario's bits. Its
 * costs (bytes, MACs, frames) are those of a trained model of that shape; its text is noise.
 */
function untrainedModel(settings: ModelSettings, options: { readonly measureLoad?: boolean }): LoadedModel {
  const { vocabulary: kind, seed, capacityFactor, ropeDim, ...shape } = settings.spec!;
  const data = loadNames({ seed: 1, validationFraction: 0.1, vocabulary: kind });
  const config: TinySeekConfig = { ...shape, vocab: data.vocabulary.size, ...(capacityFactor !== undefined && { capacityFactor }), ...(ropeDim !== undefined && { ropeDim }) };
  const model = createTinySeek(config, seed);
  const texts = data.train.slice(0, 200).map((sample) => sample.tokens);
  const quantized = quantizeWeights(model, settings.bits, calibrateScales(model, texts));
  const loaded: LoadedModel = { quantized, vocabulary: data.vocabulary, source: `an untrained model (spec, seed ${seed})` };
  return options.measureLoad ? { ...loaded, expertLoad: measureExpertLoad(quantized, texts) } : loaded;
}

/** Share of token positions each routed expert serves, [layer][expert], over `texts` (boundary first). */
export function measureExpertLoad(model: QuantizedTinySeek, texts: readonly (readonly number[])[]): number[][] {
  const counts = model.layers.map(() => new Array<number>(model.config.experts).fill(0));
  let positions = 0;
  for (const text of texts) {
    const caches = model.layers.map(() => createInt8LatentCache(model));
    [0, ...text].slice(0, model.config.context).forEach((id, position) => {
      let x = embeddingUnit(model, id, position);
      model.layers.forEach((layer, l) => {
        const h = attentionUnit(model, l, x, caches[l]!);
        const gate = gateUnit(model, l, h);
        for (const e of gate.experts) counts[l]![e]!++;
        const shared = layer.shared.map((_, s) => sharedExpertUnit(model, l, s, gate.input));
        const routed = gate.experts.map((e) => routedExpertUnit(model, l, e, gate.input));
        x = combineUnit(model, l, h, shared, routed, gate.weights);
      });
      positions++;
    });
  }
  return counts.map((row) => row.map((c) => (positions > 0 ? c / positions : 0)));
}

/**
 * The draft model a scenario's inference.speculative names (undefined without one), checked
 * against the served model: the same vocabulary, and a context at least as long.
 */
export function loadDraft(scenario: Scenario, served: LoadedModel): LoadedModel | undefined {
  const speculative = scenario.inference?.speculative;
  if (!speculative || !scenario.model) return undefined;
  if (speculative.draft === 'mtp') {
    if (!served.mtp) throw new InputError([{ path: 'inference.speculative.draft', message: `expected a served model with a multi-token prediction module (model.checkpoint such as tinyseek-names-mtp), found none in ${served.source}` }]);
    if ((speculative.tokens ?? 1) > 1) throw new InputError([{ path: 'inference.speculative.tokens', message: `expected 1 with draft "mtp" (its module guesses one token ahead), found ${speculative.tokens}` }]);
    return undefined;
  }
  const key = `draft\n${checkpointPath(speculative.draft, 'inference.speculative.draft')}\n${speculative.bits}`;
  let draft = loadedModels.get(key);
  if (!draft) {
    const settings: ModelSettings = { ...scenario.model, checkpoint: speculative.draft, spec: undefined, bits: speculative.bits };
    loadedModels.set(key, (draft = loadModel(settings, { paths: { checkpoint: 'inference.speculative.draft', bits: 'inference.speculative.bits' } })));
  }
  const symbols = served.vocabulary.symbols;
  if (draft.vocabulary.symbols.length !== symbols.length || draft.vocabulary.symbols.some((s, i) => s !== symbols[i])) {
    throw new InputError([{ path: 'inference.speculative.draft', message: `expected a model with the served model's vocabulary (${symbols.length} symbols), found ${draft.vocabulary.symbols.length} symbols that differ (${draft.source})` }]);
  }
  if (draft.quantized.config.context < served.quantized.config.context) {
    throw new InputError([{ path: 'inference.speculative.draft', message: `expected a context of at least the served model's ${served.quantized.config.context} positions, found ${draft.quantized.config.context} (${draft.source})` }]);
  }
  return draft;
}

const loadedModels = new Map<string, LoadedModel>();

/**
 * The inference setup of a scenario that serves a model (undefined otherwise): the checkpoint
 * is read once per process and kept, so that sweeps do not read it for every run; read again
 * if the file has changed since (its size or modification time), as a fresh process would.
 */
export function inferenceFor(scenario: Scenario, swarm: ResolvedSwarm): ReturnType<typeof prepareInference> | undefined {
  if (!scenario.model || !scenario.inference) return undefined;
  const placement = scenario.model.placement;
  const measureLoad = placement.strategy === 'replicated' && placement.hot !== undefined;
  const mtp = scenario.inference.speculative?.draft === 'mtp';
  const source = scenario.model.checkpoint === undefined ? JSON.stringify(scenario.model.spec) : checkpointPath(scenario.model.checkpoint);
  const key = `${source}\n${scenario.model.checkpoint === undefined ? '' : fileStamp(source)}\n${scenario.model.bits}\n${measureLoad}\n${mtp}`;
  let loaded = loadedModels.get(key);
  if (!loaded) loadedModels.set(key, (loaded = loadModel(scenario.model, { measureLoad, mtp })));
  return prepareInference(scenario, swarm, loaded, loadDraft(scenario, loaded));
}

/** A file's size and modification time, or '' when it cannot be read (loading it then says why). */
function fileStamp(file: string): string {
  try {
    const stats = statSync(file);
    return `${stats.size}:${stats.mtimeMs}`;
  } catch {
    return '';
  }
}
