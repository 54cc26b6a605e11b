/**
 * The `node` block of scenario files (scenario-wide defaults, overridden per group): which MCU
 * and battery a node has, how its rail feeds the loads, when its receiver listens, optional
 * solar harvesting, and the static memory its models take. Users' own MCU and battery
 * profiles live in `profiles` (profiles-schema.ts).
 */
import * as z from 'zod';
import { durationSchema as duration } from './duration.ts';
import { overriding, withDefault, withDerivedDefault } from './described.ts';
import { solarSchema } from './solar-schema.ts';

const phase = (first: string) =>
  withDefault(
    z
      .union([duration('wake phase', false), z.literal('random')], { error: 'expected a phase in ms (or with a unit), or "random"' })
      .describe(`Start of the first ${first}, in milliseconds or with a unit, or "random": uniform within the first period, drawn for each node from its own stream.`),
    'random',
  );

export const wakeSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('always').describe('always: the receiver listens whenever it does not transmit (mains-powered gateways).') }),
  z.strictObject({ mode: z.literal('off').describe('off: the receiver never listens (a sensor that only sends).') }),
  z
    .strictObject({
      mode: z.literal('rendezvous').describe('rendezvous: the receiver listens for window every period; a sender that knows the schedule waits for the next window.'),
      period: duration('wake period', true).describe('Time from one listen window to the next, e.g. "10s".'),
      window: duration('listen window', true).describe('Length of each listen window, shorter than period, e.g. "50ms": a frame that starts inside it is caught.'),
      phase: phase('window'),
    })
    .refine((wake) => wake.window < wake.period, { path: ['window'], message: 'expected a listen window shorter than the wake period' }),
  z
    .strictObject({
      mode: z.literal('preamble-sampling').describe('preamble-sampling: the receiver wakes every period for a channel-activity detection of cad; senders stretch their preambles to period + cad so that a detection falls inside.'),
      period: duration('sampling period', true).describe('Time between channel-activity detections, e.g. "1s".'),
      cad: withDerivedDefault(duration('channel-activity detection time', true).describe('Length of each channel-activity detection, shorter than period.'), "2 symbols of the group's modulation"),
      phase: phase('detection'),
    })
    .refine((wake) => wake.cad === undefined || wake.cad < wake.period, { path: ['cad'], message: 'expected a channel-activity detection shorter than the sampling period' }),
]);

const bytes = z.int().min(0).max(2 ** 40);
const memoryBytes = (what: string) => withDerivedDefault(bytes.describe(what), '0');

const railSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('direct').describe("direct: the loads run at the battery's terminal voltage.") }),
  z.strictObject({
    type: z.literal('ldo').describe('ldo: a linear regulator holds the loads at voltageV; the voltage it drops is lost as heat.'),
    voltageV: z.number().positive().max(12).describe("Regulated output in V, e.g. 3.0: at least the brown-out threshold, and voltageV + dropoutV below the battery's nominal voltage."),
    dropoutV: withDefault(z.number().min(0).max(2).describe("Dropout in V: the output sags once the battery's terminal voltage falls below voltageV + dropoutV."), 0.1),
  }),
]);

const nodeFields = {
  mcu: z.string().min(1).describe('MCU profile: a built-in id (see `loraswarm mcu`) or a key of profiles.mcus.'),
  battery: z
    .union([z.string().min(1), z.number()], { error: 'expected a battery name such as "cr2032", "2xaa", "18650" or "mains"' })
    .transform(String)
    .describe('"mains" (an ideal supply at radio.supplyV that never runs down), a built-in battery (cr2032, 2xaa, 18650) or a key of profiles.batteries.'),
  initialStateOfCharge: z.number().min(0).max(1).describe("The battery's state of charge at the start, 0 to 1 (it must be 1 with battery: mains)."),
  rail: railSchema.describe('How the battery feeds the MCU and radio: directly, or through an LDO regulator (battery only).'),
  wake: wakeSchema.describe('When the receiver listens: always, off, in rendezvous windows, or by preamble sampling.'),
  solar: solarSchema.describe('Solar harvesting into the battery (battery only): charging current = irradiance · panelAreaM2 · panelEfficiency · chargeEfficiency / battery voltage.'),
  memory: z
    .strictObject({
      weightsBytes: memoryBytes('Model weights in flash, in bytes.'),
      activationsBytes: memoryBytes('Activation buffers in SRAM, in bytes.'),
      kvCacheBytes: memoryBytes('KV cache in SRAM, in bytes.'),
      trainingBuffersBytes: memoryBytes('Training buffers (gradients, optimiser state) in SRAM, in bytes.'),
    })
    .describe("Static allocations of the node's models, checked against the MCU's flash and SRAM (after firmware and radio stack) before the run."),
};

export const nodeDefaultsSchema = z.strictObject({
  mcu: withDefault(nodeFields.mcu, 'stm32u575'),
  battery: withDefault(nodeFields.battery, 'mains'),
  initialStateOfCharge: withDefault(nodeFields.initialStateOfCharge, 1),
  rail: withDefault(nodeFields.rail, { type: 'direct' }, 'direct'),
  wake: withDefault(nodeFields.wake, { mode: 'always' }, 'always'),
  solar: withDerivedDefault(nodeFields.solar, 'none'),
  memory: withDefault(nodeFields.memory, {}, 'nothing (every size 0)'),
});

export const nodeOverridesSchema = z.strictObject(overriding(nodeFields, 'node')).partial();

export type NodeSettings = z.output<typeof nodeDefaultsSchema>;
export type WakeSettings = z.output<typeof wakeSchema>;
