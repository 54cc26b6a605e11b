/** Injected failures (the scenario's `faults` list): each named node stops at its time. */
import type { NodeRuntime } from '../node/node-runtime.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import type { NodeSpec } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';

export function scheduleFaults(scenario: Scenario, specs: readonly NodeSpec[], runtimes: readonly (NodeRuntime | undefined)[], scheduler: Scheduler): void {
  for (const fault of scenario.faults ?? []) {
    const runtime = runtimes[specs.findIndex((spec) => spec.id === fault.node)];
    if (runtime) scheduler.at(fault.at, () => runtime.fail());
  }
}
