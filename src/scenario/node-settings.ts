/**
 * The `node` block of scenario files (scenario-wide defaults, overridden per group): which MCU
 * and battery a node has, how its rail feeds the loads, when its receiver listens, optional
 * solar harvesting, and the static memory its models take. Plus `profiles`, where users add
 * MCU and battery profiles of their own, validated like the built-in ones.
 */
import * as z from 'zod';
import { batteryProfileSchema } from '../hw/battery-profiles.ts';
import { mcuProfileSchema } from '../hw/mcu-profiles.ts';
import { radioChipSchema } from '../hw/radio-chips.ts';
import { solarConfigSchema } from '../hw/solar.ts';
import { durationSchema as duration } from './duration.ts';

const phase = z.union([duration('wake phase', false), z.literal('random')], { error: 'expected a phase in ms (or with a unit), or "random"' });

export const wakeSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('always') }),
  z.strictObject({ mode: z.literal('off') }),
  z
    .strictObject({
      mode: z.literal('rendezvous'),
      period: duration('wake period', true),
      window: duration('listen window', true),
      phase: phase.default('random'),
    })
    .refine((wake) => wake.window < wake.period, { path: ['window'], message: 'expected a listen window shorter than the wake period' }),
  z
    .strictObject({
      mode: z.literal('preamble-sampling'),
      period: duration('sampling period', true),
      cad: duration('channel-activity detection time', true).optional().describe('Default: 2 symbols of the group\u2019s modulation.'),
      phase: phase.default('random'),
    })
    .refine((wake) => wake.cad === undefined || wake.cad < wake.period, { path: ['cad'], message: 'expected a channel-activity detection shorter than the sampling period' }),
]);

const bytes = z.int().min(0).max(2 ** 40);

const nodeFields = {
  mcu: z.string().min(1).describe('MCU profile: a built-in id (see `loraswarm mcu`) or a key of profiles.mcus.'),
  battery: z
    .union([z.string().min(1), z.number()], { error: 'expected a battery name such as "cr2032", "2xaa", "18650" or "mains"' })
    .transform(String)
    .describe('"mains", a built-in battery (cr2032, 2xaa, 18650) or a key of profiles.batteries.'),
  initialStateOfCharge: z.number().min(0).max(1),
  rail: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('direct') }),
    z.strictObject({ type: z.literal('ldo'), voltageV: z.number().positive().max(12), dropoutV: z.number().min(0).max(2).default(0.1) }),
  ]),
  wake: wakeSchema,
  solar: solarConfigSchema.optional(),
  memory: z
    .strictObject({ weightsBytes: bytes, activationsBytes: bytes, kvCacheBytes: bytes, trainingBuffersBytes: bytes })
    .partial()
    .describe('Static allocations of the node\u2019s models, checked against the MCU\u2019s flash and SRAM before the run.'),
};

export const nodeDefaultsSchema = z.strictObject({
  mcu: nodeFields.mcu.default('stm32u575'),
  battery: nodeFields.battery.default('mains'),
  initialStateOfCharge: nodeFields.initialStateOfCharge.default(1),
  rail: nodeFields.rail.default({ type: 'direct' }),
  wake: nodeFields.wake.default({ mode: 'always' }),
  solar: nodeFields.solar,
  memory: nodeFields.memory.default({}),
});

export const nodeOverridesSchema = z.strictObject(nodeFields).partial();

const profileName = z.string().regex(/^[A-Za-z0-9_.-]+$/);

export const profilesSchema = z.strictObject({
  mcus: z.record(profileName, mcuProfileSchema).optional(),
  radios: z.record(profileName, radioChipSchema).optional(),
  batteries: z.record(profileName, batteryProfileSchema).optional(),
});

export type NodeSettings = z.output<typeof nodeDefaultsSchema>;
export type WakeSettings = z.output<typeof wakeSchema>;
