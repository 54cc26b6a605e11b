/**
 * An expert holder's part of swarm inference: a call names the experts to run on the gate's
 * normed input (per position, for a pass that carries several); the holder accepts what its
 * queue limit allows (the rest is refused, and the caller drops it), runs them one after the
 * other on its MCU, and sends one reply with their int8 outputs (refused ones marked), echoing
 * the call's number.
 */
import type { McuWork } from './unit-work.ts';
import { routedExpertUnit, sharedExpertUnit } from '../model/quant/units.ts';
import type { Int8Tensor } from '../model/quant/integer.ts';
import type { QuantizedTinySeek } from '../model/quant/quantized-model.ts';
import type { InferenceSettings } from '../scenario/model-settings.ts';
import type { Components } from './components.ts';
import type { TokenRecord } from './records.ts';
import { sharedFlag, type ModelMessage } from './wire.ts';
import { replaceMap, type Checkpointable } from '../sim/checkpoint-state.ts';

/** A call being served: its experts run one after the other. */
interface ExpertJob {
  readonly node: number;
  readonly origin: number;
  readonly message: Extract<ModelMessage, { kind: 'call' }>;
  readonly token: TokenRecord;
  readonly acc: Components;
  /** What it runs, in order: each expert once, on the inputs of the entries (positions) that ask for it. */
  readonly runs: readonly { readonly id: number; readonly entries: readonly number[] }[];
  /** Experts accepted (the queue counts them). */
  readonly accepted: number;
  readonly outputs: { id: number; data: Int8Array | undefined }[][];
  readonly inputs: readonly Int8Tensor[];
}

/** An expert of a call has run (data: a checkpoint holds it). */
export interface ExpertStep {
  readonly type: 'expertRan';
  readonly job: ExpertJob;
  readonly index: number;
}

export interface ExpertRole extends Checkpointable<Map<number, number>> {
  call: ExpertCall;
  runStep(step: ExpertStep): void;
}

export interface ExpertRoleConfig {
  readonly model: QuantizedTinySeek;
  readonly settings: InferenceSettings;
  compute(node: number, work: McuWork, token: TokenRecord, acc: Components, then: ExpertStep): void;
  send(from: number, to: number, message: ModelMessage, token: TokenRecord, acc: Components): boolean;
  readonly expertLoad: number[][];
  readonly counters: { refusedCalls: number };
  /** What expert `id` of `layer` costs `node`'s MCU on `count` inputs (unit-work.ts). */
  work(node: number, layer: number, id: number, count: number): McuWork;
}

export type ExpertCall = (node: number, origin: number, message: Extract<ModelMessage, { kind: 'call' }>, token: TokenRecord, acc: Components) => void;

export function createExpertRole(config: ExpertRoleConfig): ExpertRole {
  const { model, settings, expertLoad, counters } = config;
  /** Expert calls each node holds now (its queue, against expertQueueLimit). */
  const jobs = new Map<number, number>();
  /** Runs the job's expert `i`, or, after the last, sends the reply. One expert after the other, so that each one's wait for the MCU is its own. */
  function run(job: ExpertJob, i: number): void {
    const { node, message, runs } = job;
    if (i === runs.length) {
      jobs.set(node, (jobs.get(node) ?? 0) - job.accepted);
      const entries = message.entries.map((entry, e) => ({ offset: entry.offset, outputs: job.outputs[e]! }));
      config.send(node, job.origin, { kind: 'reply', request: message.request, slot: message.slot, position: message.position, layer: message.layer, attempt: message.attempt, positions: message.positions, call: message.call, entries }, job.token, job.acc);
      return;
    }
    config.compute(node, config.work(node, message.layer, runs[i]!.id, runs[i]!.entries.length), job.token, job.acc, { type: 'expertRan', job, index: i });
  }
  return {
    call(node, origin, message, token, acc) {
      const l = message.layer;
      const limit = settings.expertQueueLimit ?? Number.POSITIVE_INFINITY;
      const held = jobs.get(node) ?? 0;
      // An expert asked for several positions runs once on all their inputs (its weights read
      // once), and is accepted or refused for all of them: the queue limit counts experts run.
      const asked: { id: number; entries: number[] }[] = [];
      message.entries.forEach((entry, e) => {
        for (const id of entry.experts) {
          const same = asked.find((r) => r.id === id);
          if (same) same.entries.push(e);
          else asked.push({ id, entries: [e] });
        }
      });
      const runs = asked.filter((_, i) => held + i < limit);
      const outputs = message.entries.map((entry) => entry.experts.map((id): { id: number; data: Int8Array | undefined } => ({ id, data: undefined })));
      counters.refusedCalls += asked.slice(runs.length).reduce((sum, r) => sum + r.entries.length, 0);
      jobs.set(node, held + runs.length);
      const inputs = message.entries.map((entry): Int8Tensor => ({ data: entry.x, scale: model.scales.moeIn[l]! }));
      run({ node, origin, message, token, acc, runs, accepted: runs.length, outputs, inputs }, 0);
    },
    runStep({ job, index }) {
      const { id, entries } = job.runs[index]!;
      const l = job.message.layer;
      for (const entry of entries) {
        const input = job.inputs[entry]!;
        const result = id & sharedFlag ? sharedExpertUnit(model, l, id & ~sharedFlag, input) : routedExpertUnit(model, l, id, input);
        if (!(id & sharedFlag)) expertLoad[l]![id]!++;
        job.outputs[entry]![job.message.entries[entry]!.experts.indexOf(id)] = { id, data: result.data };
      }
      run(job, index + 1);
    },
    checkpoint: () => jobs,
    restore: (state) => replaceMap(jobs, state),
  };
}
