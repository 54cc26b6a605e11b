/**
 * What the inference engine is given: the model and its placement (the context, fixed before
 * the run) and the simulation it runs in (the host).
 */
import type { UnitCost } from '../model/cost.ts';
import type { QuantizedTinySeek } from '../model/quant/quantized-model.ts';
import type { QuantMtp } from '../model/quant/mtp-units.ts';
import type { LinkGraph } from '../placement/links.ts';
import type { Plan } from '../placement/place.ts';
import type { InferenceSettings } from '../scenario/model-settings.ts';
import type { NodeSpec } from '../scenario/resolve.ts';
import type { RandomStreams } from '../sim/rng.ts';
import type { Continuation, Scheduler } from '../sim/scheduler.ts';

export interface InferenceContext {
  readonly model: QuantizedTinySeek;
  /** The draft model the entry holds (inference.speculative). */
  readonly draft?: QuantizedTinySeek;
  /** Or the served model's MTP module, which the entry holds (inference.speculative.draft: mtp). */
  readonly mtp?: QuantMtp;
  /** Token ids → text (the checkpoint's vocabulary). */
  readonly decode: (ids: readonly number[]) => string;
  /** Text → token ids (for the prompt). */
  readonly encode: (text: string) => number[];
  readonly plan: Plan;
  readonly graph: LinkGraph;
  readonly settings: InferenceSettings;
  readonly specs: readonly NodeSpec[];
  readonly costs: readonly UnitCost[];
  /** Request arrival times, ascending, all before the scenario's duration. */
  readonly arrivals: readonly number[];
  readonly rng: RandomStreams;
  /** KV slots: requests served at once. */
  readonly concurrentRequests: number;
  /** How long the entry waits for a token pass carrying `positions` positions before re-running it. */
  readonly tokenTimeoutMs: (positions: number) => number;
}

export interface InferenceHost {
  readonly scheduler: Scheduler;
  /** Hands a message to `node`'s radio stack for its neighbour `nextHop`. */
  send(node: number, nextHop: number, payload: Uint8Array, deadlineMs: number): void;
  /** Runs `durationMs` of work on `node`'s MCU at a mean `powerMw`, then `then`; `cause` is the token's serial. */
  compute(node: number, durationMs: number, then: Continuation, cause: number, powerMw: number): void;
  alive(node: number): boolean;
  /** Whether `node` runs in this process (the others run in workers: issue 22). */
  hosts(node: number): boolean;
}
