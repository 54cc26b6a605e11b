/**
 * A group's `placement` in scenario files: where its `count` nodes go (placement.ts places
 * them), on a disc (at random, or evenly: sunflower), a grid or in a rectangle.
 */
import * as z from 'zod';
import { withDerivedDefault } from './described.ts';

const point = z.tuple([z.number(), z.number()]);
const origin = withDerivedDefault(point.describe('[x, y] in metres of the corner with the lowest x and y.'), '[0, 0]');

const discSchema = z.strictObject({
  shape: z.literal('disc').describe('disc: uniformly at random over a disc.'),
  radiusM: z
    .union([z.number().min(0), z.literal('auto')], { error: 'expected a radius ≥ 0 in metres, or "auto"' })
    .describe("Radius in metres, or \"auto\": the distance at which the mean link budget to the first sink closes at the group's SF (its highest with sf: auto)."),
  centerM: withDerivedDefault(point.describe('Centre [x, y] in metres, e.g. [500, 0].'), '[0, 0]'),
  minSeparationM: withDerivedDefault(z.number().min(0).describe('Minimum distance in metres between nodes (how it binds depends on distribution).'), '0 (none)'),
  distribution: withDerivedDefault(
    z
      .enum(['uniform', 'lorasim'])
      .describe(
        'uniform: r = R·√u, uniform over the area; a node is redrawn (up to 10,000 times) until it is minSeparationM from every node placed before it, in any group. ' +
          "lorasim: LoRaSim 0.2.1's placement: r = max(u1, u2)·R, θ = 2π·min/max (also uniform over the area), a candidate kept as soon as ANY earlier node of its group is minSeparationM away (LoRaSim's check, which almost never binds), giving up after 100 too-close pairs for one node.",
      ),
    'uniform',
  ),
});

const sunflowerSchema = z.strictObject({
  shape: z
    .literal('sunflower')
    .describe("sunflower: evenly over a disc for any count, without randomness (Vogel's spiral: node i at radius R·√(i / count), i × 137.5° round; the first at the centre). Where a planner would put gateways or base stations."),
  radiusM: z.number().min(0).describe('Radius in metres.'),
  centerM: withDerivedDefault(point.describe('Centre [x, y] in metres, e.g. [500, 0].'), '[0, 0]'),
});

const gridSchema = z.strictObject({
  shape: z.literal('grid').describe('grid: points spacingM apart, filled row by row from originM (x grows along a row, y from row to row).'),
  spacingM: z.number().positive().describe('Distance in metres between neighbouring points, e.g. 100.'),
  columns: withDerivedDefault(z.int().positive().describe('Points per row.'), '⌈√count⌉, a square'),
  originM: origin,
});

const rectangleSchema = z.strictObject({
  shape: z.literal('rectangle').describe('rectangle: uniformly at random in a widthM × heightM rectangle.'),
  widthM: z.number().min(0).describe('Width in metres (along x).'),
  heightM: z.number().min(0).describe('Height in metres (along y).'),
  originM: origin,
});

/** Where a group's `count` nodes go; each node draws from its own stream. */
export const placementSchema = z
  .discriminatedUnion('shape', [discSchema, sunflowerSchema, gridSchema, rectangleSchema])
  .describe("Where the group's count nodes go: a disc, evenly over a disc (sunflower), a grid or a rectangle. Each node draws from its own stream, so adding nodes to a group never moves the others.");
