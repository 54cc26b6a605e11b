/**
 * The scenario file format, as a zod schema: validation, defaults, and the JSON Schema that
 * `loraswarm schema` prints for editors. Unknown keys are errors everywhere. Every key is
 * described (its unit, its default): test/scenario/schema-descriptions.test.ts holds that.
 */
import * as z from 'zod';
import { durationSchema as duration } from './duration.ts';
import { withDefault, withDerivedDefault } from './described.ts';
import { groupSchema, nodeIdPattern } from './group-schema.ts';
import { nodeDefaultsSchema } from './node-settings.ts';
import { profilesSchema } from './profiles-schema.ts';
import { radioDefaultsSchema, type radioOverridesSchema } from './radio-schema.ts';
import { inferenceSettingsSchema, modelSettingsSchema } from './model-settings.ts';
import { federatedSettingsSchema } from './federated-settings.ts';
import { lorawanSchema } from './lorawan-schema.ts';
import { peerMacSchema } from './peer-mac-schema.ts';

const pathLossSchema = z
  .union(
    [
      z.enum(['lorasim', 'ns3', 'oulu']),
      z.strictObject({
        referenceDistanceM: z.number().positive().describe('Reference distance d0 in metres, e.g. 40.'),
        referenceLossDb: z.number().describe('Mean path loss at d0 in dB, e.g. 127.41.'),
        exponent: z.number().positive().describe('Path-loss exponent γ, e.g. 2.08 (2 in free space, 2.7 to 4 in towns).'),
      }),
    ],
    { error: 'expected "lorasim", "ns3", "oulu", or { referenceDistanceM, referenceLossDb, exponent }' },
  )
  .describe(
    'Log-distance path loss, PL(d) = PL(d0) + 10·γ·log10(d / d0): a profile, lorasim (d0 40 m, 127.41 dB, γ 2.08; Bor et al. 2016), ns3 (1 m, 7.7 dB, γ 3.76) or oulu (1 km, 128.95 dB, γ 2.32, with 7.8 dB of shadowing; Petäjäjärvi et al. 2015), or your own constants (no shadowing unless shadowing says so).',
  );

const shadowingSchema = z
  .strictObject({
    sigmaDb: z.number().min(0).max(30).describe('Standard deviation σ in dB of a normal draw truncated at ±6σ (0 turns shadowing off, for oulu too), e.g. 8.'),
    mode: withDefault(
      z.enum(['per-frame', 'per-link']).describe('per-frame: a new draw for every frame at every receiver; per-link: one draw per pair of nodes, the same both ways, for the whole run.'),
      'per-frame',
    ),
  })
  .describe('Log-normal shadowing of every received power.');

const faultSchema = z.strictObject({
  node: z.string().regex(nodeIdPattern, 'expected a node id').describe('Id of the node that fails, e.g. "sensors-3".'),
  at: duration('fault time', false).describe('When it fails, from the start of the run, e.g. "6h".'),
});

export const scenarioSchema = z
  .strictObject({
    name: withDerivedDefault(
      z
        .string()
        .regex(nodeIdPattern, 'expected a scenario name of letters, digits, "_", "." or "-" (it names the run directory)')
        .describe('Scenario name, letters, digits, "_", "." or "-": it names the run directory (runs/<name>-seed<seed>).'),
      "the file's name without its extension",
    ),
    description: z.string().optional().describe('Free text for readers of the file; the simulator does not use it.'),
    compat: withDerivedDefault(
      z
        .enum(['lorasim'])
        .describe("Compatibility profile: lorasim reproduces LoRaSim 0.2.1 (r334): the keys the file leaves out take LoRaSim's settings (region none, framing raw, collision and path loss lorasim, the sx1276-lorasim radio on 868.1 MHz at 3.0 V), LDRO goes by SF, sinks have unlimited receive paths, and radiusM: auto uses LoRaSim's radius."),
      'none',
    ),
    seed: withDefault(z.int().min(0).max(Number.MAX_SAFE_INTEGER).describe('Seed of every random stream (placement, traffic, shadowing, channel choice, wake phases, …): the same seed gives the same run.'), 1),
    duration: duration('duration', true).describe('Simulated time during which messages and requests start, in milliseconds or with a unit (ms, s, min, h, d), e.g. "1h"; then the run drains: queued frames are still sent and frames on the air meet their fates.'),
    region: withDefault(
      z
        .enum(['eu868', 'us915', 'as923', 'au915', 'ism2400', 'none'])
        .describe('Regulatory region, which sets the channels allowed and their defaults, the power limits, duty cycles, dwell times and LoRaWAN data rates: eu868 (ETSI sub-bands with 0.1 %, 1 % or 10 % duty cycles, 16 dBm EIRP, 27 in g3), us915 (902–928 MHz, 30 dBm, a 400 ms dwell time under 500 kHz, no duty cycle), as923 (AS923-1: 923.2 and 923.4 MHz by default, 16 dBm, a 400 ms dwell time, no duty cycle, SF7–10), au915 (915–928 MHz, 30 dBm, a 400 ms dwell time under 500 kHz, no duty cycle, SF7–10 at 125 kHz), ism2400 (2.4 GHz, 20 dBm, SX128x only) or none (no limits).'),
      'eu868',
    ),
    framing: withDefault(
      z
        .enum(['lorawan', 'raw'])
        .describe("Bytes around each application payload: lorawan (13 bytes: MHDR, FHDR, FPort, MIC; payloads capped by the region's data-rate table) or raw (loraswarm's 8-byte header, up to 255 bytes a frame). Longer messages go in fragments."),
      'lorawan',
    ),
    uplinkGateways: withDefault(
      z
        .enum(['nearest', 'all'])
        .describe('Which gateways (sinks) a `to: sink` message addresses: nearest, the sink with the least mean path loss (one fate per frame); or all, every sink that could detect the frame, as LoRaWAN uplinks are heard (gateway diversity: a fate at each, the message counted once by the network server when any of them completes it; summary.json adds the uplinks by how many gateways received them). With all, the sinks run in one process (no --remote or --workers).'),
      'nearest',
    ),
    lorawan: lorawanSchema.optional(),
    peerMac: peerMacSchema.optional(),
    repeaterCompatible: withDefault(z.boolean().describe("With lorawan framing, the repeater-compatible payload limits of RP002-1.0.1 (smaller at the fast data rates: 222 bytes instead of 242)."), false),
    collision: withDefault(
      z
        .enum(['aloha', 'lorasim', 'energy-sir', 'croce'])
        .describe("Collision model: aloha (any overlap on the same channel and SF destroys the frame; SFs orthogonal), lorasim (LoRaSim's capture: after the preamble lock, the stronger of two frames survives by 6 dB), energy-sir (ns-3's energy-based SIR test with the Goursaud matrix; every SF interferes; SF7 to 12) or croce (FLoRa's per-interferer Croce thresholds; SF7 to 12)."),
      'energy-sir',
    ),
    pathLoss: withDefault(pathLossSchema, 'ns3'),
    undetectableInterfere: withDerivedDefault(
      z
        .enum(['always', 'never', 'earlier'])
        .describe("Whether a frame too weak for a receiver to detect still interferes there: always; never (LoRaSim's single-sink loraDir.py); or earlier, only with frames that start after it (LoRaSim's multi-sink loraDirMulBS.py)."),
      'never with collision: lorasim or compat: lorasim, else always',
    ),
    shadowing: withDerivedDefault(shadowingSchema, "none, but the oulu path-loss profile's 7.8 dB per frame"),
    extraLossProbability: withDefault(z.number().min(0).max(1).describe('Probability, 0 to 1, that a frame otherwise received is lost anyway (fate dropped), drawn per frame and receiver.'), 0),
    processingDelayMs: withDefault(
      z.number().positive().max(1000).describe("Milliseconds between a frame's end and its receiver acting on it (radio interrupt, FIFO read-out); a sleeping MCU spends them awake."),
      1,
    ),
    broadcastMarginDb: withDefault(
      z.number().min(0).max(40).describe('A broadcast addresses every node whose mean received power is at least its sensitivity minus this margin in dB (and minus 3σ of the shadowing).'),
      0,
    ),
    radio: radioDefaultsSchema.prefault({}).describe("Scenario-wide radio settings; a group's radio block overrides them key by key."),
    node: nodeDefaultsSchema.prefault({}).describe("Scenario-wide node hardware: MCU, battery, rail, wake schedule, solar, memory; a group's node block overrides them key by key."),
    profiles: profilesSchema.optional(),
    sampling: z
      .strictObject({ interval: duration('sampling interval', true).describe('How often the per-node time series (series.csv) is sampled, e.g. "15min".') })
      .prefault({ interval: '1h' })
      .describe('Sampling of the per-node time series. Default: every hour.'),
    faults: z
      .array(faultSchema)
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
      })
      .describe('The nodes, in groups that share a role, a placement and settings; at least one.'),
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
