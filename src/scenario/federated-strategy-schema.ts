/**
 * How a federated run splits the data over its clients (`partition`, fl/partition.ts) and how
 * its coordinator moves the global model (`strategy`, fl/strategies.ts).
 */
import * as z from 'zod';
import { withDefault, withDerivedDefault } from './described.ts';

export const partitionSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('iid').describe('iid: a seeded shuffle dealt out in near-equal parts.'),
      perClient: withDerivedDefault(
        z.int().min(1).describe('Samples each client holds (the data it gathers itself), dealt from the shuffle; the rest of the training set is unused, so more clients bring more data. At most the training samples / clients.'),
        'the training set dealt out',
      ),
    }),
    z.strictObject({
      kind: z.literal('dirichlet').describe('dirichlet: label skew, each class split over the clients by proportions drawn from Dirichlet(alpha) (Hsu et al. 2019).'),
      alpha: z.number().positive().describe('Concentration α > 0: small values give each client few classes, large ones approach iid, e.g. 0.5.'),
      minSize: withDerivedDefault(z.int().min(1).describe('Fewest samples per client: proportions are redrawn (up to 1,000 times) until every client has them.'), '10 (at most the training samples / clients)'),
    }),
    z.strictObject({
      kind: z.literal('shards').describe('shards: samples sorted by label, cut into clients × perClient shards, perClient drawn for each client (McMahan et al. 2017).'),
      perClient: z.int().min(1).describe('Shards per client, e.g. 2.'),
    }),
    z.strictObject({
      kind: z.literal('power-law').describe('power-law: quantity skew, client sizes proportional to (i + 1)^(−exponent) in a shuffled order, at least one sample each.'),
      exponent: z.number().min(0).describe('Exponent ≥ 0 (0: equal sizes), e.g. 1.'),
    }),
  ])
  .prefault({ kind: 'iid' })
  .describe('How the training set is split over the clients. Default: iid.');

const serverRate = z.number().positive().describe('Server learning rate η.');

export const strategySchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('fedavg').describe('fedavg: the updates averaged, weighted by the samples each client trained on (McMahan et al. 2017).') }),
    z.strictObject({
      kind: z.literal('fedprox').describe("fedprox: FedAvg on the coordinator; clients add the proximal term μ/2·‖w − w_global‖² to their loss (Li et al. 2020)."),
      mu: z.number().min(0).describe('Proximal coefficient μ ≥ 0 (0: FedAvg), e.g. 0.01.'),
    }),
    z.strictObject({
      kind: z.literal('fedavgm').describe('fedavgm: server momentum, v ← momentum·v + Δ, w ← w + η·v (Hsu et al. 2019).'),
      momentum: z.number().min(0).max(1).describe('Server momentum, 0 to 1, e.g. 0.9.'),
      serverLearningRate: withDefault(serverRate, 1),
    }),
    z.strictObject({
      kind: z.enum(['fedadagrad', 'fedadam', 'fedyogi']).describe('fedadagrad, fedadam, fedyogi: adaptive server optimisers, w ← w + η·m / (√v + τ) (Reddi et al. 2021).'),
      serverLearningRate: serverRate.describe('Server learning rate η, e.g. 0.01.'),
      beta1: withDerivedDefault(z.number().min(0).max(1).describe('Decay β1 of the first moment m.'), '0.9'),
      beta2: withDerivedDefault(z.number().min(0).max(1).describe('Decay β2 of the second moment v (fedadam and fedyogi; fedadagrad sums).'), '0.99'),
      tau: withDerivedDefault(z.number().positive().describe('Adaptivity τ, which also starts v at τ².'), '0.001'),
    }),
    z.strictObject({
      kind: z.literal('fedbuff').describe('fedbuff: asynchronous; the coordinator applies every bufferSize updates as they arrive, a stale one discounted by 1/√(1 + staleness) (Nguyen et al. 2022).'),
      bufferSize: z.int().min(1).describe('Updates per server step, e.g. 4.'),
      serverLearningRate: withDefault(serverRate, 1),
    }),
  ])
  .prefault({ kind: 'fedavg' })
  .describe('How the coordinator moves the global model with the updates that arrive. Default: fedavg.');
