/** `loraswarm validate <scenario>`: check a scenario file and estimate its run, without running it. */
import { counted } from '../../metrics/human-units.ts';
import { checkLinks, describeLinkCheck } from '../../run/link-check.ts';
import { describeEstimate, estimateProblems, estimateRun, thisMachine } from '../../run/run-estimate.ts';
import { checkWakes, describeWakeCheck } from '../../run/wake-check.ts';
import { readScenario } from '../../scenario/read-scenario.ts';
import { UsageError } from '../exit.ts';

export interface ValidateOptions {
  readonly set: readonly string[];
  readonly ignoreLimits?: boolean;
}

/**
 * Prints what the scenario is, its estimate and its warnings; a run over the limits is a
 * usage error unless `ignoreLimits`.
 *
 * @example
 * validateCommand('scenarios/quickstart.yaml', { set: [] }, (text) => process.stdout.write(text));
 */
export function validateCommand(file: string, options: ValidateOptions, print: (text: string) => void): void {
  const { swarm, name, scenario } = readScenario(file, { sets: options.set });
  const sinks = swarm.nodes.filter((node) => node.role === 'sink').length;
  const estimate = estimateRun(scenario, swarm);
  const warnings = [...describeLinkCheck(checkLinks(scenario, swarm)), ...describeWakeCheck(checkWakes(scenario, swarm))];
  print(`${file}: valid scenario "${name}" (${counted(swarm.nodes.length, 'node')}, ${counted(sinks, 'sink')}, ${scenario.duration / 1000} s, seed ${scenario.seed})\n  ${describeEstimate(estimate)}\n${warnings.map((line) => `${line}\n`).join('')}`);
  const problems = estimateProblems(estimate, thisMachine('runs'));
  if (problems.length > 0 && options.ignoreLimits !== true) {
    throw new UsageError(`a run of it is over the limits: ${problems.join('; ')}. \`loraswarm run\` refuses it unless given --ignore-limits`);
  }
}
