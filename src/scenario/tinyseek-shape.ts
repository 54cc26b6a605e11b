/**
 * TinySeek's shape as scenario files give it: `model.spec` (an untrained model of that shape,
 * the keys of the training config's `model` section, model/train-config.ts) and the names
 * task of `federated`, which share the descriptions of their keys.
 */
import * as z from 'zod';
import { trainConfigSchema } from '../model/train-config.ts';
import { describeDefaulted, withDefault } from './described.ts';

/** What each key of a TinySeek shape means. */
export const tinySeekShapeText = {
  dim: 'Model width: the size of the token embedding and the residual stream, e.g. 32.',
  layers: 'Transformer blocks, each with attention and a mixture of experts.',
  heads: 'Attention heads per block.',
  headDim: 'Size of each attention head.',
  latentDim: 'Latent size of multi-head latent attention: the KV cache holds this many numbers per token and layer.',
  context: 'Context length in tokens, the boundary token included.',
  experts: 'Routed experts per block.',
  sharedExperts: 'Shared experts per block, which every token uses.',
  expertHidden: 'Hidden size of each expert.',
  topK: 'Routed experts each token uses, at most experts.',
} as const;

const shape = trainConfigSchema.shape.model.shape;
const described = Object.fromEntries(Object.entries(tinySeekShapeText).map(([key, text]) => [key, shape[key as keyof typeof tinySeekShapeText].describe(text)])) as {
  readonly [K in keyof typeof tinySeekShapeText]: (typeof shape)[K];
};

/** `model.spec`: a model shape, untrained (without an MTP module: the swarm does not draft with one yet). */
export const modelSpecSchema = trainConfigSchema.shape.model.omit({ mtp: true }).extend({
  ...described,
  positions: describeDefaulted(shape.positions, 'Position encoding: learned (a table added to the token embedding) or rotary (decoupled RoPE in attention, with ropeDim).'),
  ropeDim: shape.ropeDim.describe('Rotary dimensions per head, even, with positions: rotary.'),
  affinity: describeDefaulted(shape.affinity, "The gate's affinity: sigmoid (DeepSeek-V3, weights normalised over the chosen experts) or softmax."),
  capacityFactor: shape.capacityFactor.describe('Expert capacity in training, as a multiple of the mean load (tokens over it are dropped); an untrained spec does not train, so it changes nothing. Default: no capacity limit.'),
  biasUpdate: describeDefaulted(shape.biasUpdate, "Speed γ of the gate's load-balancing bias rule in training (0: off); an untrained spec does not train, so it changes nothing."),
  seed: describeDefaulted(shape.seed, 'Seed the untrained weights are drawn from.'),
  vocabulary: withDefault(z.enum(['chars', 'bytes']).describe('Tokens: chars (the characters of the first names) or bytes (the 256 byte values).'), 'chars'),
});
