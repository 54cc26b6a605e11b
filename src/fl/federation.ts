/**
 * Federated training without the radio: rounds of client selection, local training,
 * compression, aggregation and evaluation, all seeded. This is the learning half of issue 7,
 * shared with the simulated swarm (which adds airtime, duty cycle, fates and joules around
 * each exchange); it is also what the exact invariants and the orderings are tested on.
 *
 * Per round: m = max(1, round(C · K)) clients are drawn without replacement; with stragglers
 * (FedProx's setup, Li et al. 2020 §5.2) each selected client is a straggler with the given
 * probability and manages only a uniform 1..(steps − 1) of its local steps; `drop` leaves
 * stragglers out (FedAvg as usually run), `keep` aggregates their partial work (FedProx).
 * FedBuff: the selected clients all start from the round's global model; the server applies
 * every `bufferSize` updates as they come in, so later ones in the round are stale (staleness =
 * global versions applied since the round started).
 */
import type { LabeledDataset } from '../data/mnist.ts';
import { accuracy, type Classifier } from '../model/classifier.ts';
import { createRandomStreams, type RandomStream } from '../sim/rng.ts';
import { createCompressor, noCompression, type CompressionSpec, type Compressor } from './compression.ts';
import { trainLocal, type LocalTraining } from './local.ts';
import { createStrategy, type ClientUpdate, type StrategySpec } from './strategies.ts';
import { assign, flatten } from './vector.ts';

export interface StragglerSpec {
  readonly fraction: number;
  readonly policy: 'drop' | 'keep';
}

export interface FederationConfig {
  readonly partitions: readonly Int32Array[];
  readonly strategy: StrategySpec;
  readonly local: LocalTraining;
  /** Fraction C of the clients selected per round. */
  readonly fraction: number;
  readonly rounds: number;
  readonly compression?: CompressionSpec;
  readonly stragglers?: StragglerSpec;
  readonly seed: number;
}

export interface RoundRecord {
  readonly round: number;
  readonly selected: number;
  readonly participants: number;
  readonly stragglers: number;
  readonly trainLoss: number;
  readonly validationLoss: number;
  readonly validationAccuracy: number;
  /** Bytes of the updates the participants sent. */
  readonly bytesUp: number;
}

/** m of K clients, drawn without replacement, in ascending order. */
export function selectClients(clients: number, fraction: number, rng: RandomStream): number[] {
  const m = Math.max(1, Math.min(clients, Math.round(fraction * clients)));
  const pool = Array.from({ length: clients }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rng.next() * (clients - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, m).sort((a, b) => a - b);
}

/** Local steps of a full local run on n samples. */
export function fullSteps(n: number, local: LocalTraining): number {
  return local.epochs * (local.batchSize === 'full' ? 1 : Math.ceil(n / local.batchSize));
}

export function runFederation(model: Classifier, data: LabeledDataset, config: FederationConfig, onRound?: (record: RoundRecord) => void): { records: RoundRecord[]; global: Float64Array } {
  const streams = createRandomStreams(config.seed);
  const selection = streams.stream('fl/selection');
  const straggling = streams.stream('fl/stragglers');
  const strategy = createStrategy(config.strategy);
  const mu = config.strategy.kind === 'fedprox' ? config.strategy.mu : (config.local.mu ?? 0);
  const compressors = new Map<number, Compressor>();
  const compressorOf = (client: number): Compressor => {
    let c = compressors.get(client);
    if (!c) compressors.set(client, (c = createCompressor(config.compression ?? noCompression)));
    return c;
  };
  let global = flatten(model.params);
  let version = 0;
  const records: RoundRecord[] = [];
  // FedBuff's buffer carries over from round to round.
  const buffer: ClientUpdate[] = [];
  for (let round = 1; round <= config.rounds; round++) {
    const selected = selectClients(config.partitions.length, config.fraction, selection);
    const updates: ClientUpdate[] = [];
    // Every client of a round starts from the global model of the round's start.
    const start = version;
    const roundStart = global;
    let stragglers = 0;
    let lossSum = 0;
    let lossCount = 0;
    let bytesUp = 0;
    for (const client of selected) {
      const indices = config.partitions[client]!;
      const steps = fullSteps(indices.length, config.local);
      const straggler = config.stragglers !== undefined && straggling.next() < config.stragglers.fraction && steps > 1;
      const budget = straggler ? 1 + Math.floor(straggling.next() * (steps - 1)) : undefined;
      if (straggler) stragglers++;
      if (straggler && config.stragglers!.policy === 'drop') continue;
      const result = trainLocal(model, data, indices, roundStart, { ...config.local, mu, ...(budget !== undefined && { maxSteps: budget }) }, streams.stream(`fl/client/${client}/round/${round}`));
      const { bytes, sent } = compressorOf(client).compress(result.delta);
      bytesUp += bytes.length;
      if (Number.isFinite(result.loss)) {
        lossSum += result.loss;
        lossCount++;
      }
      const update: ClientUpdate = { delta: sent, weight: result.samples, mask: result.mask, staleness: version - start };
      if (config.strategy.kind === 'fedbuff') {
        buffer.push(update);
        if (buffer.length >= config.strategy.bufferSize) {
          global = strategy.apply(global, buffer.splice(0));
          version++;
        }
      } else updates.push(update);
    }
    if (config.strategy.kind !== 'fedbuff' && updates.length > 0) {
      global = strategy.apply(global, updates);
      version++;
    }
    assign(model.params, global);
    const evaluation = accuracy(model, data, data.validation);
    const record: RoundRecord = {
      round,
      selected: selected.length,
      participants: selected.length - (config.stragglers?.policy === 'drop' ? stragglers : 0),
      stragglers,
      trainLoss: lossCount > 0 ? lossSum / lossCount : Number.NaN,
      validationLoss: evaluation.loss,
      validationAccuracy: evaluation.accuracy,
      bytesUp,
    };
    records.push(record);
    onRound?.(record);
  }
  return { records, global };
}
