/**
 * What a checkpoint's header may ask for before anything is allocated from it (issue 15,
 * finding 8): a checksum only proves the file was not damaged, not that its maker meant well.
 * Every config field is checked for its type and against bounds far above TinySeek's MCU scale
 * (d_model 16–256, 1–8 layers), and the parameters the config implies must be held by the file
 * itself, so that a model's memory is bounded by the file's size.
 */
import { modelCost } from '../cost.ts';
import type { TinySeekConfig } from '../config.ts';

/** The largest value each count may take in a checkpoint (inclusive). */
export const checkpointBounds = {
  vocab: 65_536,
  dim: 1024,
  layers: 64,
  heads: 64,
  headDim: 256,
  latentDim: 1024,
  context: 4096,
  ropeDim: 256,
  experts: 1024,
  sharedExperts: 64,
  expertHidden: 4096,
  topK: 1024,
} as const;

const isWhole = (value: unknown, min: number, max: number): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;

/**
 * Why `config` cannot be a checkpoint's model, or undefined: a field of the wrong type, out of
 * bounds or inconsistent, or more parameters than the `storedFloats` the file holds.
 */
export function checkpointConfigProblem(config: unknown, storedFloats: number): string | undefined {
  if (typeof config !== 'object' || config === null) return 'the header lacks its config';
  const c = config as Record<string, unknown>;
  for (const [key, max] of Object.entries(checkpointBounds)) {
    if (key === 'ropeDim' && c.ropeDim === undefined) continue;
    const min = key === 'sharedExperts' ? 0 : 1;
    if (!isWhole(c[key], min, max)) return `config.${key}: expected a whole number from ${min} to ${max}, found ${JSON.stringify(c[key])}`;
  }
  if (c.affinity !== 'sigmoid' && c.affinity !== 'softmax') return `config.affinity: expected "sigmoid" or "softmax", found ${JSON.stringify(c.affinity)}`;
  if (c.positions !== undefined && c.positions !== 'learned' && c.positions !== 'rotary') return `config.positions: expected "learned" or "rotary", found ${JSON.stringify(c.positions)}`;
  if (c.positions === 'rotary' && (c.ropeDim === undefined || (c.ropeDim as number) % 2 !== 0 || (c.ropeDim as number) > (c.headDim as number))) return `config.ropeDim: expected an even number up to headDim with rotary positions, found ${JSON.stringify(c.ropeDim)}`;
  if ((c.topK as number) > (c.experts as number)) return `config.topK: expected at most the ${String(c.experts)} experts, found ${String(c.topK)}`;
  if (typeof c.biasUpdate !== 'number' || !Number.isFinite(c.biasUpdate) || c.biasUpdate < 0) return `config.biasUpdate: expected a finite number ≥ 0, found ${JSON.stringify(c.biasUpdate)}`;
  if (c.mtp !== undefined) {
    const mtp = c.mtp as Record<string, unknown> | null;
    if (typeof mtp !== 'object' || mtp === null || !isWhole(mtp.hidden, 1, checkpointBounds.expertHidden) || Object.keys(mtp).length !== 1) return `config.mtp: expected { hidden: a whole number from 1 to ${checkpointBounds.expertHidden} }, found ${JSON.stringify(c.mtp).slice(0, 80)}`;
  }
  if (c.capacityFactor !== undefined && (typeof c.capacityFactor !== 'number' || !Number.isFinite(c.capacityFactor) || c.capacityFactor <= 0)) return `config.capacityFactor: expected a finite number > 0, found ${JSON.stringify(c.capacityFactor)}`;
  const parameters = modelCost(config as TinySeekConfig).parameters;
  if (!(parameters <= storedFloats)) return `the config describes a model of ${parameters} parameters, the file holds ${storedFloats} values`;
  return undefined;
}
