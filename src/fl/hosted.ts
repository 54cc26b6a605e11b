/** The federated-learning engine on a simulation's nodes: messages through their radio stacks, training on their MCUs. */
import type { LoraNode } from '../node/lora-node.ts';
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { NodeSpec } from '../scenario/resolve.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import { createFlEngine, type FlEngine, type FlEngineOptions, type FlSetup } from './swarm.ts';
import { timeOnAir } from '../radio/airtime.ts';
import { framingOverheadBytes, type FramingId } from '../radio/framing.ts';
import { subBandOf, type Region } from '../radio/regions.ts';
import { airtimeParamsOf } from '../scenario/resolve.ts';

export function createHostedFl(setup: FlSetup, specs: readonly NodeSpec[], region: Region, framing: FramingId, scheduler: Scheduler, nodes: () => readonly (LoraNode | undefined)[], runtimes: () => readonly (NodeRuntime | undefined)[], hosted: readonly boolean[], options: FlEngineOptions = {}): FlEngine {
  return createFlEngine(setup, specs, {
    scheduler,
    send: (node, destination, payload, deadlineMs) => void nodes()[node]?.send({ destination, payload, deadlineMs }),
    compute: (node, ms, then, cause) => runtimes()[node]?.compute(ms, then, cause),
    alive: (node) => runtimes()[node]?.alive ?? false,
    stateOfCharge: (node) => runtimes()[node]?.ledger.totals().stateOfCharge ?? 0,
    maxAppBytes: (node) => specs[node]!.maxAppBytes,
    frameGapMs: (node, appBytes) => {
      const spec = specs[node]!;
      const airtimeMs = timeOnAir({ ...airtimeParamsOf(spec), payloadBytes: framingOverheadBytes(framing) + appBytes }).airtimeMs;
      const dutyCycle = spec.channelsHz.reduce((least, hz) => Math.min(least, subBandOf(region, hz)?.dutyCycle ?? 1), Number.POSITIVE_INFINITY);
      return airtimeMs / dutyCycle;
    },
    listenUj(node) {
      const runtime = runtimes()[node];
      if (!runtime) return 0;
      runtime.settle();
      return runtime.ledger.totals().energyByStateUj.listen;
    },
    hosts: (node) => hosted[node] === true,
  }, options);
}
