/**
 * A simulation's checkpoint: every part's state in one serialisation (checkpoint-state.ts),
 * and its restoration on a simulation built from the same scenario.
 */
import { deserialize, serialize } from 'node:v8';
import type { SchedulerState } from '../sim/scheduler.ts';
import { CheckpointUnsupportedError } from '../sim/checkpoint-state.ts';
import type { SeriesState } from '../metrics/series.ts';
import type { ExchangeState } from '../transport/exchange.ts';
import type { EtherState } from '../radio/ether.ts';
import type { RadioTrackerState } from '../metrics/radio-tracker.ts';
import type { SamplePartial } from '../transport/partition-report.ts';
import type { FlEngineState } from '../fl/swarm.ts';
import type { InferenceEngineState } from '../inference/engine.ts';
import type { SwarmNodesState } from './swarm-nodes.ts';
import { rethrow, type SimulationParts } from './simulation-parts.ts';

/** Bumped whenever what a checkpoint holds changes: an older checkpoint is refused, not misread. */
const checkpointVersion = 4;

interface SimulationState {
  readonly version: number;
  readonly scheduler: SchedulerState;
  readonly ether: EtherState;
  readonly nodes: SwarmNodesState;
  readonly tracker: RadioTrackerState;
  readonly series: SeriesState;
  readonly exchange: ExchangeState;
  readonly numbers: readonly number[];
  readonly samplePartials: SamplePartial[];
  readonly federation: FlEngineState | undefined;
  readonly inference: InferenceEngineState | undefined;
}

export function checkpointSimulation(parts: SimulationParts): Buffer {
  const { transport, state: run } = parts;
  if (parts.remote || !transport.checkpoint) throw new CheckpointUnsupportedError('a run with workers cannot be checkpointed yet');
  rethrow(run);
  const state: SimulationState = {
    version: checkpointVersion,
    scheduler: parts.scheduler.checkpoint(),
    ether: parts.ether.checkpoint(),
    nodes: parts.swarmNodes.checkpoint(),
    tracker: parts.tracker.checkpoint(),
    series: parts.series.checkpoint(),
    exchange: transport.checkpoint(),
    numbers: [run.sampleEvents, run.reportedSeriesRows],
    samplePartials: run.samplePartials,
    federation: parts.federation?.checkpoint(),
    inference: parts.engine?.checkpoint(),
  };
  // One serialisation for every part: objects they share stay shared.
  return serialize(state);
}

export function restoreSimulation(parts: SimulationParts, bytes: Uint8Array): void {
  const { transport, federation, engine, state: run } = parts;
  if (!transport.restore) throw new CheckpointUnsupportedError('this transport cannot take a checkpoint back');
  const state = deserialize(bytes) as SimulationState;
  if (state?.version !== checkpointVersion) throw new RangeError(`checkpoint: expected version ${checkpointVersion}, found ${String(state?.version)}`);
  parts.scheduler.restore(state.scheduler);
  parts.ether.restore(state.ether);
  parts.swarmNodes.restore(state.nodes);
  parts.tracker.restore(state.tracker);
  parts.series.restore(state.series);
  transport.restore(state.exchange);
  [run.sampleEvents, run.reportedSeriesRows] = state.numbers as [number, number];
  run.samplePartials.length = 0;
  for (const partial of state.samplePartials) run.samplePartials.push(partial);
  if ((state.federation === undefined) !== (federation === undefined)) throw new RangeError('checkpoint: federated learning in one and not the other: not the same scenario');
  if (state.federation) federation!.restore(state.federation);
  if ((state.inference === undefined) !== (engine === undefined)) throw new RangeError('checkpoint: swarm inference in one and not the other: not the same scenario');
  if (state.inference) engine!.restore(state.inference);
}
