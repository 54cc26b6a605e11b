/**
 * The `model` and `inference` blocks of scenario files (issue 6): which TinySeek checkpoint
 * the swarm serves and at how many bits, how its units are placed, and the requests it
 * answers. Without them a scenario is radio traffic only.
 */
import * as z from 'zod';
import { durationSchema as duration } from './duration.ts';
import { withDefault, withDerivedDefault } from './described.ts';
import { modelSpecSchema } from './tinyseek-shape.ts';

const placementSchema = z.strictObject({
  strategy: withDefault(
    z
      .enum(['pack', 'radio-aware', 'replicated'])
      .describe('pack: the fewest nodes (first fit by weight bytes); radio-aware: the least expected airtime between each attention block and its experts; replicated: radio-aware, then more copies of the experts, each on a distinct node.'),
    'radio-aware',
  ),
  replicas: withDefault(z.int().min(1).max(16).describe('Copies of each replicated expert (strategy replicated).'), 2),
  hot: withDerivedDefault(z.int().min(1).describe('Replicate only this many routed experts per layer, the hottest by measured load (strategy replicated).'), 'all'),
  flashShare: withDefault(z.number().gt(0).max(1).describe("Share of each node's model flash budget the placement may fill; the rest stays free (firmware updates, other applications)."), 1),
  weights: withDefault(
    z
      .enum(['flash', 'sram', 'external', 'auto'])
      .describe(
        "Where each node keeps its units' weights and reads them from. flash: stored in flash and read in place (on boards whose flash is external, QSPI/OSPI, they stream through that bus for every token), as X-CUBE-AI and ST Edge AI deploy models; sram: copied to SRAM at boot (SRAM must hold them beside KV caches and buffers); external: copied to the board's PSRAM, or stored in its external flash beside the internal one; auto: stored in flash, then the most called units copied to SRAM (and a PSRAM faster than the flash) while there is room, the rest read in place.",
      ),
    'flash',
  ),
  pipelines: withDefault(
    z
      .union([z.int().min(1).max(16), z.literal('auto')], { error: 'expected a whole number of pipelines 1..16, or "auto"' })
      .describe(
        'Copies of the model but the embedding and head, each on nodes of its own (radio-aware or replicated): a request runs on the pipeline of its KV slot (slot modulo the pipelines, or the next whose attention nodes are alive), so that pipelines serve concurrent requests in parallel on different transmitters and stand in for each other. auto: as many as the eligible nodes hold, at most concurrentRequests.',
      ),
    1,
  ),
  concurrentRequests: withDefault(z.int().min(1).max(64).describe('Requests served at once: each attention node holds a latent KV cache per request.'), 1),
  linkMarginDb: withDefault(z.number().min(0).max(40).describe('Margin in dB above sensitivity a link needs to be used by routes.'), 3),
});

export const modelSettingsSchema = z
  .strictObject({
    checkpoint: z
      .string()
      .min(1)
      .optional()
      .describe('A model directory (with model.tskp) or a .tskp file, relative to the working directory; a bare name such as "tinyseek-names" also finds the models shipped with loraswarm. Give checkpoint or spec.'),
    spec: modelSpecSchema
      .optional()
      .describe('Or a model shape, untrained (weights drawn from its seed, calibrated on names): its costs are real, its text is noise. For sizing models not trained yet.'),
    bits: withDefault(
      z.union([z.literal(8), z.literal(4), z.literal(2)], { error: 'expected 8, 4 or 2 weight bits' }).describe('Bits per weight of the quantized model: 8, 4 or 2 (activations stay int8).'),
      8,
    ),
    placement: placementSchema.prefault({}).describe("How the model's units (embedding and head, attention blocks, experts) go on the nodes that may hold them."),
  })
  .superRefine((model, ctx) => {
    if ((model.checkpoint === undefined) === (model.spec === undefined)) ctx.addIssue({ code: 'custom', message: 'expected either "checkpoint" (a trained model) or "spec" (a model shape), found ' + (model.checkpoint === undefined ? 'neither' : 'both') });
    if (model.placement.strategy === 'pack' && model.placement.pipelines !== 1) ctx.addIssue({ code: 'custom', path: ['placement', 'pipelines'], message: `expected 1 with strategy pack (pipelines are placed radio-aware), found ${JSON.stringify(model.placement.pipelines)}` });
    if (model.spec && model.spec.topK > model.spec.experts) ctx.addIssue({ code: 'custom', path: ['spec', 'topK'], message: `expected at most spec.experts (${model.spec.experts}), found ${model.spec.topK}` });
  })
  .describe('The TinySeek model the swarm serves (with inference): a trained checkpoint or an untrained shape, its weight bits, and how its units are placed.');

const requestsSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('poisson').describe('poisson: arrivals with exponential gaps, from the seed.'),
      interval: duration('request interval', true).describe('Mean time between request arrivals, e.g. "5min".'),
      count: z.int().min(1).max(65_535).describe('Requests at most; those that would arrive after duration are left out.'),
    }),
    z.strictObject({
      kind: z.literal('list').describe('list: requests at the times given.'),
      at: z
        .array(duration('request arrival', false))
        .min(1)
        .max(65_535)
        .describe('Arrival times of the requests from the start of the run, e.g. ["1min", "90s"]; those at or after duration are left out.'),
    }),
  ])
  .describe('When requests arrive at the entry node.');

export const inferenceSettingsSchema = z
  .strictObject({
    requests: requestsSchema,
    prompt: withDefault(z.string().max(64).describe('Characters every request starts with (after the boundary token), shorter than the context.'), '', '"" (none)'),
    maxTokens: withDerivedDefault(z.int().min(1).max(4096).describe('Tokens generated per request at most.'), 'until the boundary token or the context is full'),
    temperature: withDefault(z.number().min(0).max(10).describe('Sampling temperature, 0 to 10 (0: greedy, always the likeliest token).'), 0.8),
    topP: withDefault(z.number().gt(0).max(1).describe('Nucleus sampling: the next token is drawn among the likeliest tokens whose probabilities add up to topP.'), 0.95),
    maxNodesPerToken: withDerivedDefault(z.int().min(1).describe("M: each token's routed experts span at most this many nodes."), 'no limit'),
    skipExperts: withDerivedDefault(
      z
        .strictObject({
          maxCallMs: z.number().min(0).describe("A routed expert whose serving node is further than this expected airtime (ms, one way, over the routes) may be skipped."),
          maxWeight: withDefault(z.number().gt(0).max(1).describe('…when its normalised gate weight is below this; the other experts\' weights are renormalised.'), 0.5),
        })
        .describe('Link-aware expert choice: the gate skips a far routed expert of small weight instead of calling it (shared experts are always called).'),
      'every chosen expert is called',
    ),
    speculative: withDerivedDefault(
      z
        .strictObject({
          draft: z
            .string()
            .min(1)
            .describe('The draft model the entry holds: a model directory or .tskp file (relative to the working directory), or a shipped model name such as "tinyseek-names-draft" (its vocabulary must be the served model\'s); or "mtp": the served model\'s own multi-token prediction module (a checkpoint with one, such as tinyseek-names-mtp), held at the entry and fed the last layer\'s residuals.'),
          tokens: withDerivedDefault(z.int().min(1).max(8).describe('Draft tokens per pass at most (fewer where the context, the prompt or maxTokens leaves less room); with draft "mtp" 1, the module\'s depth.'), '3; 1 with draft "mtp"'),
          bits: withDefault(z.union([z.literal(8), z.literal(4), z.literal(2)], { error: 'expected 8, 4 or 2 weight bits' }).describe('Bits per weight of the draft model.'), 8),
        })
        .describe(
          "Speculative decoding: the entry guesses the next tokens with a small draft model, one pass carries them all through the swarm, and the entry keeps the longest prefix the served model confirms and one token of the model's own (lossless: at temperature 0 the plain decoder's tokens, above it the same distribution). The draft's weights and caches count on the entry node.",
        ),
      'plain decoding: one position per pass',
    ),
    timeout: withDefault(duration('expert call timeout', true).describe('How long a layer waits for an expert reply (and the entry for a token) before retrying.'), 300_000, '5 min'),
    retries: withDefault(z.int().min(0).max(10).describe('Retries per expert call (to the next live replica if any) before the expert is dropped and the gate renormalised.'), 1),
    expertQueueLimit: withDerivedDefault(z.int().min(1).describe('Capacity: expert calls a node holds at once; more are refused and the expert dropped.'), 'unlimited'),
    entry: withDerivedDefault(z.string().min(1).describe('Node id of the entry node (embedding and head), a node that may hold units.'), 'chosen by the placement'),
    deadline: withDefault(duration('frame deadline', false).describe('A model frame still unsent this long after it was queued is dutyCycleBlocked.'), 600_000, '10 min'),
    deathDetection: withDefault(
      duration('death detection delay', false).describe("How long after a node dies the swarm's routing layer learns of it and repairs its routes (0: at the end of the simulation window of the death, ≤ 1 ms later); until then, calls to it time out and fail over."),
      0,
    ),
  })
  .describe('Requests the swarm answers with the model: arrivals, sampling, time-outs and retries. Needs model; not with federated. With --remote or --workers the entry node stays in the run\'s process; workers serve the other units.');

export type ModelSettings = z.output<typeof modelSettingsSchema>;
export type InferenceSettings = z.output<typeof inferenceSettingsSchema>;
