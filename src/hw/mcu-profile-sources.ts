/**
 * The sources the built-in MCU profiles share (mcu-profiles-stm32.ts, mcu-profiles-others.ts):
 * URL and estimate markers, and the estimates several profiles rest on, each with its reason.
 */
import type { FigureSource } from './mcu-profile-schema.ts';

export const kib = 1024;
export const mib = 1024 * 1024;

export const url = (href: string, note?: string): FigureSource => (note === undefined ? { url: href } : { url: href, note });
export const estimate = (reason: string, href?: string): FigureSource => (href === undefined ? { estimate: true, reason } : { estimate: true, reason, url: href });

export const mlperf12 = 'https://github.com/mlcommons/tiny_results_v1.2';
export const fitted = url(mlperf12, 'fitted to MLPerf Tiny v1.2 KWS and AD (calibration table in mcu-profiles-stm32.ts)');
export const calibration = 'MLPerf Tiny v1.2 KWS (DS-CNN) and AD (FC autoencoder) latency and energy';

export const depthwiseHalf = estimate('KWS fixes conv and depthwise only jointly; depthwise assumed at half the conv rate per MAC (no per-layer timings published)', mlperf12);
export const elementwiseEstimate = estimate('int8 add/requantise ≈ 4 cycles per element on a DSP Cortex-M (load, multiply-shift, saturate, store); no published per-op figure');
export const softmaxEstimate = estimate('int8 softmax/normalisation ≈ 50 cycles per element (max pass, fixed-point exp, sum, divide); no source gives a per-element figure');
export const idleRule = estimate('not sourced: Sleep mode (CPU clock gated, buses and flash on) taken as 35% of active power');
export const bor = estimate('MCU brown-out reset threshold not extracted; typical lowest BOR level 1.7 V');
const budget = estimate('documented default model budget (defaultBudget): bare-metal firmware with int8 kernels and a LoRaMac-node-class radio stack');
export const budgetSources = { firmwareFlashBytes: budget, firmwareSramBytes: budget, radioStackFlashBytes: budget, radioStackSramBytes: budget } as const;
export const radioBudgetSources = { radioStackFlashBytes: budget, radioStackSramBytes: budget } as const;

/** An on-chip SRAM tier's bandwidth: one word per core clock (no published streaming figure). */
export const sramWord = (bytes: number, mhz: number, href: string, banks: string): FigureSource =>
  estimate(`${banks}; read bandwidth derived as one ${bytes}-byte word per ${mhz} MHz core clock (no published streaming figure); reads are inside the active power`, href);
/** Internal flash reads: inside the measured active power (the benchmarks read their weights from it). */
export const flashReadsInActivePower = estimate('0 beyond the active power: the MLPerf Tiny runs that calibrate the profile read their weights from this flash, so its read current is inside the measured power');
/** Board-level power that already includes the (code) flash being read. */
export const boardLevelReads = estimate('0 beyond the active power: the active figure is board-level while code runs from this same flash, so its read current is largely inside it (no datasheet read current was reachable)');

/** Per-cycle rates of a calibrated core, reused as a proxy (values per cycle, so a clock change scales them). */
export const u575Rates = { matmul: 0.481, conv: 0.637, depthwise: 0.319, elementwise: 0.25, softmax: 0.02 } as const;
export const l4r5Rates = { matmul: 0.419, conv: 0.572, depthwise: 0.286, elementwise: 0.25, softmax: 0.02 } as const;
