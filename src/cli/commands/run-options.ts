/** The flags of `loraswarm run`, as commander hands them over (run-program.ts). */
export interface RunCommandOptions {
  readonly seed?: number;
  readonly out?: string;
  readonly set: readonly string[];
  readonly transport: string;
  readonly quiet?: boolean;
  /** An external broker's URL (with --credentials from `loraswarm broker-setup`). */
  readonly broker?: string;
  readonly credentials?: string;
  /** Partitions of nodes that `loraswarm worker` processes run (repeatable). */
  readonly remote?: readonly string[];
  /** Or: how many workers, each taking an equal share after the coordinator's. */
  readonly workers?: string;
  /** The embedded broker's TCP listener, [host:]port. */
  readonly listen?: string;
  readonly runId?: string;
  /** Where to write the workers' credentials for the embedded broker. */
  readonly credentialsOut?: string;
  /** Seconds to wait for every worker to join. */
  readonly joinTimeout?: string;
  readonly reconnectTimeout?: string;
  /** Serve the live dashboard during the run (issue 8). */
  readonly dashboard?: boolean;
  /** Virtual seconds per wall second for the live dashboard. */
  readonly pace?: string;
  readonly dashboardPort?: string;
  /** gzip frames.csv and receptions.csv: auto (large runs), on or off. */
  readonly compress?: string;
  /** Format and write the streamed files on a thread of their own: auto, on or off. */
  readonly writeThread?: string;
  readonly reportThread?: string;
  /** Threads that train federated clients while the simulation goes on: auto or a count. */
  readonly trainingThreads?: string;
  /** Run even when the estimate passes the bounds (run-estimate.ts). */
  readonly ignoreLimits?: boolean;
  /** Seconds of wall time between checkpoints of the whole simulation (run-checkpoint.ts). */
  readonly checkpointEvery?: string;
  /** A stopped run's directory to go on from its last checkpoint. */
  readonly resume?: string;
}
