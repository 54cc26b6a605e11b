/** The inference engine on a simulation's nodes: messages through their radio stacks, work on their MCUs. */
import type { LoraNode } from '../node/lora-node.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { NodeSpec } from '../scenario/resolve.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { createInferenceEngine, type InferenceEngine } from './engine.ts';
import type { InferenceSetup } from './setup.ts';

export function createHostedEngine(
  setup: InferenceSetup,
  specs: readonly NodeSpec[],
  scheduler: Scheduler,
  nodes: () => readonly (LoraNode | undefined)[],
  runtimeObjects: () => readonly (NodeRuntime | undefined)[],
  hosted: readonly boolean[],
): InferenceEngine {
  return createInferenceEngine(
    { ...setup, specs },
    {
      scheduler,
      send: (node, nextHop, payload, deadlineMs) => void nodes()[node]?.send({ destination: nextHop, payload, deadlineMs }),
      compute: (node, ms, then, cause, powerMw) => runtimeObjects()[node]?.compute(ms, then, cause, powerMw),
      alive: (node) => runtimeObjects()[node]?.alive ?? false,
      hosts: (node) => hosted[node] === true,
    },
  );
}
