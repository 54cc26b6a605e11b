/**
 * Descriptions that end with the field's default (issue 16): what `loraswarm schema` gives
 * editors and docs/reference/scenario.md shows. The default is written once, beside the value
 * the schema applies, so that text and behaviour cannot drift apart. The reference generator
 * takes the closing "Default: …" sentence for its default column.
 */
import * as z from 'zod';

type Output<T extends z.ZodType> = Exclude<z.output<T>, undefined>;

/**
 * `schema` with a default value, its description ending with "Default: `shown`." (the value
 * itself when `shown` is left out).
 *
 * @example
 * withDefault(z.number().describe('Transmit power in dBm.'), 14); // described 'Transmit power in dBm. Default: 14.'
 */
export function withDefault<T extends z.ZodType>(schema: T, value: Output<T>, shown: string = String(value)): z.ZodDefault<T> {
  return schema.default(value as never).describe(`${schema.description ?? ''} Default: ${shown}.`);
}

/**
 * A field that has its default already (a schema defined elsewhere, such as a hardware
 * profile's), described with it.
 *
 * @example
 * describeDefaulted(z.number().default(0.8), 'Charger efficiency.'); // described 'Charger efficiency. Default: 0.8.'
 */
export function describeDefaulted<T extends z.ZodDefault>(schema: T, text: string, shown: string = String(schema.def.defaultValue)): T {
  return schema.describe(`${text} Default: ${shown}.`);
}

/**
 * `schema`, optional, its default derived elsewhere (from the region, the chip, the group's
 * modulation…): `text` says how.
 *
 * @example
 * withDerivedDefault(z.string().describe('Sensitivity table.'), "the chip's"); // described 'Sensitivity table. Default: the chip's.'
 */
export function withDerivedDefault<T extends z.ZodType>(schema: T, text: string): z.ZodOptional<T> {
  return schema.optional().describe(`${schema.description ?? ''} Default: ${text}.`);
}

/**
 * The fields of a scenario-wide block as a group may override them: each description ends
 * with its default, the scenario-wide value (`block.key`).
 *
 * @example
 * overriding({ sf: z.int().describe('Spreading factor.') }, 'radio'); // sf described 'Spreading factor. Default: the scenario-wide radio.sf.'
 */
export function overriding<T extends Record<string, z.ZodType>>(fields: T, block: string): T {
  const entries = Object.entries(fields).map(([key, schema]) => [key, schema.describe(`${schema.description ?? ''} Default: the scenario-wide ${block}.${key}.`)]);
  return Object.fromEntries(entries) as T;
}
