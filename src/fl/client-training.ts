/**
 * A federated client's training and upload (client-side.ts): once it has the whole model it
 * trains what the deadline leaves time for (the MCU computes for computeFactor × forward MACs ×
 * batch per step, cost model), then the real training runs (fl/local.ts), and its compressed
 * update goes back in chunks after a random jitter.
 */
import { computeCost } from '../hw/compute-cost.ts';
import { createCompressor, decodeUpdate } from './compression.ts';
import { redundancyCount } from './fec.ts';
import { fullSteps } from './federation.ts';
import type { FlClientsDeps } from './client-side.ts';
import type { ClientSide, RoundView } from './round-types.ts';
import { chunk, concat, flHeaderBytes, parityHeaderBytes } from './wire.ts';
import { runTrainingJob, type TrainingJob } from './training-job.ts';

/** The client has the model: it trains for what time is left before the deadline, or drops out when that is too little. */
export function train(deps: FlClientsDeps, node: number, side: ClientSide, view: RoundView): void {
  const { setup, specs, host, clientIndex, chunkBytes, deadlineMs, sessions, later } = deps;
  const { settings, task } = setup;
  const fec = settings.fec;
  side.timer++;
  sessions?.downloaded(node);
  const c = clientIndex.get(node)!;
  const indices = setup.partitions[c]!;
  const start = decodeUpdate(concat(side.chunks as Uint8Array[]), deps.global().length);
  const local = settings.local;
  const steps = fullSteps(indices.length, local);
  const batch = local.batchSize === 'full' ? indices.length : local.batchSize;
  const stepMs = computeCost(specs[node]!.mcu, { op: 'matmul', macs: settings.computeFactor * task.forwardMacsPerSample * batch }).latencyMs;
  // Time left for training: to the deadline, less the upload at least takes (its chunks paced
  // by the duty cycle, after the jitter) with one round of asking again.
  const updateBytes = estimatedUpdateBytes(deps, deps.global().length);
  const dataChunks = Math.ceil(updateBytes / chunkBytes);
  const uploadChunks = dataChunks + (fec ? redundancyCount(fec, dataChunks) : 0);
  const uploadMs = settings.uplinkJitter + uploadChunks * host.frameGapMs(node, Math.min(updateBytes, chunkBytes) + (fec ? parityHeaderBytes : flHeaderBytes)) + settings.idleTimeout;
  const leftMs = view.startMs + deadlineMs - uploadMs - host.scheduler.nowMs;
  const affordable = Math.floor(leftMs / stepMs);
  const straggler = affordable < steps;
  if (straggler) deps.count(view.round, node, 'stragglers', 1);
  if (straggler && (settings.stragglers === 'drop' || affordable < 1)) {
    side.done = true;
    deps.drop(node, view.round);
    return;
  }
  const budget = straggler ? affordable : steps;
  // A training thread may run it while the MCU's time passes (training-pool.ts).
  deps.training?.submit(jobKey(node, view.round), trainingJob(deps, node, view.round, start, budget), host.scheduler.nowMs + budget * stepMs);
  host.compute(node, budget * stepMs, later({ type: 'trained', node, side, view, start, budget }), view.round);
}

/** The client's training in this round, as data: the same whether it runs here or on a training thread. */
function trainingJob(deps: FlClientsDeps, node: number, round: number, start: Float64Array, budget: number): TrainingJob {
  const { setup, clientIndex } = deps;
  const { settings, task } = setup;
  const mu = settings.strategy.kind === 'fedprox' ? settings.strategy.mu : 0;
  const c = clientIndex.get(node)!;
  return {
    indices: setup.partitions[c]!,
    start,
    config: { ...settings.local, mu, maxSteps: budget },
    seed: setup.seed,
    stream: `fl/client/${node}/round/${round}`,
    keep: setup.trainable[c] ?? task.params.length,
  };
}

const jobKey = (node: number, round: number): string => `${node}/${round}`;

/** A client's MCU has run its training time: the training itself, its compressed update, and the upload after the jitter. */
export function trained(deps: FlClientsDeps, node: number, side: ClientSide, view: RoundView, start: Float64Array, budget: number): void {
  const { setup, compressors, chunkBytes, jitterOf, later, training } = deps;
  const { settings, task } = setup;
  if (view.closed) {
    training?.drop(jobKey(node, view.round));
    return;
  }
  const result = training?.take(jobKey(node, view.round)) ?? runTrainingJob(task, trainingJob(deps, node, view.round, start, budget));
  let compressor = compressors.get(node);
  if (!compressor) compressors.set(node, (compressor = createCompressor(settings.compression)));
  const { bytes } = compressor.compress(result.delta);
  if (Number.isFinite(result.loss)) deps.loss(view.round, node, result.loss);
  const update = chunk(bytes, chunkBytes).map((b) => b.slice());
  side.update = update;
  later({ type: 'upload', node, side, update, view }, deps.host.scheduler.nowMs + jitterOf(node));
}

/** The jitter is over: the update's chunks, then their parity, go to the coordinator (unless the round has closed). */
export function upload(deps: FlClientsDeps, node: number, side: ClientSide, update: Uint8Array[], view: RoundView): void {
  if (view.closed) return;
  const { coordinator } = deps.setup;
  update.forEach((b, i) => deps.post(node, coordinator, { kind: 'update', round: side.round, chunk: i, chunks: update.length, bytes: b }, side.round));
  deps.postParity(node, coordinator, side.round, update);
}

/** An update's size at most: dense values, or top-k with 3-byte gaps. */
function estimatedUpdateBytes(deps: FlClientsDeps, n: number): number {
  const { bits, topK } = deps.setup.settings.compression;
  const perValue = bits / 8;
  const scale = bits === 8 ? 4 : 0;
  return topK >= 1 ? 5 + scale + n * perValue : 5 + 3 + scale + Math.ceil(topK * n) * (3 + perValue);
}
