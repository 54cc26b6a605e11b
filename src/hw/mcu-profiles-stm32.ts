/**
 * The built-in STM32 profiles: three Cortex-M parts calibrated on MLPerf Tiny, and the STM32N6
 * (Cortex-M55 and the Neural-ART NPU) calibrated on ST's Model Zoo. Published figures, with the
 * error of every prediction against them: benchmarks.ts (and `loraswarm mcu --mcu X`).
 *
 * Calibration of the Cortex-M parts on MLPerf Tiny v1.2
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
 * The weights of these runs sit in internal flash, whose bandwidth (derived from the flash
 * word and wait states) is 3–8× what the arithmetic asks, so memory never binds them.
 *
 * STM32N6 (STM32N6570-DK), on ST's Model Zoo (weights in the xSPI2 octo-SPI flash, activations
 * in the NPU RAMs) and ST's power-measurement application:
 * 1. xSPI flash bandwidth: MobileNet v2 ImageNet and food-101 differ only in the classifier
 *    head (1,152,266 B of dense weights read once): +3.00–3.02 ms in three pairs, 382 MB/s;
 * 2. NPU conv rate: Tiny YOLO v2 416 (2,669 M MACs, compute-bound) in 50.91 ms, 52.4 GMAC/s;
 * 3. NPU depthwise rate: MobileNet v1 1.0 224 (17.4 M depthwise MACs of 568.7 M) in 19.41 ms,
 *    with the rest at the conv rate: 1.96 GMAC/s (depthwise layers keep the engines ~4 % busy);
 * 4. NPU power: Tiny YOLO v2 224 inference, 8,068 µJ in 30.46 ms on VddCore: 264.87 mW.
 * A unit's time is max(weight bytes / tier bandwidth, Σ MACs / rate) (the NPU's stream engines
 * prefetch weights while the convolution engines compute).
 */
import type { McuProfileInput } from './mcu-profile-schema.ts';
import {
  bor, budgetSources, calibration, depthwiseHalf, elementwiseEstimate, estimate, fitted, flashReadsInActivePower, idleRule, kib, l4r5Rates, mib,
  mlperf12, radioBudgetSources, softmaxEstimate, sramWord, u575Rates, url,
} from './mcu-profile-sources.ts';

const helium = 'https://docs.openmv.io/openmvcam/tutorial/ml/engines/cmsis-nn.html';
const n6 = 'https://machdep.com/projects/stm32n6';
const n6Dk = 'https://giacomocolosio02.github.io/stm32n6-docs/hardware_page.html';
const n6Power = 'https://github.com/STMicroelectronics/x-cube-n6-ai-power-measurement/blob/b45cf877726059e88172ac422f08a988175f2a07/Utilities/pwr_scripts/README.md';
const n6Pools = 'https://github.com/STMicroelectronics/STM32N6-GettingStarted-ReID/blob/main/Model/my_mpools/reid/stm32n6-app2_STM32N6570-DK.mpool';
const n6DkBoard = 'https://github.com/zephyrproject-rtos/zephyr/blob/main/boards/st/stm32n6570_dk/stm32n6570_dk_common.dtsi';
const zoo = 'https://github.com/STMicroelectronics/stm32ai-modelzoo/blob/6f10965e6a40e2a28abd9c181f43cac4de4111c5';
const u5Flash = 'https://github.com/embassy-rs/embassy/blob/main/embassy-stm32/src/rcc/u5.rs';
const h7Flash = 'https://github.com/embassy-rs/embassy/blob/main/embassy-stm32/src/rcc/h.rs';
const l4r5Dtsi = 'https://github.com/zephyrproject-rtos/zephyr/blob/main/dts/arm/st/l4/stm32l4r5.dtsi';

export const stm32Profiles: readonly McuProfileInput[] = [
  {
    id: 'stm32u575', core: 'Cortex-M33', clockHz: 160e6, sramBytes: 786 * kib, flashBytes: 2 * mib, flashExternal: false,
    supplyV: 1.8, activePowerMw: 23.2, idlePowerMw: 8.1, sleepCurrentUa: 8.5, brownOutV: 1.7, macsPerCycle: u575Rates, calibration,
    unitPrice: { usd: 10.62, quantity: '1', date: '2026-08' },
    memory: {
      sram: { name: 'SRAM1–3 (192 + 64 + 512 KB), 32-bit AHB', readBytesPerSecond: 640e6, readPjPerByte: 0 },
      flash: { name: 'internal flash, 2 MB in two banks, 128-bit reads, 4 wait states at 160 MHz, 8 KB ICACHE', readBytesPerSecond: 512e6, readPjPerByte: 0 },
    },
    sources: {
      clockHz: url('https://shequ.stmicroelectronics.cn/thread-635695-1-1.html'),
      sramBytes: url('https://www.bitfoic.com/blog/ultra-low-power-consumption-of-stm32u575585-microcontrollersmcu?id=2'),
      flashBytes: url('https://www.bitfoic.com/blog/ultra-low-power-consumption-of-stm32u575585-microcontrollersmcu?id=2'),
      supplyV: url(mlperf12, '1.8 V SMPS, MLPerf Tiny energy runs'), activePowerMw: fitted, idlePowerMw: idleRule,
      sleepCurrentUa: estimate('Stop 2 interpolated for 786 KB retained from the U5A9 figures (4.65 µA with 40 KB, 17.5 µA with 2.5 MB)', 'https://www.github.com/SoCXin/STM32U5A9'),
      brownOutV: bor, 'macsPerCycle.matmul': fitted, 'macsPerCycle.conv': fitted, 'macsPerCycle.depthwise': depthwiseHalf,
      'macsPerCycle.elementwise': elementwiseEstimate, 'macsPerCycle.softmax': softmaxEstimate,
      'memory.sram': sramWord(4, 160, 'https://probe.rs/targets/master/STM32U575CGUx', 'SRAM banks from the probe-rs target map'),
      'memory.flash': estimate('derived: a 16-byte flash access every 5 cycles (4 wait states above 128 MHz in voltage range 1, RM0456 as coded in embassy) at 160 MHz', u5Flash),
      'memory.flash.readPjPerByte': flashReadsInActivePower, ...budgetSources,
      unitPrice: url('https://www.mouser.com/en/ProductDetail/STMicroelectronics/STM32U575CIT6', 'STM32U575CIT6 at Mouser, $10.62 at quantity 1 ($7.03 at 100), as quoted by a cost model on GitHub dated 2026-08-20 (secondary)'),
    },
  },
  {
    id: 'stm32h7a3', core: 'Cortex-M7', clockHz: 280e6, sramBytes: 1400 * kib, flashBytes: 2 * mib, flashExternal: false,
    supplyV: 3.0, activePowerMw: 128.0, idlePowerMw: 44.8, sleepCurrentUa: 32, brownOutV: 1.7,
    macsPerCycle: { matmul: 0.767, conv: 0.941, depthwise: 0.47, elementwise: 0.25, softmax: 0.02 }, calibration,
    unitPrice: { usd: 15, quantity: '1', date: '2026-09' },
    memory: {
      sram: { name: 'AXI SRAM1–3 (256 + 384 + 384 KB) and AHB SRAM, 64-bit AXI', readBytesPerSecond: 2240e6, readPjPerByte: 0 },
      flash: { name: 'internal flash, 2 MB, 128-bit flash word, 6 wait states at 280 MHz (VOS0), M7 caches', readBytesPerSecond: 640e6, readPjPerByte: 0 },
    },
    sources: {
      clockHz: url(mlperf12, 'NUCLEO_H7A3ZI_Q system description'),
      sramBytes: estimate('"1.4 MB" is quoted by secondary sources; the Zephyr device tree lists 1,376 KB of banks; taken as 1400 KiB', 'https://github.com/zephyrproject-rtos/zephyr/blob/main/dts/arm/st/h7/stm32h7a3.dtsi'),
      flashBytes: url('https://git.gag.com/?a=commit&h=0b7eca17691a16e79881243d6d0f38c3eaeb360d&p=fw%2Fopenocd'),
      supplyV: url(mlperf12, '3.0 V SMPS, MLPerf Tiny energy runs'), activePowerMw: fitted, idlePowerMw: idleRule,
      sleepCurrentUa: estimate('datasheet not retrieved; H7 Stop mode with full SRAM retention is tens of µA, assumed 32 µA'),
      brownOutV: bor, 'macsPerCycle.matmul': fitted, 'macsPerCycle.conv': fitted, 'macsPerCycle.depthwise': depthwiseHalf,
      'macsPerCycle.elementwise': elementwiseEstimate, 'macsPerCycle.softmax': softmaxEstimate,
      'memory.sram': sramWord(8, 280, 'https://github.com/zephyrproject-rtos/zephyr/blob/main/dts/arm/st/h7/stm32h7a3.dtsi', 'AXI bus width not verified (64 bits assumed)'),
      'memory.flash': estimate('derived: a 16-byte flash word every 7 cycles (6 wait states at 280 MHz in VOS0, "RM0455 Rev 10 Table 16" as coded in embassy)', h7Flash),
      'memory.flash.readPjPerByte': flashReadsInActivePower, ...budgetSources,
      unitPrice: estimate('STM32H7A3ZIT6 "~$15" single unit at DigiKey, as written in a design note on GitHub (Sept 2026); approximate, no distributor page read'),
    },
  },
  {
    id: 'stm32l4r5', core: 'Cortex-M4F', clockHz: 120e6, sramBytes: 640 * kib, flashBytes: 2 * mib, flashExternal: false,
    supplyV: 1.8, activePowerMw: 40.3, idlePowerMw: 14.1, sleepCurrentUa: 5, brownOutV: 1.7, macsPerCycle: l4r5Rates, calibration,
    memory: {
      sram: { name: 'SRAM1–3 (192 + 64 + 384 KB), 32-bit AHB', readBytesPerSecond: 480e6, readPjPerByte: 0 },
      flash: { name: 'internal flash, 2 MB, 64-bit reads, 5 wait states at 120 MHz, ART accelerator', readBytesPerSecond: 160e6, readPjPerByte: 0 },
    },
    sources: {
      clockHz: url(mlperf12, 'system description'),
      sramBytes: url(l4r5Dtsi, 'SRAM1 192 KB + SRAM2 64 KB + SRAM3 384 KB, "total SRAM 640KB"'),
      flashBytes: url('https://github.com/zephyrproject-rtos/zephyr/blob/main/dts/arm/st/l4/stm32l4r5Xi.dtsi', '2 MB'),
      supplyV: url(mlperf12, '1.8 V, MLPerf Tiny energy runs'), activePowerMw: fitted, idlePowerMw: idleRule,
      sleepCurrentUa: estimate('not sourced: Stop 2 with full SRAM and RTC assumed a few µA, like the U5 family'),
      brownOutV: bor, 'macsPerCycle.matmul': fitted, 'macsPerCycle.conv': fitted, 'macsPerCycle.depthwise': depthwiseHalf,
      'macsPerCycle.elementwise': elementwiseEstimate, 'macsPerCycle.softmax': softmaxEstimate,
      'memory.sram': sramWord(4, 120, l4r5Dtsi, 'SRAM banks from the Zephyr device tree'),
      'memory.flash': estimate('derived, wait states not verified: an 8-byte access every 6 cycles (5 wait states at 120 MHz assumed)', l4r5Dtsi),
      'memory.flash.readPjPerByte': flashReadsInActivePower, ...budgetSources,
    },
  },
  {
    id: 'stm32n6', core: 'Cortex-M55 (Helium) + Neural-ART NPU', clockHz: 800e6, sramBytes: 4200 * kib, flashBytes: 128 * mib, flashExternal: true,
    supplyV: 3.3, activePowerMw: 150.5, idlePowerMw: 80.27, sleepCurrentUa: 100, brownOutV: 1.7,
    macsPerCycle: { matmul: 1.0, conv: 2.0, depthwise: 1.0, elementwise: 1.0, softmax: 0.04 },
    memory: {
      sram: { name: 'AXISRAM1–6 (AXISRAM3–6: 4 × 448 KB next to the NPU), 64-bit ports', readBytesPerSecond: 6.4e9, readPjPerByte: 0 },
      flash: { name: 'xSPI2 octo-SPI NOR, memory-mapped (MX66UW1G45G, 128 MB), 200 MHz DTR (400 MB/s raw)', readBytesPerSecond: 382e6, readPjPerByte: 141 },
      external: { kind: 'psram', name: 'xSPI1 hexadeca-SPI PSRAM (APS256XXN-OBR, 32 MB), 200 MHz DDR', bytes: 32 * mib, readBytesPerSecond: 800e6, readPjPerByte: 68 },
    },
    npu: { name: 'Neural-ART', peakOpsPerSecond: 600e9, macsPerSecond: { matmul: 52.4e9, conv: 52.4e9, depthwise: 1.96e9 }, activePowerMw: 264.87 },
    firmwareFlashBytes: 256 * kib, firmwareSramBytes: 96 * kib,
    calibration: "ST Model Zoo on the STM32N6570-DK (NPU rates, xSPI flash bandwidth) and ST's power measurement (NPU power)",
    sources: {
      clockHz: url(n6), sramBytes: url(n6, '"4.2 MB" taken as 4200 KiB'),
      flashBytes: url(n6Dk, 'no internal user flash: the N6570-DK carries 128 MB external xSPI OctoFlash'),
      supplyV: url(n6Power, 'VddCore measured with an STLINK-V3PWR at 3.3 V upstream of the SMPS'),
      activePowerMw: url(n6Power, 'CPU busy (nn_buffer copy and post-processing steps): 150.50 mW, core domain'),
      idlePowerMw: url(n6Power, '"wait frame" step, CPU waiting with the camera pipeline on: 80.27 mW, an upper bound'),
      sleepCurrentUa: estimate('not retrieved: Stop mode retaining 4.2 MB SRAM, assumed 100 µA (leakier than U5: ~5 µA/MB)'),
      brownOutV: bor,
      'macsPerCycle.matmul': estimate('CPU fallback only: Helium ~4× the M7 DSP path per cycle, Cortex-M85 measured 1.0–3.1 MAC/cycle', helium),
      'macsPerCycle.conv': estimate('CPU fallback only: from the Cortex-M85 (Helium) 1.0–3.1 MAC/cycle MLPerf range', helium),
      'macsPerCycle.depthwise': estimate('CPU fallback only: half the conv rate, as on the calibrated cores', helium),
      'macsPerCycle.elementwise': estimate('Helium: 4× the scalar DSP estimate of 0.25 per cycle', helium),
      'macsPerCycle.softmax': estimate('runs on the CPU (TinyBERT softmax/LayerNorm 5–15 ms each on N6); 2× the DSP estimate', 'https://giacomocolosio02.github.io/stm32n6-docs/results_page.html'),
      'memory.sram': estimate("derived from ST's memory-pool file for the Neural-ART compiler: 8-byte ports at freqRatio 1.25 of the 1 GHz NPU clock", n6Pools),
      'memory.flash': url(`${zoo}/image_classification/mobilenetv2/README.md`, 'fitted: the ImageNet and food-101 heads differ by 1,152,266 B of dense weights and 3.00–3.02 ms in three model pairs; 200 MHz DTR from the Zephyr board file'),
      'memory.flash.readPjPerByte': estimate('no octal NOR read current was reachable: ~30 mA at 1.8 V while streaming at 382 MB/s assumed (VddCore, which the NPU power measures, excludes the flash)'),
      'memory.external': url(n6DkBoard, 'APS256XXN-OBR, 16 lines at 200 MHz: "800MBps read/write throughput – X16" (AP Memory datasheet)'),
      'memory.external.readPjPerByte': estimate('no PSRAM read current was reachable (the datasheet page read gives only standby, 90 µA): ~30 mA at 1.8 V at 800 MB/s assumed'),
      npu: url('https://community.st.com/t5/feedback-forum/npu-and-chiplets-where-st-could-go-and-what-the-mcu-market/td-p/840435', '~600 GOPS peak at ~1 GHz (secondary source); the sustained rates are below'),
      'npu.macsPerSecond.conv': url(`${zoo}/object_detection/tiny_yolo_v2/README.md`, 'fitted: Tiny YOLO v2 416, 2,669 M MACs (from the yolov2-tiny layer plan) in 50.91 ms'),
      'npu.macsPerSecond.depthwise': url(`${zoo}/image_classification/mobilenetv1/README.md`, 'fitted: MobileNet v1 1.0 224, 19.41 ms, with its pointwise and standard convolutions at the conv rate'),
      'npu.macsPerSecond.matmul': estimate('dense layers run on the same convolution engines: the conv rate; with weights read once per use the memory tier binds long before it'),
      'npu.activePowerMw': url(n6Power, 'fitted: Tiny YOLO v2 224 "nn inference" 8,068.1 µJ in 30.46 ms, 264.87 mW on VddCore'),
      firmwareFlashBytes: estimate('HAL, NPU runtime and network descriptors; more than the default'), firmwareSramBytes: estimate('NPU runtime buffers and stacks; more than the default'),
      ...radioBudgetSources,
    },
  },
];
