/**
 * The scenario file format, as a zod schema: validation, defaults, and the JSON Schema that
 * `loraswarm schema` prints for editors. Unknown keys are errors everywhere.
 */
import * as z from 'zod';
import { radioChipIds } from '../hw/radio-chips.ts';
import { opTypes } from '../hw/mcu-profiles.ts';
import { durationSchema as duration } from './duration.ts';
import { nodeDefaultsSchema, nodeOverridesSchema, profilesSchema } from './node-settings.ts';
import { inferenceSettingsSchema, modelSettingsSchema } from './model-settings.ts';
import { federatedSettingsSchema } from './federated-settings.ts';

const point = z.tuple([z.number(), z.number()]);

const radioFields = {
  chip: z.string().min(1).describe(`Radio transceiver: a built-in profile (${radioChipIds.join(', ')}) or a key of profiles.radios.`),
  sf: z
    .union([z.int().min(5).max(12), z.literal('auto')], { error: 'expected an integer spreading factor from 5 to 12, or "auto"' })
    .describe('Spreading factor, or "auto": the smallest SF whose mean link budget to the nearest sink closes with sfMarginDb to spare.'),
  bandwidthKhz: z.number().positive().describe('Bandwidth in kHz: 125, 250, 500 (sub-GHz) or 203.125, 406.25, 812.5, 1625 (SX128x).'),
  codingRate: z.enum(['4/5', '4/6', '4/7', '4/8']),
  preambleSymbols: z.int().min(6).max(65535),
  implicitHeader: z.boolean(),
  crc: z.boolean(),
  ldro: z.enum(['auto', 'on', 'off']).describe('Low-data-rate optimisation; auto = on when the symbol time exceeds 16 ms.'),
  txPowerDbm: z.number(),
  antennaGainDbi: z.number(),
  channelsMhz: z.array(z.number().positive()).min(1).describe("Channels used (uniform hopping among those open); default: the region's."),
  sensitivity: z.enum(['sx1276', 'sx1272', 'sx1301', 'lorasim', 'sx1262', 'snr']).describe("Receiver sensitivity table; default: the chip's."),
  noiseFigureDb: z.number().min(0).max(30),
  supplyV: z.number().positive().max(12).describe('Supply voltage of the radio, for energy.'),
  sfMarginDb: z.number().min(0).max(40).describe('Link margin demanded by sf: auto.'),
};

/** Scenario-wide radio settings, every one with its default (channels and sensitivity derive from region and chip). */
export const radioDefaultsSchema = z.strictObject({
  chip: radioFields.chip.default('sx1276'),
  sf: radioFields.sf.default(7),
  bandwidthKhz: radioFields.bandwidthKhz.default(125),
  codingRate: radioFields.codingRate.default('4/5'),
  preambleSymbols: radioFields.preambleSymbols.default(8),
  implicitHeader: radioFields.implicitHeader.default(false),
  crc: radioFields.crc.default(true),
  ldro: radioFields.ldro.default('auto'),
  txPowerDbm: radioFields.txPowerDbm.default(14),
  antennaGainDbi: radioFields.antennaGainDbi.default(0),
  channelsMhz: radioFields.channelsMhz.optional(),
  sensitivity: radioFields.sensitivity.optional(),
  noiseFigureDb: radioFields.noiseFigureDb.default(6),
  supplyV: radioFields.supplyV.default(3.3),
  sfMarginDb: radioFields.sfMarginDb.default(0),
});

/** A group's radio settings: any subset, overriding the scenario-wide ones. */
export const radioOverridesSchema = z.strictObject(radioFields).partial();

const placementSchema = z.discriminatedUnion('shape', [
  z.strictObject({
    shape: z.literal('disc'),
    radiusM: z.union([z.number().min(0), z.literal('auto')], { error: 'expected a radius ≥ 0 in metres, or "auto"' }),
    centerM: point.optional(),
    minSeparationM: z.number().min(0).optional().describe('Minimum distance in metres between nodes (how it binds depends on distribution).'),
    distribution: z
      .enum(['uniform', 'lorasim'])
      .optional()
      .describe(
        'uniform (default): r = R·√u, uniform over the area; a node is redrawn (up to 10,000 times) until it is minSeparationM from every node placed before it, in any group. ' +
          "lorasim: LoRaSim 0.2.1's placement: r = max(u1, u2)·R, θ = 2π·min/max (also uniform over the area), a candidate kept as soon as ANY earlier node of its group is minSeparationM away (LoRaSim's check, which almost never binds), giving up after 100 too-close pairs for one node.",
      ),
  }),
  z.strictObject({
    shape: z.literal('grid'),
    spacingM: z.number().positive(),
    columns: z.int().positive().optional(),
    originM: point.optional(),
  }),
  z.strictObject({
    shape: z.literal('rectangle'),
    widthM: z.number().min(0),
    heightM: z.number().min(0),
    originM: point.optional(),
  }),
]);

const trafficSchema = z
  .strictObject({
  kind: z.enum(['poisson', 'periodic']),
  interval: duration('traffic interval', true).describe('Mean (poisson) or period (periodic) between messages.'),
  jitter: duration('traffic jitter', false).optional(),
  payloadBytes: z.int().min(0).max(1_000_000),
  to: z.enum(['sink', 'peer', 'broadcast']).default('sink'),
  deadline: duration('frame deadline', false).optional().describe('A frame still unsent this long after it was queued is dutyCycleBlocked.'),
  queueCapacity: z.int().min(1).max(1_000_000).optional(),
  compute: z
    .strictObject({ macs: z.int().min(1).max(1e12), op: z.enum(opTypes).default('matmul') })
    .optional()
    .describe('Work the MCU does before each message (an on-device inference, say), costed by the compute model.'),
  })
  .superRefine((traffic, ctx) => {
    if (traffic.jitter !== undefined && traffic.jitter > traffic.interval) {
      ctx.addIssue({ code: 'custom', path: ['jitter'], message: `expected jitter ≤ interval (${traffic.interval} ms), found ${traffic.jitter} ms` });
    }
  });

const nodeIdPattern = /^[A-Za-z0-9_.-]+$/;

const explicitNodeSchema = z.strictObject({
  id: z.string().regex(nodeIdPattern, 'expected a node id of letters, digits, "_", "." or "-"').optional(),
  xM: z.number(),
  yM: z.number(),
});

export const groupSchema = z
  .strictObject({
    name: z.string().regex(nodeIdPattern, 'expected a group name of letters, digits, "_", "." or "-"'),
    role: z.enum(['node', 'sink']).default('node'),
    count: z.int().min(0).max(1_000_000).optional().describe('How many nodes the group places (0: the group is off).'),
    placement: placementSchema.optional(),
    nodes: z.array(explicitNodeSchema).min(1).optional(),
    receivePaths: z.union([z.int().min(1), z.literal('unlimited')], { error: 'expected an integer ≥ 1 or "unlimited"' }).optional(),
    radio: radioOverridesSchema.optional(),
    node: nodeOverridesSchema.optional(),
    traffic: trafficSchema.optional(),
    holdsUnits: z.boolean().optional().describe('Whether the group\u2019s nodes may hold model units (default: yes for role node, no for sinks).'),
  })
  .superRefine((group, ctx) => {
    if (group.nodes && (group.count !== undefined || group.placement)) {
      ctx.addIssue({ code: 'custom', message: 'expected either "nodes" (explicit positions) or "count" with "placement", found both' });
    }
    if (!group.nodes && (group.count === undefined || !group.placement)) {
      ctx.addIssue({ code: 'custom', message: 'expected "nodes" (explicit positions) or "count" with "placement"' });
    }
  });

const pathLossSchema = z.union(
  [
    z.enum(['lorasim', 'ns3', 'oulu']),
    z.strictObject({ referenceDistanceM: z.number().positive(), referenceLossDb: z.number(), exponent: z.number().positive() }),
  ],
  { error: 'expected "lorasim", "ns3", "oulu", or { referenceDistanceM, referenceLossDb, exponent }' },
);

export const scenarioSchema = z
  .strictObject({
  name: z.string().regex(nodeIdPattern, 'expected a scenario name of letters, digits, "_", "." or "-" (it names the run directory)').optional(),
  description: z.string().optional(),
  compat: z.enum(['lorasim']).optional().describe('Compatibility profile: reproduce LoRaSim r334 (see README).'),
  seed: z.int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
  duration: duration('duration', true),
  region: z.enum(['eu868', 'us915', 'ism2400', 'none']).default('eu868'),
  framing: z.enum(['lorawan', 'raw']).default('lorawan'),
  repeaterCompatible: z.boolean().default(false),
  collision: z.enum(['aloha', 'lorasim', 'energy-sir', 'croce']).default('energy-sir'),
  pathLoss: pathLossSchema.default('ns3'),
  shadowing: z
    .strictObject({ sigmaDb: z.number().min(0).max(30), mode: z.enum(['per-frame', 'per-link']).default('per-frame') })
    .optional(),
  extraLossProbability: z.number().min(0).max(1).default(0),
  processingDelayMs: z.number().positive().max(1000).default(1),
  broadcastMarginDb: z.number().min(0).max(40).default(0),
  radio: radioDefaultsSchema.prefault({}),
  node: nodeDefaultsSchema.prefault({}),
  profiles: profilesSchema.optional(),
  sampling: z
    .strictObject({ interval: duration('sampling interval', true).describe('How often the per-node time series (series.csv) is sampled.') })
    .prefault({ interval: '1h' }),
  faults: z
    .array(z.strictObject({ node: z.string().regex(nodeIdPattern, 'expected a node id'), at: duration('fault time', false) }))
    .max(100_000)
    .optional()
    .describe('Injected failures: each named node stops at the given time (a nodeDied event with reason "failure").'),
  model: modelSettingsSchema.optional(),
  inference: inferenceSettingsSchema.optional(),
  federated: federatedSettingsSchema.optional(),
  groups: z
    .array(groupSchema)
    .min(1)
    .superRefine((groups, ctx) => {
      const seen = new Set<string>();
      groups.forEach((group, i) => {
        if (seen.has(group.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `expected unique group names, found "${group.name}" twice` });
        seen.add(group.name);
      });
    }),
  })
  .superRefine((scenario, ctx) => {
    if (scenario.inference && !scenario.model) ctx.addIssue({ code: 'custom', path: ['inference'], message: 'expected a "model" block (the checkpoint the swarm serves) with "inference"' });
    if (scenario.inference && scenario.federated) ctx.addIssue({ code: 'custom', path: ['federated'], message: 'expected either "inference" or "federated" in one scenario, found both' });
  });

/** A scenario as written (before defaults). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** A validated scenario with the schema's defaults applied. */
export type Scenario = z.output<typeof scenarioSchema>;
export type RadioDefaults = z.output<typeof radioDefaultsSchema>;
export type RadioOverrides = z.output<typeof radioOverridesSchema>;
export type GroupSpec = z.output<typeof groupSchema>;
export type NodeDefaults = z.output<typeof nodeDefaultsSchema>;

/** The JSON Schema of scenario files (draft 2020-12), for editors. */
export function scenarioJsonSchema(): object {
  return {
    ...z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'loraswarm scenario',
  };
}
