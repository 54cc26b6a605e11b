/** Injected failures (the scenario's `faults` list): each named node stops at its time. */
import type { NodeRuntimes } from '../node/node-runtimes.ts';
import type { Scheduler } from '../sim/scheduler.ts';
import type { NodeSpec } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';

export function scheduleFaults(scenario: Scenario, specs: readonly NodeSpec[], runtimes: NodeRuntimes, hosted: readonly boolean[], scheduler: Scheduler): void {
  if (!scenario.faults || scenario.faults.length === 0) return;
  const indexOf = new Map(specs.map((spec) => [spec.id, spec.index]));
  // An integer event (not a callback): a checkpoint can hold it.
  const failKind = scheduler.kind((node) => runtimes.fail(node));
  for (const fault of scenario.faults) {
    const node = indexOf.get(fault.node);
    if (node !== undefined && hosted[node]) scheduler.atKind(fault.at, failKind, node);
  }
}
