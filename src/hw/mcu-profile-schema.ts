/**
 * The MCU profile as data: clock, memories and their tiers, power, brown-out, int8 throughput
 * per operation type, an optional NPU at its sustained rates, and the flash and SRAM left for
 * models after firmware and radio stack. Built-in profiles: mcu-profiles.ts; users' own: the
 * `profiles.mcus` block of a scenario (scenario/profiles-schema.ts describes every key).
 *
 * Throughput model (compute-cost.ts): `macsPerCycle[op]` is int8 multiply-accumulates per CPU
 * clock cycle for `matmul` (dense), `conv` (standard and pointwise convolution) and
 * `depthwise`. For `elementwise` and `softmax` (softmax and normalisation) the work is counted
 * as one unit per element, so the same field holds elements per cycle. An NPU runs the
 * operation types it has a rate for (`npu.macsPerSecond`), the others fall back to the CPU.
 */
import * as z from 'zod';
import { memorySchema } from './memory-tiers.ts';

export const opTypes = ['matmul', 'conv', 'depthwise', 'elementwise', 'softmax'] as const;
export type OpType = (typeof opTypes)[number];

/** Operation types an NPU may accelerate (softmax, normalisation and elementwise stay on the CPU). */
export const npuOpTypes = ['matmul', 'conv', 'depthwise'] as const;
export type NpuOpType = (typeof npuOpTypes)[number];

/** Keys of `sources`: the numeric figures of a profile (per-op rates as `macsPerCycle.<op>`, tiers as `memory.<tier>`). */
export const figureKeys = [
  'clockHz', 'sramBytes', 'flashBytes', 'supplyV', 'activePowerMw', 'idlePowerMw', 'sleepCurrentUa', 'brownOutV',
  ...opTypes.map((op) => `macsPerCycle.${op}` as const),
  'memory.sram', 'memory.flash', 'memory.flash.readPjPerByte', 'memory.external', 'memory.external.readPjPerByte',
  'npu', ...npuOpTypes.map((op) => `npu.macsPerSecond.${op}` as const), 'npu.activePowerMw',
  'firmwareFlashBytes', 'firmwareSramBytes', 'radioStackFlashBytes', 'radioStackSramBytes',
  'unitPrice',
] as const;
export type FigureKey = (typeof figureKeys)[number];

/** Documented default model budget: what firmware and radio stack take before any model. */
export const defaultBudget = {
  /** Start-up, HAL, scheduler, swarm protocol and int8 kernels (CMSIS-NN class, ~20–40 KB). */
  firmwareFlashBytes: 96 * 1024,
  /** Main stack 8 KB, heap reserve 8 KB, HAL and protocol state, kernel scratch. */
  firmwareSramBytes: 32 * 1024,
  /** LoRaMac-node-class MAC plus SX126x/SX127x driver, ~40–60 KB. */
  radioStackFlashBytes: 48 * 1024,
  /** Frame buffers for 255-byte PHY frames, fragment reassembly, MAC state. */
  radioStackSramBytes: 8 * 1024,
} as const;

const positive = z.number().positive().finite();
const bytes = z.int().positive();
const budgetBytes = z.int().nonnegative();

/** Where a figure comes from: a URL, or an estimate with its reason (and the URL it builds on). */
export const figureSourceSchema = z.union([
  z.strictObject({ url: z.url(), note: z.string().min(1).optional() }),
  z.strictObject({ estimate: z.literal(true), reason: z.string().min(1), url: z.url().optional() }),
]);
export type FigureSource = z.output<typeof figureSourceSchema>;

export const npuSchema = z.strictObject({
  name: z.string().min(1),
  peakOpsPerSecond: positive.describe('Peak int8 ops per second as marketed (1 MAC = 2 ops), for the record: the model uses macsPerSecond.'),
  macsPerSecond: z
    .partialRecord(z.enum(npuOpTypes), positive)
    .refine((rates) => Object.keys(rates).length > 0, 'expected a rate for at least one of matmul, conv, depthwise'),
  activePowerMw: positive.describe('Power while the NPU runs.'),
});
export type Npu = z.output<typeof npuSchema>;

/**
 * An MCU profile as written (built-in or in a scenario file). Budget fields default to
 * {@link defaultBudget}; the output adds `modelFlashBytes` and `modelSramBytes`.
 */
export const mcuProfileSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lowercase id such as "stm32u575"'),
    core: z.string().min(1).describe('CPU core(s), e.g. "Cortex-M33".'),
    clockHz: positive.describe('CPU clock the figures hold for.'),
    sramBytes: bytes,
    flashBytes: bytes.describe('Flash for code and weights; external (QSPI/xSPI) when flashExternal.'),
    flashExternal: z.boolean(),
    supplyV: positive.describe('Supply voltage at which the power and current figures hold.'),
    activePowerMw: positive.describe('Power while computing (MLPerf Tiny measured where available).'),
    idlePowerMw: positive.describe('Power while awake and not computing.'),
    sleepCurrentUa: positive.describe('Deep sleep with RAM retention and RTC.'),
    brownOutV: positive.describe('Supply voltage below which the node stops (brown-out reset).'),
    macsPerCycle: z.strictObject(Object.fromEntries(opTypes.map((op) => [op, positive])) as Record<OpType, typeof positive>),
    memory: memorySchema.optional(),
    npu: npuSchema.optional(),
    firmwareFlashBytes: budgetBytes.default(defaultBudget.firmwareFlashBytes),
    firmwareSramBytes: budgetBytes.default(defaultBudget.firmwareSramBytes),
    radioStackFlashBytes: budgetBytes.default(defaultBudget.radioStackFlashBytes),
    radioStackSramBytes: budgetBytes.default(defaultBudget.radioStackSramBytes),
    calibration: z.string().min(1).optional().describe('What the throughput was fitted to; absent means an estimate.'),
    unitPrice: z
      .strictObject({
        usd: positive.describe('Price of one part in US dollars.'),
        quantity: z.string().min(1).describe('The quantity the price holds at, e.g. "1", "100", "reel".'),
        date: z.string().min(1).describe('When the price was quoted, e.g. "2026-08" (or "undated").'),
      })
      .optional()
      .describe('What one part costs, for sizing by bill of materials (its source in sources.unitPrice).'),
    sources: z.partialRecord(z.enum(figureKeys), figureSourceSchema).default({}),
  })
  .superRefine((p, ctx) => {
    for (const [memory, total, parts] of [
      ['flash', p.flashBytes, ['firmwareFlashBytes', 'radioStackFlashBytes']],
      ['SRAM', p.sramBytes, ['firmwareSramBytes', 'radioStackSramBytes']],
    ] as const) {
      const used = p[parts[0]] + p[parts[1]];
      if (used >= total) {
        ctx.addIssue({ code: 'custom', path: [parts[0]], message: `expected ${parts.join(' + ')} < ${memory} ${total} B so that models have room, found ${used} B` });
      }
    }
  })
  .transform((p) => ({
    ...p,
    modelFlashBytes: p.flashBytes - p.firmwareFlashBytes - p.radioStackFlashBytes,
    modelSramBytes: p.sramBytes - p.firmwareSramBytes - p.radioStackSramBytes,
  }));

export type McuProfileInput = z.input<typeof mcuProfileSchema>;
export type McuProfile = Readonly<z.output<typeof mcuProfileSchema>>;

/**
 * Validates a profile and derives its model budget; throws zod's error on bad input.
 *
 * @example
 * validateMcuProfile({ ...mcuProfileInputs.stm32u575, id: 'u575-lean', firmwareSramBytes: 16 * 1024 }).modelSramBytes; // 780,288 (762 KiB)
 */
export function validateMcuProfile(input: unknown): McuProfile {
  return mcuProfileSchema.parse(input);
}

/** The operation types `mcu`'s NPU runs (none without an NPU). */
export function npuOps(mcu: McuProfile): readonly NpuOpType[] {
  return mcu.npu === undefined ? [] : npuOpTypes.filter((op) => mcu.npu!.macsPerSecond[op] !== undefined);
}

/** True when `figure` of `profile` is marked as an estimate (or has no source at all). */
export function isEstimate(profile: McuProfile, figure: FigureKey): boolean {
  const source = profile.sources[figure];
  return source === undefined || 'estimate' in source;
}
