/**
 * The built-in MCU profiles (the STM32 parts in mcu-profiles-stm32.ts, the others in
 * mcu-profiles-others.ts), validated by the same schema as users' own (mcu-profile-schema.ts,
 * re-exported here). Every figure of a built-in profile names its source URL in `sources`, or is
 * marked `estimate: true` with the reason; what each calibrated profile was fitted to, and its
 * error against every published figure, fitted or held out, is in benchmarks.ts.
 */
import { validateMcuProfile, type McuProfile, type McuProfileInput } from './mcu-profile-schema.ts';
import { otherProfiles } from './mcu-profiles-others.ts';
import { stm32Profiles } from './mcu-profiles-stm32.ts';

export {
  defaultBudget, figureKeys, figureSourceSchema, isEstimate, mcuProfileSchema, npuOps, npuOpTypes, opTypes, validateMcuProfile,
  type FigureKey, type FigureSource, type McuProfile, type McuProfileInput, type Npu, type NpuOpType, type OpType,
} from './mcu-profile-schema.ts';

const inputs: readonly McuProfileInput[] = [...stm32Profiles, ...otherProfiles];

export type McuId = 'stm32u575' | 'stm32h7a3' | 'stm32l4r5' | 'stm32n6' | 'esp32-s3' | 'nrf52840' | 'rp2040' | 'rp2350';

/** The built-in profiles as written (no derived fields): a base to spread user overrides onto. */
export const mcuProfileInputs: Readonly<Record<McuId, McuProfileInput>> = Object.fromEntries(inputs.map((input) => [input.id, input])) as Record<McuId, McuProfileInput>;

/** The built-in profiles, validated by the same schema as user profiles, in listing order. */
export const mcuProfiles: Readonly<Record<McuId, McuProfile>> = Object.fromEntries(
  inputs.map((input) => [input.id, validateMcuProfile(input)]),
) as Record<McuId, McuProfile>;

export const mcuIds = Object.keys(mcuProfiles) as readonly McuId[];
