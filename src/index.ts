/**
 * loraswarm's public API: named exports only. Everything else is internal.
 */
export { createScheduler, type Scheduler, type EventId, type RunStop } from './sim/scheduler.ts';
export { createRandomStreams, type RandomStream, type RandomStreams } from './sim/rng.ts';
export { keyedNormal, keyedUniform, nameKey } from './sim/keyed-random.ts';

export { timeOnAir, ldroSymbolThresholdMs, type Airtime, type AirtimeParams } from './radio/airtime.ts';
export { parseCodingRate, formatCodingRate, symbolTimeMs, type ChipFamily, type CodingRate, type LdroMode, type Modulation } from './radio/modulation.ts';
export { regions, subBandOf, dataRateOf, dwellLimitMs, dutyCycleOffTimeMs, type Region, type RegionId, type SubBand, type DataRate } from './radio/regions.ts';
export { maxAppBytesPerFrame, encodeFrame, decodeFrame, framingOverheadBytes, type FramingId, type FrameHeader } from './radio/framing.ts';
export { fragmentPayload, parseFragment, createReassembler, type Fragment, type Reassembler } from './radio/fragmentation.ts';
export { meanPathLossDb, distanceForLossM, rxPowerDbm, pathLossProfiles, type PathLossModel, type PathLossProfileId } from './radio/path-loss.ts';
export { sensitivityDbm, snrFloor, noiseFloorDbm, type SensitivityTableId } from './radio/sensitivity.ts';
export { collisionModels, collisionSfRange, type CollisionModel, type CollisionModelId, type Signal } from './radio/collision/index.ts';
export { createEther, type Ether, type EtherConfig, type EtherNode, type ReceptionEvent } from './radio/ether.ts';
export { fates, broadcastDestination, type Fate, type Transmission, type Delivery } from './radio/transmission.ts';

export { radioChips, radioChipIds, txCurrentMa, type RadioChip, type RadioChipId } from './hw/radio-chips.ts';
export { mcuProfiles, mcuIds, mcuProfileSchema, validateMcuProfile, opTypes, type McuProfile, type McuId, type OpType } from './hw/mcu-profiles.ts';
export { computeCost, costOfOps, kwsDsCnnOps, adAutoencoderOps, type ComputeOp, type ComputeCost } from './hw/compute-cost.ts';
export { batteryProfiles, batteryProfileSchema, type BatteryProfile } from './hw/battery-profiles.ts';
export { createBattery, openCircuitVoltageV, terminalVoltageV, type BatteryState } from './hw/battery.ts';
export { createEnergyLedger, energyStates, type EnergyLedger, type EnergyState, type EnergyTotals, type Rail } from './hw/energy-ledger.ts';
export { createMemoryLedger, checkStaticAllocation, type MemoryLedger, type MemoryKind } from './hw/memory-ledger.ts';
export { createSolarHarvester, solarConfigSchema, type SolarConfig } from './hw/solar.ts';

export { createMac, type Mac, type MacConfig, type OutgoingFrame } from './node/mac.ts';
export { createMacs, type Macs, type MacNode } from './node/macs.ts';
export { createLinks, type Links, type Message } from './node/links.ts';
export type { LoraNode } from './node/lora-node.ts';
export { startTraffic, type TrafficConfig, type TrafficDestination, type TrafficNode } from './node/traffic.ts';
export type { SimEvent, TxStartedEvent, TxBlockedEvent, MessageSentEvent, MessageDeliveredEvent } from './node/events.ts';

export { createMemoryTransport } from './transport/memory-transport.ts';
export type { Transport, TransportEndpoints } from './transport/transport.ts';

export { createRadioTracker, type RadioTracker, type RadioTotals } from './metrics/radio-tracker.ts';
export { buildSummary, summarySchemaVersion } from './metrics/summary.ts';
export { framesCsv, receptionsCsv } from './metrics/tables.ts';
export { nodesCsv } from './metrics/nodes-csv.ts';

export { scenarioSchema, scenarioJsonSchema, type Scenario, type ScenarioInput } from './scenario/schema.ts';
export { loadScenarioText, type LoadedScenario } from './scenario/loader.ts';
export { parseOverride, applyOverride } from './scenario/overrides.ts';
export { resolveSwarm, type ResolvedSwarm, type NodeSpec } from './scenario/resolve.ts';
export { createSimulation, type Simulation, type SimulationResult } from './run/simulate.ts';
export { InputError, type InputIssue } from './scenario/errors.ts';
