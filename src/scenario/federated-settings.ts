/**
 * The `federated` block of scenario files (issue 7): a model trained across the swarm, every
 * model and update on the radio. Clients are the nodes that may hold units (role node, or
 * `holdsUnits`); the coordinator, unless named, is the sink (else the mains-powered node) with
 * the least total path loss to the others (fl/setup.ts).
 */
import * as z from 'zod';
import { durationSchema as duration } from './duration.ts';
import { withDefault, withDerivedDefault } from './described.ts';
import { partitionSchema, strategySchema } from './federated-strategy-schema.ts';
import { tinySeekShapeText as shape } from './tinyseek-shape.ts';

const namesModelSchema = z
  .strictObject({
    dim: withDefault(z.int().min(1).describe(shape.dim), 16),
    layers: withDefault(z.int().min(1).describe(shape.layers), 1),
    heads: withDefault(z.int().min(1).describe(shape.heads), 2),
    headDim: withDefault(z.int().min(1).describe(shape.headDim), 8),
    latentDim: withDefault(z.int().min(1).describe(shape.latentDim), 8),
    context: withDefault(z.int().min(2).describe(shape.context), 16),
    experts: withDefault(z.int().min(1).describe(shape.experts), 4),
    sharedExperts: withDefault(z.int().min(0).describe(shape.sharedExperts), 1),
    expertHidden: withDefault(z.int().min(1).describe(shape.expertHidden), 24),
    topK: withDefault(z.int().min(1).describe(shape.topK), 2),
  })
  .prefault({})
  .describe('The TinySeek shape, small enough for its updates to travel.');

const taskSchema = z
  .discriminatedUnion('dataset', [
    z.strictObject({
      dataset: z.literal('mnist').describe('The 10,000 digits of the mnist package (a seeded 90/10 train/validation split).'),
      model: withDefault(z.enum(['logistic', 'mlp']).describe('logistic: multinomial logistic regression on the pixels; mlp: one hidden layer of hidden units.'), 'logistic'),
      hidden: withDefault(z.int().min(1).max(4096).describe('Hidden units of the MLP.'), 32),
    }),
    z.strictObject({
      dataset: z.literal('names').describe('The first-name lists (a seeded 90/10 split), learnt by a TinySeek.'),
      by: withDefault(z.enum(['letter', 'list']).describe('The label partitioners split by: the first letter, or the list (female, male, both).'), 'letter'),
      model: namesModelSchema,
    }),
  ])
  .describe('What is trained, and on which data.');

const localSchema = z
  .strictObject({
    epochs: withDefault(z.int().min(1).max(1000).describe("Passes over the client's own samples per round."), 1),
    batchSize: withDefault(z.union([z.int().min(1), z.literal('full')]).describe('Samples per SGD step, or "full": the whole local set.'), 10),
    learningRate: withDefault(z.number().positive().describe('SGD learning rate.'), 0.1),
    momentum: withDefault(z.number().min(0).max(1).describe('SGD momentum, 0 to 1 (above 0, a velocity per trained value takes SRAM too).'), 0),
  })
  .prefault({})
  .describe("Each selected client's training: epochs of minibatch SGD on its own samples, from the global model.");

const compressionSchema = z
  .strictObject({
    bits: withDefault(z.union([z.literal(32), z.literal(8)]).describe('Bits per value sent: 32 (float32) or 8 (int8 with one float32 scale).'), 32),
    topK: withDefault(z.number().gt(0).max(1).describe('Share of the entries sent, the largest in magnitude (top-k sparsification; 1: all).'), 1),
    errorFeedback: withDefault(z.boolean().describe('Whether a client keeps what it did not send and adds it to its next update.'), false),
  })
  .prefault({})
  .describe('How updates travel: float32 or int8 values, top-k sparsification, error feedback.');

/** Rounds on a schedule with sleeping clients (issue 20, point 1): fl/sessions.ts. */
const scheduleSchema = z
  .strictObject({
    period: duration('round period', true).describe('A round starts every period, the first at 0; its deadline is at most the period. The run ends with the last round: its duration is at most rounds × period.'),
    announceWindow: withDefault(
      duration('announce window', true).describe("How long after a round's start a client listens for the announce before it sleeps again (a selected client listens on until it has the model)."),
      10_000,
      '10 s',
    ),
    clockPpm: withDefault(z.number().min(0).max(1000).describe("The clients' crystals: each clock runs fast or slow by a seeded amount up to this many parts per million, corrected at every announce it hears."), 20),
    uplinkSlots: withDefault(
      z.boolean().describe("Each client called sends its update's frames in slots of its own: the k-th slot of the j-th of n clients named in the announce starts j/n of a frame period after k frame periods from the round's start (a frame period: the longest frame's time on air over its sub-band's duty cycle, plus 1 %), so that uplinks do not overlap; false: after the seeded jitter."),
      true,
    ),
    guard: withDerivedDefault(
      duration('guard time', false).describe('A client wakes this long before it expects a round to start, so that its drift does not make it late.'),
      'twice the largest drift over the longest time a clock can go uncorrected (clockPpm × 10⁻⁶ × 2 × rounds × period), and at least 50 ms',
    ),
  })
  .describe("Rounds at fixed times: the clients' radios sleep between rounds (wake: sessions) and wake for the announce, the model download and the coordinator's requests after their upload.");

export const federatedSettingsSchema = z
  .strictObject({
    task: taskSchema,
    partition: partitionSchema,
    strategy: strategySchema,
    rounds: z.int().min(1).max(65_535).describe('Rounds at most (the round number travels as 16 bits).'),
    fraction: withDefault(z.number().gt(0).max(1).describe('Fraction C of the available clients (alive, charged, able to train) selected per round; at least one.'), 0.1),
    local: localSchema,
    compression: compressionSchema,
    downlinkBits: withDefault(z.union([z.literal(32), z.literal(8)]).describe('How the global model travels to the clients: 32 (float32) or 8 (int8) bits per value.'), 32),
    coordinator: withDerivedDefault(z.string().min(1).describe('Node id of the coordinator.'), 'the sink (with none, the mains-powered node) with the least total mean path loss to the other nodes'),
    minStateOfCharge: withDefault(z.number().min(0).max(1).describe('A client below this state of charge does not train.'), 0.2),
    roundDeadline: withDefault(duration('round deadline', true).describe('The round closes this long after its start; later updates are stragglers.'), 7_200_000, '2 h'),
    roundGap: withDefault(duration('round gap', false).describe('Pause between a round and the next.'), 0),
    retransmissions: withDefault(z.int().min(0).max(20).describe('Times missing chunks are asked for again before an update (or a model download) is abandoned.'), 2),
    idleTimeout: withDefault(duration('idle timeout', true).describe('Silence after which a receiver asks for the chunks it misses.'), 600_000, '10 min'),
    fec: withDerivedDefault(
      z
        .union([
          z
            .strictObject({ code: z.literal('xor').optional().describe('xor (the default): one XOR parity chunk per group.'), groupSize: z.int().min(2).max(64).describe('Chunks per parity chunk, 2 to 64.') })
            .describe('One XOR parity chunk per group of groupSize chunks; a receiver rebuilds one chunk missing from a group without asking again.'),
          z
            .strictObject({
              code: z.literal('ts004').describe("ts004: LoRaWAN's fragmented data block transport code (TS004-1.0.0), used for firmware updates over the air."),
              redundancy: z.number().gt(0).max(2).describe('Redundancy fragments per data chunk, e.g. 0.25: ⌈0.25 × chunks⌉ of them follow the data.'),
            })
            .describe('Redundancy fragments each the XOR of a pseudo-random half of the chunks (the spec\'s parity matrix); a receiver rebuilds as many missing chunks as the redundancy it heard determines, whichever they are.'),
        ])
        .describe('Erasure coding of model downloads and updates.'),
      'none',
    ),
    uplinkJitter: withDefault(
      duration('uplink jitter', false).describe('A client waits a random delay up to this long before it sends (its update, or its request for missing chunks), from its own stream: clients that finish together do not all transmit together.'),
      60_000,
      '1 min',
    ),
    stragglers: withDefault(z.enum(['drop', 'keep']).describe('keep: a client that cannot finish its epochs before the deadline sends its partial work; drop: it sends nothing.'), 'keep'),
    trainLastTensors: withDerivedDefault(z.int().min(1).describe('Declared partial models: clients train at most the last N parameter tensors.'), 'what their SRAM holds'),
    computeFactor: withDefault(z.number().positive().describe('Training MACs per sample as a multiple of the forward MACs.'), 3),
    targetAccuracy: z.number().gt(0).max(1).optional().describe('Reports the joules and airtime spent until the validation accuracy first reaches it.'),
    schedule: withDerivedDefault(scheduleSchema, 'none: each round starts when the last closes, and the clients listen as their wake says'),
  })
  .describe('A model trained by federated learning across the swarm, every model download and update carried in frames. Not with inference. With --remote or --workers the coordinator stays in the run\'s process; workers run clients.');

export type FederatedSettings = z.output<typeof federatedSettingsSchema>;
