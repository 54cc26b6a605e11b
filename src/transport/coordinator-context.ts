/**
 * The coordinator's side of the workers as one explicit record (remote-partitions.ts): who runs
 * which partition, the barrier it waits at, how it publishes to them, and its counters.
 */
import type { Barrier } from './barrier.ts';
import type { CoordinatorControl } from './coordinator-control.ts';
import type { Worker, WorkerRoster } from './partition-assignment.ts';
import type { AssignMessage } from './worker-protocol.ts';

export interface CoordinatorContext {
  readonly roster: WorkerRoster;
  readonly barrier: Barrier;
  readonly control: CoordinatorControl;
  /** How many nodes the run has. */
  readonly nodes: number;
  /** How long a joined worker whose connection closed may stay away. */
  readonly reconnectWindowMs: number;
  /** What a worker is sent when it is given its partition. */
  assignment(worker: Worker): AssignMessage;
  readonly state: CoordinatorState;
}

export interface CoordinatorState {
  /** Control messages refused as malformed. */
  malformed: number;
  /** Whether every worker has sent its final report. */
  finished: boolean;
  /** The last op's number. */
  seq: number;
}
