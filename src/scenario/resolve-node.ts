/**
 * Resolves a group's `node` settings into the hardware of each of its nodes: MCU profile,
 * power (battery or mains, rail, brown-out threshold, harvester), wake schedule (a random phase
 * drawn from the node's own stream), and the static memory it needs, checked against the MCU's
 * flash and SRAM (a shortfall is an input error naming the node, the budget, the request and
 * the shortfall).
 */
import { didYouMean } from './suggest.ts';
import type { RandomStreams } from '../sim/rng.ts';
import type { WakeSchedule } from '../radio/wake-schedule.ts';
import { batteryProfiles, type BatteryProfile } from '../hw/battery-profiles.ts';
import { checkStaticAllocation, type MemoryKind } from '../hw/memory-ledger.ts';
import { ledgerBudgets } from '../hw/memory-tiers.ts';
import { mcuProfiles, type McuProfile } from '../hw/mcu-profiles.ts';
import type { RadioChip } from '../hw/radio-chips.ts';
import { createSolarHarvester } from '../hw/solar.ts';
import { mainsSupply, type NodePower } from '../node/node-power.ts';
import type { Scenario } from './schema.ts';
import type { NodeSettings } from './node-settings.ts';

export interface NodeHardware {
  readonly mcu: McuProfile;
  readonly power: NodePower;
  readonly wake: WakeSchedule;
  /** Static allocations, by memory kind. */
  readonly memory: Readonly<Record<MemoryKind, number>>;
}

type Fail = (path: readonly PropertyKey[], message: string) => void;

/** Where a group's node setting is written (the group's own block, or the scenario-wide one). */
export function nodeKey(scenario: Scenario, g: number): (field: keyof NodeSettings) => PropertyKey[] {
  const own = scenario.groups[g]!.node ?? {};
  return (field) => (own[field] !== undefined ? ['groups', g, 'node', field] : ['node', field]);
}

export function groupNodeSettings(scenario: Scenario, g: number): NodeSettings {
  return { ...scenario.node, ...scenario.groups[g]!.node } as NodeSettings;
}

/** The group-level part: MCU, battery and memory (the same for every node of the group). */
export function resolveGroupHardware(
  scenario: Scenario,
  g: number,
  chip: RadioChip,
  radioSupplyV: number,
  firstNodeId: string,
  fail: Fail,
): Omit<NodeHardware, 'wake'> | undefined {
  const settings = groupNodeSettings(scenario, g);
  const keyOf = nodeKey(scenario, g);
  const customMcus = scenario.profiles?.mcus ?? {};
  const mcu = (customMcus[settings.mcu] as McuProfile | undefined) ?? mcuProfiles[settings.mcu as keyof typeof mcuProfiles];
  if (!mcu) {
    fail(keyOf('mcu'), `expected a built-in MCU (${Object.keys(mcuProfiles).join(', ')}) or a key of profiles.mcus, found "${settings.mcu}"${didYouMean(settings.mcu, [...Object.keys(mcuProfiles), ...Object.keys(customMcus)])}`);
    return undefined;
  }
  let battery: BatteryProfile;
  const mains = settings.battery === 'mains';
  if (mains) {
    battery = mainsSupply(radioSupplyV);
  } else {
    const custom = scenario.profiles?.batteries?.[settings.battery];
    const builtIn = batteryProfiles[settings.battery as keyof typeof batteryProfiles];
    if (!custom && !builtIn) {
      fail(keyOf('battery'), `expected "mains", a built-in battery (${Object.keys(batteryProfiles).join(', ')}) or a key of profiles.batteries, found "${settings.battery}"${didYouMean(settings.battery, ['mains', ...Object.keys(batteryProfiles), ...Object.keys(scenario.profiles?.batteries ?? {})])}`);
      return undefined;
    }
    battery = (custom ?? builtIn)!;
  }
  if (mains) {
    // Settings that only mean something for a battery are refused rather than ignored.
    if (settings.solar) fail(keyOf('solar'), 'expected solar harvesting only with a battery, found battery: mains');
    if (settings.rail.type !== 'direct') fail(keyOf('rail'), 'expected no LDO rail with battery: mains (mains is an ideal supply), found an ldo rail');
    if (settings.initialStateOfCharge !== 1) fail(keyOf('initialStateOfCharge'), `expected no state of charge with battery: mains, found ${settings.initialStateOfCharge}`);
  }
  const rail = mains ? ({ type: 'direct' } as const) : settings.rail;
  const supplyV = mains ? radioSupplyV : rail.type === 'ldo' ? rail.voltageV : battery.nominalVoltageV;
  if (!mains && rail.type === 'ldo' && rail.voltageV + rail.dropoutV > battery.nominalVoltageV) {
    fail(keyOf('rail'), `expected an LDO output + dropout below the battery's nominal ${battery.nominalVoltageV} V, found ${rail.voltageV} V + ${rail.dropoutV} V`);
  }
  const brownOutV = mains ? 0 : Math.max(mcu.brownOutV, chip.minSupplyV);
  if (!mains && rail.type === 'ldo' && rail.voltageV < brownOutV) {
    fail(keyOf('rail'), `expected an LDO output of at least the brown-out threshold ${brownOutV} V (the larger of the ${mcu.id} BOR and the ${chip.id} minimum supply), found ${rail.voltageV} V`);
  }
  if (!mains && rail.type === 'direct' && brownOutV >= battery.nominalVoltageV) {
    fail(keyOf('battery'), `expected a battery whose nominal ${battery.nominalVoltageV} V exceeds the brown-out threshold ${brownOutV} V of ${mcu.id} with ${chip.id}, found ${battery.id}`);
  }
  const power: NodePower = {
    battery,
    mains,
    initialStateOfCharge: mains ? 1 : settings.initialStateOfCharge,
    rail,
    // Mains never browns out; a battery node stops below its MCU's BOR or its radio's minimum supply.
    brownOutV,
    ...(settings.solar && !mains && { harvest: createSolarHarvester(settings.solar, battery.nominalVoltageV) }),
    supplyV,
  };
  const requested = settings.memory;
  const memory: Record<MemoryKind, number> = {
    firmware: mcu.firmwareFlashBytes,
    radioStack: mcu.radioStackFlashBytes,
    weights: requested.weightsBytes ?? 0,
    firmwareBaseline: mcu.firmwareSramBytes,
    radioBuffers: mcu.radioStackSramBytes,
    activations: requested.activationsBytes ?? 0,
    kvCache: requested.kvCacheBytes ?? 0,
    trainingBuffers: requested.trainingBuffersBytes ?? 0,
    sramWeights: 0,
    externalWeights: 0,
  };
  const check = checkStaticAllocation(ledgerBudgets(mcu), memory);
  if (!check.ok) {
    for (const shortfall of check.shortfalls) {
      fail(keyOf('memory'), `expected the static allocations of node "${firstNodeId}" (and its group) to fit its ${mcu.id}, found ${shortfall.message}`);
    }
  }
  return { mcu, power, memory };
}

/** The node's wake schedule, with a random phase drawn from its own stream. */
export function resolveWake(settings: NodeSettings, nodeId: string, symbolMs: number, rng: RandomStreams): WakeSchedule {
  const wake = settings.wake;
  if (wake.mode === 'always' || wake.mode === 'off') return wake;
  const phaseMs = wake.phase === 'random' ? rng.stream(`wake/${nodeId}`).next() * wake.period : wake.phase;
  if (wake.mode === 'rendezvous') return { mode: 'rendezvous', periodMs: wake.period, windowMs: wake.window, phaseMs };
  // SX126x CAD takes about two symbols by default (cadSymbolNum = 2).
  return { mode: 'preamble-sampling', periodMs: wake.period, cadMs: wake.cad ?? 2 * symbolMs, phaseMs };
}
