/**
 * A group of scenario files: nodes that share a role, a placement, radio and node settings and
 * the traffic they send.
 */
import * as z from 'zod';
import { opTypes } from '../hw/mcu-profiles.ts';
import { durationSchema as duration } from './duration.ts';
import { withDefault, withDerivedDefault } from './described.ts';
import { nodeOverridesSchema } from './node-settings.ts';
import { placementSchema } from './placement-schema.ts';
import { radioOverridesSchema } from './radio-schema.ts';

/** Names of scenarios, groups and nodes. */
export const nodeIdPattern = /^[A-Za-z0-9_.-]+$/;

const computeSchema = z.strictObject({
  macs: z.int().min(1).max(1e12).describe('Multiply-accumulates per message (elements for elementwise and softmax), e.g. 264192 (the MLPerf Tiny anomaly-detection autoencoder).'),
  op: withDefault(z.enum(opTypes).describe("Operation type, which sets the MCU's throughput (macsPerCycle) and whether its NPU takes the work: matmul, conv, depthwise, elementwise or softmax."), 'matmul'),
});

const trafficSchema = z
  .strictObject({
    kind: z
      .enum(['poisson', 'periodic'])
      .describe('poisson: exponential gaps with mean interval; periodic: every interval (± jitter), the first at a uniform time within the first interval.'),
    interval: duration('traffic interval', true).describe('Mean (poisson) or period (periodic) between messages, in milliseconds or with a unit, e.g. "10min".'),
    jitter: withDerivedDefault(duration('traffic jitter', false).describe('Periodic only: each gap varies uniformly by ± this much, at most interval, e.g. "30s".'), '0'),
    payloadBytes: z
      .int()
      .min(0)
      .max(1_000_000)
      .describe('Application payload of each message in bytes; a message longer than one frame carries goes in fragments, each with a 5-byte header, at most 4095 of them.'),
    to: withDefault(
      z.enum(['sink', 'peer', 'broadcast']).describe('Destination: sink (the nearest other sink, by mean path loss), peer (a non-sink node in range, drawn per message; any other node when none is) or broadcast (every node in range).'),
      'sink',
    ),
    deadline: withDerivedDefault(duration('frame deadline', false).describe('A frame still unsent this long after it was queued is dutyCycleBlocked, e.g. "1h".'), 'none'),
    queueCapacity: withDerivedDefault(
      z.int().min(1).max(1_000_000).describe("Messages a node's queue holds waiting to be sent; a message that finds it full is dutyCycleBlocked (all its fragments)."),
      '8',
    ),
    compute: withDerivedDefault(computeSchema.describe('Work the MCU does before each message (an on-device inference, say), costed by the compute model.'), 'none'),
  })
  .superRefine((traffic, ctx) => {
    if (traffic.jitter !== undefined && traffic.jitter > traffic.interval) {
      ctx.addIssue({ code: 'custom', path: ['jitter'], message: `expected jitter ≤ interval (${traffic.interval} ms), found ${traffic.jitter} ms` });
    }
  });

const explicitNodeSchema = z.strictObject({
  id: withDerivedDefault(z.string().regex(nodeIdPattern, 'expected a node id of letters, digits, "_", "." or "-"').describe('Node id, unique in the scenario, e.g. "gw-north".'), '<group name>-<index>'),
  xM: z.number().describe('x in metres.'),
  yM: z.number().describe('y in metres.'),
});

const receivePaths = z
  .union([z.int().min(1), z.literal('unlimited')], { error: 'expected an integer ≥ 1 or "unlimited"' })
  .describe("Frames each of the group's receivers can demodulate at once (a gateway's demodulation paths), or \"unlimited\"; a frame that finds them all busy is lost (noReceivePath).");

export const groupSchema = z
  .strictObject({
    name: z
      .string()
      .regex(nodeIdPattern, 'expected a group name of letters, digits, "_", "." or "-"')
      .describe('Group name, unique: it names the nodes (<name>-0, <name>-1, …) and addresses the group in --set (groups.<name>.count=500).'),
    role: withDefault(z.enum(['node', 'sink']).describe('node: an end device; sink: a gateway, where traffic with to: sink goes and, by default, the coordinator of federated learning (8 receive paths, no model units unless told).'), 'node'),
    count: z.int().min(0).max(1_000_000).optional().describe('How many nodes the group places with placement (0: the group is off). Give count and placement, or nodes.'),
    placement: placementSchema.optional(),
    nodes: z.array(explicitNodeSchema).min(1).optional().describe('Explicit positions, one item per node, instead of count and placement.'),
    receivePaths: withDerivedDefault(receivePaths, '8 for sinks (unlimited with compat: lorasim), unlimited for nodes'),
    radio: radioOverridesSchema.optional().describe("The group's radio settings: any keys of the scenario-wide radio block, which gives the others."),
    node: nodeOverridesSchema.optional().describe("The group's node hardware: any keys of the scenario-wide node block, which gives the others."),
    traffic: withDerivedDefault(trafficSchema.describe('Application messages each node of the group sends.'), 'none (the nodes send no messages of their own)'),
    holdsUnits: withDerivedDefault(
      z.boolean().describe("Whether the group's nodes may hold model units and be federated-learning clients."),
      'yes for role node, no for sinks',
    ),
  })
  .superRefine((group, ctx) => {
    if (group.nodes && (group.count !== undefined || group.placement)) {
      ctx.addIssue({ code: 'custom', message: 'expected either "nodes" (explicit positions) or "count" with "placement", found both' });
    }
    if (!group.nodes && (group.count === undefined || !group.placement)) {
      ctx.addIssue({ code: 'custom', message: 'expected "nodes" (explicit positions) or "count" with "placement"' });
    }
  });
