/**
 * An expert holder's part of swarm inference: a call names the experts to run on the gate's
 * normed input; the holder accepts what its queue limit allows (the rest is refused, and the
 * caller drops it), runs them one after the other on its MCU, and sends one reply with their
 * int8 outputs (refused ones marked), echoing the call's number.
 */
import { routedExpertUnit, sharedExpertUnit } from '../model/quant/units.ts';
import type { Int8Tensor } from '../model/quant/integer.ts';
import type { QuantizedTinySeek } from '../model/quant/quantized-model.ts';
import type { InferenceSettings } from '../scenario/model-settings.ts';
import type { Components } from './components.ts';
import type { TokenRecord } from './records.ts';
import { sharedFlag, type ModelMessage } from './wire.ts';

export interface ExpertRoleConfig {
  readonly model: QuantizedTinySeek;
  readonly settings: InferenceSettings;
  compute(node: number, ms: number, token: TokenRecord, acc: Components, then: () => void): void;
  send(from: number, to: number, message: ModelMessage, token: TokenRecord, acc: Components): boolean;
  readonly expertLoad: number[][];
  readonly counters: { refusedCalls: number };
  /** MCU time of one expert on `node`. */
  serviceMs(node: number): number;
}

export type ExpertCall = (node: number, origin: number, message: Extract<ModelMessage, { kind: 'call' }>, token: TokenRecord, acc: Components) => void;

export function createExpertRole(config: ExpertRoleConfig): ExpertCall {
  const { model, settings, expertLoad, counters } = config;
  /** Expert calls each node holds now (its queue, against expertQueueLimit). */
  const jobs = new Map<number, number>();
  return (node, origin, message, token, acc) => {
    const l = message.layer;
    const limit = settings.expertQueueLimit ?? Number.POSITIVE_INFINITY;
    const held = jobs.get(node) ?? 0;
    const accepted = message.experts.filter((_, i) => held + i < limit);
    const outputs: { id: number; data: Int8Array | undefined }[] = message.experts.map((id) => ({ id, data: undefined }));
    counters.refusedCalls += message.experts.length - accepted.length;
    jobs.set(node, held + accepted.length);
    const scale = model.scales.moeIn[l]!;
    const input: Int8Tensor = { data: message.x, scale };
    const ms = config.serviceMs(node);
    // One expert after the other, so that each one's wait for the MCU is its own.
    const run = (i: number): void => {
      if (i === accepted.length) {
        jobs.set(node, (jobs.get(node) ?? 0) - accepted.length);
        config.send(node, origin, { kind: 'reply', request: message.request, slot: message.slot, position: message.position, layer: l, attempt: message.attempt, call: message.call, outputs }, token, acc);
        return;
      }
      config.compute(node, ms, token, acc, () => {
        const id = accepted[i]!;
        const result = id & sharedFlag ? sharedExpertUnit(model, l, id & ~sharedFlag, input) : routedExpertUnit(model, l, id, input);
        if (!(id & sharedFlag)) expertLoad[l]![id]!++;
        outputs[message.experts.indexOf(id)] = { id, data: result.data };
        run(i + 1);
      });
    };
    run(0);
  };
}
