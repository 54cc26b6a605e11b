/**
 * The `federated` block of scenario files (issue 7): a model trained across the swarm, every
 * model and update on the radio. Clients are the nodes that may hold units (role node, or
 * `holdsUnits`); the coordinator is a sink near the centre unless named.
 */
import * as z from 'zod';
import { durationSchema as duration } from './duration.ts';

const partitionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('iid') }),
  z.strictObject({ kind: z.literal('dirichlet'), alpha: z.number().positive(), minSize: z.int().min(1).optional() }),
  z.strictObject({ kind: z.literal('shards'), perClient: z.int().min(1) }),
  z.strictObject({ kind: z.literal('power-law'), exponent: z.number().min(0) }),
]);

const serverRate = z.number().positive();
const strategySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fedavg') }),
  z.strictObject({ kind: z.literal('fedprox'), mu: z.number().min(0) }),
  z.strictObject({ kind: z.literal('fedavgm'), momentum: z.number().min(0).max(1), serverLearningRate: serverRate.default(1) }),
  z.strictObject({ kind: z.enum(['fedadagrad', 'fedadam', 'fedyogi']), serverLearningRate: serverRate, beta1: z.number().min(0).max(1).optional(), beta2: z.number().min(0).max(1).optional(), tau: z.number().positive().optional() }),
  z.strictObject({ kind: z.literal('fedbuff'), bufferSize: z.int().min(1), serverLearningRate: serverRate.default(1) }),
]);

export const federatedSettingsSchema = z.strictObject({
  task: z.discriminatedUnion('dataset', [
    z.strictObject({
      dataset: z.literal('mnist').describe('The 10,000 digits of the mnist package (a seeded 90/10 train/validation split).'),
      model: z.enum(['logistic', 'mlp']).default('logistic'),
      hidden: z.int().min(1).max(4096).default(32).describe('Hidden units of the MLP.'),
    }),
    z.strictObject({
      dataset: z.literal('names').describe('The first-name lists (a seeded 90/10 split), learnt by a TinySeek.'),
      by: z.enum(['letter', 'list']).default('letter').describe('The label partitioners split by: the first letter, or the list (female, male, both).'),
      model: z
        .strictObject({
          dim: z.int().min(1).default(16),
          layers: z.int().min(1).default(1),
          heads: z.int().min(1).default(2),
          headDim: z.int().min(1).default(8),
          latentDim: z.int().min(1).default(8),
          context: z.int().min(2).default(16),
          experts: z.int().min(1).default(4),
          sharedExperts: z.int().min(0).default(1),
          expertHidden: z.int().min(1).default(24),
          topK: z.int().min(1).default(2),
        })
        .prefault({})
        .describe('The TinySeek shape, small enough for its updates to travel.'),
    }),
  ]),
  partition: partitionSchema.prefault({ kind: 'iid' }),
  strategy: strategySchema.prefault({ kind: 'fedavg' }),
  rounds: z.int().min(1).max(65_535).describe('Rounds at most (the round number travels as 16 bits).'),
  fraction: z.number().gt(0).max(1).default(0.1).describe('Fraction C of the available clients selected per round.'),
  local: z
    .strictObject({
      epochs: z.int().min(1).max(1000).default(1),
      batchSize: z.union([z.int().min(1), z.literal('full')]).default(10),
      learningRate: z.number().positive().default(0.1),
      momentum: z.number().min(0).max(1).default(0),
    })
    .prefault({}),
  compression: z
    .strictObject({ bits: z.union([z.literal(32), z.literal(8)]).default(32), topK: z.number().gt(0).max(1).default(1), errorFeedback: z.boolean().default(false) })
    .prefault({})
    .describe('How updates travel: float32 or int8 values, top-k sparsification, error feedback.'),
  downlinkBits: z.union([z.literal(32), z.literal(8)]).default(32).describe('How the global model travels to the clients.'),
  coordinator: z.string().min(1).optional().describe('Node id of the coordinator; default: the sink nearest the centre.'),
  minStateOfCharge: z.number().min(0).max(1).default(0.2).describe('A client below this state of charge does not train.'),
  roundDeadline: duration('round deadline', true).default(7_200_000).describe('The round closes this long after its start; later updates are stragglers.'),
  roundGap: duration('round gap', false).default(0).describe('Pause between a round and the next.'),
  retransmissions: z.int().min(0).max(20).default(2).describe('Times missing chunks are asked for again before an update (or a model download) is abandoned.'),
  idleTimeout: duration('idle timeout', true).default(600_000).describe('Silence after which a receiver asks for the chunks it misses.'),
  fec: z
    .strictObject({ groupSize: z.int().min(2).max(64) })
    .optional()
    .describe('Erasure coding: one XOR parity chunk per group of groupSize chunks; a receiver rebuilds one chunk missing from a group without asking again.'),
  uplinkJitter: duration('uplink jitter', false).default(60_000).describe('A client waits a random delay up to this long before it sends (its update, or its request for missing chunks), from its own stream: clients that finish together do not all transmit together.'),
  stragglers: z.enum(['drop', 'keep']).default('keep').describe('keep: a client that cannot finish its epochs before the deadline sends its partial work; drop: it sends nothing.'),
  trainLastTensors: z.int().min(1).optional().describe('Declared partial models: clients train at most the last N parameter tensors (default: what their SRAM holds).'),
  computeFactor: z.number().positive().default(3).describe('Training MACs per sample as a multiple of the forward MACs.'),
  targetAccuracy: z.number().gt(0).max(1).optional().describe('Reports the joules and airtime spent until the validation accuracy first reaches it.'),
});

export type FederatedSettings = z.output<typeof federatedSettingsSchema>;
