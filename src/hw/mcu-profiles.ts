/**
 * MCU profiles as data: clock, memories, power, brown-out, int8 throughput per operation type,
 * an optional NPU, and the flash and SRAM left for models after firmware and radio stack. Every
 * figure of a built-in profile names its source URL in `sources`, or is marked `estimate: true`
 * with the reason.
 *
 * Throughput model (used by compute-cost.ts): `macsPerCycle[op]` is int8 multiply-accumulates
 * per CPU clock cycle for `matmul` (dense), `conv` (standard and pointwise convolution) and
 * `depthwise`. For `elementwise` and `softmax` (softmax and normalisation) the work is counted
 * as one unit per element, so the same field holds elements per cycle (the inverse of cycles per
 * element).
 *
 * Calibration (STM32U575, STM32H7A3, STM32L4R5) on MLPerf Tiny v1.2
 * (https://github.com/mlcommons/tiny_results_v1.2, summary.csv), with the op mixes of
 * compute-cost.ts (KWS DS-CNN: 2,368,000 conv + 288,000 depthwise + 768 matmul MACs, 8,000
 * pooled elements, 12 softmax elements; AD autoencoder: 264,192 matmul MACs):
 * 1. matmul = 264,192 / (AD latency × clock);
 * 2. depthwise is assumed to run at half the conv rate per MAC (KWS fixes only their sum; no
 *    per-layer timings are published), elementwise 0.25 and softmax 0.02 per cycle (estimates);
 * 3. conv = (2,368,000 + 288,000 / 0.5) / (KWS cycles − cycles of the FC, pooling and softmax);
 * 4. activePowerMw = harmonic mean of the two measured average powers (µJ / ms), which makes
 *    the KWS and AD energy errors equal and opposite.
 *
 * | MCU       | clock   | AD ms | matmul | KWS ms | conv  | KWS mW | AD mW  | active mW |
 * |-----------|---------|-------|--------|--------|-------|--------|--------|-----------|
 * | stm32u575 | 160 MHz | 3.43  | 0.481  | 29.1   | 0.637 | 22.54  | 23.91  | 23.2      |
 * | stm32h7a3 | 280 MHz | 1.23  | 0.767  | 11.3   | 0.941 | 121.77 | 134.96 | 128.0     |
 * | stm32l4r5 | 120 MHz | 5.26  | 0.419  | 43.2   | 0.572 | 42.13  | 38.59  | 40.3      |
 *
 * The fitted MAC/cycle values fall inside the ranges that the four MLPerf Tiny v1.2 benchmarks
 * give (reference-model MACs / (latency × clock): U575 0.48–0.79, H7A3 0.77–1.12, L4R5
 * 0.42–0.70). Results against the published figures: test/hw/compute-cost.test.ts.
 */
import * as z from 'zod';

export const opTypes = ['matmul', 'conv', 'depthwise', 'elementwise', 'softmax'] as const;
export type OpType = (typeof opTypes)[number];

/** Operation types an NPU may accelerate (softmax, normalisation and elementwise stay on the CPU). */
export const npuOpTypes = ['matmul', 'conv', 'depthwise'] as const;

/** Keys of `sources`: the numeric figures of a profile (per-op rates as `macsPerCycle.<op>`). */
export const figureKeys = [
  'clockHz', 'sramBytes', 'flashBytes', 'supplyV', 'activePowerMw', 'idlePowerMw', 'sleepCurrentUa', 'brownOutV',
  ...opTypes.map((op) => `macsPerCycle.${op}` as const),
  'npu', 'firmwareFlashBytes', 'firmwareSramBytes', 'radioStackFlashBytes', 'radioStackSramBytes',
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
    npu: z
      .strictObject({
        name: z.string().min(1),
        opsPerSecond: positive.describe('Peak int8 ops per second (1 MAC = 2 ops).'),
        opsPerJoule: positive,
        ops: z.array(z.enum(npuOpTypes)).min(1),
      })
      .optional(),
    firmwareFlashBytes: budgetBytes.default(defaultBudget.firmwareFlashBytes),
    firmwareSramBytes: budgetBytes.default(defaultBudget.firmwareSramBytes),
    radioStackFlashBytes: budgetBytes.default(defaultBudget.radioStackFlashBytes),
    radioStackSramBytes: budgetBytes.default(defaultBudget.radioStackSramBytes),
    calibration: z.string().min(1).optional().describe('What the throughput was fitted to; absent means an estimate.'),
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

const kib = 1024;
const mib = 1024 * 1024;
const url = (href: string, note?: string): FigureSource => (note === undefined ? { url: href } : { url: href, note });
const estimate = (reason: string, href?: string): FigureSource => (href === undefined ? { estimate: true, reason } : { estimate: true, reason, url: href });

const mlperf12 = 'https://github.com/mlcommons/tiny_results_v1.2';
const fitted = url(mlperf12, 'fitted to MLPerf Tiny v1.2 KWS and AD (calibration table above)');
const calibration = 'MLPerf Tiny v1.2 KWS (DS-CNN) and AD (FC autoencoder) latency and energy';
const m4Simd = 'https://brendanjameslynskey.github.io/Cortex_M/05-dsp-fpu-helium/';
const helium = 'https://docs.openmv.io/openmvcam/tutorial/ml/engines/cmsis-nn.html';
const rpSpecs = 'https://docs.micropython.org/en/v1.29.0/rp2/general.html';
const n6 = 'https://machdep.com/projects/stm32n6';
const n6Dk = 'https://giacomocolosio02.github.io/stm32n6-docs/hardware_page.html';
const esp = 'https://docs.zephyrproject.org/4.0.0/boards/espressif/esp32s3_devkitc/doc/index.html';
const espPower = 'https://docs.espressif.com/projects/esp-techpedia/zh_CN/latest/esp-friends/advanced-development/performance/lowpower/lowpower-fundamental.html';

const depthwiseHalf = estimate('KWS fixes conv and depthwise only jointly; depthwise assumed at half the conv rate per MAC (no per-layer timings published)', mlperf12);
const elementwiseEstimate = estimate('int8 add/requantise ≈ 4 cycles per element on a DSP Cortex-M (load, multiply-shift, saturate, store); no published per-op figure');
const softmaxEstimate = estimate('int8 softmax/normalisation ≈ 50 cycles per element (max pass, fixed-point exp, sum, divide); no source gives a per-element figure');
const idleRule = estimate('not sourced: Sleep mode (CPU clock gated, buses and flash on) taken as 35% of active power');
const bor = estimate('MCU brown-out reset threshold not extracted; typical lowest BOR level 1.7 V');
const budget = estimate('documented default model budget (defaultBudget): bare-metal firmware with int8 kernels and a LoRaMac-node-class radio stack');
const budgetSources = { firmwareFlashBytes: budget, firmwareSramBytes: budget, radioStackFlashBytes: budget, radioStackSramBytes: budget } as const;

/** Per-cycle rates of a calibrated core, reused as a proxy (values per cycle, so a clock change scales them). */
const u575Rates = { matmul: 0.481, conv: 0.637, depthwise: 0.319, elementwise: 0.25, softmax: 0.02 } as const;
const l4r5Rates = { matmul: 0.419, conv: 0.572, depthwise: 0.286, elementwise: 0.25, softmax: 0.02 } as const;

const inputs: readonly McuProfileInput[] = [
  {
    id: 'stm32u575', core: 'Cortex-M33', clockHz: 160e6, sramBytes: 786 * kib, flashBytes: 2 * mib, flashExternal: false,
    supplyV: 1.8, activePowerMw: 23.2, idlePowerMw: 8.1, sleepCurrentUa: 8.5, brownOutV: 1.7, macsPerCycle: u575Rates, calibration,
    sources: {
      clockHz: url('https://shequ.stmicroelectronics.cn/thread-635695-1-1.html'),
      sramBytes: url('https://www.bitfoic.com/blog/ultra-low-power-consumption-of-stm32u575585-microcontrollersmcu?id=2'),
      flashBytes: url('https://www.bitfoic.com/blog/ultra-low-power-consumption-of-stm32u575585-microcontrollersmcu?id=2'),
      supplyV: url(mlperf12, '1.8 V SMPS, MLPerf Tiny energy runs'), activePowerMw: fitted, idlePowerMw: idleRule,
      sleepCurrentUa: estimate('Stop 2 interpolated for 786 KB retained from the U5A9 figures (4.65 µA with 40 KB, 17.5 µA with 2.5 MB)', 'https://www.github.com/SoCXin/STM32U5A9'),
      brownOutV: bor, 'macsPerCycle.matmul': fitted, 'macsPerCycle.conv': fitted, 'macsPerCycle.depthwise': depthwiseHalf,
      'macsPerCycle.elementwise': elementwiseEstimate, 'macsPerCycle.softmax': softmaxEstimate, ...budgetSources,
    },
  },
  {
    id: 'stm32h7a3', core: 'Cortex-M7', clockHz: 280e6, sramBytes: 1400 * kib, flashBytes: 2 * mib, flashExternal: false,
    supplyV: 3.0, activePowerMw: 128.0, idlePowerMw: 44.8, sleepCurrentUa: 32, brownOutV: 1.7,
    macsPerCycle: { matmul: 0.767, conv: 0.941, depthwise: 0.47, elementwise: 0.25, softmax: 0.02 }, calibration,
    sources: {
      clockHz: url(mlperf12, 'NUCLEO_H7A3ZI_Q system description'),
      sramBytes: estimate('"1.4 MB" is quoted by secondary sources, not verified against a datasheet; taken as 1400 KiB'),
      flashBytes: url('https://git.gag.com/?a=commit&h=0b7eca17691a16e79881243d6d0f38c3eaeb360d&p=fw%2Fopenocd'),
      supplyV: url(mlperf12, '3.0 V SMPS, MLPerf Tiny energy runs'), activePowerMw: fitted, idlePowerMw: idleRule,
      sleepCurrentUa: estimate('datasheet not retrieved; H7 Stop mode with full SRAM retention is tens of µA, assumed 32 µA'),
      brownOutV: bor, 'macsPerCycle.matmul': fitted, 'macsPerCycle.conv': fitted, 'macsPerCycle.depthwise': depthwiseHalf,
      'macsPerCycle.elementwise': elementwiseEstimate, 'macsPerCycle.softmax': softmaxEstimate, ...budgetSources,
    },
  },
  {
    id: 'stm32l4r5', core: 'Cortex-M4F', clockHz: 120e6, sramBytes: 640 * kib, flashBytes: 2 * mib, flashExternal: false,
    supplyV: 1.8, activePowerMw: 40.3, idlePowerMw: 14.1, sleepCurrentUa: 5, brownOutV: 1.7, macsPerCycle: l4r5Rates, calibration,
    sources: {
      clockHz: url(mlperf12, 'system description'),
      sramBytes: estimate('no source retrieved: 640 KB recalled from the STM32L4R5 product page, re-check'),
      flashBytes: estimate('no source retrieved: 2 MB recalled from the STM32L4R5 product page, re-check'),
      supplyV: url(mlperf12, '1.8 V, MLPerf Tiny energy runs'), activePowerMw: fitted, idlePowerMw: idleRule,
      sleepCurrentUa: estimate('not sourced: Stop 2 with full SRAM and RTC assumed a few µA, like the U5 family'),
      brownOutV: bor, 'macsPerCycle.matmul': fitted, 'macsPerCycle.conv': fitted, 'macsPerCycle.depthwise': depthwiseHalf,
      'macsPerCycle.elementwise': elementwiseEstimate, 'macsPerCycle.softmax': softmaxEstimate, ...budgetSources,
    },
  },
  {
    id: 'stm32n6', core: 'Cortex-M55 (Helium) + Neural-ART NPU', clockHz: 800e6, sramBytes: 4200 * kib, flashBytes: 128 * mib, flashExternal: true,
    supplyV: 3.3, activePowerMw: 180, idlePowerMw: 63, sleepCurrentUa: 100, brownOutV: 1.7,
    macsPerCycle: { matmul: 1.0, conv: 2.0, depthwise: 1.0, elementwise: 1.0, softmax: 0.04 },
    npu: { name: 'Neural-ART', opsPerSecond: 600e9, opsPerJoule: 3e12, ops: ['matmul', 'conv', 'depthwise'] },
    firmwareFlashBytes: 256 * kib, firmwareSramBytes: 96 * kib,
    sources: {
      clockHz: url(n6), sramBytes: url(n6, '"4.2 MB" taken as 4200 KiB'),
      flashBytes: url(n6Dk, 'no internal user flash: the N6570-DK carries 128 MB external xSPI OctoFlash'),
      supplyV: estimate('power figures not retrieved; 3.3 V board rail assumed'),
      activePowerMw: estimate('not retrieved: H7A3 measured 128 mW at 280 MHz, scaled by clock to 800 MHz and halved for a newer, lower-voltage core'),
      idlePowerMw: idleRule,
      sleepCurrentUa: estimate('not retrieved: Stop mode retaining 4.2 MB SRAM, assumed 100 µA (leakier than U5: ~5 µA/MB)'),
      brownOutV: bor,
      'macsPerCycle.matmul': estimate('CPU fallback only: Helium ~4× the M7 DSP path per cycle, Cortex-M85 measured 1.0–3.1 MAC/cycle; dense weights stream from external flash', helium),
      'macsPerCycle.conv': estimate('CPU fallback only: from the Cortex-M85 (Helium) 1.0–3.1 MAC/cycle MLPerf range', helium),
      'macsPerCycle.depthwise': estimate('CPU fallback only: half the conv rate, as on the calibrated cores', helium),
      'macsPerCycle.elementwise': estimate('Helium: 4× the scalar DSP estimate of 0.25 per cycle', helium),
      'macsPerCycle.softmax': estimate('runs on the CPU (TinyBERT softmax/LayerNorm 5–15 ms each on N6); 2× the DSP estimate', 'https://giacomocolosio02.github.io/stm32n6-docs/results_page.html'),
      npu: url('https://community.st.com/t5/feedback-forum/npu-and-chiplets-where-st-could-go-and-what-the-mcu-market/td-p/840435', '~600 GOPS at ~1 GHz, ~3 TOPS/W (secondary source); peak figures, no runtime overhead'),
      firmwareFlashBytes: estimate('HAL, NPU runtime and network descriptors; more than the default'), firmwareSramBytes: estimate('NPU runtime buffers and stacks; more than the default'),
      radioStackFlashBytes: budget, radioStackSramBytes: budget,
    },
  },
  {
    id: 'esp32-s3', core: '2× Xtensa LX7 (PIE vector)', clockHz: 240e6, sramBytes: 512 * kib, flashBytes: 8 * mib, flashExternal: true,
    supplyV: 3.3, activePowerMw: 104.6, idlePowerMw: 66, sleepCurrentUa: 240, brownOutV: 2.5,
    macsPerCycle: { matmul: 0.167, conv: 0.941, depthwise: 0.47, elementwise: 0.25, softmax: 0.02 },
    firmwareFlashBytes: 320 * kib, firmwareSramBytes: 160 * kib,
    sources: {
      clockHz: url(esp), sramBytes: url(esp),
      flashBytes: estimate('no internal flash: modules carry 4–32 MB external SPI flash; 8 MB (a common module) assumed', esp),
      supplyV: url('https://lucidar.me/en/esp32/power-consumption-of-esp32-s3-devkitm-1/', 'DevKitM-1 at 3.3 V'),
      activePowerMw: url('https://lucidar.me/en/esp32/power-consumption-of-esp32-s3-devkitm-1/', '31.7 mA × 3.3 V running, used as computing power (secondary source)'),
      idlePowerMw: estimate('lower end of the 20–40 mA active baseline (product page) at 3.3 V', espPower),
      sleepCurrentUa: url(espPower, 'light sleep 240 µA keeps SRAM; deep sleep (7 µA) keeps only RTC memory'),
      brownOutV: estimate('a 3.0–3.6 V part whose SPI flash needs ~3 V; ESP-IDF brown-out detector levels are ~2.4–2.8 V'),
      'macsPerCycle.matmul': estimate('dense weights stream once per inference from quad SPI flash at 80 MHz: 40 MB/s ÷ 240 MHz = 0.167 B/cycle bounds int8 MACs'),
      'macsPerCycle.conv': estimate('no MLPerf Tiny result: PIE 128-bit SIMD with ESP-NN assumed as efficient per cycle as the calibrated Cortex-M7'),
      'macsPerCycle.depthwise': estimate('half the conv rate, as on the calibrated cores'),
      'macsPerCycle.elementwise': elementwiseEstimate, 'macsPerCycle.softmax': softmaxEstimate,
      firmwareFlashBytes: estimate('ESP-IDF with FreeRTOS and no Wi-Fi: ~300 KB of code'), firmwareSramBytes: estimate('ESP-IDF, FreeRTOS and the flash cache carved from internal SRAM'),
      radioStackFlashBytes: budget, radioStackSramBytes: budget,
    },
  },
  {
    id: 'nrf52840', core: 'Cortex-M4F', clockHz: 64e6, sramBytes: 256 * kib, flashBytes: 1 * mib, flashExternal: false,
    supplyV: 3.0, activePowerMw: 9.9, idlePowerMw: 3.5, sleepCurrentUa: 1.5, brownOutV: 1.7, macsPerCycle: l4r5Rates,
    sources: {
      clockHz: url('https://github.com/platformio/platformio-docs/blob/develop/boards/nordicnrf52/nrf52840_dk.rst'),
      sramBytes: url('https://github.com/platformio/platformio-docs/blob/develop/boards/nordicnrf52/nrf52840_dk.rst'),
      flashBytes: url('https://github.com/platformio/platformio-docs/blob/develop/boards/nordicnrf52/nrf52840_dk.rst'),
      supplyV: url('https://embedwise.pages.dev/calculators/nrf52-power-profiler', '3.0 V'),
      activePowerMw: estimate('≈3.3 mA at 3 V running from flash with DC-DC (≈52 µA/MHz), quoted by secondary sources, not verified'),
      idlePowerMw: idleRule,
      sleepCurrentUa: url('https://embedwise.pages.dev/calculators/nrf52-power-profiler', 'System ON idle with RTC, 3 RAM banks retained, 3.0 V'),
      brownOutV: estimate('not extracted: minimum supply 1.7 V assumed as the brown-out point'),
      'macsPerCycle.matmul': estimate('M4 proxy: STM32L4R5 calibrated rate per cycle, scaled by clock', m4Simd),
      'macsPerCycle.conv': estimate('M4 proxy: STM32L4R5 calibrated rate per cycle, scaled by clock', m4Simd),
      'macsPerCycle.depthwise': estimate('M4 proxy: STM32L4R5 rate per cycle, scaled by clock', m4Simd),
      'macsPerCycle.elementwise': elementwiseEstimate, 'macsPerCycle.softmax': softmaxEstimate, ...budgetSources,
    },
  },
  {
    id: 'rp2040', core: '2× Cortex-M0+', clockHz: 133e6, sramBytes: 264 * kib, flashBytes: 2 * mib, flashExternal: true,
    supplyV: 3.3, activePowerMw: 82.5, idlePowerMw: 66, sleepCurrentUa: 2000, brownOutV: 2.7,
    macsPerCycle: { matmul: 0.125, conv: 0.15, depthwise: 0.1, elementwise: 0.125, softmax: 0.01 },
    sources: {
      clockHz: url(rpSpecs), sramBytes: url(rpSpecs),
      flashBytes: estimate('no internal flash: QSPI up to 16 MB (product page); the Raspberry Pi Pico carries 2 MB', rpSpecs),
      supplyV: estimate('board-level currents taken at the 3.3 V rail'),
      activePowerMw: estimate('≈25 mA at 3.3 V: the ~20 mA WFE-loop board figure plus the core busy multiplying', 'https://github.com/rp-rs/rp-hal/issues/659'),
      idlePowerMw: url('https://github.com/rp-rs/rp-hal/issues/659', '~20 mA WFE loop, board-level (secondary source), × 3.3 V'),
      sleepCurrentUa: url('https://www.github.com/nhasbun/pico_power_saving', 'Pico deep sleep ~2 mA, board-level (secondary source)'),
      brownOutV: estimate('chip BOD watches the 1.1 V core; the 3.3 V QSPI flash (min ~2.7 V) is what stops a battery-fed node'),
      'macsPerCycle.matmul': estimate('no SIMD/SMLAD: ~8 cycles per int8 MAC (two byte loads, multiply, add, loop); QSPI XIP (~0.25 B/cycle) does not bind'),
      'macsPerCycle.conv': estimate('no SIMD/SMLAD: ~6–7 cycles per MAC with inputs reused from registers'),
      'macsPerCycle.depthwise': estimate('no SIMD: ~10 cycles per MAC'),
      'macsPerCycle.elementwise': estimate('half the DSP-core estimate (no saturating SIMD instructions)'),
      'macsPerCycle.softmax': estimate('half the DSP-core estimate (no saturating SIMD instructions)'), ...budgetSources,
    },
  },
  {
    id: 'rp2350', core: '2× Cortex-M33', clockHz: 150e6, sramBytes: 520 * kib, flashBytes: 4 * mib, flashExternal: true,
    supplyV: 3.3, activePowerMw: 66, idlePowerMw: 23.1, sleepCurrentUa: 50, brownOutV: 2.7,
    macsPerCycle: { ...u575Rates, matmul: 0.25 },
    sources: {
      clockHz: url(rpSpecs), sramBytes: url(rpSpecs),
      flashBytes: estimate('no internal flash on RP2350A/B: QSPI flash; the Raspberry Pi Pico 2 carries 4 MB', rpSpecs),
      supplyV: estimate('3.3 V rail assumed'),
      activePowerMw: estimate('not retrieved: ~20 mA at 3.3 V assumed, below the RP2040 board figure'),
      idlePowerMw: idleRule,
      sleepCurrentUa: estimate('not retrieved: SLEEP/DORMANT with the always-on timer assumed 50 µA, far below RP2040'),
      brownOutV: estimate('the 3.3 V QSPI flash (min ~2.7 V) is what stops a battery-fed node'),
      'macsPerCycle.matmul': estimate('M33 proxy capped by QSPI XIP at 75 MHz: 37.5 MB/s ÷ 150 MHz = 0.25 B/cycle of streamed int8 weights'),
      'macsPerCycle.conv': estimate('M33 proxy: STM32U575 calibrated rate per cycle'),
      'macsPerCycle.depthwise': estimate('M33 proxy: STM32U575 rate per cycle'),
      'macsPerCycle.elementwise': elementwiseEstimate, 'macsPerCycle.softmax': softmaxEstimate, ...budgetSources,
    },
  },
];

export type McuId = 'stm32u575' | 'stm32h7a3' | 'stm32l4r5' | 'stm32n6' | 'esp32-s3' | 'nrf52840' | 'rp2040' | 'rp2350';

/** The built-in profiles as written (no derived fields): a base to spread user overrides onto. */
export const mcuProfileInputs: Readonly<Record<McuId, McuProfileInput>> = Object.fromEntries(inputs.map((input) => [input.id, input])) as Record<McuId, McuProfileInput>;

/** The built-in profiles, validated by the same schema as user profiles, in listing order. */
export const mcuProfiles: Readonly<Record<McuId, McuProfile>> = Object.fromEntries(
  inputs.map((input) => [input.id, validateMcuProfile(input)]),
) as Record<McuId, McuProfile>;

export const mcuIds = Object.keys(mcuProfiles) as readonly McuId[];

/** True when `figure` of `profile` is marked as an estimate (or has no source at all). */
export function isEstimate(profile: McuProfile, figure: FigureKey): boolean {
  const source = profile.sources[figure];
  return source === undefined || 'estimate' in source;
}
