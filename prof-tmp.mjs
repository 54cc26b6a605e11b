// src/cli/read-scenario.ts
import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";

// src/scenario/errors.ts
var InputError = class extends Error {
  issues;
  constructor(issues) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "InputError";
    this.issues = issues;
  }
};
function formatIssue(issue) {
  const where = issue.source ? `${issue.source.file}:${issue.source.line}:${issue.source.column}: ` : "";
  const path = issue.path ? `${issue.path}: ` : "";
  return `${where}${path}${issue.message}`;
}
function formatPath(path) {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text;
}
function describeValue(value) {
  if (value === void 0) return "nothing (the key is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}

// src/scenario/loader.ts
import { LineCounter, parseDocument, isAlias, isMap, isPair, isScalar, visit } from "yaml";

// src/scenario/compat.ts
var lorasimDefaults = {
  region: "none",
  framing: "raw",
  collision: "lorasim",
  pathLoss: "lorasim",
  radio: { chip: "sx1276-lorasim", sensitivity: "lorasim", supplyV: 3, txPowerDbm: 14, channelsMhz: [868.1], preambleSymbols: 8, implicitHeader: false, crc: true }
};
function lorasimLdro(sf, bandwidthHz) {
  return bandwidthHz === 125e3 && sf >= 11;
}
function fillDefaults(target, defaults) {
  for (const [key, value] of Object.entries(defaults)) {
    const current = target[key];
    if (current === void 0) {
      target[key] = structuredClone(value);
    } else if (isMapping(current) && isMapping(value)) {
      fillDefaults(current, value);
    }
  }
}
function isMapping(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// src/scenario/overrides.ts
import { parse as parseYaml } from "yaml";
function parseOverride(text) {
  const eq = text.indexOf("=");
  const key = eq > 0 ? text.slice(0, eq).trim() : "";
  if (eq <= 0 || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(key)) {
    throw new InputError([{ path: "", message: `--set: expected key.path=value, found ${JSON.stringify(text)}` }]);
  }
  let value;
  try {
    value = parseYaml(text.slice(eq + 1));
  } catch (error) {
    throw new InputError([{ path: key, message: `--set: the value is not valid YAML (${error.message.split("\n")[0]}), found ${JSON.stringify(text.slice(eq + 1))}` }]);
  }
  const path = key.split(".").map((segment) => /^\d+$/.test(segment) ? Number(segment) : segment);
  return { path, value, text };
}
var forbiddenKeys = /* @__PURE__ */ new Set(["__proto__", "constructor", "prototype"]);
function applyOverride(root, override) {
  const { path, text } = override;
  const refuse = (depth, message) => {
    throw new InputError([{ path: path.slice(0, depth + 1).join("."), message: `--set ${text}: ${message}` }]);
  };
  let node = root;
  path.forEach((key, depth) => {
    if (typeof key === "string" && forbiddenKeys.has(key)) refuse(depth, `unknown key "${key}" (not part of the scenario format)`);
    if (Array.isArray(node)) {
      if (typeof key !== "number") refuse(depth, `expected a list index after ${path.slice(0, depth).join(".")}, found "${key}"`);
      if (key > node.length) {
        refuse(depth, `expected an index \u2264 ${node.length} (the list has ${node.length} items; index ${node.length} appends one), found ${key}`);
      }
    }
    if (depth === path.length - 1) {
      node[key] = override.value;
      return;
    }
    let next = Object.hasOwn(node, key) ? node[key] : void 0;
    if (next === void 0 || next === null) {
      next = typeof path[depth + 1] === "number" ? [] : {};
      node[key] = next;
    }
    if (typeof next !== "object") {
      refuse(depth, `expected a mapping or list at ${path.slice(0, depth + 1).join(".")}, found ${JSON.stringify(next) ?? typeof next}`);
    }
    node = next;
  });
}

// src/scenario/schema.ts
import * as z6 from "zod";

// src/hw/radio-chips.ts
var radioChipIds = ["sx1276", "sx1276-lorasim", "sx1262", "llcc68", "sx1280"];
var lorasimTxMa = [22, 22, 22, 23, 24, 24, 24, 25, 25, 25, 25, 26, 31, 32, 34, 35, 44, 82, 85, 90, 105, 115, 125];
var sx1276 = {
  id: "sx1276",
  family: "sx127x",
  defaultSensitivity: "sx1276",
  minTxPowerDbm: 7,
  maxTxPowerDbm: 20,
  txCurrentMa: [
    [7, 20],
    [13, 29],
    [17, 87],
    [20, 120]
  ],
  rxCurrentMa: 11.5,
  standbyCurrentMa: 1.6,
  sleepCurrentUa: 0.2,
  minSupplyV: 1.8,
  maxSupplyV: 3.7,
  estimates: ["txCurrentMa between 13 and 17 dBm (interpolated across the RFO/PA_BOOST switch)", "standbyCurrentMa (recalled datasheet value, [U])"]
};
var sx1262 = {
  id: "sx1262",
  family: "sx126x",
  defaultSensitivity: "sx1262",
  minTxPowerDbm: 14,
  maxTxPowerDbm: 22,
  txCurrentMa: [
    [14, 89.3],
    [17, 95.4],
    [20, 103.8],
    [22, 117.9]
  ],
  rxCurrentMa: 4.6,
  standbyCurrentMa: 0.6,
  sleepCurrentUa: 0.6,
  minSupplyV: 1.8,
  maxSupplyV: 3.7,
  estimates: ["standbyCurrentMa (STDBY_RC, [U])"]
};
var radioChips = {
  sx1276,
  "sx1276-lorasim": {
    ...sx1276,
    id: "sx1276-lorasim",
    minTxPowerDbm: -2,
    txCurrentMa: lorasimTxMa.map((ma, i) => [i - 2, ma]),
    estimates: sx1276.estimates.filter((note) => !note.startsWith("txCurrentMa"))
  },
  sx1262,
  llcc68: {
    ...sx1262,
    id: "llcc68",
    maxSfByBandwidthHz: { 125e3: 9, 25e4: 10, 5e5: 11 },
    estimates: ["every current (taken from the SX1262, same die family)"]
  },
  sx1280: {
    id: "sx1280",
    family: "sx128x",
    defaultSensitivity: "snr",
    minTxPowerDbm: 0,
    maxTxPowerDbm: 12.5,
    txCurrentMa: [
      [0, 12],
      [12.5, 24]
    ],
    rxCurrentMa: 5.5,
    standbyCurrentMa: 0.7,
    sleepCurrentUa: 0.1,
    minSupplyV: 1.8,
    maxSupplyV: 3.7,
    estimates: ["every current (recalled headline figures)", "sensitivity (SNR floor with NF 6 dB)"]
  }
};
function txCurrentMa(chip, txPowerDbm) {
  if (!(txPowerDbm >= chip.minTxPowerDbm && txPowerDbm <= chip.maxTxPowerDbm)) {
    throw new RangeError(`${chip.id} transmits at ${chip.minTxPowerDbm}..${chip.maxTxPowerDbm} dBm, got ${txPowerDbm}`);
  }
  const points = chip.txCurrentMa;
  for (let i = 1; i < points.length; i++) {
    const [p1, i1] = points[i];
    if (txPowerDbm <= p1) {
      const [p0, i0] = points[i - 1];
      return i0 + (i1 - i0) * (txPowerDbm - p0) / (p1 - p0);
    }
  }
  return points[0][1];
}

// src/scenario/duration.ts
import * as z from "zod";
var unitMs = { ms: 1, s: 1e3, min: 6e4, h: 36e5, d: 864e5 };
function parseDurationMs(value) {
  if (typeof value === "number") return Number.isFinite(value) ? value : void 0;
  if (typeof value !== "string") return void 0;
  const match = /^\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(ms|s|min|h|d)\s*$/i.exec(value);
  if (!match) return void 0;
  return Number(match[1]) * unitMs[match[2].toLowerCase()];
}
var maxDurationMs = 100 * 365.25 * 864e5;
var durationSchema = (what, strictlyPositive) => z.union([z.number(), z.string()], { error: `${what}: a number of milliseconds or a string such as "90s", "15min", "1d"` }).transform((value, ctx) => {
  const ms = parseDurationMs(value);
  if (ms === void 0) {
    ctx.addIssue({ code: "custom", message: `expected ${what} as milliseconds or a string with a unit (ms, s, min, h, d), found ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  if (ms > maxDurationMs) {
    ctx.addIssue({ code: "custom", message: `expected ${what} \u2264 100 years (${maxDurationMs} ms), found ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  if (strictlyPositive ? !(ms > 0) : !(ms >= 0)) {
    ctx.addIssue({ code: "custom", message: `expected ${what} ${strictlyPositive ? "> 0" : "\u2265 0"}, found ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return ms;
});

// src/scenario/node-settings.ts
import * as z5 from "zod";

// src/hw/battery-profiles.ts
import * as z2 from "zod";
var figureNames = [
  "nominalVoltageV",
  "cutOffVoltageV",
  "capacityMah",
  "openCircuitVoltage",
  "internalResistanceOhm",
  "peukertExponent"
];
var figureSourceSchema = z2.object({
  urls: z2.array(z2.string().min(1)).readonly(),
  /** True where the figure is this project's estimate rather than read from the source. */
  estimate: z2.boolean(),
  note: z2.string().optional()
}).strict();
var batteryProfileSchema = z2.object({
  id: z2.string().min(1),
  chemistry: z2.string().min(1),
  nominalVoltageV: z2.number().positive(),
  cutOffVoltageV: z2.number().positive(),
  capacityMah: z2.number().positive(),
  /** Discharge current at which `capacityMah` holds; also the Peukert reference current. */
  referenceCurrentMa: z2.number().positive(),
  /** (state of charge 0..1, open-circuit voltage V) points; interpolated linearly. */
  openCircuitVoltage: z2.array(z2.tuple([z2.number().min(0).max(1), z2.number().positive()]).readonly()).min(2).readonly(),
  internalResistanceOhm: z2.number().nonnegative(),
  peukertExponent: z2.number().min(1).max(2),
  provenance: z2.partialRecord(z2.enum(figureNames), figureSourceSchema).optional()
}).strict().superRefine((p, ctx) => {
  const points = p.openCircuitVoltage;
  if (points[0]?.[0] !== 0 || points[points.length - 1]?.[0] !== 1) {
    ctx.addIssue({ code: "custom", path: ["openCircuitVoltage"], message: "must start at SoC 0 and end at SoC 1" });
  }
  for (let i = 1; i < points.length; i++) {
    const [s0, v0] = points[i - 1];
    const [s1, v1] = points[i];
    if (!(s1 > s0) || !(v1 >= v0)) {
      ctx.addIssue({
        code: "custom",
        path: ["openCircuitVoltage", i],
        message: `SoC must increase and voltage must not fall, got (${s0}, ${v0}) then (${s1}, ${v1})`
      });
    }
  }
  if (points[0] !== void 0 && points[0][1] < p.cutOffVoltageV) {
    ctx.addIssue({ code: "custom", path: ["openCircuitVoltage", 0], message: `V_oc at SoC 0 is below the cut-off voltage ${p.cutOffVoltageV} V` });
  }
});
var cr2032Urls = ["https://encyc.org/wiki/CR2032", "https://embeddedcomputing.com/technology/open-source/development-kits/cr2032-maximum-current-capacity-datasheet-reality-and-alternatives"];
var cr2032PulseUrls = ["https://blog.adafruit.com/2023/06/27/testing-cr2032-coin-cell-batteries-with-%CE%BCa-to-ma-pulsed-duty-cycles-batteries-power/", "https://www.qoitech.com/blog/will-my-lorawan-iot-device-work-with-a-coin-cell-battery/"];
var aaUrls = ["https://www.powerstream.com/AA-tests.htm", "http://www.kurokatta.org/grumble/2019/01/lithium-aa-batteries"];
var liionUrls = ["https://wattworks.bike/components/panasonic-ncr18650-b", "https://battsysbattery.com/News/Introduction-to-18650-Battery.html"];
var alkalinePeukertExponent = 1.2296;
var coinCellPeukertExponent = 1.0735;
var batteryProfiles = {
  cr2032: {
    id: "cr2032",
    chemistry: "Li-MnO2 primary coin cell",
    nominalVoltageV: 3,
    cutOffVoltageV: 2,
    capacityMah: 235,
    referenceCurrentMa: 0.2,
    openCircuitVoltage: [
      [0, 2],
      [0.05, 2.6],
      [0.1, 2.8],
      [0.2, 2.9],
      [0.5, 3],
      [0.9, 3.1],
      [1, 3.2]
    ],
    internalResistanceOhm: 15,
    peukertExponent: coinCellPeukertExponent,
    provenance: {
      nominalVoltageV: { urls: cr2032Urls, estimate: false },
      cutOffVoltageV: { urls: cr2032Urls, estimate: false, note: "end voltage 2.0 V" },
      capacityMah: { urls: cr2032Urls, estimate: false, note: "235 mAh at the 0.2 mA standard drain (220\u2013240 mAh at light load)" },
      openCircuitVoltage: {
        urls: cr2032Urls,
        estimate: true,
        note: "end points (2.0 V empty, 3.0 V nominal plateau) sourced; the flat plateau, the 3.2 V fresh-cell value and the knee below 10 % are estimates"
      },
      internalResistanceOhm: {
        urls: cr2032Urls,
        estimate: true,
        note: "15 \u03A9: the lower part of the sourced 10\u201340 \u03A9 range, which is where a fresh cell at room temperature sits; it makes a 120 mA burst brown out (1.8 V drop) while 20 mA (0.3 V) and the 6.8 mA pulses Energizer allows pass"
      },
      peukertExponent: { urls: cr2032PulseUrls, estimate: true, note: "300 \u03A9 pulse loads cut capacity \u2248 25 % (Maxell, via \xA76): k = 1.0735" }
    }
  },
  "2xaa": {
    id: "2xaa",
    chemistry: "alkaline Zn-MnO2, two AA cells in series",
    nominalVoltageV: 3,
    cutOffVoltageV: 1.6,
    capacityMah: 3e3,
    referenceCurrentMa: 25,
    openCircuitVoltage: [
      [0, 1.6],
      [0.1, 2.2],
      [0.2, 2.36],
      [0.4, 2.54],
      [0.6, 2.7],
      [0.8, 2.9],
      [0.9, 3],
      [1, 3.16]
    ],
    internalResistanceOhm: 0.2,
    peukertExponent: alkalinePeukertExponent,
    provenance: {
      nominalVoltageV: { urls: aaUrls, estimate: false },
      cutOffVoltageV: { urls: aaUrls, estimate: false, note: "0.8 V per cell" },
      capacityMah: { urls: aaUrls, estimate: false, note: "\u2248 3000 mAh per cell at 25 mA" },
      openCircuitVoltage: { urls: aaUrls, estimate: true, note: "end points sourced (0.8 V/cell end, 1.5 V/cell nominal); the sloping curve and 1.58 V/cell fresh value are estimates" },
      internalResistanceOhm: { urls: aaUrls, estimate: true, note: "mid-point of the 0.1\u20130.3 \u03A9 of \xA76 for the pair" },
      peukertExponent: { urls: aaUrls, estimate: false, note: "fitted to the per-rate capacities, see alkalinePeukertExponent" }
    }
  },
  "18650": {
    id: "18650",
    chemistry: "Li-ion (Panasonic NCR18650B class)",
    nominalVoltageV: 3.6,
    cutOffVoltageV: 2.5,
    capacityMah: 3280,
    referenceCurrentMa: 335,
    openCircuitVoltage: [
      [0, 2.5],
      [0.05, 3.3],
      [0.1, 3.45],
      [0.2, 3.55],
      [0.3, 3.62],
      [0.4, 3.68],
      [0.5, 3.74],
      [0.6, 3.82],
      [0.7, 3.9],
      [0.8, 3.98],
      [0.9, 4.08],
      [1, 4.2]
    ],
    internalResistanceOhm: 0.08,
    peukertExponent: 1.05,
    provenance: {
      nominalVoltageV: { urls: liionUrls, estimate: false },
      cutOffVoltageV: { urls: liionUrls, estimate: false, note: "2.5 V, the NCR18650B rating" },
      capacityMah: { urls: liionUrls, estimate: false, note: "3.28 Ah at C/10 (335 mA) to 2.5 V" },
      openCircuitVoltage: { urls: liionUrls, estimate: true, note: "end points sourced (2.5 V cut-off, 4.2 V full); the NCA-shaped curve between is an estimate" },
      internalResistanceOhm: { urls: liionUrls, estimate: true, note: 'upper bound of the sourced "< 80 m\u03A9"' },
      peukertExponent: { urls: liionUrls, estimate: true, note: "Li-ion cells are close to rate-independent; 1.05 is a typical figure, and node currents stay below the C/10 reference anyway" }
    }
  }
};

// src/hw/mcu-profiles.ts
import * as z3 from "zod";
var opTypes = ["matmul", "conv", "depthwise", "elementwise", "softmax"];
var npuOpTypes = ["matmul", "conv", "depthwise"];
var figureKeys = [
  "clockHz",
  "sramBytes",
  "flashBytes",
  "supplyV",
  "activePowerMw",
  "idlePowerMw",
  "sleepCurrentUa",
  "brownOutV",
  ...opTypes.map((op) => `macsPerCycle.${op}`),
  "npu",
  "firmwareFlashBytes",
  "firmwareSramBytes",
  "radioStackFlashBytes",
  "radioStackSramBytes"
];
var defaultBudget = {
  /** Start-up, HAL, scheduler, swarm protocol and int8 kernels (CMSIS-NN class, ~20–40 KB). */
  firmwareFlashBytes: 96 * 1024,
  /** Main stack 8 KB, heap reserve 8 KB, HAL and protocol state, kernel scratch. */
  firmwareSramBytes: 32 * 1024,
  /** LoRaMac-node-class MAC plus SX126x/SX127x driver, ~40–60 KB. */
  radioStackFlashBytes: 48 * 1024,
  /** Frame buffers for 255-byte PHY frames, fragment reassembly, MAC state. */
  radioStackSramBytes: 8 * 1024
};
var positive = z3.number().positive().finite();
var bytes = z3.int().positive();
var budgetBytes = z3.int().nonnegative();
var figureSourceSchema2 = z3.union([
  z3.strictObject({ url: z3.url(), note: z3.string().min(1).optional() }),
  z3.strictObject({ estimate: z3.literal(true), reason: z3.string().min(1), url: z3.url().optional() })
]);
var mcuProfileSchema = z3.strictObject({
  id: z3.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lowercase id such as "stm32u575"'),
  core: z3.string().min(1).describe('CPU core(s), e.g. "Cortex-M33".'),
  clockHz: positive.describe("CPU clock the figures hold for."),
  sramBytes: bytes,
  flashBytes: bytes.describe("Flash for code and weights; external (QSPI/xSPI) when flashExternal."),
  flashExternal: z3.boolean(),
  supplyV: positive.describe("Supply voltage at which the power and current figures hold."),
  activePowerMw: positive.describe("Power while computing (MLPerf Tiny measured where available)."),
  idlePowerMw: positive.describe("Power while awake and not computing."),
  sleepCurrentUa: positive.describe("Deep sleep with RAM retention and RTC."),
  brownOutV: positive.describe("Supply voltage below which the node stops (brown-out reset)."),
  macsPerCycle: z3.strictObject(Object.fromEntries(opTypes.map((op) => [op, positive]))),
  npu: z3.strictObject({
    name: z3.string().min(1),
    opsPerSecond: positive.describe("Peak int8 ops per second (1 MAC = 2 ops)."),
    opsPerJoule: positive,
    ops: z3.array(z3.enum(npuOpTypes)).min(1)
  }).optional(),
  firmwareFlashBytes: budgetBytes.default(defaultBudget.firmwareFlashBytes),
  firmwareSramBytes: budgetBytes.default(defaultBudget.firmwareSramBytes),
  radioStackFlashBytes: budgetBytes.default(defaultBudget.radioStackFlashBytes),
  radioStackSramBytes: budgetBytes.default(defaultBudget.radioStackSramBytes),
  calibration: z3.string().min(1).optional().describe("What the throughput was fitted to; absent means an estimate."),
  sources: z3.partialRecord(z3.enum(figureKeys), figureSourceSchema2).default({})
}).superRefine((p, ctx) => {
  for (const [memory, total, parts] of [
    ["flash", p.flashBytes, ["firmwareFlashBytes", "radioStackFlashBytes"]],
    ["SRAM", p.sramBytes, ["firmwareSramBytes", "radioStackSramBytes"]]
  ]) {
    const used = p[parts[0]] + p[parts[1]];
    if (used >= total) {
      ctx.addIssue({ code: "custom", path: [parts[0]], message: `expected ${parts.join(" + ")} < ${memory} ${total} B so that models have room, found ${used} B` });
    }
  }
}).transform((p) => ({
  ...p,
  modelFlashBytes: p.flashBytes - p.firmwareFlashBytes - p.radioStackFlashBytes,
  modelSramBytes: p.sramBytes - p.firmwareSramBytes - p.radioStackSramBytes
}));
function validateMcuProfile(input) {
  return mcuProfileSchema.parse(input);
}
var kib = 1024;
var mib = 1024 * 1024;
var url2 = (href, note) => note === void 0 ? { url: href } : { url: href, note };
var estimate = (reason, href) => href === void 0 ? { estimate: true, reason } : { estimate: true, reason, url: href };
var mlperf12 = "https://github.com/mlcommons/tiny_results_v1.2";
var fitted = url2(mlperf12, "fitted to MLPerf Tiny v1.2 KWS and AD (calibration table above)");
var calibration = "MLPerf Tiny v1.2 KWS (DS-CNN) and AD (FC autoencoder) latency and energy";
var m4Simd = "https://brendanjameslynskey.github.io/Cortex_M/05-dsp-fpu-helium/";
var helium = "https://docs.openmv.io/openmvcam/tutorial/ml/engines/cmsis-nn.html";
var rpSpecs = "https://docs.micropython.org/en/v1.29.0/rp2/general.html";
var n6 = "https://machdep.com/projects/stm32n6";
var n6Dk = "https://giacomocolosio02.github.io/stm32n6-docs/hardware_page.html";
var esp = "https://docs.zephyrproject.org/4.0.0/boards/espressif/esp32s3_devkitc/doc/index.html";
var espPower = "https://docs.espressif.com/projects/esp-techpedia/zh_CN/latest/esp-friends/advanced-development/performance/lowpower/lowpower-fundamental.html";
var depthwiseHalf = estimate("KWS fixes conv and depthwise only jointly; depthwise assumed at half the conv rate per MAC (no per-layer timings published)", mlperf12);
var elementwiseEstimate = estimate("int8 add/requantise \u2248 4 cycles per element on a DSP Cortex-M (load, multiply-shift, saturate, store); no published per-op figure");
var softmaxEstimate = estimate("int8 softmax/normalisation \u2248 50 cycles per element (max pass, fixed-point exp, sum, divide); the reference has no per-element figure");
var idleRule = estimate("not sourced: Sleep mode (CPU clock gated, buses and flash on) taken as 35% of active power");
var bor = estimate("MCU brown-out reset threshold not extracted; typical lowest BOR level 1.7 V");
var budget = estimate("documented default model budget (defaultBudget): bare-metal firmware with int8 kernels and a LoRaMac-node-class radio stack");
var budgetSources = { firmwareFlashBytes: budget, firmwareSramBytes: budget, radioStackFlashBytes: budget, radioStackSramBytes: budget };
var u575Rates = { matmul: 0.481, conv: 0.637, depthwise: 0.319, elementwise: 0.25, softmax: 0.02 };
var l4r5Rates = { matmul: 0.419, conv: 0.572, depthwise: 0.286, elementwise: 0.25, softmax: 0.02 };
var inputs = [
  {
    id: "stm32u575",
    core: "Cortex-M33",
    clockHz: 16e7,
    sramBytes: 786 * kib,
    flashBytes: 2 * mib,
    flashExternal: false,
    supplyV: 1.8,
    activePowerMw: 23.2,
    idlePowerMw: 8.1,
    sleepCurrentUa: 8.5,
    brownOutV: 1.7,
    macsPerCycle: u575Rates,
    calibration,
    sources: {
      clockHz: url2("https://shequ.stmicroelectronics.cn/thread-635695-1-1.html"),
      sramBytes: url2("https://www.bitfoic.com/blog/ultra-low-power-consumption-of-stm32u575585-microcontrollersmcu?id=2"),
      flashBytes: url2("https://www.bitfoic.com/blog/ultra-low-power-consumption-of-stm32u575585-microcontrollersmcu?id=2"),
      supplyV: url2(mlperf12, "1.8 V SMPS, MLPerf Tiny energy runs"),
      activePowerMw: fitted,
      idlePowerMw: idleRule,
      sleepCurrentUa: estimate("Stop 2 interpolated for 786 KB retained from the U5A9 figures (4.65 \xB5A with 40 KB, 17.5 \xB5A with 2.5 MB)", "https://www.github.com/SoCXin/STM32U5A9"),
      brownOutV: bor,
      "macsPerCycle.matmul": fitted,
      "macsPerCycle.conv": fitted,
      "macsPerCycle.depthwise": depthwiseHalf,
      "macsPerCycle.elementwise": elementwiseEstimate,
      "macsPerCycle.softmax": softmaxEstimate,
      ...budgetSources
    }
  },
  {
    id: "stm32h7a3",
    core: "Cortex-M7",
    clockHz: 28e7,
    sramBytes: 1400 * kib,
    flashBytes: 2 * mib,
    flashExternal: false,
    supplyV: 3,
    activePowerMw: 128,
    idlePowerMw: 44.8,
    sleepCurrentUa: 32,
    brownOutV: 1.7,
    macsPerCycle: { matmul: 0.767, conv: 0.941, depthwise: 0.47, elementwise: 0.25, softmax: 0.02 },
    calibration,
    sources: {
      clockHz: url2(mlperf12, "NUCLEO_H7A3ZI_Q system description"),
      sramBytes: estimate('"1.4 MB" is quoted [U] in the reference, not verified; taken as 1400 KiB'),
      flashBytes: url2("https://git.gag.com/?a=commit&h=0b7eca17691a16e79881243d6d0f38c3eaeb360d&p=fw%2Fopenocd"),
      supplyV: url2(mlperf12, "3.0 V SMPS, MLPerf Tiny energy runs"),
      activePowerMw: fitted,
      idlePowerMw: idleRule,
      sleepCurrentUa: estimate("datasheet not retrieved (reference \xA78); H7 Stop mode with full SRAM retention is tens of \xB5A, assumed 32 \xB5A"),
      brownOutV: bor,
      "macsPerCycle.matmul": fitted,
      "macsPerCycle.conv": fitted,
      "macsPerCycle.depthwise": depthwiseHalf,
      "macsPerCycle.elementwise": elementwiseEstimate,
      "macsPerCycle.softmax": softmaxEstimate,
      ...budgetSources
    }
  },
  {
    id: "stm32l4r5",
    core: "Cortex-M4F",
    clockHz: 12e7,
    sramBytes: 640 * kib,
    flashBytes: 2 * mib,
    flashExternal: false,
    supplyV: 1.8,
    activePowerMw: 40.3,
    idlePowerMw: 14.1,
    sleepCurrentUa: 5,
    brownOutV: 1.7,
    macsPerCycle: l4r5Rates,
    calibration,
    sources: {
      clockHz: url2(mlperf12, "system description"),
      sramBytes: estimate("not in the reference: 640 KB recalled from the STM32L4R5 product page, re-check"),
      flashBytes: estimate("not in the reference: 2 MB recalled from the STM32L4R5 product page, re-check"),
      supplyV: url2(mlperf12, "1.8 V, MLPerf Tiny energy runs"),
      activePowerMw: fitted,
      idlePowerMw: idleRule,
      sleepCurrentUa: estimate("not sourced: Stop 2 with full SRAM and RTC assumed a few \xB5A, like the U5 family"),
      brownOutV: bor,
      "macsPerCycle.matmul": fitted,
      "macsPerCycle.conv": fitted,
      "macsPerCycle.depthwise": depthwiseHalf,
      "macsPerCycle.elementwise": elementwiseEstimate,
      "macsPerCycle.softmax": softmaxEstimate,
      ...budgetSources
    }
  },
  {
    id: "stm32n6",
    core: "Cortex-M55 (Helium) + Neural-ART NPU",
    clockHz: 8e8,
    sramBytes: 4200 * kib,
    flashBytes: 128 * mib,
    flashExternal: true,
    supplyV: 3.3,
    activePowerMw: 180,
    idlePowerMw: 63,
    sleepCurrentUa: 100,
    brownOutV: 1.7,
    macsPerCycle: { matmul: 1, conv: 2, depthwise: 1, elementwise: 1, softmax: 0.04 },
    npu: { name: "Neural-ART", opsPerSecond: 6e11, opsPerJoule: 3e12, ops: ["matmul", "conv", "depthwise"] },
    firmwareFlashBytes: 256 * kib,
    firmwareSramBytes: 96 * kib,
    sources: {
      clockHz: url2(n6),
      sramBytes: url2(n6, '"4.2 MB" taken as 4200 KiB'),
      flashBytes: url2(n6Dk, "no internal user flash: the N6570-DK carries 128 MB external xSPI OctoFlash"),
      supplyV: estimate("power figures not retrieved (reference \xA78); 3.3 V board rail assumed"),
      activePowerMw: estimate("not retrieved: H7A3 measured 128 mW at 280 MHz, scaled by clock to 800 MHz and halved for a newer, lower-voltage core"),
      idlePowerMw: idleRule,
      sleepCurrentUa: estimate("not retrieved: Stop mode retaining 4.2 MB SRAM, assumed 100 \xB5A (leakier than U5: ~5 \xB5A/MB)"),
      brownOutV: bor,
      "macsPerCycle.matmul": estimate("CPU fallback only: Helium ~4\xD7 the M7 DSP path per cycle, Cortex-M85 measured 1.0\u20133.1 MAC/cycle; dense weights stream from external flash", helium),
      "macsPerCycle.conv": estimate("CPU fallback only: from the Cortex-M85 (Helium) 1.0\u20133.1 MAC/cycle MLPerf range", helium),
      "macsPerCycle.depthwise": estimate("CPU fallback only: half the conv rate, as on the calibrated cores", helium),
      "macsPerCycle.elementwise": estimate("Helium: 4\xD7 the scalar DSP estimate of 0.25 per cycle", helium),
      "macsPerCycle.softmax": estimate("runs on the CPU (TinyBERT softmax/LayerNorm 5\u201315 ms each on N6); 2\xD7 the DSP estimate", "https://giacomocolosio02.github.io/stm32n6-docs/results_page.html"),
      npu: url2("https://community.st.com/t5/feedback-forum/npu-and-chiplets-where-st-could-go-and-what-the-mcu-market/td-p/840435", "~600 GOPS at ~1 GHz, ~3 TOPS/W [S]; peak figures, no runtime overhead"),
      firmwareFlashBytes: estimate("HAL, NPU runtime and network descriptors; more than the default"),
      firmwareSramBytes: estimate("NPU runtime buffers and stacks; more than the default"),
      radioStackFlashBytes: budget,
      radioStackSramBytes: budget
    }
  },
  {
    id: "esp32-s3",
    core: "2\xD7 Xtensa LX7 (PIE vector)",
    clockHz: 24e7,
    sramBytes: 512 * kib,
    flashBytes: 8 * mib,
    flashExternal: true,
    supplyV: 3.3,
    activePowerMw: 104.6,
    idlePowerMw: 66,
    sleepCurrentUa: 240,
    brownOutV: 2.5,
    macsPerCycle: { matmul: 0.167, conv: 0.941, depthwise: 0.47, elementwise: 0.25, softmax: 0.02 },
    firmwareFlashBytes: 320 * kib,
    firmwareSramBytes: 160 * kib,
    sources: {
      clockHz: url2(esp),
      sramBytes: url2(esp),
      flashBytes: estimate("no internal flash: modules carry 4\u201332 MB external SPI flash; 8 MB (a common module) assumed", esp),
      supplyV: url2("https://lucidar.me/en/esp32/power-consumption-of-esp32-s3-devkitm-1/", "DevKitM-1 at 3.3 V"),
      activePowerMw: url2("https://lucidar.me/en/esp32/power-consumption-of-esp32-s3-devkitm-1/", "31.7 mA \xD7 3.3 V running, used as computing power [S]"),
      idlePowerMw: estimate("lower end of the 20\u201340 mA active baseline [P] at 3.3 V", espPower),
      sleepCurrentUa: url2(espPower, "light sleep 240 \xB5A keeps SRAM; deep sleep (7 \xB5A) keeps only RTC memory"),
      brownOutV: estimate("a 3.0\u20133.6 V part whose SPI flash needs ~3 V; ESP-IDF brown-out detector levels are ~2.4\u20132.8 V"),
      "macsPerCycle.matmul": estimate("dense weights stream once per inference from quad SPI flash at 80 MHz: 40 MB/s \xF7 240 MHz = 0.167 B/cycle bounds int8 MACs"),
      "macsPerCycle.conv": estimate("no MLPerf Tiny result: PIE 128-bit SIMD with ESP-NN assumed as efficient per cycle as the calibrated Cortex-M7"),
      "macsPerCycle.depthwise": estimate("half the conv rate, as on the calibrated cores"),
      "macsPerCycle.elementwise": elementwiseEstimate,
      "macsPerCycle.softmax": softmaxEstimate,
      firmwareFlashBytes: estimate("ESP-IDF with FreeRTOS and no Wi-Fi: ~300 KB of code"),
      firmwareSramBytes: estimate("ESP-IDF, FreeRTOS and the flash cache carved from internal SRAM"),
      radioStackFlashBytes: budget,
      radioStackSramBytes: budget
    }
  },
  {
    id: "nrf52840",
    core: "Cortex-M4F",
    clockHz: 64e6,
    sramBytes: 256 * kib,
    flashBytes: 1 * mib,
    flashExternal: false,
    supplyV: 3,
    activePowerMw: 9.9,
    idlePowerMw: 3.5,
    sleepCurrentUa: 1.5,
    brownOutV: 1.7,
    macsPerCycle: l4r5Rates,
    sources: {
      clockHz: url2("https://github.com/platformio/platformio-docs/blob/develop/boards/nordicnrf52/nrf52840_dk.rst"),
      sramBytes: url2("https://github.com/platformio/platformio-docs/blob/develop/boards/nordicnrf52/nrf52840_dk.rst"),
      flashBytes: url2("https://github.com/platformio/platformio-docs/blob/develop/boards/nordicnrf52/nrf52840_dk.rst"),
      supplyV: url2("https://embedwise.pages.dev/calculators/nrf52-power-profiler", "3.0 V"),
      activePowerMw: estimate("\u22483.3 mA at 3 V running from flash with DC-DC (\u224852 \xB5A/MHz), quoted [U] in the reference, not verified"),
      idlePowerMw: idleRule,
      sleepCurrentUa: url2("https://embedwise.pages.dev/calculators/nrf52-power-profiler", "System ON idle with RTC, 3 RAM banks retained, 3.0 V"),
      brownOutV: estimate("not extracted: minimum supply 1.7 V assumed as the brown-out point"),
      "macsPerCycle.matmul": estimate("M4 proxy: STM32L4R5 calibrated rate per cycle, scaled by clock", m4Simd),
      "macsPerCycle.conv": estimate("M4 proxy: STM32L4R5 calibrated rate per cycle, scaled by clock", m4Simd),
      "macsPerCycle.depthwise": estimate("M4 proxy: STM32L4R5 rate per cycle, scaled by clock", m4Simd),
      "macsPerCycle.elementwise": elementwiseEstimate,
      "macsPerCycle.softmax": softmaxEstimate,
      ...budgetSources
    }
  },
  {
    id: "rp2040",
    core: "2\xD7 Cortex-M0+",
    clockHz: 133e6,
    sramBytes: 264 * kib,
    flashBytes: 2 * mib,
    flashExternal: true,
    supplyV: 3.3,
    activePowerMw: 82.5,
    idlePowerMw: 66,
    sleepCurrentUa: 2e3,
    brownOutV: 2.7,
    macsPerCycle: { matmul: 0.125, conv: 0.15, depthwise: 0.1, elementwise: 0.125, softmax: 0.01 },
    sources: {
      clockHz: url2(rpSpecs),
      sramBytes: url2(rpSpecs),
      flashBytes: estimate("no internal flash: QSPI up to 16 MB [P]; the Raspberry Pi Pico carries 2 MB", rpSpecs),
      supplyV: estimate("board-level currents taken at the 3.3 V rail"),
      activePowerMw: estimate("\u224825 mA at 3.3 V: the ~20 mA WFE-loop board figure plus the core busy multiplying", "https://github.com/rp-rs/rp-hal/issues/659"),
      idlePowerMw: url2("https://github.com/rp-rs/rp-hal/issues/659", "~20 mA WFE loop, board-level [S], \xD7 3.3 V"),
      sleepCurrentUa: url2("https://www.github.com/nhasbun/pico_power_saving", "Pico deep sleep ~2 mA, board-level [S]"),
      brownOutV: estimate("chip BOD watches the 1.1 V core; the 3.3 V QSPI flash (min ~2.7 V) is what stops a battery-fed node"),
      "macsPerCycle.matmul": estimate("no SIMD/SMLAD: ~8 cycles per int8 MAC (two byte loads, multiply, add, loop); QSPI XIP (~0.25 B/cycle) does not bind"),
      "macsPerCycle.conv": estimate("no SIMD/SMLAD: ~6\u20137 cycles per MAC with inputs reused from registers"),
      "macsPerCycle.depthwise": estimate("no SIMD: ~10 cycles per MAC"),
      "macsPerCycle.elementwise": estimate("half the DSP-core estimate (no saturating SIMD instructions)"),
      "macsPerCycle.softmax": estimate("half the DSP-core estimate (no saturating SIMD instructions)"),
      ...budgetSources
    }
  },
  {
    id: "rp2350",
    core: "2\xD7 Cortex-M33",
    clockHz: 15e7,
    sramBytes: 520 * kib,
    flashBytes: 4 * mib,
    flashExternal: true,
    supplyV: 3.3,
    activePowerMw: 66,
    idlePowerMw: 23.1,
    sleepCurrentUa: 50,
    brownOutV: 2.7,
    macsPerCycle: { ...u575Rates, matmul: 0.25 },
    sources: {
      clockHz: url2(rpSpecs),
      sramBytes: url2(rpSpecs),
      flashBytes: estimate("no internal flash on RP2350A/B: QSPI flash; the Raspberry Pi Pico 2 carries 4 MB", rpSpecs),
      supplyV: estimate("3.3 V rail assumed"),
      activePowerMw: estimate("not retrieved (reference \xA78): ~20 mA at 3.3 V assumed, below the RP2040 board figure"),
      idlePowerMw: idleRule,
      sleepCurrentUa: estimate("not retrieved: SLEEP/DORMANT with the always-on timer assumed 50 \xB5A, far below RP2040"),
      brownOutV: estimate("the 3.3 V QSPI flash (min ~2.7 V) is what stops a battery-fed node"),
      "macsPerCycle.matmul": estimate("M33 proxy capped by QSPI XIP at 75 MHz: 37.5 MB/s \xF7 150 MHz = 0.25 B/cycle of streamed int8 weights"),
      "macsPerCycle.conv": estimate("M33 proxy: STM32U575 calibrated rate per cycle"),
      "macsPerCycle.depthwise": estimate("M33 proxy: STM32U575 rate per cycle"),
      "macsPerCycle.elementwise": elementwiseEstimate,
      "macsPerCycle.softmax": softmaxEstimate,
      ...budgetSources
    }
  }
];
var mcuProfileInputs = Object.fromEntries(inputs.map((input) => [input.id, input]));
var mcuProfiles = Object.fromEntries(
  inputs.map((input) => [input.id, validateMcuProfile(input)])
);
var mcuIds = Object.keys(mcuProfiles);

// src/hw/solar.ts
import * as z4 from "zod";
var hourSchema = z4.number().min(0).max(24);
var solarConfigSchema = z4.object({
  panelAreaM2: z4.number().positive(),
  panelEfficiency: z4.number().gt(0).max(1).default(0.15),
  chargeEfficiency: z4.number().gt(0).max(1).default(0.8),
  /** Time of day at virtual time 0, hours. */
  startHour: z4.number().min(0).lt(24).default(0),
  curve: z4.discriminatedUnion("type", [
    z4.object({
      type: z4.literal("halfSine"),
      peakIrradianceWPerM2: z4.number().nonnegative().default(1e3),
      sunriseHour: hourSchema.default(6),
      sunsetHour: hourSchema.default(18)
    }).strict().refine((c) => c.sunsetHour > c.sunriseHour, { message: "sunsetHour must be after sunriseHour" }),
    z4.object({
      type: z4.literal("table"),
      points: z4.array(z4.tuple([hourSchema, z4.number().nonnegative()]).readonly()).min(2).readonly()
    }).strict().refine((c) => c.points[0]?.[0] === 0 && c.points[c.points.length - 1]?.[0] === 24 && c.points.every((p, i) => i === 0 || p[0] > c.points[i - 1][0]), {
      message: "points must run from hour 0 to hour 24 with increasing hours"
    })
  ]).default({ type: "halfSine", peakIrradianceWPerM2: 1e3, sunriseHour: 6, sunsetHour: 18 })
}).strict();
var msPerHour = 36e5;
function irradianceWPerM2(curve, hourOfDay) {
  if (curve.type === "halfSine") {
    const { peakIrradianceWPerM2: peak, sunriseHour: rise, sunsetHour: set } = curve;
    if (hourOfDay <= rise || hourOfDay >= set) return 0;
    return peak * Math.sin(Math.PI * (hourOfDay - rise) / (set - rise));
  }
  const { points } = curve;
  for (let i = 1; i < points.length; i++) {
    const [h1, g1] = points[i];
    if (hourOfDay <= h1) {
      const [h0, g0] = points[i - 1];
      return g0 + (g1 - g0) * (hourOfDay - h0) / (h1 - h0);
    }
  }
  return points[points.length - 1][1];
}
function insolationSinceMidnightWhPerM2(curve, hour) {
  if (curve.type === "halfSine") {
    const { peakIrradianceWPerM2: peak, sunriseHour: rise, sunsetHour: set } = curve;
    const dayH = set - rise;
    const h = Math.min(set, Math.max(rise, hour));
    return peak * dayH / Math.PI * (1 - Math.cos(Math.PI * (h - rise) / dayH));
  }
  const { points } = curve;
  let sum = 0;
  for (let i = 1; i < points.length; i++) {
    const [h0, g0] = points[i - 1];
    const [h1] = points[i];
    if (hour <= h0) break;
    const hEnd = Math.min(hour, h1);
    sum += (g0 + irradianceWPerM2(curve, hEnd)) / 2 * (hEnd - h0);
  }
  return sum;
}
function insolationWhPerM2(config, timeMs) {
  const hoursFromMidnight = config.startHour + timeMs / msPerHour;
  const days = Math.floor(hoursFromMidnight / 24);
  const hourOfDay = hoursFromMidnight - days * 24;
  return days * insolationSinceMidnightWhPerM2(config.curve, 24) + insolationSinceMidnightWhPerM2(config.curve, hourOfDay) - insolationSinceMidnightWhPerM2(config.curve, config.startHour);
}
function harvestedChargeUc(config, batteryVoltageV, fromMs, toMs) {
  if (!(toMs >= fromMs)) throw new RangeError(`toMs must be \u2265 fromMs, got ${fromMs}..${toMs}`);
  const whPerM2 = insolationWhPerM2(config, toMs) - insolationWhPerM2(config, fromMs);
  return Math.max(0, whPerM2 * wattsPerIrradiance(config) * msPerHour * 1e3 / batteryVoltageV);
}
function createSolarHarvester(config, batteryVoltageV) {
  if (!(batteryVoltageV > 0)) throw new RangeError(`batteryVoltageV must be > 0, got ${batteryVoltageV}`);
  const parsed = solarConfigSchema.parse(config);
  return { chargeUc: (fromMs, toMs) => harvestedChargeUc(parsed, batteryVoltageV, fromMs, toMs) };
}
function wattsPerIrradiance(config) {
  return config.panelAreaM2 * config.panelEfficiency * config.chargeEfficiency;
}

// src/scenario/node-settings.ts
var phase = z5.union([durationSchema("wake phase", false), z5.literal("random")], { error: 'expected a phase in ms (or with a unit), or "random"' });
var wakeSchema = z5.discriminatedUnion("mode", [
  z5.strictObject({ mode: z5.literal("always") }),
  z5.strictObject({ mode: z5.literal("off") }),
  z5.strictObject({
    mode: z5.literal("rendezvous"),
    period: durationSchema("wake period", true),
    window: durationSchema("listen window", true),
    phase: phase.default("random")
  }),
  z5.strictObject({
    mode: z5.literal("preamble-sampling"),
    period: durationSchema("sampling period", true),
    cad: durationSchema("channel-activity detection time", true).optional().describe("Default: 2 symbols of the group\u2019s modulation."),
    phase: phase.default("random")
  })
]);
var bytes2 = z5.int().min(0).max(2 ** 40);
var nodeFields = {
  mcu: z5.string().min(1).describe("MCU profile: a built-in id (see `loraswarm mcu`) or a key of profiles.mcus."),
  battery: z5.string().min(1).describe('"mains", a built-in battery (cr2032, 2xaa, 18650) or a key of profiles.batteries.'),
  initialStateOfCharge: z5.number().min(0).max(1),
  rail: z5.discriminatedUnion("type", [
    z5.strictObject({ type: z5.literal("direct") }),
    z5.strictObject({ type: z5.literal("ldo"), voltageV: z5.number().positive().max(12), dropoutV: z5.number().min(0).max(2).default(0.1) })
  ]),
  wake: wakeSchema,
  solar: solarConfigSchema.optional(),
  memory: z5.strictObject({ weightsBytes: bytes2, activationsBytes: bytes2, kvCacheBytes: bytes2, trainingBuffersBytes: bytes2 }).partial().describe("Static allocations of the node\u2019s models, checked against the MCU\u2019s flash and SRAM before the run.")
};
var nodeDefaultsSchema = z5.strictObject({
  mcu: nodeFields.mcu.default("stm32u575"),
  battery: nodeFields.battery.default("mains"),
  initialStateOfCharge: nodeFields.initialStateOfCharge.default(1),
  rail: nodeFields.rail.default({ type: "direct" }),
  wake: nodeFields.wake.default({ mode: "always" }),
  solar: nodeFields.solar,
  memory: nodeFields.memory.default({})
});
var nodeOverridesSchema = z5.strictObject(nodeFields).partial();
var profileName = z5.string().regex(/^[A-Za-z0-9_.-]+$/);
var profilesSchema = z5.strictObject({
  mcus: z5.record(profileName, mcuProfileSchema).optional(),
  batteries: z5.record(profileName, batteryProfileSchema).optional()
});

// src/scenario/schema.ts
var point = z6.tuple([z6.number(), z6.number()]);
var radioFields = {
  chip: z6.enum(radioChipIds).describe("Radio transceiver (time-on-air rules, TX current, default sensitivity)."),
  sf: z6.union([z6.int().min(5).max(12), z6.literal("auto")], { error: 'expected an integer spreading factor from 5 to 12, or "auto"' }).describe('Spreading factor, or "auto": the smallest SF whose mean link budget to the nearest sink closes with sfMarginDb to spare.'),
  bandwidthKhz: z6.number().positive().describe("Bandwidth in kHz: 125, 250, 500 (sub-GHz) or 203.125, 406.25, 812.5, 1625 (SX128x)."),
  codingRate: z6.enum(["4/5", "4/6", "4/7", "4/8"]),
  preambleSymbols: z6.int().min(6).max(65535),
  implicitHeader: z6.boolean(),
  crc: z6.boolean(),
  ldro: z6.enum(["auto", "on", "off"]).describe("Low-data-rate optimisation; auto = on when the symbol time exceeds 16 ms."),
  txPowerDbm: z6.number(),
  antennaGainDbi: z6.number(),
  channelsMhz: z6.array(z6.number().positive()).min(1).describe("Channels used (uniform hopping among those open); default: the region's."),
  sensitivity: z6.enum(["sx1276", "sx1272", "sx1301", "lorasim", "sx1262", "snr"]).describe("Receiver sensitivity table; default: the chip's."),
  noiseFigureDb: z6.number().min(0).max(30),
  supplyV: z6.number().positive().max(12).describe("Supply voltage of the radio, for energy."),
  sfMarginDb: z6.number().min(0).max(40).describe("Link margin demanded by sf: auto.")
};
var radioDefaultsSchema = z6.strictObject({
  chip: radioFields.chip.default("sx1276"),
  sf: radioFields.sf.default(7),
  bandwidthKhz: radioFields.bandwidthKhz.default(125),
  codingRate: radioFields.codingRate.default("4/5"),
  preambleSymbols: radioFields.preambleSymbols.default(8),
  implicitHeader: radioFields.implicitHeader.default(false),
  crc: radioFields.crc.default(true),
  ldro: radioFields.ldro.default("auto"),
  txPowerDbm: radioFields.txPowerDbm.default(14),
  antennaGainDbi: radioFields.antennaGainDbi.default(0),
  channelsMhz: radioFields.channelsMhz.optional(),
  sensitivity: radioFields.sensitivity.optional(),
  noiseFigureDb: radioFields.noiseFigureDb.default(6),
  supplyV: radioFields.supplyV.default(3.3),
  sfMarginDb: radioFields.sfMarginDb.default(0)
});
var radioOverridesSchema = z6.strictObject(radioFields).partial();
var placementSchema = z6.discriminatedUnion("shape", [
  z6.strictObject({
    shape: z6.literal("disc"),
    radiusM: z6.union([z6.number().min(0), z6.literal("auto")], { error: 'expected a radius \u2265 0 in metres, or "auto"' }),
    centerM: point.optional(),
    minSeparationM: z6.number().min(0).optional()
  }),
  z6.strictObject({
    shape: z6.literal("grid"),
    spacingM: z6.number().positive(),
    columns: z6.int().positive().optional(),
    originM: point.optional()
  }),
  z6.strictObject({
    shape: z6.literal("rectangle"),
    widthM: z6.number().min(0),
    heightM: z6.number().min(0),
    originM: point.optional()
  })
]);
var trafficSchema = z6.strictObject({
  kind: z6.enum(["poisson", "periodic"]),
  interval: durationSchema("traffic interval", true).describe("Mean (poisson) or period (periodic) between messages."),
  jitter: durationSchema("traffic jitter", false).optional(),
  payloadBytes: z6.int().min(0).max(1e6),
  to: z6.enum(["sink", "peer", "broadcast"]).default("sink"),
  deadline: durationSchema("frame deadline", false).optional().describe("A frame still unsent this long after it was queued is dutyCycleBlocked."),
  queueCapacity: z6.int().min(1).max(1e6).optional()
}).superRefine((traffic, ctx) => {
  if (traffic.jitter !== void 0 && traffic.jitter > traffic.interval) {
    ctx.addIssue({ code: "custom", path: ["jitter"], message: `expected jitter \u2264 interval (${traffic.interval} ms), found ${traffic.jitter} ms` });
  }
});
var nodeIdPattern = /^[A-Za-z0-9_.-]+$/;
var explicitNodeSchema = z6.strictObject({
  id: z6.string().regex(nodeIdPattern, 'expected a node id of letters, digits, "_", "." or "-"').optional(),
  xM: z6.number(),
  yM: z6.number()
});
var groupSchema = z6.strictObject({
  name: z6.string().regex(nodeIdPattern, 'expected a group name of letters, digits, "_", "." or "-"'),
  role: z6.enum(["node", "sink"]).default("node"),
  count: z6.int().min(1).max(1e6).optional(),
  placement: placementSchema.optional(),
  nodes: z6.array(explicitNodeSchema).min(1).optional(),
  receivePaths: z6.union([z6.int().min(1), z6.literal("unlimited")], { error: 'expected an integer \u2265 1 or "unlimited"' }).optional(),
  radio: radioOverridesSchema.optional(),
  node: nodeOverridesSchema.optional(),
  traffic: trafficSchema.optional()
}).superRefine((group, ctx) => {
  if (group.nodes && (group.count !== void 0 || group.placement)) {
    ctx.addIssue({ code: "custom", message: 'expected either "nodes" (explicit positions) or "count" with "placement", found both' });
  }
  if (!group.nodes && (group.count === void 0 || !group.placement)) {
    ctx.addIssue({ code: "custom", message: 'expected "nodes" (explicit positions) or "count" with "placement"' });
  }
});
var pathLossSchema = z6.union(
  [
    z6.enum(["lorasim", "ns3", "oulu"]),
    z6.strictObject({ referenceDistanceM: z6.number().positive(), referenceLossDb: z6.number(), exponent: z6.number().positive() })
  ],
  { error: 'expected "lorasim", "ns3", "oulu", or { referenceDistanceM, referenceLossDb, exponent }' }
);
var scenarioSchema = z6.strictObject({
  name: z6.string().regex(nodeIdPattern, 'expected a scenario name of letters, digits, "_", "." or "-" (it names the run directory)').optional(),
  description: z6.string().optional(),
  compat: z6.enum(["lorasim"]).optional().describe("Compatibility profile: reproduce LoRaSim r334 (see README)."),
  seed: z6.int().min(0).max(Number.MAX_SAFE_INTEGER).default(1),
  duration: durationSchema("duration", true),
  region: z6.enum(["eu868", "us915", "ism2400", "none"]).default("eu868"),
  framing: z6.enum(["lorawan", "raw"]).default("lorawan"),
  repeaterCompatible: z6.boolean().default(false),
  collision: z6.enum(["aloha", "lorasim", "energy-sir", "croce"]).default("energy-sir"),
  pathLoss: pathLossSchema.default("ns3"),
  shadowing: z6.strictObject({ sigmaDb: z6.number().min(0).max(30), mode: z6.enum(["per-frame", "per-link"]).default("per-frame") }).optional(),
  extraLossProbability: z6.number().min(0).max(1).default(0),
  processingDelayMs: z6.number().positive().max(1e3).default(1),
  broadcastMarginDb: z6.number().min(0).max(40).default(0),
  radio: radioDefaultsSchema.prefault({}),
  node: nodeDefaultsSchema.prefault({}),
  profiles: profilesSchema.optional(),
  sampling: z6.strictObject({ interval: durationSchema("sampling interval", true).describe("How often the per-node time series (series.csv) is sampled.") }).prefault({ interval: "1h" }),
  groups: z6.array(groupSchema).min(1).superRefine((groups, ctx) => {
    const seen = /* @__PURE__ */ new Set();
    groups.forEach((group, i) => {
      if (seen.has(group.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `expected unique group names, found "${group.name}" twice` });
      seen.add(group.name);
    });
  })
});

// src/scenario/loader.ts
function loadScenarioText(text, options) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: options.file, line, column: col };
  };
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((error) => ({
        path: "",
        message: `expected valid YAML, found a syntax error: ${error.message.split("\n")[0]}`,
        source: position(error.pos[0])
      }))
    );
  }
  let raw;
  try {
    raw = doc.toJS({ maxAliasCount: 1e3 });
  } catch (error) {
    const alias = firstAliasOffset(doc);
    throw new InputError([{ path: "", message: `expected valid YAML, found: ${error.message.split("\n")[0]}`, source: position(alias ?? 0) }]);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InputError([{ path: "", message: `expected a mapping of scenario keys, found ${describeValue(raw)}`, source: position(0) }]);
  }
  const tree = raw;
  const overridden = /* @__PURE__ */ new Set();
  for (const override of options.overrides ?? []) {
    applyOverride(tree, override);
    overridden.add(formatPath(override.path));
  }
  if (options.seed !== void 0) tree.seed = options.seed;
  if (tree.compat === "lorasim") fillDefaults(tree, lorasimDefaults);
  const locate = (path) => {
    const offset = sourceOffset(doc, path);
    return offset === void 0 ? void 0 : position(offset);
  };
  const result = scenarioSchema.safeParse(tree, { reportInput: true });
  if (!result.success) {
    throw new InputError(result.error.issues.flatMap((issue) => toIssues(issue, locate, overridden)));
  }
  return { scenario: result.data, locate };
}
function toIssues(issue, locate, overridden) {
  const at = (path, message) => {
    const text = formatPath(path);
    const fromSet = [...overridden].some((key) => text === key.replace(/\.(\d+)/g, "[$1]") || text.startsWith(`${key.replace(/\.(\d+)/g, "[$1]")}`));
    const source = locate(path);
    return { path: text, message: fromSet ? `${message} (set by --set)` : message, ...source && !fromSet ? { source } : {} };
  };
  const found = describeValue(issue.input);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => at([...issue.path, key], `unknown key "${key}" (not part of the scenario format; see \`loraswarm schema\`)`));
    case "invalid_type":
      return [at(issue.path, `expected ${issue.expected}, found ${found}`)];
    case "too_small":
      return [at(issue.path, `expected ${bound(issue.origin, issue.inclusive ? "\u2265" : ">", issue.minimum)}, found ${found}`)];
    case "too_big":
      return [at(issue.path, `expected ${bound(issue.origin, issue.inclusive ? "\u2264" : "<", issue.maximum)}, found ${found}`)];
    case "invalid_value":
      return [at(issue.path, `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, found ${found}`)];
    case "invalid_format":
      return [at(issue.path, `${issue.message.startsWith("expected") ? issue.message : `expected ${issue.format}`}, found ${found}`)];
    case "invalid_union":
      return [at(issue.path, `${issue.message.startsWith("expected") ? issue.message : "expected one of the allowed forms"}, found ${found}`)];
    case "custom":
      return [at(issue.path, issue.message)];
    default:
      return [at(issue.path, `${issue.message}, found ${found}`)];
  }
}
function bound(origin, relation, limit) {
  if (origin === "array") return `a list of ${relation} ${limit} items`;
  if (origin === "string") return `a string of ${relation} ${limit} characters`;
  return `a number ${relation} ${limit}`;
}
function sourceOffset(doc, path) {
  let node = doc.contents;
  let offset = node?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
      if (!pair) return offset;
      offset = pair.key.range?.[0] ?? offset;
      node = pair.value;
    } else if (node && typeof node === "object" && "items" in node && typeof key === "number") {
      node = node.items[key];
      offset = node?.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}
function firstAliasOffset(doc) {
  let offset;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && offset === void 0) offset = node.range?.[0];
      return visit.BREAK;
    }
  });
  return offset;
}

// src/sim/rng.ts
import { createHash } from "node:crypto";

// node_modules/pure-rand/lib/esm/generator/xoroshiro128plus.js
var jumps = [
  3639956645,
  3750757012,
  1261568508,
  386426335
];
var XoroShiro128Plus = class XoroShiro128Plus2 {
  constructor(s01, s00, s11, s10) {
    this.s01 = s01;
    this.s00 = s00;
    this.s11 = s11;
    this.s10 = s10;
  }
  clone() {
    return new XoroShiro128Plus2(this.s01, this.s00, this.s11, this.s10);
  }
  next() {
    const out = this.s00 + this.s10 | 0;
    const a0 = this.s10 ^ this.s00;
    const a1 = this.s11 ^ this.s01;
    const s00 = this.s00;
    const s01 = this.s01;
    this.s00 = s00 << 24 ^ s01 >>> 8 ^ a0 ^ a0 << 16;
    this.s01 = s01 << 24 ^ s00 >>> 8 ^ a1 ^ (a1 << 16 | a0 >>> 16);
    this.s10 = a1 << 5 ^ a0 >>> 27;
    this.s11 = a0 << 5 ^ a1 >>> 27;
    return out;
  }
  jump() {
    let ns01 = 0;
    let ns00 = 0;
    let ns11 = 0;
    let ns10 = 0;
    let s01 = this.s01;
    let s00 = this.s00;
    let s11 = this.s11;
    let s10 = this.s10;
    for (let i = 0; i !== 4; ++i) {
      const ji = jumps[i];
      for (let mask = 1; mask; mask <<= 1) {
        if (ji & mask) {
          ns01 ^= s01;
          ns00 ^= s00;
          ns11 ^= s11;
          ns10 ^= s10;
        }
        const a0 = s10 ^ s00;
        const a1 = s11 ^ s01;
        const s00_ = s00;
        const s01_ = s01;
        s00 = s00_ << 24 ^ s01_ >>> 8 ^ a0 ^ a0 << 16;
        s01 = s01_ << 24 ^ s00_ >>> 8 ^ a1 ^ (a1 << 16 | a0 >>> 16);
        s10 = a1 << 5 ^ a0 >>> 27;
        s11 = a0 << 5 ^ a1 >>> 27;
      }
    }
    this.s01 = ns01;
    this.s00 = ns00;
    this.s11 = ns11;
    this.s10 = ns10;
  }
  getState() {
    return [
      this.s01,
      this.s00,
      this.s11,
      this.s10
    ];
  }
};
function xoroshiro128plusFromState(state) {
  if (!(state.length === 4)) throw new Error("The state must have been produced by a xoroshiro128plus RandomGenerator");
  return new XoroShiro128Plus(state[0], state[1], state[2], state[3]);
}

// node_modules/pure-rand/lib/esm/distribution/uniformFloat64.js
var scale26 = 14901161193847656e-24;
var scale53 = 11102230246251565e-32;
var mask1 = 67108863;
var mask2 = 134217727;
function uniformFloat64(rng) {
  const value1 = rng.next() & mask1;
  const value2 = rng.next() & mask2;
  return value1 * scale26 + value2 * scale53;
}

// src/sim/rng.ts
function createRandomStreams(seed) {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  }
  return {
    seed,
    stream: (name) => createStream(seed, name)
  };
}
function createStream(seed, name) {
  const digest = createHash("sha256").update(`loraswarm/${seed}/${name}`).digest();
  const state = [digest.readInt32LE(0), digest.readInt32LE(4), digest.readInt32LE(8), digest.readInt32LE(12)];
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  const generator = xoroshiro128plusFromState(state);
  let spareNormal;
  const next = () => uniformFloat64(generator);
  return {
    name,
    next,
    int(minInclusive, maxInclusive) {
      return minInclusive + Math.floor(next() * (maxInclusive - minInclusive + 1));
    },
    exponential(mean) {
      return -mean * Math.log(1 - next());
    },
    normal() {
      if (spareNormal !== void 0) {
        const value = spareNormal;
        spareNormal = void 0;
        return value;
      }
      for (; ; ) {
        const u = 2 * next() - 1;
        const v = 2 * next() - 1;
        const s = u * u + v * v;
        if (s > 0 && s < 1) {
          const factor = Math.sqrt(-2 * Math.log(s) / s);
          spareNormal = v * factor;
          return u * factor;
        }
      }
    }
  };
}

// src/radio/modulation.ts
function parseCodingRate(text) {
  const match = /^4\/([5-8])$/.exec(text.trim());
  return match ? Number(match[1]) - 4 : void 0;
}
function symbolTimeMs(sf, bandwidthHz) {
  return 2 ** sf * 1e3 / bandwidthHz;
}

// src/radio/airtime.ts
var ldroSymbolThresholdMs = 16;
var sfRange = {
  sx127x: [6, 12],
  sx126x: [5, 12],
  sx128x: [5, 12]
};
function timeOnAir(params) {
  const { sf, bandwidthHz, codingRate, payloadBytes } = params;
  const preambleSymbols = params.preambleSymbols ?? 8;
  const implicitHeader = params.implicitHeader ?? false;
  const crc = params.crc ?? true;
  const chip = params.chip ?? "sx127x";
  const [minSf, maxSf] = sfRange[chip];
  if (!Number.isInteger(sf) || sf < minSf || sf > maxSf) {
    throw new RangeError(`sf must be an integer ${minSf}..${maxSf} for ${chip}, got ${sf}`);
  }
  if (!(bandwidthHz > 0)) throw new RangeError(`bandwidthHz must be > 0, got ${bandwidthHz}`);
  if (![1, 2, 3, 4].includes(codingRate)) throw new RangeError(`codingRate must be 1..4 (4/5..4/8), got ${codingRate}`);
  if (!Number.isInteger(payloadBytes) || payloadBytes < 0 || payloadBytes > 255) {
    throw new RangeError(`payloadBytes must be an integer 0..255, got ${payloadBytes}`);
  }
  if (!Number.isInteger(preambleSymbols) || preambleSymbols < 6 || preambleSymbols > 65535) {
    throw new RangeError(`preambleSymbols must be an integer 6..65535, got ${preambleSymbols}`);
  }
  if (chip === "sx127x" && sf === 6 && !implicitHeader) {
    throw new RangeError("SF6 on sx127x requires an implicit header (SX1276 datasheet \xA74.1.1.2)");
  }
  const symbolMs = symbolTimeMs(sf, bandwidthHz);
  const ldro = resolveLdro(params.ldro ?? "auto", chip, sf, symbolMs);
  const de = ldro ? 1 : 0;
  const crcBits = crc ? 16 : 0;
  const headerBits = implicitHeader ? 0 : 20;
  const lowSf = sf < 7 && chip !== "sx127x";
  const divisorSf = lowSf ? sf : sf - 2 * de;
  const bits = lowSf ? 8 * payloadBytes + crcBits - 4 * sf + headerBits : 8 * payloadBytes + crcBits - 4 * sf + 8 + headerBits;
  const bitsPerBlock = 4 * divisorSf;
  const payloadSymbols = 8 + Math.ceil(Math.max(bits, 0) / bitsPerBlock) * (codingRate + 4);
  const preambleExtra = lowSf ? 6.25 : 4.25;
  const totalSymbols = preambleSymbols + preambleExtra + payloadSymbols;
  const airtimeMs = totalSymbols * 2 ** sf * 1e3 / bandwidthHz;
  const preambleMs = (preambleSymbols + preambleExtra) * 2 ** sf * 1e3 / bandwidthHz;
  return { airtimeMs, symbolMs, preambleMs, payloadSymbols, ldro };
}
function resolveLdro(mode, chip, sf, symbolMs) {
  if (chip === "sx128x") {
    const fixed = sf >= 11;
    if (mode !== "auto" && mode === "on" !== fixed) {
      throw new RangeError(`sx128x fixes the (SF \u2212 2) rule by SF (on for SF11\u201312), cannot force ldro ${mode} at SF${sf}`);
    }
    return fixed;
  }
  if (sf < 7 && chip === "sx126x") return false;
  if (mode === "on") return true;
  if (mode === "off") return false;
  return symbolMs > ldroSymbolThresholdMs;
}

// src/radio/collision/aloha.ts
var alohaCollision = (wanted, interferers) => interferers.some((other) => other.sf === wanted.sf);

// src/radio/collision/signal.ts
function overlapMs(a, b) {
  return Math.max(0, Math.min(a.endMs, b.endMs) - Math.max(a.startMs, b.startMs));
}
function startedAfter(a, b) {
  return a.startMs > b.startMs || a.startMs === b.startMs && a.order > b.order;
}

// src/radio/collision/croce.ts
var croceDeltaDb = [
  [1, -8, -9, -9, -9, -9],
  [-11, 1, -11, -12, -13, -13],
  [-15, -13, 1, -13, -14, -15],
  [-19, -18, -17, 1, -17, -18],
  [-22, -22, -21, -20, 1, -20],
  [-25, -25, -25, -24, -23, 1]
];
var croceLockSymbols = 6;
var croceCollision = (wanted, interferers) => {
  const row = croceDeltaDb[wanted.sf - 7];
  if (!row) throw new RangeError(`croce covers SF7\u201312, got SF${wanted.sf}`);
  const lockMs = wanted.startMs + (wanted.preambleSymbols - croceLockSymbols) * wanted.symbolMs;
  return interferers.some((other) => {
    const threshold = row[other.sf - 7];
    if (threshold === void 0) throw new RangeError(`croce covers SF7\u201312, got SF${other.sf}`);
    if (other.endMs <= lockMs) return false;
    return wanted.rxPowerDbm - other.rxPowerDbm < threshold;
  });
};

// src/radio/collision/energy-sir.ts
var goursaudSirDb = [
  [6, -16, -18, -19, -19, -20],
  [-24, 6, -20, -22, -22, -22],
  [-27, -27, 6, -23, -25, -25],
  [-30, -30, -30, 6, -26, -28],
  [-33, -33, -33, -33, 6, -29],
  [-36, -36, -36, -36, -36, 6]
];
var dbmToMw = (dbm) => 10 ** (dbm / 10);
var energySirCollision = (wanted, interferers) => {
  if (interferers.length === 0) return false;
  const interferenceByIndex = [0, 0, 0, 0, 0, 0];
  for (const other of interferers) {
    const index = other.sf - 7;
    if (index < 0 || index > 5) throw new RangeError(`energy-sir covers SF7\u201312, got SF${other.sf}`);
    interferenceByIndex[index] += dbmToMw(other.rxPowerDbm) * overlapMs(wanted, other);
  }
  const row = goursaudSirDb[wanted.sf - 7];
  if (!row) throw new RangeError(`energy-sir covers SF7\u201312, got SF${wanted.sf}`);
  const signalEnergy = dbmToMw(wanted.rxPowerDbm) * (wanted.endMs - wanted.startMs);
  return interferenceByIndex.some(
    (energy, index) => energy > 0 && 10 * Math.log10(signalEnergy / energy) < row[index]
  );
};

// src/radio/collision/lorasim-capture.ts
var lorasimCaptureDb = 6;
var lorasimLockSymbols = 5;
var lorasimCaptureCollision = (wanted, interferers) => interferers.some((other) => other.sf === wanted.sf && losesPair(wanted, other));
function losesPair(wanted, other) {
  const [late, early] = startedAfter(wanted, other) ? [wanted, other] : [other, wanted];
  const criticalSectionStartMs = late.startMs + (late.preambleSymbols - lorasimLockSymbols) * late.symbolMs;
  if (criticalSectionStartMs >= early.endMs) return false;
  return wanted.rxPowerDbm - other.rxPowerDbm < lorasimCaptureDb;
}

// src/radio/collision/index.ts
var collisionModels = {
  aloha: alohaCollision,
  lorasim: lorasimCaptureCollision,
  "energy-sir": energySirCollision,
  croce: croceCollision
};
var collisionSfRange = {
  aloha: [5, 12],
  lorasim: [5, 12],
  "energy-sir": [7, 12],
  croce: [7, 12]
};

// src/radio/framing.ts
import { crc32 } from "node:zlib";

// src/radio/regions.ts
var unlimited = (name, minHz, maxHz, maxEirpDbm) => ({
  name,
  minHz,
  maxHz,
  dutyCycle: 1,
  maxEirpDbm
});
var eu868 = {
  id: "eu868",
  subBands: [
    { name: "g (863.0\u2013865.0 MHz)", minHz: 863e6, maxHz: 865e6, dutyCycle: 1e-3, maxEirpDbm: 16 },
    { name: "g (865.0\u2013868.0 MHz)", minHz: 865e6, maxHz: 868e6, dutyCycle: 0.01, maxEirpDbm: 16 },
    { name: "g1 (868.0\u2013868.6 MHz)", minHz: 868e6, maxHz: 8686e5, dutyCycle: 0.01, maxEirpDbm: 16 },
    { name: "g2 (868.7\u2013869.2 MHz)", minHz: 8687e5, maxHz: 8692e5, dutyCycle: 1e-3, maxEirpDbm: 16 },
    // RX2 and Class-B beacon band; 27 dBm ERP (ns-3 lorawan-mac-helper, ETSI EN 300 220 band g3).
    { name: "g3 (869.4\u2013869.65 MHz)", minHz: 8694e5, maxHz: 86965e4, dutyCycle: 0.1, maxEirpDbm: 27 },
    { name: "g4 (869.7\u2013870.0 MHz)", minHz: 8697e5, maxHz: 87e7, dutyCycle: 0.01, maxEirpDbm: 16 }
  ],
  dataRates: [
    { dr: 0, sf: 12, bandwidthHz: 125e3, maxAppBytes: 51, maxAppBytesRepeater: 51 },
    { dr: 1, sf: 11, bandwidthHz: 125e3, maxAppBytes: 51, maxAppBytesRepeater: 51 },
    { dr: 2, sf: 10, bandwidthHz: 125e3, maxAppBytes: 51, maxAppBytesRepeater: 51 },
    { dr: 3, sf: 9, bandwidthHz: 125e3, maxAppBytes: 115, maxAppBytesRepeater: 115 },
    { dr: 4, sf: 8, bandwidthHz: 125e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    { dr: 5, sf: 7, bandwidthHz: 125e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    { dr: 6, sf: 7, bandwidthHz: 25e4, maxAppBytes: 242, maxAppBytesRepeater: 222 }
  ],
  dwellTimeMs: void 0,
  dwellBelowBandwidthHz: 0,
  defaultChannelsHz: [8681e5, 8683e5, 8685e5]
};
var us915 = {
  id: "us915",
  // FCC part 15.247 FHSS: ≤ 30 dBm conducted (RP002-1.0.1 §2.5 note; LoRaMac-node RegionUS915.h).
  subBands: [unlimited("902\u2013928 MHz", 902e6, 928e6, 30)],
  dataRates: [
    { dr: 0, sf: 10, bandwidthHz: 125e3, maxAppBytes: 11, maxAppBytesRepeater: 11 },
    { dr: 1, sf: 9, bandwidthHz: 125e3, maxAppBytes: 53, maxAppBytesRepeater: 53 },
    { dr: 2, sf: 8, bandwidthHz: 125e3, maxAppBytes: 125, maxAppBytesRepeater: 125 },
    { dr: 3, sf: 7, bandwidthHz: 125e3, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    { dr: 4, sf: 8, bandwidthHz: 5e5, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    { dr: 8, sf: 12, bandwidthHz: 5e5, maxAppBytes: 53, maxAppBytesRepeater: 33 },
    { dr: 9, sf: 11, bandwidthHz: 5e5, maxAppBytes: 129, maxAppBytesRepeater: 109 },
    { dr: 10, sf: 10, bandwidthHz: 5e5, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    { dr: 11, sf: 9, bandwidthHz: 5e5, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    { dr: 12, sf: 8, bandwidthHz: 5e5, maxAppBytes: 242, maxAppBytesRepeater: 222 },
    { dr: 13, sf: 7, bandwidthHz: 5e5, maxAppBytes: 242, maxAppBytesRepeater: 222 }
  ],
  dwellTimeMs: 400,
  dwellBelowBandwidthHz: 5e5,
  // Sub-band 2 of the 64 uplink channels (903.9–905.3 MHz), the one TTN uses.
  defaultChannelsHz: [9039e5, 9041e5, 9043e5, 9045e5, 9047e5, 9049e5, 9051e5, 9053e5]
};
var ism2400 = {
  id: "ism2400",
  // Worldwide 2.4 GHz ISM band, no duty cycle (as the issue specifies). Power is capped at the
  // 20 dBm EIRP of ETSI EN 300 328 (§4.3.2.2); its 10 % medium-utilisation limit for
  // non-adaptive equipment is not modelled. SX1280's own maximum is 12.5 dBm.
  subBands: [unlimited("2400\u20132483.5 MHz", 24e8, 24835e5, 20)],
  dataRates: [],
  dwellTimeMs: void 0,
  dwellBelowBandwidthHz: 0,
  defaultChannelsHz: [2403e6, 2425e6, 2479e6]
};
var none = {
  id: "none",
  subBands: [unlimited("unregulated", 0, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)],
  dataRates: [],
  dwellTimeMs: void 0,
  dwellBelowBandwidthHz: 0,
  defaultChannelsHz: [8681e5]
};
var regions = { eu868, us915, ism2400, none };
function subBandOf(region, channelHz) {
  return region.subBands.find((band) => channelHz >= band.minHz && channelHz < band.maxHz);
}
function dwellLimitMs(region, bandwidthHz) {
  return bandwidthHz < region.dwellBelowBandwidthHz ? region.dwellTimeMs : void 0;
}
function dataRateOf(region, sf, bandwidthHz) {
  return region.dataRates.find((rate) => rate.sf === sf && rate.bandwidthHz === bandwidthHz);
}
function dutyCycleOffTimeMs(airtimeMs, dutyCycle) {
  if (!(dutyCycle > 0 && dutyCycle <= 1)) throw new RangeError(`dutyCycle must be in (0, 1], got ${dutyCycle}`);
  return airtimeMs * (1 / dutyCycle - 1);
}

// src/radio/framing.ts
var lorawanOverheadBytes = 13;
var rawHeaderBytes = 8;
var maxPhyBytes = 255;
var broadcastAddress = 65535;
var portMessage = 1;
var portFragment = 2;
function framingOverheadBytes(framing) {
  return framing === "lorawan" ? lorawanOverheadBytes : rawHeaderBytes;
}
function maxAppBytesPerFrame(params) {
  const { framing, region, airtime } = params;
  const overhead = framingOverheadBytes(framing);
  let bytes3 = maxPhyBytes - overhead;
  if (framing === "lorawan" && region.dataRates.length > 0) {
    const rate = dataRateOf(region, airtime.sf, airtime.bandwidthHz);
    if (!rate) {
      const allowed = [...new Set(region.dataRates.map((r2) => `SF${r2.sf}/${r2.bandwidthHz / 1e3} kHz`))].join(", ");
      return { ok: false, reason: `${region.id} has no LoRaWAN data rate for SF${airtime.sf}/${airtime.bandwidthHz / 1e3} kHz (allowed: ${allowed})` };
    }
    bytes3 = params.repeaterCompatible ? rate.maxAppBytesRepeater : rate.maxAppBytes;
  }
  const dwell = dwellLimitMs(region, airtime.bandwidthHz);
  if (dwell !== void 0) {
    while (bytes3 >= 0 && timeOnAir({ ...airtime, payloadBytes: bytes3 + overhead }).airtimeMs > dwell) bytes3--;
    if (bytes3 < 1) {
      return { ok: false, reason: `a ${overhead + 1}-byte frame at SF${airtime.sf}/${airtime.bandwidthHz / 1e3} kHz exceeds the ${dwell} ms dwell time of ${region.id}` };
    }
  }
  return { ok: true, bytes: bytes3 };
}
function encodeFrame(framing, header, payload) {
  const overhead = framingOverheadBytes(framing);
  if (payload.length + overhead > maxPhyBytes) {
    throw new RangeError(`frame of ${payload.length + overhead} bytes exceeds ${maxPhyBytes}`);
  }
  const bytes3 = new Uint8Array(payload.length + overhead);
  const view = new DataView(bytes3.buffer);
  if (framing === "raw") {
    bytes3[0] = 160;
    view.setUint16(1, header.source);
    view.setUint16(3, header.destination);
    view.setUint16(5, header.seq & 65535);
    bytes3[7] = header.port;
    bytes3.set(payload, rawHeaderBytes);
    return bytes3;
  }
  bytes3[0] = 64;
  view.setUint32(1, header.source, true);
  bytes3[5] = 0;
  view.setUint16(6, header.seq & 65535, true);
  bytes3[8] = header.port;
  bytes3.set(payload, 9);
  view.setUint32(9 + payload.length, crc32(bytes3.subarray(0, 9 + payload.length)), true);
  return bytes3;
}
function decodeFrame(framing, bytes3) {
  const view = new DataView(bytes3.buffer, bytes3.byteOffset, bytes3.byteLength);
  if (framing === "raw") {
    return {
      header: { source: view.getUint16(1), destination: view.getUint16(3), seq: view.getUint16(5), port: bytes3[7] },
      payload: bytes3.subarray(rawHeaderBytes)
    };
  }
  return {
    header: { source: view.getUint32(1, true), destination: broadcastAddress, seq: view.getUint16(6, true), port: bytes3[8] },
    payload: bytes3.subarray(9, bytes3.length - 4)
  };
}

// src/radio/fragmentation.ts
var fragmentHeaderBytes = 5;
var maxFragments = 4095;
function fragmentPayload(payload, messageId, maxAppBytes) {
  const dataPerFragment = maxAppBytes - fragmentHeaderBytes;
  if (dataPerFragment < 1) throw new RangeError(`maxAppBytes must exceed ${fragmentHeaderBytes}, got ${maxAppBytes}`);
  const count = Math.max(1, Math.ceil(payload.length / dataPerFragment));
  if (count > maxFragments) throw new RangeError(`payload needs ${count} fragments, more than ${maxFragments}`);
  const fragments = [];
  for (let index = 0; index < count; index++) {
    const data = payload.subarray(index * dataPerFragment, (index + 1) * dataPerFragment);
    const bytes3 = new Uint8Array(fragmentHeaderBytes + data.length);
    bytes3[0] = messageId >> 8 & 255;
    bytes3[1] = messageId & 255;
    bytes3[2] = index >> 4;
    bytes3[3] = (index & 15) << 4 | count >> 8;
    bytes3[4] = count & 255;
    bytes3.set(data, fragmentHeaderBytes);
    fragments.push(bytes3);
  }
  return fragments;
}
function parseFragment(bytes3) {
  if (bytes3.length < fragmentHeaderBytes) throw new RangeError(`fragment of ${bytes3.length} bytes is shorter than its header`);
  return {
    messageId: bytes3[0] << 8 | bytes3[1],
    index: bytes3[2] << 4 | bytes3[3] >> 4,
    count: (bytes3[3] & 15) << 8 | bytes3[4],
    data: bytes3.subarray(fragmentHeaderBytes)
  };
}
var completedMemory = 256;
var maxPartialPerSource = 16;
function createReassembler() {
  const partial = /* @__PURE__ */ new Map();
  const partialOrder = /* @__PURE__ */ new Map();
  let abandoned = 0;
  const completed = /* @__PURE__ */ new Map();
  let rejected = 0;
  return {
    add(source, fragment) {
      if (fragment.count === 0 || fragment.index >= fragment.count) {
        rejected++;
        return void 0;
      }
      const done = completed.get(source);
      if (done?.ids.has(fragment.messageId)) return void 0;
      const key = `${source}/${fragment.messageId}`;
      let entry = partial.get(key);
      if (!entry) {
        entry = { count: fragment.count, parts: new Array(fragment.count), received: 0 };
        partial.set(key, entry);
        let order2 = partialOrder.get(source);
        if (!order2) partialOrder.set(source, order2 = []);
        order2.push(key);
        while (order2.length > maxPartialPerSource) {
          const oldest = order2.shift();
          if (partial.delete(oldest)) abandoned++;
        }
      } else if (entry.count !== fragment.count) {
        rejected++;
        return void 0;
      }
      if (entry.parts[fragment.index] === void 0) {
        entry.parts[fragment.index] = fragment.data;
        entry.received++;
      }
      if (entry.received < entry.count) return void 0;
      partial.delete(key);
      const order = partialOrder.get(source);
      order.splice(order.indexOf(key), 1);
      let memory = done;
      if (!memory) completed.set(source, memory = { ids: /* @__PURE__ */ new Set(), order: [] });
      memory.ids.add(fragment.messageId);
      memory.order.push(fragment.messageId);
      if (memory.order.length > completedMemory) memory.ids.delete(memory.order.shift());
      const total = entry.parts.reduce((sum, part) => sum + part.length, 0);
      const payload = new Uint8Array(total);
      let offset = 0;
      for (const part of entry.parts) {
        payload.set(part, offset);
        offset += part.length;
      }
      return payload;
    },
    get incomplete() {
      return partial.size;
    },
    get rejected() {
      return rejected;
    },
    get abandoned() {
      return abandoned;
    }
  };
}

// src/radio/path-loss.ts
var pathLossProfiles = {
  lorasim: { referenceDistanceM: 40, referenceLossDb: 127.41, exponent: 2.08, shadowingSigmaDb: 0 },
  ns3: { referenceDistanceM: 1, referenceLossDb: 7.7, exponent: 3.76, shadowingSigmaDb: 0 },
  oulu: { referenceDistanceM: 1e3, referenceLossDb: 128.95, exponent: 2.32, shadowingSigmaDb: 7.8 }
};
var minDistanceM = 1;
function meanPathLossDb(model, distanceM) {
  const d = Math.max(distanceM, minDistanceM);
  return model.referenceLossDb + 10 * model.exponent * Math.log10(d / model.referenceDistanceM);
}
function distanceForLossM(model, lossDb) {
  return model.referenceDistanceM * 10 ** ((lossDb - model.referenceLossDb) / (10 * model.exponent));
}
function rxPowerDbm(txPowerDbm, txGainDbi, rxGainDbi, pathLossDb, shadowingDb) {
  return txPowerDbm + txGainDbi + rxGainDbi - pathLossDb - shadowingDb;
}

// src/radio/sensitivity.ts
var snrFloorDb = { 5: -2.5, 6: -5, 7: -7.5, 8: -10, 9: -12.5, 10: -15, 11: -17.5, 12: -20 };
var tables = {
  sx1276: {
    125e3: { 6: -118, 7: -123, 8: -126, 9: -129, 10: -132, 11: -133, 12: -136 },
    25e4: { 6: -115, 7: -120, 8: -123, 9: -125, 10: -128, 11: -130, 12: -133 },
    5e5: { 6: -111, 7: -116, 8: -119, 9: -122, 10: -125, 11: -128, 12: -130 }
  },
  sx1272: {
    125e3: { 6: -121, 7: -124, 8: -127, 9: -130, 10: -133, 11: -135, 12: -137 },
    // The 250 kHz row is left out: only its end points (−122 … −135) were retrievable.
    5e5: { 6: -111, 7: -116, 8: -119, 9: -122, 10: -125, 11: -128, 12: -129 }
  },
  sx1301: {
    125e3: { 7: -130, 8: -132.5, 9: -135, 10: -137.5, 11: -140, 12: -142.5 }
  },
  lorasim: {
    125e3: { 7: -126.5, 8: -127.25, 9: -131.25, 10: -132.75, 11: -134.5, 12: -133.25 },
    25e4: { 7: -124.25, 8: -126.75, 9: -128.25, 10: -130.25, 11: -132.75, 12: -132.25 },
    5e5: { 7: -120.75, 8: -124, 9: -127.5, 10: -128.75, 11: -128.75, 12: -132.25 }
  }
};
var sx1262Anchors = {
  125e3: [-124, -137],
  25e4: [-121, -134],
  5e5: [-117, -129]
};
function noiseFloorDbm(bandwidthHz, noiseFigureDb) {
  return -174 + 10 * Math.log10(bandwidthHz) + noiseFigureDb;
}
function sensitivityDbm(table, sf, bandwidthHz, noiseFigureDb) {
  if (table === "snr") {
    const floor = snrFloorDb[sf];
    return floor === void 0 ? void 0 : noiseFloorDbm(bandwidthHz, noiseFigureDb) + floor;
  }
  if (table === "sx1262") {
    const anchors = sx1262Anchors[bandwidthHz];
    const floor = snrFloorDb[sf];
    if (!anchors || floor === void 0) return void 0;
    if (sf === 12) return anchors[1];
    return Math.max(anchors[1], anchors[0] + floor - snrFloorDb[7]);
  }
  return tables[table][bandwidthHz]?.[sf];
}

// src/hw/memory-ledger.ts
var memoryKinds = {
  firmware: "flash",
  radioStack: "flash",
  weights: "flash",
  firmwareBaseline: "sram",
  radioBuffers: "sram",
  activations: "sram",
  kvCache: "sram",
  trainingBuffers: "sram"
};
var regionLabel = { flash: "flash", sram: "SRAM" };
function checkStaticAllocation(budgets, requests) {
  checkBudgets(budgets);
  const shortfalls = [];
  for (const region of ["flash", "sram"]) {
    const byKind = {};
    let requestedBytes = 0;
    for (const kind of Object.keys(memoryKinds)) {
      const bytes3 = requests[kind];
      if (memoryKinds[kind] !== region || bytes3 === void 0) continue;
      checkBytes(kind, bytes3);
      byKind[kind] = bytes3;
      requestedBytes += bytes3;
    }
    const budgetBytes2 = budgetOf(budgets, region);
    if (requestedBytes > budgetBytes2) {
      const parts = Object.entries(byKind).map(([kind, bytes3]) => `${kind} ${bytes3} B`);
      shortfalls.push({
        region,
        requestedBytes,
        budgetBytes: budgetBytes2,
        shortfallBytes: requestedBytes - budgetBytes2,
        byKind,
        message: `${regionLabel[region]}: requested ${requestedBytes} B (${parts.join(", ")}), budget ${budgetBytes2} B, short by ${requestedBytes - budgetBytes2} B`
      });
    }
  }
  return shortfalls.length === 0 ? { ok: true } : { ok: false, shortfalls };
}
function createMemoryLedger(budgets) {
  checkBudgets(budgets);
  const used = { flash: 0, sram: 0 };
  const peak = { flash: 0, sram: 0 };
  const byKind = zeroByKind();
  const peakByKind = zeroByKind();
  return {
    allocate(kind, bytes3) {
      checkBytes(kind, bytes3);
      const region = memoryKinds[kind];
      const budgetBytes2 = budgetOf(budgets, region);
      const usedBytes = used[region];
      if (usedBytes + bytes3 > budgetBytes2) {
        const shortfallBytes = usedBytes + bytes3 - budgetBytes2;
        return {
          type: "memoryFault",
          region,
          kind,
          requestedBytes: bytes3,
          usedBytes,
          budgetBytes: budgetBytes2,
          shortfallBytes,
          reason: `${regionLabel[region]} allocation of ${bytes3} B for ${kind} does not fit: ${usedBytes} B of ${budgetBytes2} B in use, short by ${shortfallBytes} B`
        };
      }
      used[region] = usedBytes + bytes3;
      byKind[kind] += bytes3;
      peak[region] = Math.max(peak[region], used[region]);
      peakByKind[kind] = Math.max(peakByKind[kind], byKind[kind]);
      return { type: "allocated", usedBytes: used[region], freeBytes: budgetBytes2 - used[region] };
    },
    free(kind, bytes3) {
      checkBytes(kind, bytes3);
      if (bytes3 > byKind[kind]) throw new RangeError(`cannot free ${bytes3} B of ${kind}: only ${byKind[kind]} B allocated`);
      byKind[kind] -= bytes3;
      used[memoryKinds[kind]] -= bytes3;
    },
    usage: () => ({
      usedBytes: { ...used },
      peakBytes: { ...peak },
      budgetBytes: { flash: budgets.flashBytes, sram: budgets.sramBytes },
      bytesByKind: { ...byKind },
      peakBytesByKind: { ...peakByKind }
    })
  };
}
function budgetOf(budgets, region) {
  return region === "flash" ? budgets.flashBytes : budgets.sramBytes;
}
function zeroByKind() {
  return { firmware: 0, radioStack: 0, weights: 0, firmwareBaseline: 0, radioBuffers: 0, activations: 0, kvCache: 0, trainingBuffers: 0 };
}
function checkBytes(kind, bytes3) {
  if (!Number.isSafeInteger(bytes3) || bytes3 < 0) throw new RangeError(`${kind} bytes must be a whole number \u2265 0, got ${bytes3}`);
}
function checkBudgets(budgets) {
  checkBytes("flash budget", budgets.flashBytes);
  checkBytes("SRAM budget", budgets.sramBytes);
}

// src/node/node-power.ts
function mainsSupply(voltageV) {
  return {
    id: "mains",
    chemistry: "mains",
    nominalVoltageV: voltageV,
    cutOffVoltageV: 0,
    capacityMah: 1e15,
    referenceCurrentMa: 1,
    openCircuitVoltage: [
      [0, voltageV],
      [1, voltageV]
    ],
    internalResistanceOhm: 0,
    peukertExponent: 1
  };
}

// src/scenario/resolve-node.ts
function nodeKey(scenario2, g) {
  const own = scenario2.groups[g].node ?? {};
  return (field) => own[field] !== void 0 ? ["groups", g, "node", field] : ["node", field];
}
function groupNodeSettings(scenario2, g) {
  return { ...scenario2.node, ...scenario2.groups[g].node };
}
function resolveGroupHardware(scenario2, g, chip, radioSupplyV, firstNodeId, fail) {
  const settings = groupNodeSettings(scenario2, g);
  const keyOf = nodeKey(scenario2, g);
  const customMcus = scenario2.profiles?.mcus ?? {};
  const mcu = customMcus[settings.mcu] ?? mcuProfiles[settings.mcu];
  if (!mcu) {
    fail(keyOf("mcu"), `expected a built-in MCU (${Object.keys(mcuProfiles).join(", ")}) or a key of profiles.mcus, found "${settings.mcu}"`);
    return void 0;
  }
  let battery;
  const mains = settings.battery === "mains";
  if (mains) {
    battery = mainsSupply(radioSupplyV);
  } else {
    const custom = scenario2.profiles?.batteries?.[settings.battery];
    const builtIn = batteryProfiles[settings.battery];
    if (!custom && !builtIn) {
      fail(keyOf("battery"), `expected "mains", a built-in battery (${Object.keys(batteryProfiles).join(", ")}) or a key of profiles.batteries, found "${settings.battery}"`);
      return void 0;
    }
    battery = custom ?? builtIn;
  }
  const rail = mains ? { type: "direct" } : settings.rail;
  const supplyV = mains ? radioSupplyV : rail.type === "ldo" ? rail.voltageV : battery.nominalVoltageV;
  if (!mains && rail.type === "ldo" && rail.voltageV + rail.dropoutV > battery.nominalVoltageV) {
    fail(keyOf("rail"), `expected an LDO output + dropout below the battery's nominal ${battery.nominalVoltageV} V, found ${rail.voltageV} V + ${rail.dropoutV} V`);
  }
  const power = {
    battery,
    mains,
    initialStateOfCharge: mains ? 1 : settings.initialStateOfCharge,
    rail,
    // Mains never browns out; a battery node stops below its MCU's BOR or its radio's minimum supply.
    brownOutV: mains ? 0 : Math.max(mcu.brownOutV, chip.minSupplyV),
    ...settings.solar && !mains && { harvest: createSolarHarvester(settings.solar, battery.nominalVoltageV) },
    supplyV
  };
  const requested = settings.memory;
  const memory = {
    firmware: mcu.firmwareFlashBytes,
    radioStack: mcu.radioStackFlashBytes,
    weights: requested.weightsBytes ?? 0,
    firmwareBaseline: mcu.firmwareSramBytes,
    radioBuffers: mcu.radioStackSramBytes,
    activations: requested.activationsBytes ?? 0,
    kvCache: requested.kvCacheBytes ?? 0,
    trainingBuffers: requested.trainingBuffersBytes ?? 0
  };
  const check = checkStaticAllocation({ flashBytes: mcu.flashBytes, sramBytes: mcu.sramBytes }, memory);
  if (!check.ok) {
    for (const shortfall of check.shortfalls) {
      fail(keyOf("memory"), `expected the static allocations of node "${firstNodeId}" (and its group) to fit its ${mcu.id}, found ${shortfall.message}`);
    }
  }
  return { mcu, power, memory };
}
function resolveWake(settings, nodeId, symbolMs, rng) {
  const wake = settings.wake;
  if (wake.mode === "always" || wake.mode === "off") return wake;
  const phaseMs = wake.phase === "random" ? rng.stream(`wake/${nodeId}`).next() * wake.period : wake.phase;
  if (wake.mode === "rendezvous") return { mode: "rendezvous", periodMs: wake.period, windowMs: wake.window, phaseMs };
  return { mode: "preamble-sampling", periodMs: wake.period, cadMs: wake.cad ?? 2 * symbolMs, phaseMs };
}

// src/scenario/placement.ts
var maxPlacementTries = 1e4;
function placeGroup(group, groupPath, rng, placedBefore, radiusM, locate) {
  if (group.nodes) return group.nodes.map((node) => ({ xM: node.xM, yM: node.yM }));
  const placement = group.placement;
  const count = group.count;
  const positions = [];
  if (placement.shape === "grid") {
    const columns = placement.columns ?? Math.ceil(Math.sqrt(count));
    const [x0, y0] = placement.originM ?? [0, 0];
    for (let i = 0; i < count; i++) {
      positions.push({ xM: x0 + i % columns * placement.spacingM, yM: y0 + Math.floor(i / columns) * placement.spacingM });
    }
    return positions;
  }
  const minSeparationM = placement.shape === "disc" ? placement.minSeparationM ?? 0 : 0;
  const all = [...placedBefore];
  for (let i = 0; i < count; i++) {
    const stream = rng.stream(`placement/${group.name}/${i}`);
    let position;
    for (let attempt = 0; attempt < maxPlacementTries && !position; attempt++) {
      let candidate;
      if (placement.shape === "disc") {
        const r2 = radiusM * Math.sqrt(stream.next());
        const theta = 2 * Math.PI * stream.next();
        const [cx, cy] = placement.centerM ?? [0, 0];
        candidate = { xM: cx + r2 * Math.cos(theta), yM: cy + r2 * Math.sin(theta) };
      } else {
        const [x0, y0] = placement.originM ?? [0, 0];
        candidate = { xM: x0 + placement.widthM * stream.next(), yM: y0 + placement.heightM * stream.next() };
      }
      if (minSeparationM === 0 || all.every((p) => Math.hypot(p.xM - candidate.xM, p.yM - candidate.yM) >= minSeparationM)) {
        position = candidate;
      }
    }
    if (!position) {
      const path = [...groupPath, "placement", "minSeparationM"];
      throw new InputError([
        {
          path: formatPath(path),
          source: locate(path),
          message: `expected room for ${count} nodes ${minSeparationM} m apart within radius ${radiusM.toFixed(1)} m, found none for node ${i} after ${maxPlacementTries} tries`
        }
      ]);
    }
    positions.push(position);
    all.push(position);
  }
  return positions;
}

// src/scenario/resolve.ts
var subGhzBandwidthsKhz = [7.8, 10.4, 15.6, 20.8, 31.25, 41.7, 62.5, 125, 250, 500];
var sx128xBandwidthsKhz = [203.125, 406.25, 812.5, 1625];
var defaultQueueCapacity = 8;
function resolvePathLoss(scenario2) {
  const base = typeof scenario2.pathLoss === "string" ? pathLossProfiles[scenario2.pathLoss] : { ...scenario2.pathLoss, shadowingSigmaDb: 0 };
  return { ...base, shadowingSigmaDb: scenario2.shadowing?.sigmaDb ?? base.shadowingSigmaDb };
}
function resolveSwarm(scenario2, locate = () => void 0) {
  const region = regions[scenario2.region];
  const pathLoss = resolvePathLoss(scenario2);
  const rng = createRandomStreams(scenario2.seed);
  const issues = [];
  const reported = /* @__PURE__ */ new Set();
  const fail = (path, message) => {
    const text = formatPath(path);
    if (reported.has(`${text}
${message}`)) return;
    reported.add(`${text}
${message}`);
    issues.push({ path: text, message, source: locate(path) });
  };
  const flush = () => {
    if (issues.length > 0) throw new InputError(issues);
  };
  const radios = scenario2.groups.map((group) => ({ ...scenario2.radio, ...group.radio }));
  const positions = /* @__PURE__ */ new Map();
  const placed = [];
  const order = scenario2.groups.map((group, i) => ({ group, i })).sort((a, b) => Number(b.group.role === "sink") - Number(a.group.role === "sink"));
  const sinkReceivers = [];
  for (const { group, i } of order) {
    const radio = radios[i];
    const radiusM = placementRadiusM(scenario2, group, radio, pathLoss, sinkReceivers);
    const groupPositions = placeGroup(group, ["groups", i], rng, placed, radiusM, locate);
    positions.set(i, groupPositions);
    placed.push(...groupPositions);
    if (group.role === "sink") {
      const sensitivityTable = radio.sensitivity ?? radioChips[radio.chip].defaultSensitivity;
      for (const position of groupPositions) sinkReceivers.push({ ...position, sensitivityTable, noiseFigureDb: radio.noiseFigureDb, antennaGainDbi: radio.antennaGainDbi });
    }
  }
  const nodes = [];
  const ids = /* @__PURE__ */ new Set();
  scenario2.groups.forEach((group, g) => {
    const radio = radios[g];
    const path = ["groups", g];
    const keyOf = radioKey(scenario2, g);
    const chip = radioChips[radio.chip];
    const bandwidthHz = radio.bandwidthKhz * 1e3;
    const codingRate = parseCodingRate(radio.codingRate);
    checkChipAndRegion(chip, radio, region, keyOf, fail);
    const channelsHz = (radio.channelsMhz ?? defaultChannelsMhz(region, chip)).map((mhz) => Math.round(mhz * 1e6));
    checkChannels(region, channelsHz, radio.txPowerDbm + radio.antennaGainDbi, keyOf, fail);
    const sensitivity = radio.sensitivity ?? chip.defaultSensitivity;
    const traffic = resolveTraffic(group);
    const settings = groupNodeSettings(scenario2, g);
    const hardware = resolveGroupHardware(scenario2, g, chip, radio.supplyV, group.nodes?.[0]?.id ?? `${group.name}-0`, fail);
    if (!hardware) return;
    positions.get(g).forEach((position, i) => {
      const id = group.nodes?.[i]?.id ?? `${group.name}-${i}`;
      if (ids.has(id)) fail(group.nodes ? [...path, "nodes", i, "id"] : [...path, "name"], `expected unique node ids, found "${id}" twice`);
      ids.add(id);
      if (radio.sf === "auto" && sinkReceivers.length === 0) {
        fail(keyOf("sf"), "expected a group with role: sink for sf: auto (it sizes each link to the nearest sink), found none");
      }
      const sf = radio.sf !== "auto" ? radio.sf : sinkReceivers.length > 0 ? autoSf(position, sinkReceivers, radio, chip, bandwidthHz, pathLoss, region, scenario2) : 12;
      const ldro = scenario2.compat === "lorasim" && group.radio?.ldro === void 0 && scenario2.radio.ldro === "auto" ? lorasimLdro(sf, bandwidthHz) ? "on" : "off" : radio.ldro;
      nodes.push({
        index: nodes.length,
        id,
        group: group.name,
        role: group.role,
        ...position,
        chip,
        sf,
        bandwidthHz,
        codingRate,
        preambleSymbols: radio.preambleSymbols,
        implicitHeader: radio.implicitHeader,
        crc: radio.crc,
        ldro,
        txPowerDbm: radio.txPowerDbm,
        antennaGainDbi: radio.antennaGainDbi,
        channelsHz,
        sensitivity,
        noiseFigureDb: radio.noiseFigureDb,
        supplyV: radio.supplyV,
        receivePaths: receivePathsOf(group, scenario2),
        maxAppBytes: 0,
        traffic,
        ...hardware,
        wake: resolveWake(settings, id, symbolTimeMs(sf, bandwidthHz), rng)
      });
    });
  });
  flush();
  const failOnce = fail;
  const [minSf, maxSf] = collisionSfRange[scenario2.collision];
  const resolved = nodes.map((node) => {
    const g = scenario2.groups.findIndex((group) => group.name === node.group);
    const sfPath = radioKey(scenario2, g)("sf");
    if (node.sf < minSf || node.sf > maxSf) failOnce(sfPath, `expected SF${minSf}\u2013${maxSf} for the ${scenario2.collision} collision model, found SF${node.sf}`);
    const chipMaxSf = node.chip.maxSfByBandwidthHz?.[node.bandwidthHz];
    if (chipMaxSf !== void 0 && node.sf > chipMaxSf) {
      failOnce(sfPath, `expected at most SF${chipMaxSf} at ${node.bandwidthHz / 1e3} kHz on ${node.chip.id}, found SF${node.sf}`);
    }
    const airtime = { chip: node.chip.family, sf: node.sf, bandwidthHz: node.bandwidthHz, codingRate: node.codingRate, preambleSymbols: node.preambleSymbols, implicitHeader: node.implicitHeader, crc: node.crc, ldro: node.ldro };
    try {
      timeOnAir({ ...airtime, payloadBytes: 0 });
    } catch (error) {
      failOnce(sfPath, `expected a modulation the ${node.chip.id} supports, found: ${error.message}`);
      return node;
    }
    const capacity = maxAppBytesPerFrame({ framing: scenario2.framing, region, airtime, repeaterCompatible: scenario2.repeaterCompatible });
    if (!capacity.ok) {
      failOnce(sfPath, `expected a modulation allowed by ${scenario2.framing} framing in ${region.id}, found: ${capacity.reason}`);
      return node;
    }
    const traffic = node.traffic;
    if (traffic && traffic.payloadBytes > capacity.bytes) {
      const fragments = Math.ceil(traffic.payloadBytes / (capacity.bytes - fragmentHeaderBytes));
      if (capacity.bytes <= fragmentHeaderBytes || fragments > maxFragments) {
        failOnce(["groups", g, "traffic", "payloadBytes"], `expected a payload that fits in ${maxFragments} fragments of ${capacity.bytes} bytes, found ${traffic.payloadBytes} bytes`);
      }
    }
    return { ...node, maxAppBytes: capacity.bytes };
  });
  flush();
  checkSensitivity(scenario2, resolved, fail);
  checkTrafficTargets(scenario2, resolved, fail);
  flush();
  return { region, pathLoss, nodes: resolved };
}
function defaultChannelsMhz(region, chip) {
  if (region.id === "none" && chip.family === "sx128x") return [2425];
  return region.defaultChannelsHz.map((hz) => hz / 1e6);
}
function receivePathsOf(group, scenario2) {
  const value = group.receivePaths ?? (group.role === "sink" && scenario2.compat !== "lorasim" ? 8 : "unlimited");
  return value === "unlimited" ? Number.POSITIVE_INFINITY : value;
}
function resolveTraffic(group) {
  const traffic = group.traffic;
  if (!traffic) return void 0;
  return {
    kind: traffic.kind,
    intervalMs: traffic.interval,
    jitterMs: traffic.jitter ?? 0,
    payloadBytes: traffic.payloadBytes,
    to: traffic.to,
    deadlineMs: traffic.deadline ?? Number.POSITIVE_INFINITY,
    queueCapacity: traffic.queueCapacity ?? defaultQueueCapacity
  };
}
function radioKey(scenario2, g) {
  const own = scenario2.groups[g].radio ?? {};
  return (field) => own[field] !== void 0 ? ["groups", g, "radio", field] : ["radio", field];
}
function checkChipAndRegion(chip, radio, region, keyOf, fail) {
  const bandwidths = chip.family === "sx128x" ? sx128xBandwidthsKhz : subGhzBandwidthsKhz;
  if (!bandwidths.includes(radio.bandwidthKhz)) {
    fail(keyOf("bandwidthKhz"), `expected one of ${bandwidths.join(", ")} kHz for ${chip.id}, found ${radio.bandwidthKhz}`);
  }
  if (region.id === "ism2400" !== (chip.family === "sx128x") && region.id !== "none") {
    fail(keyOf("chip"), `expected a ${region.id === "ism2400" ? "2.4 GHz (sx1280)" : "sub-GHz"} chip in region ${region.id}, found ${chip.id}`);
  }
  if (radio.txPowerDbm < chip.minTxPowerDbm || radio.txPowerDbm > chip.maxTxPowerDbm) {
    fail(keyOf("txPowerDbm"), `expected ${chip.minTxPowerDbm}..${chip.maxTxPowerDbm} dBm for ${chip.id}, found ${radio.txPowerDbm}`);
  }
}
function checkChannels(region, channelsHz, eirpDbm, keyOf, fail) {
  channelsHz.forEach((channelHz, c) => {
    const band = subBandOf(region, channelHz);
    if (!band) {
      const bands = region.subBands.map((b) => b.name).join(", ");
      fail([...keyOf("channelsMhz"), c], `expected a channel inside a ${region.id} sub-band (${bands}), found ${channelHz / 1e6} MHz`);
    } else if (eirpDbm > band.maxEirpDbm) {
      fail(keyOf("txPowerDbm"), `expected EIRP (txPowerDbm + antennaGainDbi) \u2264 ${band.maxEirpDbm} dBm in ${region.id} sub-band ${band.name}, found ${eirpDbm} dBm`);
    }
  });
}
function placementRadiusM(scenario2, group, radio, pathLoss, sinks) {
  const placement = group.placement;
  if (!placement || placement.shape !== "disc") return 0;
  if (placement.radiusM !== "auto") return placement.radiusM;
  const chip = radioChips[radio.chip];
  const bandwidthHz = radio.bandwidthKhz * 1e3;
  const sf = radio.sf === "auto" ? Math.min(12, chip.maxSfByBandwidthHz?.[bandwidthHz] ?? 12) : radio.sf;
  const sink = sinks[0];
  const table = sink?.sensitivityTable ?? radio.sensitivity ?? chip.defaultSensitivity;
  const sensitivity = sensitivityDbm(table, sf, bandwidthHz, sink?.noiseFigureDb ?? radio.noiseFigureDb) ?? Number.NaN;
  const maxLossDb = radio.txPowerDbm + radio.antennaGainDbi + (sink?.antennaGainDbi ?? radio.antennaGainDbi) - sensitivity;
  if (scenario2.compat === "lorasim") {
    return pathLoss.referenceDistanceM * Math.exp((maxLossDb - pathLoss.referenceLossDb) / (10 * pathLoss.exponent));
  }
  return distanceForLossM(pathLoss, maxLossDb);
}
function autoSf(position, sinks, radio, chip, bandwidthHz, pathLoss, region, scenario2) {
  const chipMaxSf = chip.maxSfByBandwidthHz?.[bandwidthHz] ?? 12;
  const candidates = [7, 8, 9, 10, 11, 12].filter(
    (sf) => sf <= chipMaxSf && (scenario2.framing !== "lorawan" || region.dataRates.length === 0 || region.dataRates.some((r2) => r2.sf === sf && r2.bandwidthHz === bandwidthHz))
  );
  let nearest = sinks[0];
  let lossDb = Number.POSITIVE_INFINITY;
  for (const sink of sinks) {
    const loss = meanPathLossDb(pathLoss, Math.hypot(sink.xM - position.xM, sink.yM - position.yM)) - sink.antennaGainDbi;
    if (loss < lossDb) [nearest, lossDb] = [sink, loss];
  }
  const rxDbm = radio.txPowerDbm + radio.antennaGainDbi - lossDb;
  for (const sf of candidates) {
    const sensitivity = sensitivityDbm(nearest.sensitivityTable, sf, bandwidthHz, nearest.noiseFigureDb);
    if (sensitivity !== void 0 && rxDbm >= sensitivity + radio.sfMarginDb) return sf;
  }
  return candidates[candidates.length - 1] ?? 12;
}
function checkSensitivity(scenario2, nodes, fail) {
  const modulations = /* @__PURE__ */ new Map();
  for (const node of nodes) modulations.set(`${node.sf}/${node.bandwidthHz}`, { sf: node.sf, bandwidthHz: node.bandwidthHz, group: node.group });
  const seen = /* @__PURE__ */ new Set();
  for (const node of nodes) {
    for (const { sf, bandwidthHz, group } of modulations.values()) {
      if (sensitivityDbm(node.sensitivity, sf, bandwidthHz, node.noiseFigureDb) !== void 0) continue;
      const key = `${node.group}/${node.sensitivity}/${sf}/${bandwidthHz}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const g = scenario2.groups.findIndex((candidate) => candidate.name === node.group);
      fail(radioKey(scenario2, g)("sensitivity"), `expected a sensitivity table with an entry for SF${sf}/${bandwidthHz / 1e3} kHz (used by group ${group}), found "${node.sensitivity}" without one`);
    }
  }
}
var maxMessagesPerRun = 2e7;
function checkTrafficTargets(scenario2, nodes, fail) {
  const sinks = nodes.filter((node) => node.role === "sink").length;
  const expectedMessages = nodes.reduce((sum, node) => sum + (node.traffic ? scenario2.duration / node.traffic.intervalMs : 0), 0);
  if (expectedMessages > maxMessagesPerRun) {
    const g = scenario2.groups.findIndex((group) => group.traffic && scenario2.duration / group.traffic.interval > maxMessagesPerRun / nodes.length);
    fail(["groups", Math.max(0, g), "traffic", "interval"], `expected at most ${maxMessagesPerRun.toLocaleString("en")} messages in a run (duration / interval summed over senders), found about ${Math.round(expectedMessages).toLocaleString("en")}`);
  }
  scenario2.groups.forEach((group, g) => {
    if (group.traffic?.to === "sink" && sinks === 0) fail(["groups", g, "traffic", "to"], "expected a group with role: sink to send to, found none");
    if (group.traffic?.to === "sink" && group.role === "sink" && sinks < 2) fail(["groups", g, "traffic", "to"], "expected another sink for a sink to send to, found only itself");
    if (group.traffic?.to === "peer" && nodes.length < 2) fail(["groups", g, "traffic", "to"], "expected at least two nodes for peer traffic, found one");
  });
}

// src/cli/read-scenario.ts
function readScenario(file, options = {}) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = error.code;
    throw new InputError([{ path: "", message: `expected a readable scenario file at ${file}, found ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory" : code ?? "an unreadable file"}` }]);
  }
  const overrides = (options.sets ?? []).map(parseOverride);
  const loaded = loadScenarioText(text, { file, overrides, ...options.seed !== void 0 && { seed: options.seed } });
  const swarm2 = resolveSwarm(loaded.scenario, loaded.locate);
  return { ...loaded, swarm: swarm2, name: loaded.scenario.name ?? basename(file, extname(file)) };
}

// src/sim/scheduler.ts
var initialCapacity = 1024;
function createScheduler(startMs = 0) {
  let nowMs = startMs;
  let nextSeq = 0;
  let eventsProcessed = 0;
  let size = 0;
  let times = new Float64Array(initialCapacity);
  let seqs = new Float64Array(initialCapacity);
  const fns = new Array(initialCapacity);
  let finished = new Uint32Array(1024);
  let cancelledPending = 0;
  const isFinished = (id) => (finished[id >>> 5] & 1 << (id & 31)) !== 0;
  const markFinished = (id) => {
    const word = id >>> 5;
    if (word >= finished.length) {
      const grown = new Uint32Array(Math.max(finished.length * 2, word + 1));
      grown.set(finished);
      finished = grown;
    }
    finished[word] |= 1 << (id & 31);
  };
  const less = (i, j) => times[i] < times[j] || times[i] === times[j] && seqs[i] < seqs[j];
  function swap(i, j) {
    const t2 = times[i];
    times[i] = times[j];
    times[j] = t2;
    const q = seqs[i];
    seqs[i] = seqs[j];
    seqs[j] = q;
    const f = fns[i];
    fns[i] = fns[j];
    fns[j] = f;
  }
  function grow() {
    const capacity = times.length * 2;
    const t2 = new Float64Array(capacity);
    t2.set(times);
    times = t2;
    const q = new Float64Array(capacity);
    q.set(seqs);
    seqs = q;
    fns.length = capacity;
  }
  function push(timeMs, fn) {
    if (!(timeMs >= nowMs)) {
      throw new RangeError(`event time must be a number \u2265 now (${nowMs} ms), got ${timeMs}`);
    }
    if (size === times.length) grow();
    const seq = nextSeq++;
    let i = size++;
    times[i] = timeMs;
    seqs[i] = seq;
    fns[i] = fn;
    while (i > 0) {
      const parent = i - 1 >> 1;
      if (!less(i, parent)) break;
      swap(i, parent);
      i = parent;
    }
    return seq;
  }
  let poppedTimeMs = 0;
  function pop() {
    poppedTimeMs = times[0];
    const fn = fns[0];
    size--;
    if (size > 0) {
      times[0] = times[size];
      seqs[0] = seqs[size];
      fns[0] = fns[size];
      let i = 0;
      for (; ; ) {
        const left = 2 * i + 1;
        if (left >= size) break;
        const right = left + 1;
        const child = right < size && less(right, left) ? right : left;
        if (!less(child, i)) break;
        swap(i, child);
        i = child;
      }
    }
    fns[size] = void 0;
    return fn;
  }
  function skipCancelled() {
    while (size > 0 && cancelledPending > 0 && isFinished(seqs[0])) {
      cancelledPending--;
      pop();
    }
  }
  function step() {
    skipCancelled();
    if (size === 0) return false;
    markFinished(seqs[0]);
    const fn = pop();
    nowMs = poppedTimeMs;
    eventsProcessed++;
    fn();
    return true;
  }
  const scheduler = {
    get nowMs() {
      return nowMs;
    },
    get eventsProcessed() {
      return eventsProcessed;
    },
    get pendingEvents() {
      return size - cancelledPending;
    },
    at: push,
    after(delayMs, fn) {
      return push(nowMs + delayMs, fn);
    },
    cancel(id) {
      if (!(id >= 0 && id < nextSeq) || isFinished(id)) return;
      markFinished(id);
      cancelledPending++;
    },
    setTimeout(fn, delayMs) {
      return push(nowMs + Math.max(0, delayMs), fn);
    },
    clearTimeout(id) {
      scheduler.cancel(id);
    },
    peekTimeMs() {
      skipCancelled();
      return size > 0 ? times[0] : void 0;
    },
    step,
    runUntil(endMs, stopWhen) {
      if (!(endMs >= nowMs)) throw new RangeError(`runUntil end must be \u2265 now (${nowMs} ms), got ${endMs}`);
      for (; ; ) {
        skipCancelled();
        if (size === 0 || times[0] > endMs) break;
        step();
        if (stopWhen?.()) return "condition";
      }
      const stop2 = size === 0 ? "empty" : "time";
      nowMs = endMs;
      return stop2;
    }
  };
  return scheduler;
}

// src/sim/keyed-random.ts
function fmix32(value) {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 2246822507);
  h ^= h >>> 13;
  h = Math.imul(h, 3266489909);
  h ^= h >>> 16;
  return h;
}
function generatorFor(seed, keys) {
  let h = fmix32(seed ^ 2654435769) ^ fmix32(Math.floor(seed / 2 ** 32));
  const state = [0, 0, 0, 0];
  for (let i = 0; i < keys.length; i++) {
    h = fmix32(h ^ fmix32(keys[i] + Math.imul(i + 1, 668265263)));
    state[i & 3] = state[i & 3] ^ h;
  }
  for (let i = 0; i < 4; i++) state[i] = fmix32(state[i] ^ Math.imul(h, i + 1) ^ i * 374761393);
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
  const generator = xoroshiro128plusFromState(state);
  for (let i = 0; i < 4; i++) generator.next();
  return generator;
}
function keyedUniform(seed, ...keys) {
  return uniformFloat64(generatorFor(seed, keys));
}
function keyedNormal(seed, ...keys) {
  const generator = generatorFor(seed, keys);
  const u1 = 1 - uniformFloat64(generator);
  const u2 = uniformFloat64(generator);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
function nameKey(name) {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}

// src/radio/transmission.ts
var broadcastDestination = -1;
var fates = ["received", "underSensitivity", "collided", "lostHalfDuplex", "asleep", "noReceivePath", "dropped"];

// src/radio/wake-schedule.ts
function periodIndex(periodMs, phaseMs, timeMs) {
  return Math.floor((timeMs - phaseMs) / periodMs);
}
function catchTimeMs(schedule, startMs, preambleMs) {
  switch (schedule.mode) {
    case "always":
      return startMs;
    case "off":
      return void 0;
    case "rendezvous": {
      const windowStart = schedule.phaseMs + periodIndex(schedule.periodMs, schedule.phaseMs, startMs) * schedule.periodMs;
      return startMs < windowStart + schedule.windowMs ? startMs : void 0;
    }
    case "preamble-sampling": {
      const k = Math.ceil((startMs - schedule.phaseMs) / schedule.periodMs);
      const sampleMs = schedule.phaseMs + k * schedule.periodMs;
      return sampleMs + schedule.cadMs <= startMs + preambleMs ? sampleMs : void 0;
    }
  }
}
function nextReceiveStartMs(schedule, timeMs) {
  if (schedule.mode !== "rendezvous") return timeMs;
  const index = periodIndex(schedule.periodMs, schedule.phaseMs, timeMs);
  const windowStart = schedule.phaseMs + index * schedule.periodMs;
  return timeMs < windowStart + schedule.windowMs ? timeMs : windowStart + schedule.periodMs;
}
function samplingPreambleSymbols(schedule, symbolMs, defaultSymbols) {
  if (schedule.mode !== "preamble-sampling") return defaultSymbols;
  return Math.max(defaultSymbols, Math.ceil((schedule.periodMs + schedule.cadMs) / symbolMs - 4.25));
}
function scheduledListenMs(schedule, fromMs, toMs) {
  if (!(toMs > fromMs)) return 0;
  switch (schedule.mode) {
    case "always":
      return toMs - fromMs;
    case "off":
      return 0;
    case "rendezvous":
      return onTime(schedule.periodMs, schedule.windowMs, schedule.phaseMs, fromMs, toMs);
    case "preamble-sampling":
      return onTime(schedule.periodMs, schedule.cadMs, schedule.phaseMs, fromMs, toMs);
  }
}
function onTime(periodMs, onMs, phaseMs, fromMs, toMs) {
  const cumulative = (t2) => {
    const k = Math.floor((t2 - phaseMs) / periodMs);
    const into = t2 - phaseMs - k * periodMs;
    return k * onMs + Math.min(into, onMs);
  };
  return cumulative(toMs) - cumulative(fromMs);
}

// src/radio/ether.ts
var sentinelSpan = 2 ** 21;
function createEther(config, scheduler, output) {
  const { nodes, pathLoss } = config;
  const collide = collisionModels[config.collision];
  const sigma = pathLoss.shadowingSigmaDb;
  const byChannel = /* @__PURE__ */ new Map();
  const ownTx = nodes.map(() => []);
  const pathLocks = nodes.map(() => []);
  const finitePathReceivers = nodes.flatMap((node, index) => Number.isFinite(node.receivePaths) ? [index] : []);
  const meanLoss = /* @__PURE__ */ new Map();
  const broadcastTargets = /* @__PURE__ */ new Map();
  const deadFromMs = nodes.map(() => Number.POSITIVE_INFINITY);
  let undecided = 0;
  let order = 0;
  let maxAirtimeMs = 0;
  let tracked = 0;
  function meanLossDb(a, b) {
    const key = a < b ? a * sentinelSpan + b : b * sentinelSpan + a;
    let loss = meanLoss.get(key);
    if (loss === void 0) {
      const na = nodes[a];
      const nb = nodes[b];
      loss = meanPathLossDb(pathLoss, Math.hypot(na.xM - nb.xM, na.yM - nb.yM));
      meanLoss.set(key, loss);
    }
    return loss;
  }
  function shadowingDb(tx, receiver) {
    if (sigma === 0) return 0;
    const senderKey = nodes[tx.sender].key;
    const receiverKey = nodes[receiver].key;
    if (config.shadowingMode === "per-link") {
      const [a, b] = senderKey < receiverKey ? [senderKey, receiverKey] : [receiverKey, senderKey];
      return sigma * keyedNormal(config.seed, 1, a, b);
    }
    return sigma * keyedNormal(config.seed, 2, senderKey, tx.seq, receiverKey);
  }
  function powerAt(onAir, receiver) {
    let rxDbm = onAir.powerAt.get(receiver);
    if (rxDbm === void 0) {
      const tx = onAir.tx;
      rxDbm = rxPowerDbm(tx.txPowerDbm, nodes[tx.sender].antennaGainDbi, nodes[receiver].antennaGainDbi, meanLossDb(tx.sender, receiver), shadowingDb(tx, receiver));
      onAir.powerAt.set(receiver, rxDbm);
    }
    return rxDbm;
  }
  function sensitivity(receiver, tx) {
    const node = nodes[receiver];
    const value = sensitivityDbm(node.sensitivityTable, tx.sf, tx.bandwidthHz, node.noiseFigureDb);
    if (value === void 0) {
      throw new RangeError(`sensitivity table ${node.sensitivityTable} has no entry for SF${tx.sf}/${tx.bandwidthHz / 1e3} kHz`);
    }
    return value;
  }
  function addressed(tx) {
    if (tx.destination !== broadcastDestination) return [tx.destination];
    const key = `${tx.sender}/${tx.sf}/${tx.bandwidthHz}/${tx.txPowerDbm}`;
    let targets = broadcastTargets.get(key);
    if (!targets) {
      const sender = nodes[tx.sender];
      targets = [];
      for (let r2 = 0; r2 < nodes.length; r2++) {
        if (r2 === tx.sender) continue;
        const mean = rxPowerDbm(tx.txPowerDbm, sender.antennaGainDbi, nodes[r2].antennaGainDbi, meanLossDb(tx.sender, r2), 0);
        if (mean >= sensitivity(r2, tx) - config.broadcastMarginDb - 3 * sigma) targets.push(r2);
      }
      broadcastTargets.set(key, targets);
    }
    return targets;
  }
  function transmittingDuring(receiver, startMs, endMs) {
    return ownTx[receiver].some(({ tx }) => tx.startMs < endMs && startMs < tx.endMs);
  }
  function claimPath(receiver, tx, rxDbm) {
    if (rxDbm < sensitivity(receiver, tx) || transmittingDuring(receiver, tx.startMs, tx.startMs)) return void 0;
    const locks = pathLocks[receiver];
    for (let i = locks.length - 1; i >= 0; i--) if (locks[i] <= tx.startMs) locks.splice(i, 1);
    if (locks.length >= nodes[receiver].receivePaths) return false;
    locks.push(tx.endMs);
    return true;
  }
  function prune(list) {
    const horizonMs = scheduler.nowMs - maxAirtimeMs;
    let kept = 0;
    for (const entry of list) if (entry.tx.endMs > horizonMs) list[kept++] = entry;
    const removed = list.length - kept;
    list.length = kept;
    return removed;
  }
  function catches(receiver, tx) {
    const preambleMs = (tx.preambleSymbols + 4.25) * tx.symbolMs;
    const atMs = catchTimeMs(nodes[receiver].wake, tx.startMs, preambleMs);
    return atMs !== void 0 && atMs < deadFromMs[receiver] ? atMs : void 0;
  }
  function decide(onAir, receiver, noPath, caught) {
    const tx = onAir.tx;
    const rxDbm = powerAt(onAir, receiver);
    const receiverNode = nodes[receiver];
    const snrDb = rxDbm - noiseFloorDbm(tx.bandwidthHz, receiverNode.noiseFigureDb);
    let fate;
    if (transmittingDuring(receiver, tx.startMs, tx.endMs)) fate = "lostHalfDuplex";
    else if (!caught) fate = "asleep";
    else if (rxDbm < sensitivity(receiver, tx)) fate = "underSensitivity";
    else if (noPath) fate = "noReceivePath";
    else if (collide(signalOf(onAir, rxDbm), interferersAt(onAir, receiver))) fate = "collided";
    else if (config.extraLossProbability > 0 && keyedUniform(config.seed, 3, nodes[tx.sender].key, tx.seq, nodes[receiver].key) < config.extraLossProbability) fate = "dropped";
    else fate = "received";
    output.reception({ type: "reception", atMs: scheduler.nowMs, tx, receiver, fate, rxPowerDbm: rxDbm, snrDb });
    if (fate === "received") {
      output.deliver({ kind: "frame", atMs: tx.endMs + config.processingDelayMs, receiver, tx, rxPowerDbm: rxDbm, snrDb });
    }
  }
  function signalOf(onAir, rxDbm) {
    const tx = onAir.tx;
    return { startMs: tx.startMs, endMs: tx.endMs, sf: tx.sf, rxPowerDbm: rxDbm, symbolMs: tx.symbolMs, preambleSymbols: tx.preambleSymbols, order: onAir.order };
  }
  const ignoreUndetectable = config.collision === "lorasim";
  function interferersAt(wanted, receiver) {
    const tx = wanted.tx;
    const list = byChannel.get(tx.channelHz).items;
    const result = [];
    for (const other of list) {
      if (other === wanted || other.tx.sender === receiver) continue;
      if (other.tx.startMs < tx.endMs && tx.startMs < other.tx.endMs) {
        const otherRxDbm = powerAt(other, receiver);
        if (ignoreUndetectable && otherRxDbm < sensitivity(receiver, other.tx)) continue;
        result.push(signalOf(other, otherRxDbm));
      }
    }
    return result;
  }
  return {
    transmit(tx) {
      if (tx.startMs !== scheduler.nowMs) {
        throw new RangeError(`transmission must be applied at its start ${tx.startMs} ms, now is ${scheduler.nowMs} ms`);
      }
      const onAir = { tx, order: order++, powerAt: /* @__PURE__ */ new Map() };
      maxAirtimeMs = Math.max(maxAirtimeMs, tx.airtimeMs);
      let log2 = byChannel.get(tx.channelHz);
      if (!log2) byChannel.set(tx.channelHz, log2 = { items: [], pruneAtLength: 64 });
      if (log2.items.length >= log2.pruneAtLength) {
        tracked -= prune(log2.items);
        log2.pruneAtLength = Math.max(64, 2 * log2.items.length);
      }
      log2.items.push(onAir);
      tracked++;
      const own = ownTx[tx.sender];
      if (own.length >= 4) prune(own);
      own.push(onAir);
      const targets = addressed(tx);
      let noPath;
      for (const receiver of finitePathReceivers) {
        if (receiver === tx.sender) continue;
        if (claimPath(receiver, tx, powerAt(onAir, receiver)) === false) (noPath ??= /* @__PURE__ */ new Set()).add(receiver);
      }
      const caught = targets.map((receiver) => {
        const atMs = catches(receiver, tx);
        if (atMs === void 0) return false;
        const rxDbm = powerAt(onAir, receiver);
        if (rxDbm >= sensitivity(receiver, tx) && !transmittingDuring(receiver, atMs, atMs)) {
          output.deliver({ kind: "rxStart", atMs, receiver, tx, rxPowerDbm: rxDbm, snrDb: rxDbm - noiseFloorDbm(tx.bandwidthHz, nodes[receiver].noiseFigureDb) });
        }
        return true;
      });
      undecided++;
      scheduler.at(tx.endMs, () => {
        undecided--;
        targets.forEach((receiver, i) => decide(onAir, receiver, noPath?.has(receiver) ?? false, caught[i]));
      });
    },
    nodeDied(node, atMs) {
      deadFromMs[node] = Math.min(deadFromMs[node], atMs);
    },
    get undecided() {
      return undecided;
    },
    get trackedTransmissions() {
      return tracked;
    }
  };
}

// src/node/lora-node.ts
var messageIdSpace = 65536;
function createLoraNode(config) {
  const { scheduler, mac, framing } = config;
  const reassembler = createReassembler();
  let nextMessageId = 0;
  return {
    index: config.index,
    send({ destination, payload, deadlineMs }) {
      const messageId = nextMessageId;
      nextMessageId = (nextMessageId + 1) % messageIdSpace;
      const nowMs = scheduler.nowMs;
      const whole = payload.length <= config.maxAppBytes;
      const parts = whole ? [payload] : fragmentPayload(payload, messageId, config.maxAppBytes);
      const port = whole ? portMessage : portFragment;
      const address = destination === broadcastDestination ? 65535 : destination;
      config.emit({ type: "messageSent", atMs: nowMs, sender: config.index, destination, messageId, appBytes: payload.length, fragments: parts.length });
      parts.forEach((part, fragmentIndex) => {
        mac.submit({
          // The frame counter is the MAC's; the header carries the next one (a later frame's
          // header may repeat a number if an earlier frame is blocked, as on a real node).
          bytes: encodeFrame(framing, { source: config.index, destination: address, seq: mac.framesSent, port }, part),
          destination,
          messageId,
          fragmentIndex,
          fragmentCount: parts.length,
          messageCreatedAtMs: nowMs,
          deadlineMs: nowMs + deadlineMs
        });
      });
      return messageId;
    },
    receive(delivery) {
      const { tx } = delivery;
      const { header, payload } = decodeFrame(framing, tx.bytes);
      let complete = payload;
      if (header.port === portFragment) complete = reassembler.add(tx.sender, parseFragment(payload));
      if (complete) {
        config.emit({
          type: "messageDelivered",
          atMs: delivery.atMs,
          sender: tx.sender,
          receiver: config.index,
          messageId: tx.messageId,
          createdAtMs: tx.messageCreatedAtMs,
          appBytes: complete.length
        });
      }
    },
    get incompleteMessages() {
      return reassembler.incomplete;
    }
  };
}

// src/node/mac.ts
function createMac(config) {
  const { scheduler, region } = config;
  const bandIndexOf = config.channelsHz.map((channelHz) => {
    const band = subBandOf(region, channelHz);
    if (!band) throw new RangeError(`channel ${channelHz} Hz lies in no sub-band of ${region.id}`);
    return region.subBands.indexOf(band);
  });
  const bandOpenAtMs = region.subBands.map(() => Number.NEGATIVE_INFINITY);
  const queue = [];
  let queuedMessages = 0;
  let refusedMessageId = -1;
  let transmitterFreeAtMs = Number.NEGATIVE_INFINITY;
  let wakePending = false;
  let seq = 0;
  let dead = false;
  const defaultPreamble = config.airtime.preambleSymbols ?? 8;
  const airtimeCache = /* @__PURE__ */ new Map();
  function airtimeOf(bytes3, preambleSymbols) {
    const key = preambleSymbols * 256 + bytes3;
    let result = airtimeCache.get(key);
    if (!result) airtimeCache.set(key, result = timeOnAir({ ...config.airtime, preambleSymbols, payloadBytes: bytes3 }));
    return result;
  }
  function unsent(frame) {
    config.emit({
      type: "txUnsent",
      atMs: scheduler.nowMs,
      sender: config.node,
      destination: frame.destination,
      messageId: frame.messageId,
      fragmentIndex: frame.fragmentIndex,
      fragmentCount: frame.fragmentCount,
      queuedAtMs: frame.queuedAtMs
    });
  }
  function dequeue() {
    const head = queue.shift();
    if (head.fragmentIndex === head.fragmentCount - 1) queuedMessages--;
    return head;
  }
  function block(frame, queuedAtMs, reason) {
    config.emit({
      type: "txBlocked",
      atMs: scheduler.nowMs,
      sender: config.node,
      destination: frame.destination,
      reason,
      phyBytes: frame.bytes.length,
      sf: config.airtime.sf,
      messageId: frame.messageId,
      fragmentIndex: frame.fragmentIndex,
      fragmentCount: frame.fragmentCount,
      queuedAtMs
    });
  }
  function service() {
    const nowMs = scheduler.nowMs;
    if (dead || wakePending || transmitterFreeAtMs > nowMs) return;
    while (queue.length > 0) {
      const head = queue[0];
      if (Number.isNaN(head.headSinceMs)) head.headSinceMs = nowMs;
      const open = [];
      let reopenMs = Number.POSITIVE_INFINITY;
      for (let c = 0; c < bandIndexOf.length; c++) {
        const openAt = bandOpenAtMs[bandIndexOf[c]];
        if (openAt <= nowMs) open.push(c);
        else reopenMs = Math.min(reopenMs, openAt);
      }
      const readyMs = config.receiverReadyAtMs ? config.receiverReadyAtMs(head.destination, nowMs) : nowMs;
      if (readyMs > nowMs) {
        if (Number.isNaN(head.wakeWaitSinceMs)) head.wakeWaitSinceMs = nowMs;
        reopenMs = Math.max(readyMs, open.length > 0 ? readyMs : reopenMs);
        open.length = 0;
      }
      if (open.length === 0) {
        if (reopenMs > head.deadlineMs) {
          dequeue();
          block(head, head.queuedAtMs, "deadline");
          continue;
        }
        wakePending = true;
        scheduler.at(reopenMs, () => {
          wakePending = false;
          service();
        });
        return;
      }
      if (nowMs > head.deadlineMs) {
        dequeue();
        block(head, head.queuedAtMs, "deadline");
        continue;
      }
      const channel = open.length === 1 ? open[0] : open[config.rng.int(0, open.length - 1)];
      send(head, channel);
      return;
    }
  }
  function send(frame, channel) {
    const startMs = scheduler.nowMs;
    const airtime = airtimeOf(frame.bytes.length, frame.preambleSymbols);
    const tx = {
      sender: config.node,
      seq,
      destination: frame.destination,
      startMs,
      airtimeMs: airtime.airtimeMs,
      endMs: startMs + airtime.airtimeMs,
      channelHz: config.channelsHz[channel],
      sf: config.airtime.sf,
      bandwidthHz: config.airtime.bandwidthHz,
      codingRate: config.airtime.codingRate,
      preambleSymbols: frame.preambleSymbols,
      symbolMs: airtime.symbolMs,
      txPowerDbm: config.txPowerDbm,
      bytes: frame.bytes,
      messageId: frame.messageId,
      fragmentIndex: frame.fragmentIndex,
      fragmentCount: frame.fragmentCount,
      messageCreatedAtMs: frame.messageCreatedAtMs
    };
    if (!config.transmit(tx)) {
      kill();
      return;
    }
    seq++;
    dequeue();
    const band = bandIndexOf[channel];
    bandOpenAtMs[band] = tx.endMs + dutyCycleOffTimeMs(tx.airtimeMs, region.subBands[band].dutyCycle);
    transmitterFreeAtMs = tx.endMs;
    const wakeWaitMs = Number.isNaN(frame.wakeWaitSinceMs) ? 0 : startMs - frame.wakeWaitSinceMs;
    config.emit({
      type: "txStarted",
      atMs: startMs,
      tx,
      queuedAtMs: frame.queuedAtMs,
      queueWaitMs: frame.headSinceMs - frame.queuedAtMs,
      dutyCycleWaitMs: startMs - frame.headSinceMs - wakeWaitMs,
      wakeWaitMs,
      // mA × ms × V = µJ
      energyUj: config.txCurrentMa * tx.airtimeMs * config.supplyV
    });
    scheduler.at(tx.endMs, service);
  }
  function kill() {
    if (dead) return;
    dead = true;
    while (queue.length > 0) unsent(queue.shift());
  }
  return {
    kill,
    submit(frame) {
      const nowMs = scheduler.nowMs;
      if (dead) return;
      const continuesMessage = frame.fragmentIndex > 0;
      if (continuesMessage ? frame.messageId === refusedMessageId : queuedMessages >= config.queueCapacity) {
        if (!continuesMessage) refusedMessageId = frame.messageId;
        block(frame, nowMs, "queueFull");
        return;
      }
      if (!continuesMessage) {
        refusedMessageId = -1;
        queuedMessages++;
      }
      queue.push({
        bytes: frame.bytes,
        destination: frame.destination,
        messageId: frame.messageId,
        fragmentIndex: frame.fragmentIndex,
        fragmentCount: frame.fragmentCount,
        messageCreatedAtMs: frame.messageCreatedAtMs,
        deadlineMs: frame.deadlineMs,
        queuedAtMs: nowMs,
        preambleSymbols: config.preambleSymbolsFor ? config.preambleSymbolsFor(frame.destination) : defaultPreamble,
        // Set when the frame first stands at the head with the transmitter free.
        headSinceMs: Number.NaN,
        wakeWaitSinceMs: Number.NaN
      });
      service();
    },
    get queueLength() {
      return queue.length;
    },
    get framesSent() {
      return seq;
    },
    get busy() {
      return queue.length > 0 || transmitterFreeAtMs > scheduler.nowMs;
    }
  };
}

// node_modules/xstate/dist/xstate-dev.esm.js
function getGlobal() {
  if (typeof globalThis !== "undefined") {
    return globalThis;
  }
  if (typeof self !== "undefined") {
    return self;
  }
  if (typeof window !== "undefined") {
    return window;
  }
  if (typeof global !== "undefined") {
    return global;
  }
}
function getDevTools() {
  const w = getGlobal();
  if (w.__xstate__) {
    return w.__xstate__;
  }
  return void 0;
}
var devToolsAdapter = (service) => {
  if (typeof window === "undefined") {
    return;
  }
  const devTools = getDevTools();
  if (devTools) {
    devTools.register(service);
  }
};

// node_modules/xstate/dist/raise-effbee0c.esm.js
var Mailbox = class {
  constructor(_process) {
    this._process = _process;
    this._active = false;
    this._current = null;
    this._last = null;
  }
  start() {
    this._active = true;
    this.flush();
  }
  clear() {
    if (this._current) {
      this._current.next = null;
      this._last = this._current;
    }
  }
  enqueue(event) {
    const enqueued = {
      value: event,
      next: null
    };
    if (this._current) {
      this._last.next = enqueued;
      this._last = enqueued;
      return;
    }
    this._current = enqueued;
    this._last = enqueued;
    if (this._active) {
      this.flush();
    }
  }
  flush() {
    while (this._current) {
      const consumed = this._current;
      this._process(consumed.value);
      this._current = consumed.next;
    }
    this._last = null;
  }
};
var STATE_DELIMITER = ".";
var TARGETLESS_KEY = "";
var NULL_EVENT = "";
var STATE_IDENTIFIER = "#";
var WILDCARD = "*";
var XSTATE_INIT = "xstate.init";
var XSTATE_ERROR = "xstate.error";
var XSTATE_STOP = "xstate.stop";
function createAfterEvent(delayRef, id) {
  return {
    type: `xstate.after.${delayRef}.${id}`
  };
}
function createDoneStateEvent(id, output) {
  return {
    type: `xstate.done.state.${id}`,
    output
  };
}
function createDoneActorEvent(invokeId, output) {
  return {
    type: `xstate.done.actor.${invokeId}`,
    output,
    actorId: invokeId
  };
}
function createErrorActorEvent(id, error) {
  return {
    type: `xstate.error.actor.${id}`,
    error,
    actorId: id
  };
}
function createInitEvent(input) {
  return {
    type: XSTATE_INIT,
    input
  };
}
function reportUnhandledError(err) {
  setTimeout(() => {
    throw err;
  });
}
var symbolObservable = (() => typeof Symbol === "function" && Symbol.observable || "@@observable")();
function matchesState(parentStateId, childStateId) {
  const parentStateValue = toStateValue(parentStateId);
  const childStateValue = toStateValue(childStateId);
  if (typeof childStateValue === "string") {
    if (typeof parentStateValue === "string") {
      return childStateValue === parentStateValue;
    }
    return false;
  }
  if (typeof parentStateValue === "string") {
    return parentStateValue in childStateValue;
  }
  return Object.keys(parentStateValue).every((key) => {
    if (!(key in childStateValue)) {
      return false;
    }
    return matchesState(parentStateValue[key], childStateValue[key]);
  });
}
function toStatePath(stateId) {
  if (isArray(stateId)) {
    return stateId;
  }
  const result = [];
  let segment = "";
  for (let i = 0; i < stateId.length; i++) {
    const char = stateId.charCodeAt(i);
    switch (char) {
      // \
      case 92:
        segment += stateId[i + 1];
        i++;
        continue;
      // .
      case 46:
        result.push(segment);
        segment = "";
        continue;
    }
    segment += stateId[i];
  }
  result.push(segment);
  return result;
}
function toStateValue(stateValue) {
  if (isMachineSnapshot(stateValue)) {
    return stateValue.value;
  }
  if (typeof stateValue !== "string") {
    return stateValue;
  }
  const statePath = toStatePath(stateValue);
  return pathToStateValue(statePath);
}
function pathToStateValue(statePath) {
  if (statePath.length === 1) {
    return statePath[0];
  }
  const value = {};
  let marker = value;
  for (let i = 0; i < statePath.length - 1; i++) {
    if (i === statePath.length - 2) {
      marker[statePath[i]] = statePath[i + 1];
    } else {
      const previous = marker;
      marker = {};
      previous[statePath[i]] = marker;
    }
  }
  return value;
}
function mapValues(collection, iteratee) {
  const result = {};
  const collectionKeys = Object.keys(collection);
  for (let i = 0; i < collectionKeys.length; i++) {
    const key = collectionKeys[i];
    result[key] = iteratee(collection[key], key, collection, i);
  }
  return result;
}
function toArrayStrict(value) {
  if (isArray(value)) {
    return value;
  }
  return [value];
}
function toArray(value) {
  if (value === void 0) {
    return [];
  }
  return toArrayStrict(value);
}
function resolveOutput(mapper, context, event, self2) {
  if (typeof mapper === "function") {
    return mapper({
      context,
      event,
      self: self2
    });
  }
  return mapper;
}
function isArray(value) {
  return Array.isArray(value);
}
function isErrorActorEvent(event) {
  return event.type.startsWith("xstate.error.actor");
}
function toTransitionConfigArray(configLike) {
  return toArrayStrict(configLike).map((transitionLike) => {
    if (typeof transitionLike === "undefined" || typeof transitionLike === "string") {
      return {
        target: transitionLike
      };
    }
    return transitionLike;
  });
}
function normalizeTarget(target) {
  if (target === void 0 || target === TARGETLESS_KEY) {
    return void 0;
  }
  return toArray(target);
}
function toObserver(nextHandler, errorHandler, completionHandler) {
  const isObserver = typeof nextHandler === "object";
  const self2 = isObserver ? nextHandler : void 0;
  return {
    next: (isObserver ? nextHandler.next : nextHandler)?.bind(self2),
    error: (isObserver ? nextHandler.error : errorHandler)?.bind(self2),
    complete: (isObserver ? nextHandler.complete : completionHandler)?.bind(self2)
  };
}
function createInvokeId(stateNodeId, index) {
  return `${index}.${stateNodeId}`;
}
function resolveReferencedActor(machine, src) {
  const match = src.match(/^xstate\.invoke\.(\d+)\.(.*)/);
  if (!match) {
    return machine.implementations.actors[src];
  }
  const [, indexStr, nodeId] = match;
  const node = machine.getStateNodeById(nodeId);
  const invokeConfig = node.config.invoke;
  return (Array.isArray(invokeConfig) ? invokeConfig[indexStr] : invokeConfig).src;
}
function matchesEventDescriptor(eventType, descriptor) {
  if (descriptor === eventType) {
    return true;
  }
  if (descriptor === WILDCARD) {
    return true;
  }
  if (!descriptor.endsWith(".*")) {
    return false;
  }
  const partialEventTokens = descriptor.split(".");
  const eventTokens = eventType.split(".");
  for (let tokenIndex = 0; tokenIndex < partialEventTokens.length; tokenIndex++) {
    const partialEventToken = partialEventTokens[tokenIndex];
    const eventToken = eventTokens[tokenIndex];
    if (partialEventToken === "*") {
      const isLastToken = tokenIndex === partialEventTokens.length - 1;
      return isLastToken;
    }
    if (partialEventToken !== eventToken) {
      return false;
    }
  }
  return true;
}
function createScheduledEventId(actorRef, id) {
  return `${actorRef.sessionId}.${id}`;
}
var idCounter = 0;
function createSystem(rootActor, options) {
  const children = /* @__PURE__ */ new Map();
  const keyedActors = /* @__PURE__ */ new Map();
  const reverseKeyedActors = /* @__PURE__ */ new WeakMap();
  const inspectionObservers = /* @__PURE__ */ new Set();
  const timerMap = {};
  const {
    clock,
    logger
  } = options;
  const scheduler = {
    schedule: (source, target, event, delay, id = Math.random().toString(36).slice(2)) => {
      const scheduledEvent = {
        source,
        target,
        event,
        delay,
        id,
        startedAt: Date.now()
      };
      const scheduledEventId = createScheduledEventId(source, id);
      system._snapshot._scheduledEvents[scheduledEventId] = scheduledEvent;
      const timeout = clock.setTimeout(() => {
        delete timerMap[scheduledEventId];
        delete system._snapshot._scheduledEvents[scheduledEventId];
        system._relay(source, target, event);
      }, delay);
      timerMap[scheduledEventId] = timeout;
    },
    cancel: (source, id) => {
      const scheduledEventId = createScheduledEventId(source, id);
      const timeout = timerMap[scheduledEventId];
      delete timerMap[scheduledEventId];
      delete system._snapshot._scheduledEvents[scheduledEventId];
      if (timeout !== void 0) {
        clock.clearTimeout(timeout);
      }
    },
    cancelAll: (actorRef) => {
      for (const scheduledEventId in system._snapshot._scheduledEvents) {
        const scheduledEvent = system._snapshot._scheduledEvents[scheduledEventId];
        if (scheduledEvent.source === actorRef) {
          scheduler.cancel(actorRef, scheduledEvent.id);
        }
      }
    }
  };
  const sendInspectionEvent = (event) => {
    if (!inspectionObservers.size) {
      return;
    }
    const resolvedInspectionEvent = {
      ...event,
      rootId: rootActor.sessionId
    };
    inspectionObservers.forEach((observer) => observer.next?.(resolvedInspectionEvent));
  };
  const system = {
    _snapshot: {
      _scheduledEvents: (options?.snapshot && options.snapshot.scheduler) ?? {}
    },
    _bookId: () => `x:${idCounter++}`,
    _register: (sessionId, actorRef) => {
      children.set(sessionId, actorRef);
      return sessionId;
    },
    _unregister: (actorRef) => {
      children.delete(actorRef.sessionId);
      const systemId = reverseKeyedActors.get(actorRef);
      if (systemId !== void 0) {
        keyedActors.delete(systemId);
        reverseKeyedActors.delete(actorRef);
      }
    },
    get: (systemId) => {
      return keyedActors.get(systemId);
    },
    getAll: () => {
      return Object.fromEntries(keyedActors.entries());
    },
    _set: (systemId, actorRef) => {
      const existing = keyedActors.get(systemId);
      if (existing && existing !== actorRef) {
        throw new Error(`Actor with system ID '${systemId}' already exists.`);
      }
      keyedActors.set(systemId, actorRef);
      reverseKeyedActors.set(actorRef, systemId);
    },
    inspect: (observerOrFn) => {
      const observer = toObserver(observerOrFn);
      inspectionObservers.add(observer);
      return {
        unsubscribe() {
          inspectionObservers.delete(observer);
        }
      };
    },
    _sendInspectionEvent: sendInspectionEvent,
    _relay: (source, target, event) => {
      system._sendInspectionEvent({
        type: "@xstate.event",
        sourceRef: source,
        actorRef: target,
        event
      });
      target._send(event);
    },
    scheduler,
    getSnapshot: () => {
      return {
        _scheduledEvents: {
          ...system._snapshot._scheduledEvents
        }
      };
    },
    start: () => {
      const scheduledEvents = system._snapshot._scheduledEvents;
      system._snapshot._scheduledEvents = {};
      for (const scheduledId in scheduledEvents) {
        const {
          source,
          target,
          event,
          delay,
          id
        } = scheduledEvents[scheduledId];
        scheduler.schedule(source, target, event, delay, id);
      }
    },
    _clock: clock,
    _logger: logger
  };
  return system;
}
var executingCustomAction = false;
var $$ACTOR_TYPE = 1;
var ProcessingStatus = /* @__PURE__ */ (function(ProcessingStatus2) {
  ProcessingStatus2[ProcessingStatus2["NotStarted"] = 0] = "NotStarted";
  ProcessingStatus2[ProcessingStatus2["Running"] = 1] = "Running";
  ProcessingStatus2[ProcessingStatus2["Stopped"] = 2] = "Stopped";
  return ProcessingStatus2;
})({});
var defaultOptions = {
  clock: {
    setTimeout: (fn, ms) => {
      return setTimeout(fn, ms);
    },
    clearTimeout: (id) => {
      return clearTimeout(id);
    }
  },
  logger: console.log.bind(console),
  devTools: false
};
var Actor = class {
  /**
   * Creates a new actor instance for the given logic with the provided options,
   * if any.
   *
   * @param logic The logic to create an actor from
   * @param options Actor options
   */
  constructor(logic, options) {
    this.logic = logic;
    this._snapshot = void 0;
    this.clock = void 0;
    this.options = void 0;
    this.id = void 0;
    this.mailbox = new Mailbox(this._process.bind(this));
    this.observers = /* @__PURE__ */ new Set();
    this.eventListeners = /* @__PURE__ */ new Map();
    this.logger = void 0;
    this._processingStatus = ProcessingStatus.NotStarted;
    this._parent = void 0;
    this._syncSnapshot = void 0;
    this.ref = void 0;
    this._actorScope = void 0;
    this.systemId = void 0;
    this.sessionId = void 0;
    this.system = void 0;
    this._doneEvent = void 0;
    this.src = void 0;
    this._deferred = [];
    const resolvedOptions = {
      ...defaultOptions,
      ...options
    };
    const {
      clock,
      logger,
      parent,
      syncSnapshot,
      id,
      systemId,
      inspect
    } = resolvedOptions;
    this.system = parent ? parent.system : createSystem(this, {
      clock,
      logger
    });
    if (inspect && !parent) {
      this.system.inspect(toObserver(inspect));
    }
    this.sessionId = this.system._bookId();
    this.id = id ?? this.sessionId;
    this.logger = options?.logger ?? this.system._logger;
    this.clock = options?.clock ?? this.system._clock;
    this._parent = parent;
    this._syncSnapshot = syncSnapshot;
    this.options = resolvedOptions;
    this.src = resolvedOptions.src ?? logic;
    this.ref = this;
    this._actorScope = {
      self: this,
      id: this.id,
      sessionId: this.sessionId,
      logger: this.logger,
      defer: (fn) => {
        this._deferred.push(fn);
      },
      system: this.system,
      stopChild: (child) => {
        if (child._parent !== this) {
          throw new Error(`Cannot stop child actor ${child.id} of ${this.id} because it is not a child`);
        }
        child._stop();
      },
      emit: (emittedEvent) => {
        const listeners = this.eventListeners.get(emittedEvent.type);
        const wildcardListener = this.eventListeners.get("*");
        if (!listeners && !wildcardListener) {
          return;
        }
        const allListeners = [...listeners ? listeners.values() : [], ...wildcardListener ? wildcardListener.values() : []];
        for (const handler of allListeners) {
          try {
            handler(emittedEvent);
          } catch (err) {
            reportUnhandledError(err);
          }
        }
      },
      actionExecutor: (action) => {
        const exec = () => {
          this._actorScope.system._sendInspectionEvent({
            type: "@xstate.action",
            actorRef: this,
            action: {
              type: action.type,
              params: action.params
            }
          });
          if (!action.exec) {
            return;
          }
          const saveExecutingCustomAction = executingCustomAction;
          try {
            executingCustomAction = true;
            action.exec(action.info, action.params);
          } finally {
            executingCustomAction = saveExecutingCustomAction;
          }
        };
        if (this._processingStatus === ProcessingStatus.Running) {
          exec();
        } else {
          this._deferred.push(exec);
        }
      }
    };
    this.send = this.send.bind(this);
    this.system._sendInspectionEvent({
      type: "@xstate.actor",
      actorRef: this
    });
    if (systemId) {
      this.systemId = systemId;
      this.system._set(systemId, this);
    }
    this._initState(options?.snapshot ?? options?.state);
    if (systemId && this._snapshot.status !== "active") {
      this.system._unregister(this);
    }
  }
  _initState(persistedState) {
    try {
      this._snapshot = persistedState ? this.logic.restoreSnapshot ? this.logic.restoreSnapshot(persistedState, this._actorScope) : persistedState : this.logic.getInitialSnapshot(this._actorScope, this.options?.input);
    } catch (err) {
      this._snapshot = {
        status: "error",
        output: void 0,
        error: err
      };
    }
  }
  update(snapshot, event) {
    this._snapshot = snapshot;
    let deferredFn;
    while (deferredFn = this._deferred.shift()) {
      try {
        deferredFn();
      } catch (err) {
        this._deferred.length = 0;
        this._snapshot = {
          ...snapshot,
          status: "error",
          error: err
        };
      }
    }
    switch (this._snapshot.status) {
      case "active":
        for (const observer of this.observers) {
          try {
            observer.next?.(snapshot);
          } catch (err) {
            reportUnhandledError(err);
          }
        }
        break;
      case "done":
        for (const observer of this.observers) {
          try {
            observer.next?.(snapshot);
          } catch (err) {
            reportUnhandledError(err);
          }
        }
        this._stopProcedure();
        this._complete();
        this._doneEvent = createDoneActorEvent(this.id, this._snapshot.output);
        if (this._parent) {
          this.system._relay(this, this._parent, this._doneEvent);
        }
        break;
      case "error":
        this._error(this._snapshot.error);
        break;
    }
    this.system._sendInspectionEvent({
      type: "@xstate.snapshot",
      actorRef: this,
      event,
      snapshot
    });
  }
  /**
   * Subscribe an observer to an actor’s snapshot values.
   *
   * @remarks
   * The observer will receive the actor’s snapshot value when it is emitted.
   * The observer can be:
   *
   * - A plain function that receives the latest snapshot, or
   * - An observer object whose `.next(snapshot)` method receives the latest
   *   snapshot
   *
   * @example
   *
   * ```ts
   * // Observer as a plain function
   * const subscription = actor.subscribe((snapshot) => {
   *   console.log(snapshot);
   * });
   * ```
   *
   * @example
   *
   * ```ts
   * // Observer as an object
   * const subscription = actor.subscribe({
   *   next(snapshot) {
   *     console.log(snapshot);
   *   },
   *   error(err) {
   *     // ...
   *   },
   *   complete() {
   *     // ...
   *   }
   * });
   * ```
   *
   * The return value of `actor.subscribe(observer)` is a subscription object
   * that has an `.unsubscribe()` method. You can call
   * `subscription.unsubscribe()` to unsubscribe the observer:
   *
   * @example
   *
   * ```ts
   * const subscription = actor.subscribe((snapshot) => {
   *   // ...
   * });
   *
   * // Unsubscribe the observer
   * subscription.unsubscribe();
   * ```
   *
   * When the actor is stopped, all of its observers will automatically be
   * unsubscribed.
   *
   * @param observer - Either a plain function that receives the latest
   *   snapshot, or an observer object whose `.next(snapshot)` method receives
   *   the latest snapshot
   */
  subscribe(nextListenerOrObserver, errorListener, completeListener) {
    const observer = toObserver(nextListenerOrObserver, errorListener, completeListener);
    if (this._processingStatus !== ProcessingStatus.Stopped) {
      this.observers.add(observer);
    } else {
      switch (this._snapshot.status) {
        case "done":
          try {
            observer.complete?.();
          } catch (err) {
            reportUnhandledError(err);
          }
          break;
        case "error": {
          const err = this._snapshot.error;
          if (!observer.error) {
            reportUnhandledError(err);
          } else {
            try {
              observer.error(err);
            } catch (err2) {
              reportUnhandledError(err2);
            }
          }
          break;
        }
      }
    }
    return {
      unsubscribe: () => {
        this.observers.delete(observer);
      }
    };
  }
  on(type, handler) {
    let listeners = this.eventListeners.get(type);
    if (!listeners) {
      listeners = /* @__PURE__ */ new Set();
      this.eventListeners.set(type, listeners);
    }
    const wrappedHandler = handler.bind(void 0);
    listeners.add(wrappedHandler);
    return {
      unsubscribe: () => {
        listeners.delete(wrappedHandler);
      }
    };
  }
  select(selector, equalityFn = Object.is) {
    return {
      subscribe: (observerOrFn) => {
        const observer = toObserver(observerOrFn);
        const snapshot = this.getSnapshot();
        let previousSelected = selector(snapshot);
        return this.subscribe((snapshot2) => {
          const nextSelected = selector(snapshot2);
          if (!equalityFn(previousSelected, nextSelected)) {
            previousSelected = nextSelected;
            observer.next?.(nextSelected);
          }
        });
      },
      get: () => selector(this.getSnapshot())
    };
  }
  /** Starts the Actor from the initial state */
  start() {
    if (this._processingStatus === ProcessingStatus.Running) {
      return this;
    }
    if (this._syncSnapshot) {
      this.subscribe({
        next: (snapshot) => {
          if (snapshot.status === "active") {
            this.system._relay(this, this._parent, {
              type: `xstate.snapshot.${this.id}`,
              snapshot
            });
          }
        },
        error: () => {
        }
      });
    }
    this.system._register(this.sessionId, this);
    if (this.systemId) {
      this.system._set(this.systemId, this);
    }
    this._processingStatus = ProcessingStatus.Running;
    const initEvent = createInitEvent(this.options.input);
    this.system._sendInspectionEvent({
      type: "@xstate.event",
      sourceRef: this._parent,
      actorRef: this,
      event: initEvent
    });
    const status = this._snapshot.status;
    switch (status) {
      case "done":
        this.update(this._snapshot, initEvent);
        return this;
      case "error":
        this._error(this._snapshot.error);
        return this;
    }
    if (!this._parent) {
      this.system.start();
    }
    if (this.logic.start) {
      try {
        this.logic.start(this._snapshot, this._actorScope);
      } catch (err) {
        this._snapshot = {
          ...this._snapshot,
          status: "error",
          error: err
        };
        this._error(err);
        return this;
      }
    }
    this.update(this._snapshot, initEvent);
    if (this.options.devTools) {
      this.attachDevTools();
    }
    this.mailbox.start();
    return this;
  }
  _process(event) {
    let nextState;
    let caughtError;
    try {
      nextState = this.logic.transition(this._snapshot, event, this._actorScope);
    } catch (err) {
      caughtError = {
        err
      };
    }
    if (caughtError) {
      const {
        err
      } = caughtError;
      this._snapshot = {
        ...this._snapshot,
        status: "error",
        error: err
      };
      this._error(err);
      return;
    }
    this.update(nextState, event);
    if (event.type === XSTATE_STOP) {
      this._stopProcedure();
      this._complete();
    }
  }
  _stop() {
    if (this._processingStatus === ProcessingStatus.Stopped) {
      return this;
    }
    this.mailbox.clear();
    if (this._processingStatus === ProcessingStatus.NotStarted) {
      this._processingStatus = ProcessingStatus.Stopped;
      return this;
    }
    this.mailbox.enqueue({
      type: XSTATE_STOP
    });
    return this;
  }
  /** Stops the Actor and unsubscribe all listeners. */
  stop() {
    if (this._parent) {
      throw new Error("A non-root actor cannot be stopped directly.");
    }
    return this._stop();
  }
  _complete() {
    for (const observer of this.observers) {
      try {
        observer.complete?.();
      } catch (err) {
        reportUnhandledError(err);
      }
    }
    this.observers.clear();
    this.eventListeners.clear();
  }
  _reportError(err) {
    if (!this.observers.size) {
      if (!this._parent) {
        reportUnhandledError(err);
      }
      this.eventListeners.clear();
      return;
    }
    let reportError = false;
    for (const observer of this.observers) {
      const errorListener = observer.error;
      reportError ||= !errorListener;
      try {
        errorListener?.(err);
      } catch (err2) {
        reportUnhandledError(err2);
      }
    }
    this.observers.clear();
    this.eventListeners.clear();
    if (reportError) {
      reportUnhandledError(err);
    }
  }
  _error(err) {
    this._stopProcedure();
    this._reportError(err);
    if (this._parent) {
      this.system._relay(this, this._parent, createErrorActorEvent(this.id, err));
    }
  }
  // TODO: atm children don't belong entirely to the actor so
  // in a way - it's not even super aware of them
  // so we can't stop them from here but we really should!
  // right now, they are being stopped within the machine's transition
  // but that could throw and leave us with "orphaned" active actors
  _stopProcedure() {
    if (this._processingStatus !== ProcessingStatus.Running) {
      return this;
    }
    this.system.scheduler.cancelAll(this);
    this.mailbox.clear();
    this.mailbox = new Mailbox(this._process.bind(this));
    this._processingStatus = ProcessingStatus.Stopped;
    this.system._unregister(this);
    return this;
  }
  /** @internal */
  _send(event) {
    if (this._processingStatus === ProcessingStatus.Stopped) {
      return;
    }
    this.mailbox.enqueue(event);
  }
  /**
   * Sends an event to the running Actor to trigger a transition.
   *
   * @param event The event to send
   */
  send(event) {
    this.system._relay(void 0, this, event);
  }
  attachDevTools() {
    const {
      devTools
    } = this.options;
    if (devTools) {
      const resolvedDevToolsAdapter = typeof devTools === "function" ? devTools : devToolsAdapter;
      resolvedDevToolsAdapter(this);
    }
  }
  toJSON() {
    return {
      xstate$$type: $$ACTOR_TYPE,
      id: this.id
    };
  }
  /**
   * Obtain the internal state of the actor, which can be persisted.
   *
   * @remarks
   * The internal state can be persisted from any actor, not only machines.
   *
   * Note that the persisted state is not the same as the snapshot from
   * {@link Actor.getSnapshot}. Persisted state represents the internal state of
   * the actor, while snapshots represent the actor's last emitted value.
   *
   * Can be restored with {@link ActorOptions.state}
   * @see https://stately.ai/docs/persistence
   */
  getPersistedSnapshot(options) {
    return this.logic.getPersistedSnapshot(this._snapshot, options);
  }
  [symbolObservable]() {
    return this;
  }
  /**
   * Read an actor’s snapshot synchronously.
   *
   * @remarks
   * The snapshot represent an actor's last emitted value.
   *
   * When an actor receives an event, its internal state may change. An actor
   * may emit a snapshot when a state transition occurs.
   *
   * Note that some actors, such as callback actors generated with
   * `fromCallback`, will not emit snapshots.
   * @see {@link Actor.subscribe} to subscribe to an actor’s snapshot values.
   * @see {@link Actor.getPersistedSnapshot} to persist the internal state of an actor (which is more than just a snapshot).
   */
  getSnapshot() {
    return this._snapshot;
  }
};
function createActor(logic, ...[options]) {
  return new Actor(logic, options);
}
function resolveCancel(_, snapshot, actionArgs, actionParams, {
  sendId
}) {
  const resolvedSendId = typeof sendId === "function" ? sendId(actionArgs, actionParams) : sendId;
  return [snapshot, {
    sendId: resolvedSendId
  }, void 0];
}
function executeCancel(actorScope, params) {
  actorScope.defer(() => {
    actorScope.system.scheduler.cancel(actorScope.self, params.sendId);
  });
}
function cancel(sendId) {
  function cancel2(_args, _params) {
  }
  cancel2.type = "xstate.cancel";
  cancel2.sendId = sendId;
  cancel2.resolve = resolveCancel;
  cancel2.execute = executeCancel;
  return cancel2;
}
function resolveSpawn(actorScope, snapshot, actionArgs, _actionParams, {
  id,
  systemId,
  src,
  input,
  syncSnapshot
}) {
  const logic = typeof src === "string" ? resolveReferencedActor(snapshot.machine, src) : src;
  const resolvedId = typeof id === "function" ? id(actionArgs) : id;
  let actorRef;
  let resolvedInput = void 0;
  if (logic) {
    resolvedInput = typeof input === "function" ? input({
      context: snapshot.context,
      event: actionArgs.event,
      self: actorScope.self
    }) : input;
    actorRef = createActor(logic, {
      id: resolvedId,
      src,
      parent: actorScope.self,
      syncSnapshot,
      systemId,
      input: resolvedInput
    });
  }
  return [cloneMachineSnapshot(snapshot, {
    children: {
      ...snapshot.children,
      [resolvedId]: actorRef
    }
  }), {
    id,
    systemId,
    actorRef,
    src,
    input: resolvedInput
  }, void 0];
}
function executeSpawn(actorScope, {
  actorRef
}) {
  if (!actorRef) {
    return;
  }
  actorScope.defer(() => {
    if (actorRef._processingStatus === ProcessingStatus.Stopped) {
      return;
    }
    actorRef.start();
  });
}
function spawnChild(...[src, {
  id,
  systemId,
  input,
  syncSnapshot = false
} = {}]) {
  function spawnChild2(_args, _params) {
  }
  spawnChild2.type = "xstate.spawnChild";
  spawnChild2.id = id;
  spawnChild2.systemId = systemId;
  spawnChild2.src = src;
  spawnChild2.input = input;
  spawnChild2.syncSnapshot = syncSnapshot;
  spawnChild2.resolve = resolveSpawn;
  spawnChild2.execute = executeSpawn;
  return spawnChild2;
}
function resolveStop(_, snapshot, args, actionParams, {
  actorRef
}) {
  const actorRefOrString = typeof actorRef === "function" ? actorRef(args, actionParams) : actorRef;
  const resolvedActorRef = typeof actorRefOrString === "string" ? snapshot.children[actorRefOrString] : actorRefOrString;
  let children = snapshot.children;
  if (resolvedActorRef) {
    children = {
      ...children
    };
    delete children[resolvedActorRef.id];
  }
  return [cloneMachineSnapshot(snapshot, {
    children
  }), resolvedActorRef, void 0];
}
function unregisterRecursively(actorScope, actorRef) {
  const snapshot = actorRef.getSnapshot();
  if (snapshot && "children" in snapshot) {
    for (const child of Object.values(snapshot.children)) {
      unregisterRecursively(actorScope, child);
    }
  }
  actorScope.system._unregister(actorRef);
}
function executeStop(actorScope, actorRef) {
  if (!actorRef) {
    return;
  }
  unregisterRecursively(actorScope, actorRef);
  if (actorRef._processingStatus !== ProcessingStatus.Running) {
    actorScope.stopChild(actorRef);
    return;
  }
  actorScope.defer(() => {
    actorScope.stopChild(actorRef);
  });
}
function stopChild(actorRef) {
  function stop2(_args, _params) {
  }
  stop2.type = "xstate.stopChild";
  stop2.actorRef = actorRef;
  stop2.resolve = resolveStop;
  stop2.execute = executeStop;
  return stop2;
}
function checkAnd(snapshot, {
  context,
  event
}, {
  guards
}) {
  return guards.every((guard) => evaluateGuard(guard, context, event, snapshot));
}
function and(guards) {
  function and2(_args, _params) {
    return false;
  }
  and2.check = checkAnd;
  and2.guards = guards;
  return and2;
}
function evaluateGuard(guard, context, event, snapshot) {
  const {
    machine
  } = snapshot;
  const isInline = typeof guard === "function";
  const resolved = isInline ? guard : machine.implementations.guards[typeof guard === "string" ? guard : guard.type];
  if (!isInline && !resolved) {
    throw new Error(`Guard '${typeof guard === "string" ? guard : guard.type}' is not implemented.'.`);
  }
  if (typeof resolved !== "function") {
    return evaluateGuard(resolved, context, event, snapshot);
  }
  const guardArgs = {
    context,
    event
  };
  const guardParams = isInline || typeof guard === "string" ? void 0 : "params" in guard ? typeof guard.params === "function" ? guard.params({
    context,
    event
  }) : guard.params : void 0;
  if (!("check" in resolved)) {
    return resolved(guardArgs, guardParams);
  }
  const builtinGuard = resolved;
  return builtinGuard.check(
    snapshot,
    guardArgs,
    resolved
    // this holds all params
  );
}
function isAtomicStateNode(stateNode) {
  return stateNode.type === "atomic" || stateNode.type === "final";
}
function getChildren(stateNode) {
  return Object.values(stateNode.states).filter((sn) => sn.type !== "history");
}
function getProperAncestors(stateNode, toStateNode) {
  const ancestors = [];
  if (toStateNode === stateNode) {
    return ancestors;
  }
  let m = stateNode.parent;
  while (m && m !== toStateNode) {
    ancestors.push(m);
    m = m.parent;
  }
  return ancestors;
}
function getAllStateNodes(stateNodes) {
  const nodeSet = new Set(stateNodes);
  const adjList = getAdjList(nodeSet);
  for (const s of nodeSet) {
    if (s.type === "compound" && (!adjList.get(s) || !adjList.get(s).length)) {
      getInitialStateNodesWithTheirAncestors(s).forEach((sn) => nodeSet.add(sn));
    } else {
      if (s.type === "parallel") {
        for (const child of getChildren(s)) {
          if (child.type === "history") {
            continue;
          }
          if (!nodeSet.has(child)) {
            const initialStates = getInitialStateNodesWithTheirAncestors(child);
            for (const initialStateNode of initialStates) {
              nodeSet.add(initialStateNode);
            }
          }
        }
      }
    }
  }
  for (const s of nodeSet) {
    let m = s.parent;
    while (m) {
      nodeSet.add(m);
      m = m.parent;
    }
  }
  return nodeSet;
}
function getValueFromAdj(baseNode, adjList) {
  const childStateNodes = adjList.get(baseNode);
  if (!childStateNodes) {
    return {};
  }
  if (baseNode.type === "compound") {
    const childStateNode = childStateNodes[0];
    if (childStateNode) {
      if (isAtomicStateNode(childStateNode)) {
        return childStateNode.key;
      }
    } else {
      return {};
    }
  }
  const stateValue = {};
  for (const childStateNode of childStateNodes) {
    stateValue[childStateNode.key] = getValueFromAdj(childStateNode, adjList);
  }
  return stateValue;
}
function getAdjList(stateNodes) {
  const adjList = /* @__PURE__ */ new Map();
  for (const s of stateNodes) {
    if (!adjList.has(s)) {
      adjList.set(s, []);
    }
    if (s.parent) {
      if (!adjList.has(s.parent)) {
        adjList.set(s.parent, []);
      }
      adjList.get(s.parent).push(s);
    }
  }
  return adjList;
}
function getStateValue(rootNode, stateNodes) {
  const config = getAllStateNodes(stateNodes);
  return getValueFromAdj(rootNode, getAdjList(config));
}
function isInFinalState(stateNodeSet, stateNode) {
  if (stateNode.type === "compound") {
    return getChildren(stateNode).some((s) => s.type === "final" && stateNodeSet.has(s));
  }
  if (stateNode.type === "parallel") {
    return getChildren(stateNode).every((sn) => isInFinalState(stateNodeSet, sn));
  }
  return stateNode.type === "final";
}
var isStateId = (str) => str[0] === STATE_IDENTIFIER;
function getCandidates(stateNode, receivedEventType) {
  const exactMatch = stateNode.transitions.get(receivedEventType);
  const wildcardCandidates = [...stateNode.transitions.keys()].filter((eventDescriptor) => eventDescriptor !== receivedEventType && matchesEventDescriptor(receivedEventType, eventDescriptor)).sort((a, b) => b.length - a.length).flatMap((key) => stateNode.transitions.get(key));
  return exactMatch ? [...exactMatch, ...wildcardCandidates] : wildcardCandidates;
}
function getDelayedTransitions(stateNode) {
  const afterConfig = stateNode.config.after;
  if (!afterConfig) {
    return [];
  }
  const mutateEntryExit = (delay) => {
    const afterEvent = createAfterEvent(delay, stateNode.id);
    const eventType = afterEvent.type;
    stateNode.entry.push(raise(afterEvent, {
      id: eventType,
      delay
    }));
    stateNode.exit.push(cancel(eventType));
    return eventType;
  };
  const delayedTransitions = Object.keys(afterConfig).flatMap((delay) => {
    const configTransition = afterConfig[delay];
    const resolvedTransition = typeof configTransition === "string" ? {
      target: configTransition
    } : configTransition;
    const resolvedDelay = Number.isNaN(+delay) ? delay : +delay;
    const eventType = mutateEntryExit(resolvedDelay);
    return toArray(resolvedTransition).map((transition) => ({
      ...transition,
      event: eventType,
      delay: resolvedDelay
    }));
  });
  return delayedTransitions.map((delayedTransition) => {
    const {
      delay
    } = delayedTransition;
    return {
      ...formatTransition(stateNode, delayedTransition.event, delayedTransition),
      delay
    };
  });
}
function formatTransition(stateNode, descriptor, transitionConfig) {
  const normalizedTarget = normalizeTarget(transitionConfig.target);
  const reenter = transitionConfig.reenter ?? false;
  const target = resolveTarget(stateNode, normalizedTarget);
  const transition = {
    ...transitionConfig,
    actions: toArray(transitionConfig.actions),
    guard: transitionConfig.guard,
    target,
    source: stateNode,
    reenter,
    eventType: descriptor,
    toJSON: () => ({
      ...transition,
      source: `#${stateNode.id}`,
      target: target ? target.map((t2) => `#${t2.id}`) : void 0
    })
  };
  return transition;
}
function formatTransitions(stateNode) {
  const transitions = /* @__PURE__ */ new Map();
  if (stateNode.config.on) {
    for (const descriptor of Object.keys(stateNode.config.on)) {
      if (descriptor === NULL_EVENT) {
        throw new Error('Null events ("") cannot be specified as a transition key. Use `always: { ... }` instead.');
      }
      const transitionsConfig = stateNode.config.on[descriptor];
      transitions.set(descriptor, toTransitionConfigArray(transitionsConfig).map((t2) => formatTransition(stateNode, descriptor, t2)));
    }
  }
  if (stateNode.config.onDone) {
    const descriptor = `xstate.done.state.${stateNode.id}`;
    transitions.set(descriptor, toTransitionConfigArray(stateNode.config.onDone).map((t2) => formatTransition(stateNode, descriptor, t2)));
  }
  for (const invokeDef of stateNode.invoke) {
    if (invokeDef.onDone) {
      const descriptor = `xstate.done.actor.${invokeDef.id}`;
      transitions.set(descriptor, toTransitionConfigArray(invokeDef.onDone).map((t2) => formatTransition(stateNode, descriptor, t2)));
    }
    if (invokeDef.onError) {
      const descriptor = `xstate.error.actor.${invokeDef.id}`;
      transitions.set(descriptor, toTransitionConfigArray(invokeDef.onError).map((t2) => formatTransition(stateNode, descriptor, t2)));
    }
    if (invokeDef.onSnapshot) {
      const descriptor = `xstate.snapshot.${invokeDef.id}`;
      transitions.set(descriptor, toTransitionConfigArray(invokeDef.onSnapshot).map((t2) => formatTransition(stateNode, descriptor, t2)));
    }
  }
  for (const delayedTransition of stateNode.after) {
    let existing = transitions.get(delayedTransition.eventType);
    if (!existing) {
      existing = [];
      transitions.set(delayedTransition.eventType, existing);
    }
    existing.push(delayedTransition);
  }
  return transitions;
}
function formatRouteTransitions(rootStateNode) {
  const routeTransitions = [];
  const collectRoutes = (states) => {
    Object.values(states).forEach((sn) => {
      if (sn.config.route && sn.config.id) {
        const routeId = sn.config.id;
        const userGuard = sn.config.route.guard;
        const routeMatches = ({
          event
        }) => event.to === `#${routeId}`;
        const transition = {
          ...sn.config.route,
          guard: userGuard ? and([routeMatches, userGuard]) : routeMatches,
          target: `#${routeId}`
        };
        routeTransitions.push(formatTransition(rootStateNode, "xstate.route", transition));
      }
      if (sn.states) {
        collectRoutes(sn.states);
      }
    });
  };
  collectRoutes(rootStateNode.states);
  if (routeTransitions.length > 0) {
    rootStateNode.transitions.set("xstate.route", routeTransitions);
  }
}
function formatInitialTransition(stateNode, _target) {
  const resolvedTarget = typeof _target === "string" ? stateNode.states[_target] : _target ? stateNode.states[_target.target] : void 0;
  if (!resolvedTarget && _target) {
    throw new Error(
      // oxlint-disable-next-line typescript/restrict-template-expressions, typescript/no-base-to-string
      `Initial state node "${_target}" not found on parent state node #${stateNode.id}`
    );
  }
  const transition = {
    source: stateNode,
    actions: !_target || typeof _target === "string" ? [] : toArray(_target.actions),
    eventType: null,
    reenter: false,
    target: resolvedTarget ? [resolvedTarget] : [],
    meta: typeof _target === "object" ? _target.meta : void 0,
    description: typeof _target === "object" ? _target.description : void 0,
    toJSON: () => ({
      ...transition,
      source: `#${stateNode.id}`,
      target: resolvedTarget ? [`#${resolvedTarget.id}`] : []
    })
  };
  return transition;
}
function resolveTarget(stateNode, targets) {
  if (targets === void 0) {
    return void 0;
  }
  return targets.map((target) => {
    if (typeof target !== "string") {
      return target;
    }
    if (isStateId(target)) {
      return stateNode.machine.getStateNodeById(target);
    }
    const isInternalTarget = target[0] === STATE_DELIMITER;
    if (isInternalTarget && !stateNode.parent) {
      return getStateNodeByPath(stateNode, target.slice(1));
    }
    const resolvedTarget = isInternalTarget ? stateNode.key + target : target;
    if (stateNode.parent) {
      try {
        const targetStateNode = getStateNodeByPath(stateNode.parent, resolvedTarget);
        return targetStateNode;
      } catch (err) {
        throw new Error(`Invalid transition definition for state node '${stateNode.id}':
${err.message}`);
      }
    } else {
      throw new Error(`Invalid target: "${target}" is not a valid target from the root node. Did you mean ".${target}"?`);
    }
  });
}
function resolveHistoryDefaultTransition(stateNode) {
  const normalizedTarget = normalizeTarget(stateNode.config.target);
  if (!normalizedTarget) {
    if (stateNode.parent.type === "parallel") {
      return {
        target: [stateNode.parent]
      };
    }
    return stateNode.parent.initial;
  }
  return {
    target: normalizedTarget.map((t2) => typeof t2 === "string" ? getStateNodeByPath(stateNode.parent, t2) : t2)
  };
}
function isHistoryNode(stateNode) {
  return stateNode.type === "history";
}
function getInitialStateNodesWithTheirAncestors(stateNode) {
  const states = getInitialStateNodes(stateNode);
  for (const initialState of states) {
    for (const ancestor of getProperAncestors(initialState, stateNode)) {
      states.add(ancestor);
    }
  }
  return states;
}
function getInitialStateNodes(stateNode) {
  const set = /* @__PURE__ */ new Set();
  function iter(descStateNode) {
    if (set.has(descStateNode)) {
      return;
    }
    set.add(descStateNode);
    if (descStateNode.type === "compound") {
      iter(descStateNode.initial.target[0]);
    } else if (descStateNode.type === "parallel") {
      for (const child of getChildren(descStateNode)) {
        iter(child);
      }
    }
  }
  iter(stateNode);
  return set;
}
function getStateNode(stateNode, stateKey) {
  if (isStateId(stateKey)) {
    return stateNode.machine.getStateNodeById(stateKey);
  }
  if (!stateNode.states) {
    throw new Error(`Unable to retrieve child state '${stateKey}' from '${stateNode.id}'; no child states exist.`);
  }
  const result = stateNode.states[stateKey];
  if (!result) {
    throw new Error(`Child state '${stateKey}' does not exist on '${stateNode.id}'`);
  }
  return result;
}
function getStateNodeByPath(stateNode, statePath) {
  if (typeof statePath === "string" && isStateId(statePath)) {
    try {
      return stateNode.machine.getStateNodeById(statePath);
    } catch {
    }
  }
  const arrayStatePath = toStatePath(statePath).slice();
  let currentStateNode = stateNode;
  while (arrayStatePath.length) {
    const key = arrayStatePath.shift();
    if (!key.length) {
      break;
    }
    currentStateNode = getStateNode(currentStateNode, key);
  }
  return currentStateNode;
}
function getStateNodes(stateNode, stateValue) {
  if (typeof stateValue === "string") {
    const childStateNode = stateNode.states[stateValue];
    if (!childStateNode) {
      throw new Error(`State '${stateValue}' does not exist on '${stateNode.id}'`);
    }
    return [stateNode, childStateNode];
  }
  const childStateKeys = Object.keys(stateValue);
  const childStateNodes = childStateKeys.map((subStateKey) => getStateNode(stateNode, subStateKey)).filter(Boolean);
  return [stateNode.machine.root, stateNode].concat(childStateNodes, childStateKeys.reduce((allSubStateNodes, subStateKey) => {
    const subStateNode = getStateNode(stateNode, subStateKey);
    if (!subStateNode) {
      return allSubStateNodes;
    }
    const subStateNodes = getStateNodes(subStateNode, stateValue[subStateKey]);
    return allSubStateNodes.concat(subStateNodes);
  }, []));
}
function transitionAtomicNode(stateNode, stateValue, snapshot, event) {
  const childStateNode = getStateNode(stateNode, stateValue);
  const next = childStateNode.next(snapshot, event);
  if (!next || !next.length) {
    return stateNode.next(snapshot, event);
  }
  return next;
}
function transitionCompoundNode(stateNode, stateValue, snapshot, event) {
  const subStateKeys = Object.keys(stateValue);
  const childStateNode = getStateNode(stateNode, subStateKeys[0]);
  const next = transitionNode(childStateNode, stateValue[subStateKeys[0]], snapshot, event);
  if (!next || !next.length) {
    return stateNode.next(snapshot, event);
  }
  return next;
}
function transitionParallelNode(stateNode, stateValue, snapshot, event) {
  const allInnerTransitions = [];
  for (const subStateKey of Object.keys(stateValue)) {
    const subStateValue = stateValue[subStateKey];
    if (!subStateValue) {
      continue;
    }
    const subStateNode = getStateNode(stateNode, subStateKey);
    const innerTransitions = transitionNode(subStateNode, subStateValue, snapshot, event);
    if (innerTransitions) {
      allInnerTransitions.push(...innerTransitions);
    }
  }
  if (!allInnerTransitions.length) {
    return stateNode.next(snapshot, event);
  }
  return allInnerTransitions;
}
function transitionNode(stateNode, stateValue, snapshot, event) {
  if (typeof stateValue === "string") {
    return transitionAtomicNode(stateNode, stateValue, snapshot, event);
  }
  if (Object.keys(stateValue).length === 1) {
    return transitionCompoundNode(stateNode, stateValue, snapshot, event);
  }
  return transitionParallelNode(stateNode, stateValue, snapshot, event);
}
function getHistoryNodes(stateNode) {
  return Object.keys(stateNode.states).map((key) => stateNode.states[key]).filter((sn) => sn.type === "history");
}
function isDescendant(childStateNode, parentStateNode) {
  let marker = childStateNode;
  while (marker.parent && marker.parent !== parentStateNode) {
    marker = marker.parent;
  }
  return marker.parent === parentStateNode;
}
function hasIntersection(s1, s2) {
  const set1 = new Set(s1);
  const set2 = new Set(s2);
  for (const item of set1) {
    if (set2.has(item)) {
      return true;
    }
  }
  for (const item of set2) {
    if (set1.has(item)) {
      return true;
    }
  }
  return false;
}
function removeConflictingTransitions(enabledTransitions, stateNodeSet, historyValue) {
  const filteredTransitions = /* @__PURE__ */ new Set();
  for (const t1 of enabledTransitions) {
    let t1Preempted = false;
    const transitionsToRemove = /* @__PURE__ */ new Set();
    for (const t2 of filteredTransitions) {
      if (hasIntersection(computeExitSet([t1], stateNodeSet, historyValue), computeExitSet([t2], stateNodeSet, historyValue))) {
        if (isDescendant(t1.source, t2.source)) {
          transitionsToRemove.add(t2);
        } else {
          t1Preempted = true;
          break;
        }
      }
    }
    if (!t1Preempted) {
      for (const t3 of transitionsToRemove) {
        filteredTransitions.delete(t3);
      }
      filteredTransitions.add(t1);
    }
  }
  return Array.from(filteredTransitions);
}
function findLeastCommonAncestor(stateNodes) {
  const [head, ...tail] = stateNodes;
  for (const ancestor of getProperAncestors(head, void 0)) {
    if (tail.every((sn) => isDescendant(sn, ancestor))) {
      return ancestor;
    }
  }
}
function getEffectiveTargetStates(transition, historyValue) {
  if (!transition.target) {
    return [];
  }
  const targets = /* @__PURE__ */ new Set();
  for (const targetNode of transition.target) {
    if (isHistoryNode(targetNode)) {
      if (historyValue[targetNode.id]) {
        for (const node of historyValue[targetNode.id]) {
          targets.add(node);
        }
      } else {
        for (const node of getEffectiveTargetStates(resolveHistoryDefaultTransition(targetNode), historyValue)) {
          targets.add(node);
        }
      }
    } else {
      targets.add(targetNode);
    }
  }
  return [...targets];
}
function getTransitionDomain(transition, historyValue) {
  const targetStates = getEffectiveTargetStates(transition, historyValue);
  if (!targetStates) {
    return;
  }
  if (!transition.reenter && targetStates.every((target) => target === transition.source || isDescendant(target, transition.source))) {
    return transition.source;
  }
  const lca = findLeastCommonAncestor(targetStates.concat(transition.source));
  if (lca) {
    return lca;
  }
  if (transition.reenter) {
    return;
  }
  return transition.source.machine.root;
}
function computeExitSet(transitions, stateNodeSet, historyValue) {
  const statesToExit = /* @__PURE__ */ new Set();
  for (const t2 of transitions) {
    if (t2.target?.length) {
      const domain = getTransitionDomain(t2, historyValue);
      if (t2.reenter && t2.source === domain) {
        statesToExit.add(domain);
      }
      for (const stateNode of stateNodeSet) {
        if (isDescendant(stateNode, domain)) {
          statesToExit.add(stateNode);
        }
      }
    }
  }
  return [...statesToExit];
}
function areStateNodeCollectionsEqual(prevStateNodes, nextStateNodeSet) {
  if (prevStateNodes.length !== nextStateNodeSet.size) {
    return false;
  }
  for (const node of prevStateNodes) {
    if (!nextStateNodeSet.has(node)) {
      return false;
    }
  }
  return true;
}
function initialMicrostep(root, preInitialState, actorScope, initEvent, internalQueue) {
  return microstep([{
    target: [...getInitialStateNodes(root)],
    source: root,
    reenter: true,
    actions: [],
    eventType: null,
    toJSON: null
  }], preInitialState, actorScope, initEvent, true, internalQueue);
}
function microstep(transitions, currentSnapshot, actorScope, event, isInitial, internalQueue) {
  const actions = [];
  if (!transitions.length) {
    return [currentSnapshot, actions];
  }
  const originalExecutor = actorScope.actionExecutor;
  actorScope.actionExecutor = (action) => {
    actions.push(action);
    originalExecutor(action);
  };
  try {
    const mutStateNodeSet = new Set(currentSnapshot._nodes);
    let historyValue = currentSnapshot.historyValue;
    const filteredTransitions = removeConflictingTransitions(transitions, mutStateNodeSet, historyValue);
    let nextState = currentSnapshot;
    if (!isInitial) {
      [nextState, historyValue] = exitStates(nextState, event, actorScope, filteredTransitions, mutStateNodeSet, historyValue, internalQueue, actorScope.actionExecutor);
    }
    nextState = resolveActionsAndContext(nextState, event, actorScope, filteredTransitions.flatMap((t2) => t2.actions), internalQueue, void 0);
    nextState = enterStates(nextState, event, actorScope, filteredTransitions, mutStateNodeSet, internalQueue, historyValue, isInitial);
    const nextStateNodes = [...mutStateNodeSet];
    if (nextState.status === "done") {
      nextState = resolveActionsAndContext(nextState, event, actorScope, nextStateNodes.sort((a, b) => b.order - a.order).flatMap((state) => state.exit), internalQueue, void 0);
    }
    try {
      if (historyValue === currentSnapshot.historyValue && areStateNodeCollectionsEqual(currentSnapshot._nodes, mutStateNodeSet)) {
        return [nextState, actions];
      }
      return [cloneMachineSnapshot(nextState, {
        _nodes: nextStateNodes,
        historyValue
      }), actions];
    } catch (e) {
      throw e;
    }
  } finally {
    actorScope.actionExecutor = originalExecutor;
  }
}
function getMachineOutput(snapshot, event, actorScope, rootNode, rootCompletionNode) {
  if (rootNode.output === void 0) {
    return;
  }
  const doneStateEvent = createDoneStateEvent(rootCompletionNode.id, rootCompletionNode.output !== void 0 && rootCompletionNode.parent ? resolveOutput(rootCompletionNode.output, snapshot.context, event, actorScope.self) : void 0);
  return resolveOutput(rootNode.output, snapshot.context, doneStateEvent, actorScope.self);
}
function enterStates(currentSnapshot, event, actorScope, filteredTransitions, mutStateNodeSet, internalQueue, historyValue, isInitial) {
  let nextSnapshot = currentSnapshot;
  const statesToEnter = /* @__PURE__ */ new Set();
  const statesForDefaultEntry = /* @__PURE__ */ new Set();
  computeEntrySet(filteredTransitions, historyValue, statesForDefaultEntry, statesToEnter);
  if (isInitial) {
    statesForDefaultEntry.add(currentSnapshot.machine.root);
  }
  const completedNodes = /* @__PURE__ */ new Set();
  for (const stateNodeToEnter of [...statesToEnter].sort((a, b) => a.order - b.order)) {
    mutStateNodeSet.add(stateNodeToEnter);
    const actions = [];
    actions.push(...stateNodeToEnter.entry);
    for (const invokeDef of stateNodeToEnter.invoke) {
      actions.push(spawnChild(invokeDef.src, {
        ...invokeDef,
        syncSnapshot: !!invokeDef.onSnapshot
      }));
    }
    if (statesForDefaultEntry.has(stateNodeToEnter)) {
      const initialActions = stateNodeToEnter.initial.actions;
      actions.push(...initialActions);
    }
    nextSnapshot = resolveActionsAndContext(nextSnapshot, event, actorScope, actions, internalQueue, stateNodeToEnter.invoke.map((invokeDef) => invokeDef.id));
    if (stateNodeToEnter.type === "final") {
      const parent = stateNodeToEnter.parent;
      let ancestorMarker = parent?.type === "parallel" ? parent : parent?.parent;
      let rootCompletionNode = ancestorMarker || stateNodeToEnter;
      if (parent?.type === "compound") {
        internalQueue.push(createDoneStateEvent(parent.id, stateNodeToEnter.output !== void 0 ? resolveOutput(stateNodeToEnter.output, nextSnapshot.context, event, actorScope.self) : void 0));
      }
      while (ancestorMarker?.type === "parallel" && !completedNodes.has(ancestorMarker) && isInFinalState(mutStateNodeSet, ancestorMarker)) {
        completedNodes.add(ancestorMarker);
        internalQueue.push(createDoneStateEvent(ancestorMarker.id));
        rootCompletionNode = ancestorMarker;
        ancestorMarker = ancestorMarker.parent;
      }
      if (ancestorMarker) {
        continue;
      }
      nextSnapshot = cloneMachineSnapshot(nextSnapshot, {
        status: "done",
        output: getMachineOutput(nextSnapshot, event, actorScope, nextSnapshot.machine.root, rootCompletionNode)
      });
    }
  }
  return nextSnapshot;
}
function computeEntrySet(transitions, historyValue, statesForDefaultEntry, statesToEnter) {
  for (const t2 of transitions) {
    const domain = getTransitionDomain(t2, historyValue);
    for (const s of t2.target || []) {
      if (!isHistoryNode(s) && // if the target is different than the source then it will *definitely* be entered
      (t2.source !== s || // we know that the domain can't lie within the source
      // if it's different than the source then it's outside of it and it means that the target has to be entered as well
      t2.source !== domain || // reentering transitions always enter the target, even if it's the source itself
      t2.reenter)) {
        statesToEnter.add(s);
        statesForDefaultEntry.add(s);
      }
      addDescendantStatesToEnter(s, historyValue, statesForDefaultEntry, statesToEnter);
    }
    const targetStates = getEffectiveTargetStates(t2, historyValue);
    for (const s of targetStates) {
      const ancestors = getProperAncestors(s, domain);
      if (domain?.type === "parallel") {
        ancestors.push(domain);
      }
      addAncestorStatesToEnter(statesToEnter, historyValue, statesForDefaultEntry, ancestors, !t2.source.parent && t2.reenter ? void 0 : domain);
    }
  }
}
function addDescendantStatesToEnter(stateNode, historyValue, statesForDefaultEntry, statesToEnter) {
  if (isHistoryNode(stateNode)) {
    if (historyValue[stateNode.id]) {
      const historyStateNodes = historyValue[stateNode.id];
      for (const s of historyStateNodes) {
        statesToEnter.add(s);
        addDescendantStatesToEnter(s, historyValue, statesForDefaultEntry, statesToEnter);
      }
      for (const s of historyStateNodes) {
        addProperAncestorStatesToEnter(s, stateNode.parent, statesToEnter, historyValue, statesForDefaultEntry);
      }
    } else {
      const historyDefaultTransition = resolveHistoryDefaultTransition(stateNode);
      for (const s of historyDefaultTransition.target) {
        statesToEnter.add(s);
        if (historyDefaultTransition === stateNode.parent?.initial) {
          statesForDefaultEntry.add(stateNode.parent);
        }
        addDescendantStatesToEnter(s, historyValue, statesForDefaultEntry, statesToEnter);
      }
      for (const s of historyDefaultTransition.target) {
        addProperAncestorStatesToEnter(s, stateNode.parent, statesToEnter, historyValue, statesForDefaultEntry);
      }
    }
  } else {
    if (stateNode.type === "compound") {
      const [initialState] = stateNode.initial.target;
      if (!isHistoryNode(initialState)) {
        statesToEnter.add(initialState);
        statesForDefaultEntry.add(initialState);
      }
      addDescendantStatesToEnter(initialState, historyValue, statesForDefaultEntry, statesToEnter);
      addProperAncestorStatesToEnter(initialState, stateNode, statesToEnter, historyValue, statesForDefaultEntry);
    } else {
      if (stateNode.type === "parallel") {
        for (const child of getChildren(stateNode).filter((sn) => !isHistoryNode(sn))) {
          if (![...statesToEnter].some((s) => isDescendant(s, child))) {
            if (!isHistoryNode(child)) {
              statesToEnter.add(child);
              statesForDefaultEntry.add(child);
            }
            addDescendantStatesToEnter(child, historyValue, statesForDefaultEntry, statesToEnter);
          }
        }
      }
    }
  }
}
function addAncestorStatesToEnter(statesToEnter, historyValue, statesForDefaultEntry, ancestors, reentrancyDomain) {
  for (const anc of ancestors) {
    if (!reentrancyDomain || isDescendant(anc, reentrancyDomain)) {
      statesToEnter.add(anc);
    }
    if (anc.type === "parallel") {
      for (const child of getChildren(anc).filter((sn) => !isHistoryNode(sn))) {
        if (![...statesToEnter].some((s) => isDescendant(s, child))) {
          statesToEnter.add(child);
          addDescendantStatesToEnter(child, historyValue, statesForDefaultEntry, statesToEnter);
        }
      }
    }
  }
}
function addProperAncestorStatesToEnter(stateNode, toStateNode, statesToEnter, historyValue, statesForDefaultEntry) {
  addAncestorStatesToEnter(statesToEnter, historyValue, statesForDefaultEntry, getProperAncestors(stateNode, toStateNode));
}
function exitStates(currentSnapshot, event, actorScope, transitions, mutStateNodeSet, historyValue, internalQueue, _actionExecutor) {
  let nextSnapshot = currentSnapshot;
  const statesToExit = computeExitSet(transitions, mutStateNodeSet, historyValue);
  statesToExit.sort((a, b) => b.order - a.order);
  let changedHistory;
  for (const exitStateNode of statesToExit) {
    for (const historyNode of getHistoryNodes(exitStateNode)) {
      let predicate;
      if (historyNode.history === "deep") {
        predicate = (sn) => isAtomicStateNode(sn) && isDescendant(sn, exitStateNode);
      } else {
        predicate = (sn) => {
          return sn.parent === exitStateNode;
        };
      }
      changedHistory ??= {
        ...historyValue
      };
      changedHistory[historyNode.id] = Array.from(mutStateNodeSet).filter(predicate);
    }
  }
  for (const s of statesToExit) {
    nextSnapshot = resolveActionsAndContext(nextSnapshot, event, actorScope, [...s.exit, ...s.invoke.map((def) => stopChild(def.id))], internalQueue, void 0);
    mutStateNodeSet.delete(s);
  }
  return [nextSnapshot, changedHistory || historyValue];
}
function getAction(machine, actionType) {
  return machine.implementations.actions[actionType];
}
function resolveAndExecuteActionsWithContext(currentSnapshot, event, actorScope, actions, extra, retries) {
  const {
    machine
  } = currentSnapshot;
  let intermediateSnapshot = currentSnapshot;
  for (const action of actions) {
    const isInline = typeof action === "function";
    const resolvedAction = isInline ? action : (
      // the existing type of `.actions` assumes non-nullable `TExpressionAction`
      // it's fine to cast this here to get a common type and lack of errors in the rest of the code
      // our logic below makes sure that we call those 2 "variants" correctly
      getAction(machine, typeof action === "string" ? action : action.type)
    );
    const actionArgs = {
      context: intermediateSnapshot.context,
      event,
      self: actorScope.self,
      system: actorScope.system
    };
    const actionParams = isInline || typeof action === "string" ? void 0 : "params" in action ? typeof action.params === "function" ? action.params({
      context: intermediateSnapshot.context,
      event
    }) : action.params : void 0;
    if (!resolvedAction || !("resolve" in resolvedAction)) {
      actorScope.actionExecutor({
        type: typeof action === "string" ? action : typeof action === "object" ? action.type : action.name || "(anonymous)",
        info: actionArgs,
        params: actionParams,
        exec: resolvedAction
      });
      continue;
    }
    const builtinAction = resolvedAction;
    const [nextState, params, actions2] = builtinAction.resolve(
      actorScope,
      intermediateSnapshot,
      actionArgs,
      actionParams,
      resolvedAction,
      // this holds all params
      extra
    );
    intermediateSnapshot = nextState;
    if ("retryResolve" in builtinAction) {
      retries?.push([builtinAction, params]);
    }
    if ("execute" in builtinAction) {
      actorScope.actionExecutor({
        type: builtinAction.type,
        info: actionArgs,
        params,
        exec: builtinAction.execute.bind(null, actorScope, params)
      });
    }
    if (actions2) {
      intermediateSnapshot = resolveAndExecuteActionsWithContext(intermediateSnapshot, event, actorScope, actions2, extra, retries);
    }
  }
  return intermediateSnapshot;
}
function resolveActionsAndContext(currentSnapshot, event, actorScope, actions, internalQueue, deferredActorIds) {
  const retries = deferredActorIds ? [] : void 0;
  const nextState = resolveAndExecuteActionsWithContext(currentSnapshot, event, actorScope, actions, {
    internalQueue,
    deferredActorIds
  }, retries);
  retries?.forEach(([builtinAction, params]) => {
    builtinAction.retryResolve(actorScope, nextState, params);
  });
  return nextState;
}
function macrostep(snapshot, event, actorScope, internalQueue) {
  let nextSnapshot = snapshot;
  const microsteps = [];
  function addMicrostep(step, event2, transitions) {
    actorScope.system._sendInspectionEvent({
      type: "@xstate.microstep",
      actorRef: actorScope.self,
      event: event2,
      snapshot: step[0],
      _transitions: transitions
    });
    microsteps.push(step);
  }
  if (event.type === XSTATE_STOP) {
    nextSnapshot = cloneMachineSnapshot(stopChildren(nextSnapshot, event, actorScope), {
      status: "stopped"
    });
    addMicrostep([nextSnapshot, []], event, []);
    return {
      snapshot: nextSnapshot,
      microsteps
    };
  }
  let nextEvent = event;
  if (nextEvent.type !== XSTATE_INIT) {
    const currentEvent = nextEvent;
    const isErr = isErrorActorEvent(currentEvent);
    const transitions = selectTransitions(currentEvent, nextSnapshot);
    if (isErr && !transitions.length) {
      nextSnapshot = cloneMachineSnapshot(stopChildren(nextSnapshot, currentEvent, actorScope), {
        status: "error",
        error: currentEvent.error
      });
      addMicrostep([nextSnapshot, []], currentEvent, []);
      return {
        snapshot: nextSnapshot,
        microsteps
      };
    }
    const step = microstep(
      transitions,
      snapshot,
      actorScope,
      nextEvent,
      false,
      // isInitial
      internalQueue
    );
    nextSnapshot = step[0];
    addMicrostep(step, currentEvent, transitions);
  }
  let shouldSelectEventlessTransitions = true;
  const maxIterations = snapshot.machine.options?.maxIterations ?? Infinity;
  let iterationCount = 0;
  while (nextSnapshot.status === "active") {
    iterationCount++;
    if (iterationCount > maxIterations) {
      throw new Error(`Infinite loop detected: the machine has processed more than ${maxIterations} microsteps without reaching a stable state. This usually happens when there's a cycle of transitions (e.g., eventless transitions or raised events causing state A -> B -> C -> A).`);
    }
    let enabledTransitions = shouldSelectEventlessTransitions ? selectEventlessTransitions(nextSnapshot, nextEvent) : [];
    const previousState = enabledTransitions.length ? nextSnapshot : void 0;
    if (!enabledTransitions.length) {
      if (!internalQueue.length) {
        break;
      }
      nextEvent = internalQueue.shift();
      enabledTransitions = selectTransitions(nextEvent, nextSnapshot);
    }
    const step = microstep(enabledTransitions, nextSnapshot, actorScope, nextEvent, false, internalQueue);
    nextSnapshot = step[0];
    shouldSelectEventlessTransitions = nextSnapshot !== previousState;
    addMicrostep(step, nextEvent, enabledTransitions);
  }
  if (nextSnapshot.status !== "active") {
    stopChildren(nextSnapshot, nextEvent, actorScope);
  }
  return {
    snapshot: nextSnapshot,
    microsteps
  };
}
function stopChildren(nextState, event, actorScope) {
  return resolveActionsAndContext(nextState, event, actorScope, Object.values(nextState.children).map((child) => stopChild(child)), [], void 0);
}
function selectTransitions(event, nextState) {
  return nextState.machine.getTransitionData(nextState, event);
}
function selectEventlessTransitions(nextState, event) {
  const enabledTransitionSet = /* @__PURE__ */ new Set();
  const atomicStates = nextState._nodes.filter(isAtomicStateNode);
  for (const stateNode of atomicStates) {
    loop: for (const s of [stateNode].concat(getProperAncestors(stateNode, void 0))) {
      if (!s.always) {
        continue;
      }
      for (const transition of s.always) {
        if (transition.guard === void 0 || evaluateGuard(transition.guard, nextState.context, event, nextState)) {
          enabledTransitionSet.add(transition);
          break loop;
        }
      }
    }
  }
  return removeConflictingTransitions(Array.from(enabledTransitionSet), new Set(nextState._nodes), nextState.historyValue);
}
function resolveStateValue(rootNode, stateValue) {
  const allStateNodes = getAllStateNodes(getStateNodes(rootNode, stateValue));
  return getStateValue(rootNode, [...allStateNodes]);
}
function isMachineSnapshot(value) {
  return !!value && typeof value === "object" && "machine" in value && "value" in value;
}
var machineSnapshotMatches = function matches(testValue) {
  return matchesState(testValue, this.value);
};
var machineSnapshotHasTag = function hasTag(tag) {
  return this.tags.has(tag);
};
var machineSnapshotCan = function can(event) {
  const transitionData = this.machine.getTransitionData(this, event);
  return !!transitionData?.length && // Check that at least one transition is not forbidden
  transitionData.some((t2) => t2.target !== void 0 || t2.actions.length);
};
var machineSnapshotToJSON = function toJSON() {
  const {
    _nodes: nodes,
    tags,
    machine,
    getMeta: getMeta2,
    toJSON: toJSON2,
    can: can2,
    hasTag: hasTag2,
    matches: matches2,
    ...jsonValues
  } = this;
  return {
    ...jsonValues,
    tags: Array.from(tags)
  };
};
var machineSnapshotGetMeta = function getMeta() {
  return this._nodes.reduce((acc, stateNode) => {
    if (stateNode.meta !== void 0) {
      acc[stateNode.id] = stateNode.meta;
    }
    return acc;
  }, {});
};
function createMachineSnapshot(config, machine) {
  return {
    status: config.status,
    output: config.output,
    error: config.error,
    machine,
    context: config.context,
    _nodes: config._nodes,
    value: getStateValue(machine.root, config._nodes),
    tags: new Set(config._nodes.flatMap((sn) => sn.tags)),
    children: config.children,
    historyValue: config.historyValue || {},
    matches: machineSnapshotMatches,
    hasTag: machineSnapshotHasTag,
    can: machineSnapshotCan,
    getMeta: machineSnapshotGetMeta,
    toJSON: machineSnapshotToJSON
  };
}
function cloneMachineSnapshot(snapshot, config = {}) {
  return createMachineSnapshot({
    ...snapshot,
    ...config
  }, snapshot.machine);
}
function serializeHistoryValue(historyValue) {
  if (typeof historyValue !== "object" || historyValue === null) {
    return {};
  }
  const result = {};
  for (const key in historyValue) {
    const value = historyValue[key];
    if (Array.isArray(value)) {
      result[key] = value.map((item) => ({
        id: item.id
      }));
    }
  }
  return result;
}
function getPersistedSnapshot(snapshot, options) {
  const {
    _nodes: nodes,
    tags,
    machine,
    children,
    context,
    can: can2,
    hasTag: hasTag2,
    matches: matches2,
    getMeta: getMeta2,
    toJSON: toJSON2,
    ...jsonValues
  } = snapshot;
  const childrenJson = {};
  for (const id in children) {
    const child = children[id];
    childrenJson[id] = {
      snapshot: child.getPersistedSnapshot(options),
      src: child.src,
      systemId: child.systemId,
      syncSnapshot: child._syncSnapshot
    };
  }
  const persisted = {
    ...jsonValues,
    context: persistContext(context),
    children: childrenJson,
    historyValue: serializeHistoryValue(jsonValues.historyValue)
  };
  return persisted;
}
function persistContext(contextPart) {
  let copy;
  for (const key in contextPart) {
    const value = contextPart[key];
    if (value && typeof value === "object") {
      if ("sessionId" in value && "send" in value && "ref" in value) {
        copy ??= Array.isArray(contextPart) ? contextPart.slice() : {
          ...contextPart
        };
        copy[key] = {
          xstate$$type: $$ACTOR_TYPE,
          id: value.id
        };
      } else {
        const result = persistContext(value);
        if (result !== value) {
          copy ??= Array.isArray(contextPart) ? contextPart.slice() : {
            ...contextPart
          };
          copy[key] = result;
        }
      }
    }
  }
  return copy ?? contextPart;
}
function resolveRaise(_, snapshot, args, actionParams, {
  event: eventOrExpr,
  id,
  delay
}, {
  internalQueue
}) {
  const delaysMap = snapshot.machine.implementations.delays;
  if (typeof eventOrExpr === "string") {
    throw new Error(
      // oxlint-disable-next-line typescript/restrict-template-expressions
      `Only event objects may be used with raise; use raise({ type: "${eventOrExpr}" }) instead`
    );
  }
  const resolvedEvent = typeof eventOrExpr === "function" ? eventOrExpr(args, actionParams) : eventOrExpr;
  let resolvedDelay;
  if (typeof delay === "string") {
    const configDelay = delaysMap && delaysMap[delay];
    resolvedDelay = typeof configDelay === "function" ? configDelay(args, actionParams) : configDelay;
  } else {
    resolvedDelay = typeof delay === "function" ? delay(args, actionParams) : delay;
  }
  if (typeof resolvedDelay !== "number") {
    internalQueue.push(resolvedEvent);
  }
  return [snapshot, {
    event: resolvedEvent,
    id,
    delay: resolvedDelay
  }, void 0];
}
function executeRaise(actorScope, params) {
  const {
    event,
    delay,
    id
  } = params;
  if (typeof delay === "number") {
    actorScope.defer(() => {
      const self2 = actorScope.self;
      actorScope.system.scheduler.schedule(self2, self2, event, delay, id);
    });
    return;
  }
}
function raise(eventOrExpr, options) {
  function raise2(_args, _params) {
  }
  raise2.type = "xstate.raise";
  raise2.event = eventOrExpr;
  raise2.id = options?.id;
  raise2.delay = options?.delay;
  raise2.resolve = resolveRaise;
  raise2.execute = executeRaise;
  return raise2;
}

// node_modules/xstate/dist/assign-1f0d7720.esm.js
function createSpawner(actorScope, {
  machine,
  context
}, event, spawnedChildren) {
  const spawn = (src, options) => {
    if (typeof src === "string") {
      const logic = resolveReferencedActor(machine, src);
      if (!logic) {
        throw new Error(`Actor logic '${src}' not implemented in machine '${machine.id}'`);
      }
      const actorRef = createActor(logic, {
        id: options?.id,
        parent: actorScope.self,
        syncSnapshot: options?.syncSnapshot,
        input: typeof options?.input === "function" ? options.input({
          context,
          event,
          self: actorScope.self
        }) : options?.input,
        src,
        systemId: options?.systemId
      });
      spawnedChildren[actorRef.id] = actorRef;
      return actorRef;
    } else {
      const actorRef = createActor(src, {
        id: options?.id,
        parent: actorScope.self,
        syncSnapshot: options?.syncSnapshot,
        input: options?.input,
        src,
        systemId: options?.systemId
      });
      return actorRef;
    }
  };
  return (src, options) => {
    const actorRef = spawn(src, options);
    spawnedChildren[actorRef.id] = actorRef;
    actorScope.defer(() => {
      if (actorRef._processingStatus === ProcessingStatus.Stopped) {
        return;
      }
      actorRef.start();
    });
    return actorRef;
  };
}
function resolveAssign(actorScope, snapshot, actionArgs, actionParams, {
  assignment
}) {
  if (!snapshot.context) {
    throw new Error("Cannot assign to undefined `context`. Ensure that `context` is defined in the machine config.");
  }
  const spawnedChildren = {};
  const assignArgs = {
    context: snapshot.context,
    event: actionArgs.event,
    spawn: createSpawner(actorScope, snapshot, actionArgs.event, spawnedChildren),
    self: actorScope.self,
    system: actorScope.system
  };
  let partialUpdate = {};
  if (typeof assignment === "function") {
    partialUpdate = assignment(assignArgs, actionParams);
  } else {
    for (const key of Object.keys(assignment)) {
      const propAssignment = assignment[key];
      partialUpdate[key] = typeof propAssignment === "function" ? propAssignment(assignArgs, actionParams) : propAssignment;
    }
  }
  const updatedContext = Object.assign({}, snapshot.context, partialUpdate);
  return [cloneMachineSnapshot(snapshot, {
    context: updatedContext,
    children: Object.keys(spawnedChildren).length ? {
      ...snapshot.children,
      ...spawnedChildren
    } : snapshot.children
  }), void 0, void 0];
}
function assign(assignment) {
  function assign2(_args, _params) {
  }
  assign2.type = "xstate.assign";
  assign2.assignment = assignment;
  assign2.resolve = resolveAssign;
  return assign2;
}

// node_modules/xstate/dist/StateMachine-ae06a22b.esm.js
var cache = /* @__PURE__ */ new WeakMap();
function memo(object3, key, fn) {
  let memoizedData = cache.get(object3);
  if (!memoizedData) {
    memoizedData = {
      [key]: fn()
    };
    cache.set(object3, memoizedData);
  } else if (!(key in memoizedData)) {
    memoizedData[key] = fn();
  }
  return memoizedData[key];
}
var EMPTY_OBJECT = {};
var toSerializableAction = (action) => {
  if (typeof action === "string") {
    return {
      type: action
    };
  }
  if (typeof action === "function") {
    if ("resolve" in action) {
      return {
        type: action.type
      };
    }
    return {
      type: action.name
    };
  }
  return action;
};
var StateNode = class _StateNode {
  constructor(config, options) {
    this.config = config;
    this.key = void 0;
    this.id = void 0;
    this.type = void 0;
    this.path = void 0;
    this.states = void 0;
    this.history = void 0;
    this.entry = void 0;
    this.exit = void 0;
    this.parent = void 0;
    this.machine = void 0;
    this.meta = void 0;
    this.output = void 0;
    this.order = -1;
    this.description = void 0;
    this.tags = [];
    this.transitions = void 0;
    this.always = void 0;
    this.parent = options._parent;
    this.key = options._key;
    this.machine = options._machine;
    this.path = this.parent ? this.parent.path.concat(this.key) : [];
    this.id = this.config.id || [this.machine.id, ...this.path].join(STATE_DELIMITER);
    this.type = this.config.type || (this.config.states && Object.keys(this.config.states).length ? "compound" : this.config.history ? "history" : "atomic");
    this.description = this.config.description;
    this.order = this.machine.idMap.size;
    this.machine.idMap.set(this.id, this);
    this.states = this.config.states ? mapValues(this.config.states, (stateConfig, key) => {
      const stateNode = new _StateNode(stateConfig, {
        _parent: this,
        _key: key,
        _machine: this.machine
      });
      return stateNode;
    }) : EMPTY_OBJECT;
    if (this.type === "compound" && !this.config.initial) {
      throw new Error(`No initial state specified for compound state node "#${this.id}". Try adding { initial: "${Object.keys(this.states)[0]}" } to the state config.`);
    }
    this.history = this.config.history === true ? "shallow" : this.config.history || false;
    this.entry = toArray(this.config.entry).slice();
    this.exit = toArray(this.config.exit).slice();
    this.meta = this.config.meta;
    this.output = this.type === "final" || !this.parent ? this.config.output : void 0;
    this.tags = toArray(config.tags).slice();
  }
  /** @internal */
  _initialize() {
    this.transitions = formatTransitions(this);
    if (this.config.always) {
      this.always = toTransitionConfigArray(this.config.always).map((t2) => formatTransition(this, NULL_EVENT, t2));
    }
    Object.keys(this.states).forEach((key) => {
      this.states[key]._initialize();
    });
  }
  /** The well-structured state node definition. */
  get definition() {
    return {
      id: this.id,
      key: this.key,
      version: this.machine.version,
      type: this.type,
      initial: this.initial ? {
        target: this.initial.target,
        source: this,
        actions: this.initial.actions.map(toSerializableAction),
        eventType: null,
        reenter: false,
        meta: this.initial.meta,
        description: this.initial.description,
        toJSON: () => ({
          target: this.initial.target.map((t2) => `#${t2.id}`),
          source: `#${this.id}`,
          actions: this.initial.actions.map(toSerializableAction),
          eventType: null,
          meta: this.initial.meta,
          description: this.initial.description
        })
      } : void 0,
      history: this.history,
      states: mapValues(this.states, (state) => state.definition),
      on: this.on,
      transitions: [...this.transitions.values()].flat().map((t2) => ({
        ...t2,
        actions: t2.actions.map(toSerializableAction)
      })),
      entry: this.entry.map(toSerializableAction),
      exit: this.exit.map(toSerializableAction),
      meta: this.meta,
      order: this.order || -1,
      output: this.output,
      invoke: this.invoke,
      description: this.description,
      tags: this.tags
    };
  }
  /** @internal */
  toJSON() {
    return this.definition;
  }
  /** The logic invoked as actors by this state node. */
  get invoke() {
    return memo(this, "invoke", () => toArray(this.config.invoke).map((invokeConfig, i) => {
      const {
        src,
        systemId
      } = invokeConfig;
      const resolvedId = invokeConfig.id ?? createInvokeId(this.id, i);
      const sourceName = typeof src === "string" ? src : `xstate.invoke.${createInvokeId(this.id, i)}`;
      return {
        ...invokeConfig,
        src: sourceName,
        id: resolvedId,
        systemId,
        toJSON() {
          const {
            onDone,
            onError,
            ...invokeDefValues
          } = invokeConfig;
          return {
            ...invokeDefValues,
            type: "xstate.invoke",
            src: sourceName,
            id: resolvedId
          };
        }
      };
    }));
  }
  /** The mapping of events to transitions. */
  get on() {
    return memo(this, "on", () => {
      const transitions = this.transitions;
      return [...transitions].flatMap(([descriptor, t2]) => t2.map((t3) => [descriptor, t3])).reduce((map, [descriptor, transition]) => {
        map[descriptor] = map[descriptor] || [];
        map[descriptor].push(transition);
        return map;
      }, {});
    });
  }
  get after() {
    return memo(this, "delayedTransitions", () => getDelayedTransitions(this));
  }
  get initial() {
    return memo(this, "initial", () => formatInitialTransition(this, this.config.initial));
  }
  /** @internal */
  next(snapshot, event) {
    const eventType = event.type;
    const actions = [];
    let selectedTransition;
    const candidates = memo(this, `candidates-${eventType}`, () => getCandidates(this, eventType));
    for (const candidate of candidates) {
      const {
        guard
      } = candidate;
      const resolvedContext = snapshot.context;
      let guardPassed = false;
      try {
        guardPassed = !guard || evaluateGuard(guard, resolvedContext, event, snapshot);
      } catch (err) {
        const guardType = typeof guard === "string" ? guard : typeof guard === "object" ? guard.type : void 0;
        throw new Error(`Unable to evaluate guard ${guardType ? `'${guardType}' ` : ""}in transition for event '${eventType}' in state node '${this.id}':
${err.message}`);
      }
      if (guardPassed) {
        actions.push(...candidate.actions);
        selectedTransition = candidate;
        break;
      }
    }
    return selectedTransition ? [selectedTransition] : void 0;
  }
  /** All the event types accepted by this state node and its descendants. */
  get events() {
    return memo(this, "events", () => {
      const {
        states
      } = this;
      const events = new Set(this.ownEvents);
      if (states) {
        for (const stateId of Object.keys(states)) {
          const state = states[stateId];
          if (state.states) {
            for (const event of state.events) {
              events.add(`${event}`);
            }
          }
        }
      }
      return Array.from(events);
    });
  }
  /**
   * All the events that have transitions directly from this state node.
   *
   * Excludes any inert events.
   */
  get ownEvents() {
    const keys = Object.keys(Object.fromEntries(this.transitions));
    const events = new Set(keys.filter((descriptor) => {
      return this.transitions.get(descriptor).some((transition) => !(!transition.target && !transition.actions.length && !transition.reenter));
    }));
    return Array.from(events);
  }
};
var STATE_IDENTIFIER2 = "#";
var StateMachine = class _StateMachine {
  constructor(config, implementations) {
    this.config = config;
    this.version = void 0;
    this.schemas = void 0;
    this.implementations = void 0;
    this.options = void 0;
    this.__xstatenode = true;
    this.idMap = /* @__PURE__ */ new Map();
    this.root = void 0;
    this.id = void 0;
    this.states = void 0;
    this.events = void 0;
    this.id = config.id || "(machine)";
    this.implementations = {
      actors: implementations?.actors ?? {},
      actions: implementations?.actions ?? {},
      delays: implementations?.delays ?? {},
      guards: implementations?.guards ?? {}
    };
    this.version = this.config.version;
    this.schemas = this.config.schemas;
    this.options = {
      maxIterations: Infinity,
      ...this.config.options
    };
    this.transition = this.transition.bind(this);
    this.getInitialSnapshot = this.getInitialSnapshot.bind(this);
    this.getPersistedSnapshot = this.getPersistedSnapshot.bind(this);
    this.restoreSnapshot = this.restoreSnapshot.bind(this);
    this.start = this.start.bind(this);
    this.root = new StateNode(config, {
      _key: this.id,
      _machine: this
    });
    this.root._initialize();
    formatRouteTransitions(this.root);
    this.states = this.root.states;
    this.events = this.root.events;
  }
  /**
   * Clones this state machine with the provided implementations.
   *
   * @param implementations Options (`actions`, `guards`, `actors`, `delays`) to
   *   recursively merge with the existing options.
   * @returns A new `StateMachine` instance with the provided implementations.
   */
  provide(implementations) {
    const {
      actions,
      guards,
      actors,
      delays
    } = this.implementations;
    return new _StateMachine(this.config, {
      actions: {
        ...actions,
        ...implementations.actions
      },
      guards: {
        ...guards,
        ...implementations.guards
      },
      actors: {
        ...actors,
        ...implementations.actors
      },
      delays: {
        ...delays,
        ...implementations.delays
      }
    });
  }
  resolveState(config) {
    const resolvedStateValue = resolveStateValue(this.root, config.value);
    const nodeSet = getAllStateNodes(getStateNodes(this.root, resolvedStateValue));
    return createMachineSnapshot({
      _nodes: [...nodeSet],
      context: config.context || {},
      children: {},
      status: isInFinalState(nodeSet, this.root) ? "done" : config.status || "active",
      output: config.output,
      error: config.error,
      historyValue: config.historyValue
    }, this);
  }
  /**
   * Determines the next snapshot given the current `snapshot` and received
   * `event`. Calculates a full macrostep from all microsteps.
   *
   * @param snapshot The current snapshot
   * @param event The received event
   */
  transition(snapshot, event, actorScope) {
    return macrostep(snapshot, event, actorScope, []).snapshot;
  }
  /**
   * Determines the next state given the current `state` and `event`. Calculates
   * a microstep.
   *
   * @param state The current state
   * @param event The received event
   */
  microstep(snapshot, event, actorScope) {
    return macrostep(snapshot, event, actorScope, []).microsteps.map(([s]) => s);
  }
  getTransitionData(snapshot, event) {
    return transitionNode(this.root, snapshot.value, snapshot, event) || [];
  }
  /**
   * The initial state _before_ evaluating any microsteps. This "pre-initial"
   * state is provided to initial actions executed in the initial state.
   *
   * @internal
   */
  _getPreInitialState(actorScope, initEvent, internalQueue) {
    const {
      context
    } = this.config;
    const preInitial = createMachineSnapshot({
      context: typeof context !== "function" && context ? context : {},
      _nodes: [this.root],
      children: {},
      status: "active"
    }, this);
    if (typeof context === "function") {
      const assignment = ({
        spawn,
        event,
        self: self2
      }) => context({
        spawn,
        input: event.input,
        self: self2
      });
      return resolveActionsAndContext(preInitial, initEvent, actorScope, [assign(assignment)], internalQueue, void 0);
    }
    return preInitial;
  }
  /**
   * Returns the initial `State` instance, with reference to `self` as an
   * `ActorRef`.
   */
  getInitialSnapshot(actorScope, input) {
    const initEvent = createInitEvent(input);
    const internalQueue = [];
    let snapshot = createMachineSnapshot({
      context: typeof this.config.context !== "function" && this.config.context ? this.config.context : {},
      _nodes: [this.root],
      children: {},
      status: "active"
    }, this);
    try {
      snapshot = this._getPreInitialState(actorScope, initEvent, internalQueue);
      const [nextState] = initialMicrostep(this.root, snapshot, actorScope, initEvent, internalQueue);
      const {
        snapshot: macroState
      } = macrostep(nextState, initEvent, actorScope, internalQueue);
      return macroState;
    } catch (error) {
      return cloneMachineSnapshot(snapshot, {
        status: "error",
        error
      });
    }
  }
  start(snapshot) {
    Object.values(snapshot.children).forEach((child) => {
      if (child.getSnapshot().status === "active") {
        child.start();
      }
    });
  }
  getStateNodeById(stateId) {
    const fullPath = toStatePath(stateId);
    const relativePath = fullPath.slice(1);
    const resolvedStateId = isStateId(fullPath[0]) ? fullPath[0].slice(STATE_IDENTIFIER2.length) : fullPath[0];
    const stateNode = this.idMap.get(resolvedStateId);
    if (!stateNode) {
      throw new Error(`Child state node '#${resolvedStateId}' does not exist on machine '${this.id}'`);
    }
    return getStateNodeByPath(stateNode, relativePath);
  }
  get definition() {
    return this.root.definition;
  }
  toJSON() {
    return this.definition;
  }
  getPersistedSnapshot(snapshot, options) {
    return getPersistedSnapshot(snapshot, options);
  }
  restoreSnapshot(snapshot, _actorScope) {
    const children = {};
    const snapshotChildren = snapshot.children;
    Object.keys(snapshotChildren).forEach((actorId) => {
      const actorData = snapshotChildren[actorId];
      const childState = actorData.snapshot;
      const src = actorData.src;
      const logic = typeof src === "string" ? resolveReferencedActor(this, src) : src;
      if (!logic) {
        return;
      }
      const actorRef = createActor(logic, {
        id: actorId,
        parent: _actorScope.self,
        syncSnapshot: actorData.syncSnapshot,
        snapshot: childState,
        src,
        systemId: actorData.systemId
      });
      children[actorId] = actorRef;
    });
    function resolveHistoryReferencedState(root, referenced) {
      if (referenced instanceof StateNode) {
        return referenced;
      }
      try {
        return root.machine.getStateNodeById(referenced.id);
      } catch {
      }
    }
    function reviveHistoryValue(root, historyValue) {
      if (!historyValue || typeof historyValue !== "object") {
        return {};
      }
      const revived = {};
      for (const key in historyValue) {
        const arr = historyValue[key];
        for (const item of arr) {
          const resolved = resolveHistoryReferencedState(root, item);
          if (!resolved) {
            continue;
          }
          revived[key] ??= [];
          revived[key].push(resolved);
        }
      }
      return revived;
    }
    const revivedHistoryValue = reviveHistoryValue(this.root, snapshot.historyValue);
    const restoredSnapshot = createMachineSnapshot({
      ...snapshot,
      children,
      _nodes: Array.from(getAllStateNodes(getStateNodes(this.root, snapshot.value))),
      historyValue: revivedHistoryValue
    }, this);
    const seen = /* @__PURE__ */ new Set();
    function reviveContext(contextPart, children2) {
      if (seen.has(contextPart)) {
        return;
      }
      seen.add(contextPart);
      for (const key in contextPart) {
        const value = contextPart[key];
        if (value && typeof value === "object") {
          if ("xstate$$type" in value && value.xstate$$type === $$ACTOR_TYPE) {
            contextPart[key] = children2[value.id];
            continue;
          }
          reviveContext(value, children2);
        }
      }
    }
    reviveContext(restoredSnapshot.context, children);
    return restoredSnapshot;
  }
};

// node_modules/xstate/dist/log-6a5e50a8.esm.js
function resolveEmit(_, snapshot, args, actionParams, {
  event: eventOrExpr
}) {
  const resolvedEvent = typeof eventOrExpr === "function" ? eventOrExpr(args, actionParams) : eventOrExpr;
  return [snapshot, {
    event: resolvedEvent
  }, void 0];
}
function executeEmit(actorScope, {
  event
}) {
  actorScope.defer(() => actorScope.emit(event));
}
function emit(eventOrExpr) {
  function emit2(_args, _params) {
  }
  emit2.type = "xstate.emit";
  emit2.event = eventOrExpr;
  emit2.resolve = resolveEmit;
  emit2.execute = executeEmit;
  return emit2;
}
var SpecialTargets = /* @__PURE__ */ (function(SpecialTargets2) {
  SpecialTargets2["Parent"] = "#_parent";
  SpecialTargets2["Internal"] = "#_internal";
  return SpecialTargets2;
})({});
function resolveSendTo(actorScope, snapshot, args, actionParams, {
  to,
  event: eventOrExpr,
  id,
  delay
}, extra) {
  const delaysMap = snapshot.machine.implementations.delays;
  if (typeof eventOrExpr === "string") {
    throw new Error(
      // oxlint-disable-next-line typescript/restrict-template-expressions
      `Only event objects may be used with sendTo; use sendTo({ type: "${eventOrExpr}" }) instead`
    );
  }
  const resolvedEvent = typeof eventOrExpr === "function" ? eventOrExpr(args, actionParams) : eventOrExpr;
  let resolvedDelay;
  if (typeof delay === "string") {
    const configDelay = delaysMap && delaysMap[delay];
    resolvedDelay = typeof configDelay === "function" ? configDelay(args, actionParams) : configDelay;
  } else {
    resolvedDelay = typeof delay === "function" ? delay(args, actionParams) : delay;
  }
  const resolvedTarget = typeof to === "function" ? to(args, actionParams) : to;
  let targetActorRef;
  if (typeof resolvedTarget === "string") {
    if (resolvedTarget === SpecialTargets.Parent) {
      targetActorRef = actorScope.self._parent;
    } else if (resolvedTarget === SpecialTargets.Internal) {
      targetActorRef = actorScope.self;
    } else if (resolvedTarget.startsWith("#_")) {
      targetActorRef = snapshot.children[resolvedTarget.slice(2)];
    } else {
      targetActorRef = extra.deferredActorIds?.includes(resolvedTarget) ? resolvedTarget : snapshot.children[resolvedTarget];
    }
    if (!targetActorRef) {
      throw new Error(`Unable to send event to actor '${resolvedTarget}' from machine '${snapshot.machine.id}'.`);
    }
  } else {
    targetActorRef = resolvedTarget || actorScope.self;
  }
  return [snapshot, {
    to: targetActorRef,
    targetId: typeof resolvedTarget === "string" ? resolvedTarget : void 0,
    event: resolvedEvent,
    id,
    delay: resolvedDelay
  }, void 0];
}
function retryResolveSendTo(_, snapshot, params) {
  if (typeof params.to === "string") {
    params.to = snapshot.children[params.to];
  }
}
function executeSendTo(actorScope, params) {
  actorScope.defer(() => {
    const {
      to,
      event,
      delay,
      id
    } = params;
    if (typeof delay === "number") {
      actorScope.system.scheduler.schedule(actorScope.self, to, event, delay, id);
      return;
    }
    actorScope.system._relay(
      actorScope.self,
      // at this point, in a deferred task, it should already be mutated by retryResolveSendTo
      // if it initially started as a string
      to,
      event.type === XSTATE_ERROR ? createErrorActorEvent(actorScope.self.id, event.data) : event
    );
  });
}
function sendTo(to, eventOrExpr, options) {
  function sendTo2(_args, _params) {
  }
  sendTo2.type = "xstate.sendTo";
  sendTo2.to = to;
  sendTo2.event = eventOrExpr;
  sendTo2.id = options?.id;
  sendTo2.delay = options?.delay;
  sendTo2.resolve = resolveSendTo;
  sendTo2.retryResolve = retryResolveSendTo;
  sendTo2.execute = executeSendTo;
  return sendTo2;
}
function sendParent(event, options) {
  return sendTo(SpecialTargets.Parent, event, options);
}
function resolveEnqueueActions(actorScope, snapshot, args, actionParams, {
  collect
}) {
  const actions = [];
  const enqueue = function enqueue2(action) {
    actions.push(action);
  };
  enqueue.assign = (...args2) => {
    actions.push(assign(...args2));
  };
  enqueue.cancel = (...args2) => {
    actions.push(cancel(...args2));
  };
  enqueue.raise = (...args2) => {
    actions.push(raise(...args2));
  };
  enqueue.sendTo = (...args2) => {
    actions.push(sendTo(...args2));
  };
  enqueue.sendParent = (...args2) => {
    actions.push(sendParent(...args2));
  };
  enqueue.spawnChild = (...args2) => {
    actions.push(spawnChild(...args2));
  };
  enqueue.stopChild = (...args2) => {
    actions.push(stopChild(...args2));
  };
  enqueue.emit = (...args2) => {
    actions.push(emit(...args2));
  };
  collect({
    context: args.context,
    event: args.event,
    enqueue,
    check: (guard) => evaluateGuard(guard, snapshot.context, args.event, snapshot),
    self: actorScope.self,
    system: actorScope.system
  }, actionParams);
  return [snapshot, void 0, actions];
}
function enqueueActions(collect) {
  function enqueueActions2(_args, _params) {
  }
  enqueueActions2.type = "xstate.enqueueActions";
  enqueueActions2.collect = collect;
  enqueueActions2.resolve = resolveEnqueueActions;
  return enqueueActions2;
}
function resolveLog(_, snapshot, actionArgs, actionParams, {
  value,
  label
}) {
  return [snapshot, {
    value: typeof value === "function" ? value(actionArgs, actionParams) : value,
    label
  }, void 0];
}
function executeLog({
  logger
}, {
  value,
  label
}) {
  if (label) {
    logger(label, value);
  } else {
    logger(value);
  }
}
function log(value = ({
  context,
  event
}) => ({
  context,
  event
}), label) {
  function log2(_args, _params) {
  }
  log2.type = "xstate.log";
  log2.value = value;
  log2.label = label;
  log2.resolve = resolveLog;
  log2.execute = executeLog;
  return log2;
}

// node_modules/xstate/dist/xstate.esm.js
function createMachine(config, implementations) {
  return new StateMachine(config, implementations);
}
function setup({
  schemas,
  actors,
  actions,
  guards,
  delays
}) {
  return {
    assign,
    sendTo,
    raise,
    log,
    cancel,
    stopChild,
    enqueueActions,
    emit,
    spawnChild,
    createStateConfig: (config) => config,
    createAction: (fn) => fn,
    createMachine: (config) => createMachine({
      ...config,
      schemas
    }, {
      actors,
      actions,
      guards,
      delays
    }),
    extend: (extended) => setup({
      schemas,
      actors,
      actions: {
        ...actions,
        ...extended.actions
      },
      guards: {
        ...guards,
        ...extended.guards
      },
      delays: {
        ...delays,
        ...extended.delays
      }
    })
  };
}

// src/hw/battery.ts
var ucPerMah = 36e5;
function capacityUc(profile) {
  return profile.capacityMah * ucPerMah;
}
function createBattery(profile, stateOfCharge = 1) {
  if (!(stateOfCharge >= 0 && stateOfCharge <= 1)) {
    throw new RangeError(`stateOfCharge must be 0..1, got ${stateOfCharge}`);
  }
  return { profile, chargeUc: stateOfCharge * capacityUc(profile) };
}
function batteryStateOfCharge(battery) {
  return battery.chargeUc / capacityUc(battery.profile);
}
function openCircuitVoltageV(profile, stateOfCharge) {
  const points = profile.openCircuitVoltage;
  const s = Math.min(1, Math.max(0, stateOfCharge));
  for (let i = 1; i < points.length; i++) {
    const [s1, v1] = points[i];
    if (s <= s1) {
      const [s0, v0] = points[i - 1];
      return v0 + (v1 - v0) * (s - s0) / (s1 - s0);
    }
  }
  return points[points.length - 1][1];
}
function peukertFactor(profile, currentMa) {
  return currentMa > profile.referenceCurrentMa ? (currentMa / profile.referenceCurrentMa) ** (profile.peukertExponent - 1) : 1;
}
function stateOfChargeAtVoltage(profile, voltageV) {
  const points = profile.openCircuitVoltage;
  const last = points[points.length - 1];
  if (voltageV > last[1]) return Number.POSITIVE_INFINITY;
  if (voltageV === last[1]) return 1;
  for (let i = points.length - 1; i >= 1; i--) {
    const [s0, v0] = points[i - 1];
    if (voltageV >= v0) {
      const [s1, v1] = points[i];
      return s0 + (s1 - s0) * (voltageV - v0) / (v1 - v0);
    }
  }
  return 0;
}
function emptyStateOfCharge(profile) {
  return Math.max(0, stateOfChargeAtVoltage(profile, profile.cutOffVoltageV));
}
function dischargeBattery(battery, currentMa, durationMs, harvestedUc = 0) {
  if (!(currentMa >= 0) || !(durationMs >= 0) || !(harvestedUc >= 0)) {
    throw new RangeError(`current, duration and harvest must be \u2265 0, got ${currentMa} mA, ${durationMs} ms, ${harvestedUc} \xB5C`);
  }
  const { profile } = battery;
  const soc = batteryStateOfCharge(battery);
  const voc = openCircuitVoltageV(profile, soc);
  const factor = peukertFactor(profile, currentMa);
  const deliveredUc = currentMa * durationMs;
  const drawnUc = deliveredUc * factor;
  const afterDrawUc = battery.chargeUc - drawnUc;
  const storedUc = Math.max(0, Math.min(harvestedUc, capacityUc(profile) - afterDrawUc));
  return {
    battery: { profile, chargeUc: afterDrawUc + storedUc },
    step: {
      deliveredUc,
      drawnUc,
      storedUc,
      spilledUc: harvestedUc - storedUc,
      openCircuitVoltageV: voc,
      terminalVoltageV: voc - currentMa * profile.internalResistanceOhm / 1e3,
      peukertFactor: factor
    }
  };
}

// src/hw/energy-ledger.ts
var energyStates = ["sleep", "idle", "listen", "receive", "transmit", "compute", "radioStandby"];
var thresholdMargin = 1e-12;
var maxPasses = 1e4;
var zeroByState = () => ({ sleep: 0, idle: 0, listen: 0, receive: 0, transmit: 0, compute: 0, radioStandby: 0 });
function createEnergyLedger(config) {
  const { rail, brownOutV, harvest } = config;
  const profile = config.battery;
  if (!(brownOutV >= 0)) throw new RangeError(`brownOutV must be \u2265 0, got ${brownOutV}`);
  if (rail.type === "ldo" && !(rail.voltageV > 0 && rail.dropoutV >= 0)) {
    throw new RangeError(`ldo rail needs voltageV > 0 and dropoutV \u2265 0, got ${rail.voltageV} V, ${rail.dropoutV} V`);
  }
  const dropoutV = rail.type === "ldo" ? rail.dropoutV : 0;
  const capUc = capacityUc(profile);
  const emptySoc = emptyStateOfCharge(profile);
  let battery = createBattery(profile, config.initialStateOfCharge ?? 1);
  let state = config.initialState ?? "sleep";
  let currentMa = checkedCurrent(config.initialCurrentMa ?? 0);
  let parts = [{ state, currentMa }];
  let openedMs = config.startMs;
  let death;
  let predicted = { atMs: Number.POSITIVE_INFINITY, reason: "empty" };
  const energyByStateUj = zeroByState();
  const timeByStateMs = zeroByState();
  let irLossUj = 0;
  let regulatorLossUj = 0;
  let rateLossUj = 0;
  let chemicalUj = 0;
  let harvestedUj = 0;
  let drawnUc = 0;
  let deliveredUc = 0;
  let storedUc = 0;
  let spilledUc = 0;
  const loadVoltageV = (terminalV) => rail.type === "ldo" ? Math.min(rail.voltageV, terminalV - rail.dropoutV) : terminalV;
  function voltagesAt(ma) {
    const soc = battery.chargeUc / capUc;
    const terminalV = openCircuitVoltageV(profile, soc) - ma * profile.internalResistanceOhm / 1e3;
    return { terminalV, loadV: loadVoltageV(terminalV), soc };
  }
  function thresholdAt(ma) {
    const ldoTooHigh = rail.type === "ldo" && rail.voltageV < brownOutV;
    const brownSoc = ldoTooHigh ? Number.POSITIVE_INFINITY : stateOfChargeAtVoltage(profile, brownOutV + dropoutV + ma * profile.internalResistanceOhm / 1e3);
    return brownSoc > emptySoc ? { soc: brownSoc, reason: "brownOut" } : { soc: emptySoc, reason: "empty" };
  }
  function predict() {
    const { soc, reason } = thresholdAt(currentMa);
    const marginUc = battery.chargeUc - soc * capUc;
    const rateUcPerMs = currentMa * peukertFactor(profile, currentMa);
    const atMs = marginUc <= 0 ? openedMs : rateUcPerMs > 0 ? openedMs + marginUc / rateUcPerMs : Number.POSITIVE_INFINITY;
    predicted = { atMs, reason };
  }
  function book(endMs) {
    const durationMs = endMs - openedMs;
    const harvestUc = harvest === void 0 || durationMs === 0 ? 0 : harvest.chargeUc(openedMs, endMs);
    const next = dischargeBattery(battery, currentMa, durationMs, harvestUc);
    const s = next.step;
    const loadV = loadVoltageV(s.terminalVoltageV);
    if (parts.length === 1 || currentMa === 0) {
      energyByStateUj[state] += s.deliveredUc * loadV;
      for (const part of parts) timeByStateMs[part.state] += durationMs;
    } else {
      for (const part of parts) {
        energyByStateUj[part.state] += s.deliveredUc * (part.currentMa / currentMa) * loadV;
        timeByStateMs[part.state] += durationMs;
      }
    }
    irLossUj += s.deliveredUc * currentMa * profile.internalResistanceOhm / 1e3;
    regulatorLossUj += s.deliveredUc * (s.terminalVoltageV - loadV);
    rateLossUj += (s.drawnUc - s.deliveredUc) * s.openCircuitVoltageV;
    chemicalUj += s.drawnUc * s.openCircuitVoltageV;
    harvestedUj += s.storedUc * s.openCircuitVoltageV;
    drawnUc += s.drawnUc;
    deliveredUc += s.deliveredUc;
    storedUc += s.storedUc;
    spilledUc += s.spilledUc;
    battery = next.battery;
    openedMs = endMs;
    return s.storedUc;
  }
  function die(atMs, reason, ma, dyingState) {
    const v = voltagesAt(ma);
    death = { atMs, reason, state: dyingState, currentMa: ma, stateOfCharge: v.soc, terminalVoltageV: v.terminalV, loadVoltageV: v.loadV };
    return { type: "dead", death };
  }
  function close(atMs) {
    if (!(atMs >= openedMs)) throw new RangeError(`time must not go back: interval opened at ${openedMs} ms, got ${atMs} ms`);
    for (let pass = 0; predicted.atMs <= atMs && pass < maxPasses; pass++) {
      const storedUc2 = book(predicted.atMs);
      if (storedUc2 <= thresholdMargin * capUc || atThreshold()) return dead(openedMs);
      predict();
    }
    book(atMs);
    return atThreshold() && dead(atMs);
  }
  function atThreshold() {
    return battery.chargeUc - thresholdAt(currentMa).soc * capUc <= thresholdMargin * capUc;
  }
  function dead(atMs) {
    die(atMs, thresholdAt(currentMa).reason, currentMa, state);
    return true;
  }
  function open(nextParts) {
    let ma = 0;
    let dominant = nextParts[0];
    for (const part of nextParts) {
      ma += checkedCurrent(part.currentMa);
      if (part.currentMa > dominant.currentMa) dominant = part;
    }
    const v = voltagesAt(ma);
    if (battery.chargeUc <= emptySoc * capUc) return die(openedMs, "empty", ma, dominant.state);
    if (v.loadV < brownOutV) return die(openedMs, "brownOut", ma, dominant.state);
    state = dominant.state;
    currentMa = ma;
    parts = nextParts;
    predict();
    return status();
  }
  function status() {
    return death !== void 0 ? { type: "dead", death } : { type: "alive", state, predictedDeathAtMs: predicted.atMs };
  }
  open(parts);
  return {
    transition(atMs, nextState, ma) {
      if (death !== void 0) return status();
      checkedCurrent(ma);
      if (close(atMs)) return status();
      return open([{ state: nextState, currentMa: ma }]);
    },
    transitionParts(atMs, nextParts) {
      if (death !== void 0) return status();
      if (nextParts.length === 0) throw new RangeError("an interval needs at least one part");
      for (const part of nextParts) checkedCurrent(part.currentMa);
      if (close(atMs)) return status();
      return open(nextParts);
    },
    settle(atMs) {
      if (death !== void 0) return status();
      if (close(atMs)) return status();
      return open(parts);
    },
    status,
    totals() {
      let loadEnergyUj = 0;
      for (const s of energyStates) loadEnergyUj += energyByStateUj[s];
      return {
        nowMs: openedMs,
        energyByStateUj: { ...energyByStateUj },
        timeByStateMs: { ...timeByStateMs },
        loadEnergyUj,
        internalResistanceLossUj: irLossUj,
        regulatorLossUj,
        rateLossUj,
        chemicalEnergyUj: chemicalUj,
        harvestedEnergyUj: harvestedUj,
        chargeDrawnMc: drawnUc / 1e3,
        chargeDeliveredMc: deliveredUc / 1e3,
        chargeHarvestedMc: storedUc / 1e3,
        chargeSpilledMc: spilledUc / 1e3,
        stateOfCharge: battery.chargeUc / capUc,
        remainingMah: battery.chargeUc / ucPerMah,
        death
      };
    }
  };
}
function checkedCurrent(currentMa) {
  if (!(currentMa >= 0 && Number.isFinite(currentMa))) throw new RangeError(`currentMa must be a finite number \u2265 0, got ${currentMa}`);
  return currentMa;
}

// src/node/firmware.machine.ts
var firmwareMachine = setup({
  types: {
    context: {},
    events: {},
    input: {}
  },
  delays: {
    tx: ({ context }) => context.txMs,
    rx: ({ context }) => Math.max(0, context.rxUntilMs - context.nowMs()),
    compute: ({ context }) => context.computeMs,
    process: ({ context }) => context.processMs
  },
  actions: {
    runContinuation: ({ context }) => context.afterCompute?.()
  }
}).createMachine({
  id: "firmware",
  initial: "alive",
  context: ({ input }) => ({
    node: input.node,
    nowMs: input.nowMs,
    txMs: 0,
    rxUntilMs: 0,
    computeMs: 0,
    afterCompute: void 0,
    processMs: 0,
    deathReason: void 0
  }),
  states: {
    alive: {
      type: "parallel",
      on: {
        DIE: { target: "dead", actions: assign({ deathReason: ({ event }) => event.reason }) }
      },
      states: {
        mcu: {
          initial: "asleep",
          states: {
            asleep: {
              on: {
                COMPUTE: { target: "computing", actions: assign({ computeMs: ({ event }) => event.durationMs, afterCompute: ({ event }) => event.then }) },
                PROCESS: { target: "processing", actions: assign({ processMs: ({ event }) => event.durationMs }) }
              }
            },
            computing: {
              after: { compute: { target: "asleep", actions: "runContinuation" } }
            },
            processing: {
              after: { process: "asleep" }
            }
          }
        },
        radio: {
          initial: "scheduled",
          states: {
            scheduled: {
              on: {
                TX_START: { target: "transmitting", actions: assign({ txMs: ({ event }) => event.airtimeMs }) },
                RX_START: { target: "receiving", actions: assign({ rxUntilMs: ({ event }) => event.untilMs }) }
              }
            },
            transmitting: {
              after: { tx: "scheduled" }
            },
            receiving: {
              on: {
                // A transmission aborts the reception (half duplex).
                TX_START: { target: "transmitting", actions: assign({ txMs: ({ event }) => event.airtimeMs }) }
              },
              after: { rx: "scheduled" }
            }
          }
        }
      }
    },
    dead: { type: "final" }
  }
});

// src/node/node-runtime.ts
function createNodeRuntime(config) {
  const { scheduler, mcu, radio, power, wake } = config;
  const ledger = createEnergyLedger({
    battery: power.battery,
    initialStateOfCharge: power.initialStateOfCharge,
    rail: power.rail,
    brownOutV: power.brownOutV,
    ...power.harvest && { harvest: power.harvest },
    startMs: scheduler.nowMs
  });
  const memory = createMemoryLedger({ flashBytes: mcu.flashBytes, sramBytes: mcu.sramBytes });
  for (const [kind, bytes3] of Object.entries(config.memory)) {
    if (bytes3 === 0) continue;
    const result = memory.allocate(kind, bytes3);
    if (result.type === "memoryFault") config.emit({ type: "nodeFault", atMs: scheduler.nowMs, node: config.index, reason: result.reason });
  }
  const mcuSleepMa = mcu.sleepCurrentUa / 1e3;
  const mcuComputeMa = mcu.activePowerMw / power.supplyV;
  const mcuIdleMa = mcu.idlePowerMw / power.supplyV;
  const radioSleepMa = radio.sleepCurrentUa / 1e3;
  const windowed = wake.mode === "rendezvous" || wake.mode === "preamble-sampling";
  let alive = true;
  let lastBookedMs = scheduler.nowMs;
  let deathTimer;
  const computeQueue = [];
  const actor = createActor(firmwareMachine, {
    clock: scheduler,
    input: { node: config.index, nowMs: () => scheduler.nowMs }
  });
  let current = actor.getSnapshot();
  function mcuPart(snapshot) {
    if (snapshot.matches({ alive: { mcu: "computing" } })) return { state: "compute", currentMa: mcuComputeMa };
    if (snapshot.matches({ alive: { mcu: "processing" } })) return { state: "idle", currentMa: mcuIdleMa };
    return { state: "sleep", currentMa: mcuSleepMa };
  }
  function radioPart(snapshot) {
    if (snapshot.matches({ alive: { radio: "transmitting" } })) return { state: "transmit", currentMa: config.txCurrentMa };
    if (snapshot.matches({ alive: { radio: "receiving" } })) return { state: "receive", currentMa: radio.rxCurrentMa };
    if (wake.mode === "always") return { state: "listen", currentMa: radio.rxCurrentMa };
    return { state: "sleep", currentMa: radioSleepMa };
  }
  const scheduled = (snapshot) => snapshot.matches({ alive: { radio: "scheduled" } });
  function book(next) {
    const nowMs = scheduler.nowMs;
    if (windowed && scheduled(current) && nowMs > lastBookedMs) {
      const listenMs = scheduledListenMs(wake, lastBookedMs, nowMs);
      if (listenMs > 0) {
        const status = ledger.transitionParts(nowMs - listenMs, [mcuPart(current), { state: "listen", currentMa: radio.rxCurrentMa }]);
        if (status.type === "dead") return status;
      }
    }
    lastBookedMs = nowMs;
    return ledger.transitionParts(nowMs, next);
  }
  function afterBooking(status) {
    if (deathTimer !== void 0) scheduler.cancel(deathTimer);
    deathTimer = void 0;
    if (status.type === "dead") {
      die(status.death.reason === "brownOut" ? "brownOut" : "batteryEmpty", status.death.atMs, status.death.stateOfCharge);
      return;
    }
    const atMs = status.predictedDeathAtMs;
    if (Number.isFinite(atMs)) {
      deathTimer = scheduler.at(Math.max(atMs, scheduler.nowMs), () => {
        deathTimer = void 0;
        afterBooking(book([mcuPart(current), radioPart(current)]));
      });
    }
  }
  function die(reason, atMs, stateOfCharge) {
    if (!alive) return;
    alive = false;
    config.emit({ type: "nodeDied", atMs, node: config.index, reason, stateOfCharge });
    actor.send({ type: "DIE", reason });
    config.onDeath(atMs);
  }
  actor.subscribe({
    next(snapshot) {
      if (!alive || snapshot === current) return;
      const parts = snapshot.status === "done" ? [] : [mcuPart(snapshot), radioPart(snapshot)];
      if (parts.length === 0) {
        current = snapshot;
        return;
      }
      const status = book(parts);
      current = snapshot;
      afterBooking(status);
      if (snapshot.matches({ alive: { mcu: "asleep" } }) && computeQueue.length > 0) startCompute();
    },
    error(error) {
      config.onError(new Error(`node ${config.index}: firmware failed: ${error.message ?? String(error)}`));
    }
  });
  actor.start();
  afterBooking(book([mcuPart(current), radioPart(current)]));
  function startCompute() {
    const job = computeQueue.shift();
    actor.send({ type: "COMPUTE", durationMs: job.durationMs, then: job.then });
  }
  return {
    get alive() {
      return alive;
    },
    ledger,
    memory,
    transmit(tx) {
      if (!alive) return false;
      actor.send({ type: "TX_START", airtimeMs: tx.airtimeMs });
      return alive;
    },
    rxStart(delivery) {
      if (!alive) return;
      actor.send({ type: "RX_START", untilMs: delivery.tx.endMs });
      scheduler.at(delivery.tx.endMs, () => {
        if (alive && config.processingDelayMs > 0) actor.send({ type: "PROCESS", durationMs: config.processingDelayMs });
      });
    },
    compute(durationMs, then) {
      if (!alive) return;
      computeQueue.push({ durationMs, then });
      if (current.matches({ alive: { mcu: "asleep" } })) startCompute();
    },
    settle() {
      if (!alive) return;
      afterBooking(book([mcuPart(current), radioPart(current)]));
    }
  };
}

// src/metrics/series.ts
import { stringify } from "csv-stringify/sync";

// src/metrics/stats.ts
function percentile(sorted, p) {
  if (sorted.length === 0) return void 0;
  const rank = Math.max(1, Math.ceil(p / 100 * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

// src/metrics/series.ts
function createSeriesSampler(specs, region) {
  const rows = [];
  const airtimeByBand = specs.map(() => /* @__PURE__ */ new Map());
  let lastSampleMs = 0;
  return {
    rows,
    handle(event) {
      if (event.type !== "txStarted") return;
      const band = subBandOf(region, event.tx.channelHz).name;
      const byBand = airtimeByBand[event.tx.sender];
      byBand.set(band, (byBand.get(band) ?? 0) + event.tx.airtimeMs);
    },
    sample(atMs, nodes) {
      const intervalMs = atMs - lastSampleMs;
      nodes.forEach((node, i) => {
        const totals = node.ledger.totals();
        let busiest = "";
        let busiestMs = 0;
        for (const [band, ms] of airtimeByBand[i]) {
          if (ms > busiestMs) [busiest, busiestMs] = [band, ms];
        }
        airtimeByBand[i].clear();
        rows.push({
          atMs,
          node: i,
          alive: node.alive,
          stateOfCharge: totals.stateOfCharge,
          remainingMah: totals.remainingMah,
          energyByStateUj: totals.energyByStateUj,
          dutyCycleUse: intervalMs > 0 ? busiestMs / intervalMs : 0,
          dutyCycleBand: busiest
        });
      });
      lastSampleMs = atMs;
    }
  };
}
var seriesColumns = ["atMs", "node", "alive", "stateOfCharge", "remainingMah", ...energyStates.map((s) => `${s}J`), "dutyCycleUse", "dutyCycleBand"];

// src/node/traffic.ts
function startTraffic(node, config, scheduler, rng) {
  const nextGapMs = () => {
    if (config.kind === "poisson") return rng.exponential(config.intervalMs);
    return config.intervalMs + (2 * rng.next() - 1) * config.jitterMs;
  };
  const emitOne = () => {
    if (!config.alive()) return;
    const destination = config.destination(rng.next());
    const payload = new Uint8Array(config.payloadBytes);
    node.send({ destination, payload: fill(payload, scheduler.nowMs), deadlineMs: config.deadlineMs });
    schedule(scheduler.nowMs + nextGapMs());
  };
  const schedule = (atMs) => {
    if (atMs < config.endMs) scheduler.at(atMs, emitOne);
  };
  schedule(config.kind === "poisson" ? rng.exponential(config.intervalMs) : rng.next() * config.intervalMs);
}
function fill(payload, atMs) {
  let value = Math.floor(atMs) >>> 0;
  for (let i = 0; i < payload.length; i++) {
    value = Math.imul(value, 1103515245) + 12345 >>> 0;
    payload[i] = value >>> 24;
  }
  return payload;
}

// src/transport/transport.ts
function compareTransmissions(a, b) {
  return a.startMs - b.startMs || a.sender - b.sender || a.seq - b.seq;
}
function compareDeliveries(a, b) {
  return a.atMs - b.atMs || a.tx.sender - b.tx.sender || a.tx.seq - b.tx.seq || a.receiver - b.receiver || (a.kind === b.kind ? 0 : a.kind === "rxStart" ? -1 : 1);
}

// src/transport/memory-transport.ts
function createMemoryTransport(scheduler, endpoints) {
  const txBatches = /* @__PURE__ */ new Map();
  const deliveryBatches = /* @__PURE__ */ new Map();
  let resolved;
  const get = () => resolved ??= endpoints();
  function flushTransmissions(atMs) {
    const batch = txBatches.get(atMs);
    txBatches.delete(atMs);
    if (batch.length > 1) batch.sort(compareTransmissions);
    const { ether } = get();
    for (const tx of batch) ether(tx);
  }
  function flushDeliveries(atMs) {
    const batch = deliveryBatches.get(atMs);
    deliveryBatches.delete(atMs);
    if (batch.length > 1) batch.sort(compareDeliveries);
    const { nodes } = get();
    for (const delivery of batch) nodes[delivery.receiver](delivery);
  }
  return {
    kind: "memory",
    transmit(tx) {
      let batch = txBatches.get(tx.startMs);
      if (!batch) {
        txBatches.set(tx.startMs, batch = []);
        scheduler.at(tx.startMs, () => flushTransmissions(tx.startMs));
      }
      batch.push(tx);
    },
    deliver(delivery) {
      let batch = deliveryBatches.get(delivery.atMs);
      if (!batch) {
        deliveryBatches.set(delivery.atMs, batch = []);
        scheduler.at(delivery.atMs, () => flushDeliveries(delivery.atMs));
      }
      batch.push(delivery);
    },
    get pending() {
      return txBatches.size + deliveryBatches.size;
    },
    nodeDied(node, atMs) {
      get().nodeDied(node, atMs);
    },
    async close() {
      txBatches.clear();
      deliveryBatches.clear();
    }
  };
}

// src/metrics/radio-tracker.ts
function createRadioTracker(nodeCount, options = { keepReceptions: true }) {
  const frames = [];
  const sentBySender = Array.from({ length: nodeCount }, () => []);
  const receptions = [];
  const nodes = Array.from({ length: nodeCount }, () => ({
    attempts: 0,
    sent: 0,
    dutyCycleBlocked: 0,
    airtimeMs: 0,
    txEnergyUj: 0,
    receptions: 0,
    receptionsReceived: 0,
    framesHeard: 0,
    messagesSent: 0,
    messagesDelivered: 0,
    unsentAtDeath: 0,
    diedAtMs: void 0,
    deathReason: void 0,
    faults: 0,
    airtimeByChannelMs: /* @__PURE__ */ new Map()
  }));
  const fateCounts = Object.fromEntries(fates.map((fate) => [fate, 0]));
  const blockedBy = { deadline: 0, queueFull: 0 };
  const airtimeBySf = /* @__PURE__ */ new Map();
  const airtimeByChannel = /* @__PURE__ */ new Map();
  const latencies = [];
  let sent = 0;
  let blocked = 0;
  let airtimeMs = 0;
  let txEnergyUj = 0;
  let messagesSent = 0;
  let unicastSent = 0;
  let unicastDelivered = 0;
  let deliveries = 0;
  let unsentAtDeath = 0;
  const unicastDestination = /* @__PURE__ */ new Map();
  const add = (map, key, value) => {
    map.set(key, (map.get(key) ?? 0) + value);
  };
  return {
    frames,
    receptions,
    nodes,
    handle(event) {
      switch (event.type) {
        case "txStarted": {
          const { tx } = event;
          const record2 = {
            sender: tx.sender,
            seq: tx.seq,
            destination: tx.destination,
            outcome: "sent",
            blockReason: "",
            queuedAtMs: event.queuedAtMs,
            atMs: tx.startMs,
            queueWaitMs: event.queueWaitMs,
            dutyCycleWaitMs: event.dutyCycleWaitMs,
            airtimeMs: tx.airtimeMs,
            channelHz: tx.channelHz,
            sf: tx.sf,
            bandwidthHz: tx.bandwidthHz,
            txPowerDbm: tx.txPowerDbm,
            phyBytes: tx.bytes.length,
            messageId: tx.messageId,
            fragmentIndex: tx.fragmentIndex,
            fragmentCount: tx.fragmentCount,
            energyUj: event.energyUj,
            receivers: 0,
            received: 0,
            fate: ""
          };
          frames.push(record2);
          sentBySender[tx.sender][tx.seq] = record2;
          sent++;
          airtimeMs += tx.airtimeMs;
          txEnergyUj += event.energyUj;
          add(airtimeBySf, tx.sf, tx.airtimeMs);
          add(airtimeByChannel, tx.channelHz, tx.airtimeMs);
          const node = nodes[tx.sender];
          node.attempts++;
          node.sent++;
          node.airtimeMs += tx.airtimeMs;
          node.txEnergyUj += event.energyUj;
          add(node.airtimeByChannelMs, tx.channelHz, tx.airtimeMs);
          return;
        }
        case "txBlocked": {
          frames.push({
            sender: event.sender,
            seq: -1,
            destination: event.destination,
            outcome: "dutyCycleBlocked",
            blockReason: event.reason,
            queuedAtMs: event.queuedAtMs,
            atMs: event.atMs,
            queueWaitMs: 0,
            dutyCycleWaitMs: 0,
            airtimeMs: 0,
            channelHz: 0,
            sf: event.sf,
            bandwidthHz: 0,
            txPowerDbm: 0,
            phyBytes: event.phyBytes,
            messageId: event.messageId,
            fragmentIndex: event.fragmentIndex,
            fragmentCount: event.fragmentCount,
            energyUj: 0,
            receivers: 0,
            received: 0,
            fate: ""
          });
          blocked++;
          blockedBy[event.reason]++;
          const node = nodes[event.sender];
          node.attempts++;
          node.dutyCycleBlocked++;
          return;
        }
        case "reception": {
          const { tx, fate, receiver } = event;
          const record2 = sentBySender[tx.sender][tx.seq];
          record2.receivers++;
          record2.fate = record2.receivers === 1 ? fate : "";
          fateCounts[fate]++;
          const sender = nodes[tx.sender];
          sender.receptions++;
          if (fate === "received") {
            record2.received++;
            sender.receptionsReceived++;
            nodes[receiver].framesHeard++;
          }
          if (options.keepReceptions) {
            receptions.push({ sender: tx.sender, seq: tx.seq, receiver, atMs: event.atMs, fate, rxPowerDbm: event.rxPowerDbm, snrDb: event.snrDb });
          }
          return;
        }
        case "txUnsent":
          nodes[event.sender].unsentAtDeath++;
          unsentAtDeath++;
          return;
        case "nodeDied": {
          const node = nodes[event.node];
          node.diedAtMs = event.atMs;
          node.deathReason = event.reason;
          return;
        }
        case "nodeFault":
          nodes[event.node].faults++;
          return;
        case "messageSent":
          messagesSent++;
          nodes[event.sender].messagesSent++;
          if (event.destination >= 0) {
            unicastSent++;
            unicastDestination.set(event.sender * 65536 + event.messageId, event.destination);
          }
          return;
        case "messageDelivered": {
          deliveries++;
          latencies.push(event.atMs - event.createdAtMs);
          const key = event.sender * 65536 + event.messageId;
          if (unicastDestination.get(key) === event.receiver) {
            unicastDelivered++;
            unicastDestination.delete(key);
            nodes[event.sender].messagesDelivered++;
          }
          return;
        }
      }
    },
    finalize() {
      frames.sort(compareFrames);
      receptions.sort((a, b) => a.atMs - b.atMs || a.sender - b.sender || a.seq - b.seq || a.receiver - b.receiver);
      airtimeMs = 0;
      txEnergyUj = 0;
      airtimeBySf.clear();
      airtimeByChannel.clear();
      for (const node of nodes) {
        node.airtimeMs = 0;
        node.txEnergyUj = 0;
        node.airtimeByChannelMs.clear();
      }
      for (const frame of frames) {
        if (frame.outcome !== "sent") continue;
        airtimeMs += frame.airtimeMs;
        txEnergyUj += frame.energyUj;
        add(airtimeBySf, frame.sf, frame.airtimeMs);
        add(airtimeByChannel, frame.channelHz, frame.airtimeMs);
        const node = nodes[frame.sender];
        node.airtimeMs += frame.airtimeMs;
        node.txEnergyUj += frame.energyUj;
        add(node.airtimeByChannelMs, frame.channelHz, frame.airtimeMs);
      }
    },
    totals() {
      const sorted = [...latencies].sort((a, b) => a - b);
      const receptionsTotal = fates.reduce((sum, fate) => sum + fateCounts[fate], 0);
      const mean = sorted.length > 0 ? sorted.reduce((sum, value) => sum + value, 0) / sorted.length : void 0;
      const latency = {};
      const p50 = percentile(sorted, 50);
      const p95 = percentile(sorted, 95);
      const p99 = percentile(sorted, 99);
      return {
        attempts: sent + blocked,
        sent,
        dutyCycleBlocked: blocked,
        dutyCycleBlockedBy: { ...blockedBy },
        unsentAtDeath,
        receptions: receptionsTotal,
        fates: { ...fateCounts },
        airtimeMs,
        airtimeBySfMs: airtimeBySf,
        airtimeByChannelMs: airtimeByChannel,
        txEnergyUj,
        messagesSent,
        unicastMessagesSent: unicastSent,
        unicastMessagesDelivered: unicastDelivered,
        messageDeliveries: deliveries,
        latencyMs: { ...latency, ...p50 !== void 0 && { p50 }, ...p95 !== void 0 && { p95 }, ...p99 !== void 0 && { p99 }, ...mean !== void 0 && { mean } }
      };
    }
  };
}
function compareFrames(a, b) {
  return a.atMs - b.atMs || a.sender - b.sender || a.seq - b.seq || a.queuedAtMs - b.queuedAtMs || a.messageId - b.messageId || a.fragmentIndex - b.fragmentIndex;
}

// src/scenario/simulate.ts
function createSimulation(scenario2, swarm2, options = {}) {
  const scheduler = createScheduler();
  const rng = createRandomStreams(scenario2.seed);
  const specs = swarm2.nodes;
  const tracker = createRadioTracker(specs.length, { keepReceptions: options.keepReceptions ?? true });
  const series = createSeriesSampler(specs, swarm2.region);
  const listeners = options.listeners ?? [];
  const emit2 = (event) => {
    tracker.handle(event);
    series.handle(event);
    for (const listener of listeners) listener(event);
  };
  let failure;
  const nodes = [];
  const macs = [];
  const runtimes = [];
  const transport = createMemoryTransport(scheduler, () => ({
    ether: (tx) => ether.transmit(tx),
    nodeDied: (node, atMs) => ether.nodeDied(node, atMs),
    nodes: nodes.map((node, i) => (delivery) => {
      const runtime = runtimes[i];
      if (delivery.kind === "rxStart") runtime.rxStart(delivery);
      else if (runtime.alive) node.receive(delivery);
    })
  }));
  const ether = createEther(
    {
      nodes: specs.map((spec) => ({
        key: nameKey(spec.id),
        xM: spec.xM,
        yM: spec.yM,
        antennaGainDbi: spec.antennaGainDbi,
        sensitivityTable: spec.sensitivity,
        noiseFigureDb: spec.noiseFigureDb,
        receivePaths: spec.receivePaths,
        wake: spec.wake
      })),
      pathLoss: swarm2.pathLoss,
      shadowingMode: scenario2.shadowing?.mode ?? "per-frame",
      collision: scenario2.collision,
      extraLossProbability: scenario2.extraLossProbability,
      processingDelayMs: scenario2.processingDelayMs,
      seed: scenario2.seed,
      broadcastMarginDb: scenario2.broadcastMarginDb
    },
    scheduler,
    { reception: emit2, deliver: (delivery) => transport.deliver(delivery) }
  );
  const destinations = createDestinationPicker(specs, swarm2);
  for (const spec of specs) {
    const txMa = txCurrentMa(spec.chip, spec.txPowerDbm);
    const runtime = createNodeRuntime({
      index: spec.index,
      scheduler,
      mcu: spec.mcu,
      radio: spec.chip,
      txCurrentMa: txMa,
      wake: spec.wake,
      power: spec.power,
      processingDelayMs: scenario2.processingDelayMs,
      memory: spec.memory,
      emit: emit2,
      onDeath: (atMs) => {
        macs[spec.index]?.kill();
        transport.nodeDied(spec.index, atMs);
      },
      onError: (error) => {
        failure ??= error;
      }
    });
    runtimes.push(runtime);
    const symbolMs = symbolTimeMs(spec.sf, spec.bandwidthHz);
    const mac = createMac({
      node: spec.index,
      scheduler,
      region: swarm2.region,
      channelsHz: spec.channelsHz,
      rng: rng.stream(`node/${spec.id}/mac`),
      queueCapacity: spec.traffic?.queueCapacity ?? 8,
      airtime: { chip: spec.chip.family, sf: spec.sf, bandwidthHz: spec.bandwidthHz, codingRate: spec.codingRate, preambleSymbols: spec.preambleSymbols, implicitHeader: spec.implicitHeader, crc: spec.crc, ldro: spec.ldro },
      txPowerDbm: spec.txPowerDbm,
      txCurrentMa: txMa,
      supplyV: spec.power.supplyV,
      transmit: (tx) => {
        if (!runtime.transmit(tx)) return false;
        transport.transmit(tx);
        return true;
      },
      receiverReadyAtMs: (destination, atMs) => destination < 0 ? atMs : nextReceiveStartMs(specs[destination].wake, atMs),
      preambleSymbolsFor: (destination) => destination < 0 ? spec.preambleSymbols : samplingPreambleSymbols(specs[destination].wake, symbolMs, spec.preambleSymbols),
      emit: emit2
    });
    macs.push(mac);
    nodes.push(createLoraNode({ index: spec.index, scheduler, mac, framing: scenario2.framing, maxAppBytes: spec.maxAppBytes, emit: emit2 }));
  }
  for (const spec of specs) {
    if (!spec.traffic) continue;
    const runtime = runtimes[spec.index];
    startTraffic(
      nodes[spec.index],
      { ...spec.traffic, destination: destinations(spec), endMs: scenario2.duration, alive: () => runtime.alive },
      scheduler,
      rng.stream(`node/${spec.id}/traffic`)
    );
  }
  const durationMs = scenario2.duration;
  const sampleEveryMs = scenario2.sampling.interval;
  const sample = () => {
    for (const runtime of runtimes) runtime.settle();
    series.sample(scheduler.nowMs, runtimes);
  };
  for (let atMs = 0; atMs < durationMs; atMs += sampleEveryMs) scheduler.at(atMs, sample);
  const stopOnFailure = () => failure !== void 0;
  const rethrow = () => {
    if (failure) throw failure;
  };
  const busy = () => transport.pending > 0 || ether.undecided > 0 || macs.some((mac) => mac.busy);
  return {
    scheduler,
    tracker,
    ether,
    transport,
    nodes,
    runtimes,
    series,
    advance(untilMs) {
      scheduler.runUntil(Math.min(untilMs, durationMs), stopOnFailure);
      rethrow();
    },
    finish() {
      if (scheduler.nowMs < durationMs) scheduler.runUntil(durationMs, stopOnFailure);
      rethrow();
      let lastEventMs = durationMs;
      while (busy() && scheduler.step()) {
        lastEventMs = scheduler.nowMs;
        rethrow();
      }
      const endMs = Math.max(lastEventMs, scheduler.nowMs);
      scheduler.runUntil(endMs, stopOnFailure);
      rethrow();
      sample();
      tracker.finalize();
      return { durationMs, drainedUntilMs: endMs, events: scheduler.eventsProcessed };
    }
  };
}
function createDestinationPicker(specs, swarm2) {
  const sinks = specs.filter((spec) => spec.role === "sink");
  const loss = (a, b) => meanPathLossDb(swarm2.pathLoss, Math.hypot(a.xM - b.xM, a.yM - b.yM));
  return (spec) => {
    const to = spec.traffic.to;
    if (to === "broadcast") return () => broadcastDestination;
    if (to === "sink") {
      const candidates = sinks.filter((sink) => sink.index !== spec.index);
      let best = candidates[0];
      for (const sink of candidates) if (loss(spec, sink) < loss(spec, best)) best = sink;
      const index = best.index;
      return () => index;
    }
    const others = specs.filter((other) => other.index !== spec.index && other.role !== "sink");
    const inRange = others.filter((other) => {
      const mean = rxPowerDbm(spec.txPowerDbm, spec.antennaGainDbi, other.antennaGainDbi, loss(spec, other), 0);
      const sensitivity = sensitivityDbm(other.sensitivity, spec.sf, spec.bandwidthHz, other.noiseFigureDb);
      return sensitivity !== void 0 && mean >= sensitivity;
    });
    const pool = (inRange.length > 0 ? inRange : others.length > 0 ? others : specs.filter((other) => other.index !== spec.index)).map((other) => other.index);
    return (draw) => pool[Math.min(pool.length - 1, Math.floor(draw * pool.length))];
  };
}

// ../../tmp/prof2.ts
var { scenario, swarm } = readScenario("scenarios/city-sink.yaml");
var t = performance.now();
var sim = createSimulation(scenario, swarm);
var r = sim.finish();
console.log(performance.now() - t, r.events);
