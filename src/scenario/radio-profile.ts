/** Radio profiles by name, for a scenario's groups. */
import { radioChips, type RadioChip } from '../hw/radio-chips.ts';
import type { Scenario } from './schema.ts';

/** A radio profile by name: the scenario's own first, then the built-in ones. */
export function chipOf(scenario: Scenario, name: string): RadioChip | undefined {
  return scenario.profiles?.radios?.[name] ?? (radioChips as Readonly<Record<string, RadioChip>>)[name];
}
