/**
 * Published benchmark figures and the profiles' predictions of them: what each calibrated
 * profile was fitted to, what was kept out of the fit to check it, and what the model does not
 * reach (shown with the reason, never claimed). `loraswarm mcu --mcu X` prints them;
 * test/hw/benchmarks.test.ts holds the fitted figures within 10 % and the held-out ones within
 * 30 %.
 *
 * Workloads are the reference networks' operations (MACs by type, derived from their layer
 * plans) and their int8 weight bytes, read from the tier they were deployed in: internal flash
 * for MLPerf Tiny, the xSPI2 octo-SPI flash for ST's Model Zoo on the STM32N6570-DK.
 */
import { workCost, kwsDsCnnOps, adAutoencoderOps, type ComputeOp, type Work } from './compute-cost.ts';
import { mcuProfiles, type McuId, type McuProfile } from './mcu-profiles.ts';

export type FigureRole = 'fit' | 'held-out' | 'shown';

export interface PublishedFigure {
  readonly mcu: McuId;
  readonly benchmark: string;
  readonly work: Work;
  readonly latencyMs: number;
  readonly energyUj?: number;
  /** `core`: the measurement covers the core domain only, so the prediction's memory energy is left out. */
  readonly energyScope?: 'board' | 'core';
  /** The clock the figure was measured at, when not the profile's (per-cycle rates transfer). */
  readonly clockHz?: number;
  readonly role: FigureRole;
  readonly source: string;
  readonly note?: string;
}

export interface FigureCheck extends PublishedFigure {
  readonly predictedMs: number;
  readonly predictedUj: number;
  /** predicted / published − 1. */
  readonly latencyError: number;
  readonly energyError?: number;
}

const ops = (conv: number, depthwise: number, matmul: number): ComputeOp[] => [
  { op: 'conv', macs: conv },
  { op: 'depthwise', macs: depthwise },
  { op: 'matmul', macs: matmul },
];
/** Reference MLPerf Tiny networks (compute-cost.ts) with their int8 weight bytes, in internal flash. */
const kws: Work = { ops: kwsDsCnnOps, weightBytes: 22_016 };
const ad: Work = { ops: adAutoencoderOps, weightBytes: 264_192 };
/** ResNet-8 on CIFAR-10: 12,500,992 conv MACs, a 64→10 dense layer; 77,360 weights. */
const ic: Work = { ops: ops(12_500_992, 0, 640), weightBytes: 77_360 };
/** MobileNet v1 0.25 on 96×96×3: stem and pointwise 6,690,816, depthwise 798,336, dense 512; 208,112 weights. */
const vww: Work = { ops: ops(6_690_816, 798_336, 512), weightBytes: 208_112 };

const v12 = 'https://github.com/mlcommons/tiny_results_v1.2/tree/cadb3623';
const v13 = 'https://github.com/mlcommons/tiny_results_v1.3/tree/cd605ea0';
const zooAt = 'https://github.com/STMicroelectronics/stm32ai-modelzoo/blob/6f10965e6a40e2a28abd9c181f43cac4de4111c5';
const h747Zoo = 'https://github.com/STMicroelectronics/stm32ai-modelzoo/blob/7f3764d58ef8c7bca36116c4d6c12434d2682af7/image_classification/resnet/README.md';
const n6Power = 'https://github.com/STMicroelectronics/x-cube-n6-ai-power-measurement/blob/b45cf877726059e88172ac422f08a988175f2a07/Utilities/pwr_scripts/README.md';
const vwwNote = 'a per-operation model gives KWS and VWW (near-identical mixes of pointwise and depthwise work) one rate, but the boards run VWW ~1.4× more efficiently per MAC than KWS: not reached';

function mlperf(mcu: McuId, round: string, source: string, rows: readonly [string, Work, number, number | undefined, FigureRole][], extra: Partial<PublishedFigure> = {}): PublishedFigure[] {
  return rows.map(([bench, work, latencyMs, energyUj, role]) => ({
    mcu, benchmark: `MLPerf Tiny ${round} ${bench}`, work, latencyMs, ...(energyUj !== undefined && { energyUj }), role, source,
    ...(bench === 'VWW' && { note: vwwNote }), ...extra,
  }));
}

const kib = 1024;
/** A Model Zoo network on the STM32N6570-DK (NPU, weights in the xSPI2 flash). */
const zoo = (benchmark: string, conv: number, depthwise: number, dense: number, weightsKib: number, latencyMs: number, role: FigureRole, path: string, note?: string): PublishedFigure => ({
  mcu: 'stm32n6', benchmark: `ST Model Zoo ${benchmark}`, work: { ops: ops(conv, depthwise, dense), weightBytes: Math.round(weightsKib * kib) }, latencyMs, role,
  source: `${zooAt}/${path}`, ...(note !== undefined && { note }),
});
/** A classifier head's extra weights (ImageNet's 1,000 classes against food-101's 101), read once: the flash's bandwidth. */
const head = (model: string, latencyMs: number): PublishedFigure => ({
  mcu: 'stm32n6', benchmark: `ST Model Zoo ${model}: ImageNet − food-101 head`, work: { ops: [{ op: 'matmul', macs: 1280 * 899 }], weightBytes: 1_152_266 }, latencyMs, role: 'fit',
  source: `${zooAt}/image_classification/mobilenetv2/README.md`, note: 'the difference of two published latencies',
});
const mbv1 = 'image_classification/mobilenetv1/README.md';
const mbv2 = 'image_classification/mobilenetv2/README.md';
const smallV2 = 'thin MobileNet v2 (width 0.35, 52 layers of a few channels): per-layer overhead the roofline does not model; not reached';

export const publishedFigures: readonly PublishedFigure[] = [
  ...mlperf('stm32u575', 'v1.2', v12, [['KWS', kws, 29.06, 656.2, 'fit'], ['AD', ad, 3.43, 81.9, 'fit'], ['IC', ic, 111.07, 2579.0, 'held-out'], ['VWW', vww, 59.28, 1354.7, 'shown']]),
  ...mlperf('stm32u575', 'v1.3 (X-CUBE-AI 10.2)', v13, [['KWS', kws, 28.99, 664.4, 'held-out'], ['AD', ad, 3.21, 77.2, 'held-out'], ['IC', ic, 109.49, 2565.2, 'held-out'], ['VWW', vww, 59.27, 1372.2, 'shown']]),
  ...mlperf('stm32u575', 'v1.3 NUCLEO-U385RG-Q at 96 MHz', v13, [['KWS', kws, 48.3, undefined, 'held-out'], ['AD', ad, 5.41, undefined, 'held-out'], ['IC', ic, 182.45, undefined, 'held-out']], {
    clockHz: 96e6, note: "the U575's per-cycle rates on another Cortex-M33 part at its clock (its power differs: latency only)",
  }),
  ...mlperf('stm32h7a3', 'v1.2', v12, [['KWS', kws, 11.32, 1375.6, 'fit'], ['AD', ad, 1.23, 165.7, 'fit'], ['IC', ic, 40.84, 5090.3, 'held-out'], ['VWW', vww, 23.8, 2965.5, 'shown']]),
  { mcu: 'stm32h7a3', benchmark: 'ST Model Zoo ResNet-8 (the IC network) on STM32H747I-DISCO at 400 MHz', work: ic, latencyMs: 28.71, clockHz: 400e6, role: 'held-out', source: h747Zoo, note: 'the H7A3 per-cycle rates on another Cortex-M7 at its clock' },
  ...mlperf('stm32l4r5', 'v1.2', v12, [['KWS', kws, 43.19, 1820.5, 'fit'], ['AD', ad, 5.26, 203.4, 'fit'], ['IC', ic, 165.13, 6919.4, 'held-out'], ['VWW', vww, 88.93, 3894.6, 'shown']]),
  ...mlperf('stm32l4r5', 'v1.3 NUCLEO-L4R5ZI-P', v13, [['KWS', kws, 43.42, undefined, 'held-out'], ['AD', ad, 4.79, undefined, 'held-out'], ['IC', ic, 165.67, undefined, 'held-out']], {
    note: 'another board at 3 V with an external SMPS: latency only',
  }),
  head('MobileNet v2 1.0 224', 3.0),
  head('MobileNet v2 0.35 224', 3.02),
  head('MobileNet v2 0.35 128', 3.02),
  zoo('Tiny YOLO v2 416 (COCO person)', 2_669_000_000, 0, 0, 10_829, 50.91, 'fit', 'object_detection/tiny_yolo_v2/README.md', 'MACs derived from the yolov2-tiny layer plan'),
  zoo('MobileNet v1 1.0 224 ImageNet', 550_330_368, 17_385_984, 1_024_000, 4552.42, 19.41, 'fit', mbv1),
  { ...zoo('Tiny YOLO v2 224 (COCO person)', 773_900_000, 0, 0, 10_804.81, 30.67, 'held-out', 'object_detection/tiny_yolo_v2/README.md', 'MACs derived from the yolov2-tiny layer plan') },
  {
    mcu: 'stm32n6', benchmark: "ST power measurement: Tiny YOLO v2 224 inference energy", work: { ops: ops(773_900_000, 0, 0), weightBytes: Math.round(10_804.81 * kib) }, latencyMs: 30.46, energyUj: 8068.1,
    energyScope: 'core', role: 'fit', source: n6Power, note: 'VddCore only: the flash energy is left out of the comparison',
  },
  zoo('Yamnet-1024 (ESC-10)', 66_502_656, 2_128_896, 10_240, 3497.24, 9.88, 'held-out', 'audio_event_detection/yamnet/README.md', 'MACs derived (MobileNet v1 1.0 on a 96×64 patch), not published; the weights bind either way'),
  zoo('MobileNet v1 0.25 224 ImageNet', 36_427_776, 4_346_496, 256_000, 549.88, 3.57, 'held-out', mbv1),
  zoo('MobileNet v1 0.5 224 ImageNet', 140_292_096, 8_692_992, 512_000, 1478.58, 7.38, 'held-out', mbv1),
  zoo('MobileNet v1 0.25 224 food-101', 36_427_776, 4_346_496, 25_856, 321.66, 2.83, 'held-out', mbv1),
  zoo('MobileNet v1 0.5 224 food-101', 140_292_096, 8_692_992, 51_712, 1025.63, 6.06, 'held-out', mbv1),
  zoo('MobileNet v1 1.0 224 food-101', 550_330_368, 17_385_984, 103_424, 3649.97, 16.94, 'held-out', mbv1),
  zoo('MobileNet v2 1.0 224 ImageNet', 278_777_856, 20_716_416, 1_280_000, 4235.31, 21.08, 'held-out', mbv2),
  zoo('MobileNet v2 1.4 224 ImageNet', 550_832_128, 29_571_696, 1_792_000, 7315.69, 35.34, 'held-out', mbv2),
  zoo('MobileNet v2 1.0 224 food-101', 278_777_856, 20_716_416, 129_280, 3110.05, 18.08, 'held-out', mbv2),
  zoo('MobileNet v2 0.35 224 food-101', 49_404_544, 8_601_264, 129_280, 730.7, 6.12, 'held-out', mbv2),
  zoo('MobileNet v2 0.35 128 ImageNet', 16_132_096, 2_808_576, 1_280_000, 1840.94, 6.35, 'held-out', mbv2),
  zoo('MobileNet v2 0.35 224 ImageNet', 49_404_544, 8_601_264, 1_280_000, 1855.97, 9.14, 'shown', mbv2, smallV2),
  zoo('MobileNet v2 0.35 128 food-101', 16_132_096, 2_808_576, 129_280, 715.67, 3.33, 'shown', mbv2, smallV2),
  {
    mcu: 'esp32-s3', benchmark: 'ESP-DL MobileNetV2 s8 224, one core', work: { ops: ops(278_777_856, 20_716_416, 1_280_000), weightBytes: 3_538_984 }, latencyMs: 1309.5, role: 'fit',
    source: 'https://github.com/espressif/esp-dl/blob/12c0616de145b704e1149c474b9a1e852e631d67/models/imagenet_cls/README.md',
  },
  {
    mcu: 'esp32-s3', benchmark: 'TFLite Micro + ESP-NN person detection (MobileNet v1 0.25, 96×96×1)', work: { ops: ops(6_359_040, 798_336, 512), weightBytes: 207_968 }, latencyMs: 54, role: 'shown',
    source: 'https://github.com/espressif/esp-tflite-micro/blob/01a78d0a/README.md',
    note: 'another framework (TFLite Micro with ESP-NN kernels, 1.7× slower per MAC than ESP-DL here): not reached, so the profile stays an estimate',
  },
];

/** `figure` as the profile predicts it. */
export function checkFigure(figure: PublishedFigure, profiles: Readonly<Record<string, McuProfile>> = mcuProfiles): FigureCheck {
  const base = profiles[figure.mcu]!;
  const mcu = figure.clockHz === undefined ? base : { ...base, clockHz: figure.clockHz };
  const cost = workCost(mcu, figure.work);
  const predictedUj = figure.energyScope === 'core' ? cost.energyUj - cost.memoryUj : cost.energyUj;
  return {
    ...figure,
    predictedMs: cost.latencyMs,
    predictedUj,
    latencyError: cost.latencyMs / figure.latencyMs - 1,
    ...(figure.energyUj !== undefined && { energyError: predictedUj / figure.energyUj - 1 }),
  };
}

/** Every published figure of `mcu`, checked. */
export function figuresOf(mcu: string): FigureCheck[] {
  return publishedFigures.filter((figure) => figure.mcu === mcu).map((figure) => checkFigure(figure));
}

/** An error as a signed percentage: "+2.8 %", "−5.6 %". */
export const signed = (error: number): string => `${error >= 0 ? '+' : '−'}${(Math.abs(error) * 100).toFixed(1)} %`;
/** Four significant digits, no exponent for everyday magnitudes. */
export const digits = (value: number): string => String(Number(value.toPrecision(4)));

/** Every published figure with the model's prediction, as the Markdown table of docs/explanation/validation.md (a test keeps them equal). */
export function figuresMarkdown(): string {
  const rows = publishedFigures.map((figure) => {
    const check = checkFigure(figure);
    const name = figure.benchmark.replace(/\|/g, '/');
    return `| ${figure.mcu} | [${name}](${figure.source}) | ${figure.role} | ${digits(figure.latencyMs)} | ${digits(check.predictedMs)} | ${signed(check.latencyError)} | ${check.energyError === undefined ? '—' : signed(check.energyError)} |`;
  });
  return ['| MCU | published figure | role | ms | model ms | error | energy error |', '|---|---|---|---|---|---|---|', ...rows].join('\n') + '\n';
}
