/**
 * Federated learning's result files: rounds.csv (one row per round), partition.csv (the
 * partition the run used: per client its samples by class), and the keys summary.json adds.
 * Fixed decimals, no wall-clock figure: byte-identical for the same scenario and seed.
 */
import { stringify } from 'csv-stringify/sync';
import { round } from '../metrics/stats.ts';
import type { FlTask } from './task.ts';
import { labelCounts } from './partition.ts';
import type { RoundStats } from './swarm.ts';

const ms = (value: number): number | string => (Number.isFinite(value) ? round(value, 3) : '');
const j = (uj: number): number => round(uj / 1e6, 9);
const causedUj = (r: RoundStats): number => r.energyUj.transmit + r.energyUj.receive + r.energyUj.compute + r.energyUj.idle;

export const roundColumns = [
  'round', 'startMs', 'endMs', 'durationMs', 'selected', 'participants', 'dropouts', 'stragglers', 'abandoned', 'resentChunks', 'recoveredChunks', 'bytesUp', 'bytesDown', 'frames', 'airtimeMs',
  'transmitJ', 'receiveJ', 'computeJ', 'processingJ', 'listenJ', 'energyJ', 'trainLoss', 'validationLoss', 'validationAccuracy',
] as const;

export function roundsCsv(rounds: readonly RoundStats[]): string {
  const rows = rounds.map((r) => [
    r.round, ms(r.startMs), ms(r.endMs), ms(r.endMs - r.startMs), r.selected, r.participants, r.dropouts, r.stragglers, r.abandoned, r.resentChunks, r.recoveredChunks, r.bytesUp, r.bytesDown, r.frames, ms(r.airtimeMs),
    j(r.energyUj.transmit), j(r.energyUj.receive), j(r.energyUj.compute), j(r.energyUj.idle), j(r.listenUj), j(causedUj(r) + r.listenUj),
    Number.isFinite(r.trainLoss) ? round(r.trainLoss, 6) : '', round(r.validationLoss, 6), round(r.validationAccuracy, 6),
  ]);
  return stringify([[...roundColumns], ...rows]);
}

export function partitionCsv(clients: readonly number[], partitions: readonly Int32Array[], task: FlTask, nodeIds: readonly string[], trainable: readonly number[]): string {
  const parameters = task.params.length;
  const counts = labelCounts(partitions, task.labels, task.classes);
  const header = ['client', 'node', 'samples', ...Array.from({ length: task.classes }, (_, c) => `class${c}`), 'trainedParameters'];
  return stringify([header, ...clients.map((node, c) => [c, nodeIds[node]!, partitions[c]!.length, ...counts[c]!, trainable[c] ?? parameters])]);
}

/** The partition itself: one row per training sample, its label and its client (ascending samples). */
export function partitionSamplesCsv(partitions: readonly Int32Array[], task: FlTask): string {
  const rows: number[][] = [];
  partitions.forEach((part, c) => {
    for (const i of part) rows.push([task.sampleId(i), task.labels[i]!, c]);
  });
  rows.sort((a, b) => a[0]! - b[0]!);
  return stringify([['sample', 'label', 'client'], ...rows]);
}

/** The keys summary.json adds for a run that trained a model (docs/reference/outputs.md). */
export function federatedSummary(rounds: readonly RoundStats[], targetAccuracy: number | undefined, task: string): Record<string, unknown> {
  const done = rounds.filter((r) => Number.isFinite(r.validationAccuracy));
  const last = done.at(-1);
  let toTarget: Record<string, number> | null = null;
  if (targetAccuracy !== undefined) {
    let energyUj = 0;
    let airtimeMs = 0;
    for (const r of done) {
      energyUj += causedUj(r) + r.listenUj;
      airtimeMs += r.airtimeMs;
      if (r.validationAccuracy >= targetAccuracy) {
        toTarget = { round: r.round, atMs: round(r.endMs, 3), joules: j(energyUj), airtimeMs: round(airtimeMs, 3) };
        break;
      }
    }
  }
  const sum = (f: (r: RoundStats) => number): number => done.reduce((s, r) => s + f(r), 0);
  return {
    rounds: done.length,
    accuracy: { final: last ? round(last.validationAccuracy, 6) : null, best: done.length > 0 ? round(done.reduce((best, r) => Math.max(best, r.validationAccuracy), Number.NEGATIVE_INFINITY), 6) : null, target: targetAccuracy ?? null, toTarget },
    federated: {
      bytesUp: sum((r) => r.bytesUp),
      bytesDown: sum((r) => r.bytesDown),
      frames: sum((r) => r.frames),
      airtimeMs: round(sum((r) => r.airtimeMs), 3),
      roundJoules: j(sum((r) => causedUj(r) + r.listenUj)),
      participants: sum((r) => r.participants),
      dropouts: sum((r) => r.dropouts),
      stragglers: sum((r) => r.stragglers),
      abandoned: sum((r) => r.abandoned),
      resentChunks: sum((r) => r.resentChunks),
      recoveredChunks: sum((r) => r.recoveredChunks),
      finalValidationLoss: last ? round(last.validationLoss, 6) : null,
      // For the names task, the validation loss in bits per character (accuracy is the next character's top-1).
      ...(task.startsWith('names') && { finalValidationBitsPerChar: last ? round(last.validationLoss / Math.LN2, 6) : null }),
    },
  };
}
