/**
 * The `model` and `inference` blocks of scenario files (issue 6): which TinySeek checkpoint
 * the swarm serves and at how many bits, how its units are placed, and the requests it
 * answers. Without them a scenario is radio traffic only.
 */
import * as z from 'zod';
import { durationSchema as duration } from './duration.ts';
import { trainConfigSchema } from '../model/train-config.ts';

export const modelSettingsSchema = z
  .strictObject({
  checkpoint: z
    .string()
    .min(1)
    .optional()
    .describe('A model directory (with model.tskp) or a .tskp file, relative to the working directory; a bare name such as "tinyseek-names" also finds the models shipped with loraswarm.'),
  spec: trainConfigSchema.shape.model
    .extend({ vocabulary: z.enum(['chars', 'bytes']).default('chars') })
    .optional()
    .describe('Or a model shape, untrained (weights drawn from its seed, calibrated on names): its costs are real, its text is noise. For sizing models not trained yet.'),
  bits: z.union([z.literal(8), z.literal(4), z.literal(2)], { error: 'expected 8, 4 or 2 weight bits' }).default(8),
  placement: z
    .strictObject({
      strategy: z.enum(['pack', 'radio-aware', 'replicated']).default('radio-aware'),
      replicas: z.int().min(1).max(16).default(2).describe('Copies of each replicated expert (strategy replicated).'),
      hot: z.int().min(1).optional().describe('Replicate only this many routed experts per layer, the hottest by measured load (default: all).'),
      flashShare: z.number().gt(0).max(1).default(1).describe("Share of each node's model flash budget the placement may fill; the rest stays free (firmware updates, other applications)."),
      concurrentRequests: z.int().min(1).max(64).default(1).describe('Requests served at once: each attention node holds a latent KV cache per request.'),
      linkMarginDb: z.number().min(0).max(40).default(3).describe('Margin above sensitivity a link needs to be used by routes.'),
    })
    .prefault({}),
  })
  .superRefine((model, ctx) => {
    if ((model.checkpoint === undefined) === (model.spec === undefined)) ctx.addIssue({ code: 'custom', message: 'expected either "checkpoint" (a trained model) or "spec" (a model shape), found ' + (model.checkpoint === undefined ? 'neither' : 'both') });
    if (model.spec && model.spec.topK > model.spec.experts) ctx.addIssue({ code: 'custom', path: ['spec', 'topK'], message: `expected at most spec.experts (${model.spec.experts}), found ${model.spec.topK}` });
  });

const requestsSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('poisson'),
    interval: duration('request interval', true).describe('Mean time between request arrivals.'),
    count: z.int().min(1).max(65_535),
  }),
  z.strictObject({
    kind: z.literal('list'),
    at: z.array(duration('request arrival', false)).min(1).max(65_535).describe('Arrival times of the requests.'),
  }),
]);

export const inferenceSettingsSchema = z.strictObject({
  requests: requestsSchema,
  prompt: z.string().max(64).default('').describe('Characters every request starts with (after the boundary token).'),
  maxTokens: z.int().min(1).max(4096).optional().describe('Tokens generated per request at most (default: until the boundary token or the context is full).'),
  temperature: z.number().min(0).max(10).default(0.8).describe('0: greedy.'),
  topP: z.number().gt(0).max(1).default(0.95),
  maxNodesPerToken: z.int().min(1).optional().describe("M: each token's routed experts span at most this many nodes (default: no limit)."),
  timeout: duration('expert call timeout', true).default(300_000).describe('How long a layer waits for an expert reply (and the entry for a token) before retrying.'),
  retries: z.int().min(0).max(10).default(1).describe('Retries per expert call (to the next live replica if any) before the expert is dropped and the gate renormalised.'),
  expertQueueLimit: z.int().min(1).optional().describe('Capacity: expert calls a node holds at once; more are refused and the expert dropped (default: unlimited).'),
  entry: z.string().min(1).optional().describe('Node id of the entry node (embedding and head); default: chosen by the placement.'),
  deadline: duration('frame deadline', false).default(600_000).describe('A model frame still unsent this long after it was queued is dutyCycleBlocked.'),
  deathDetection: duration('death detection delay', false).default(0).describe("How long after a node dies the swarm's routing layer learns of it and repairs its routes (0: at once); until then, calls to it time out and fail over."),
});

export type ModelSettings = z.output<typeof modelSettingsSchema>;
export type InferenceSettings = z.output<typeof inferenceSettingsSchema>;
