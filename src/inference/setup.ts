/**
 * From a scenario with `model` (and `inference`) and a loaded checkpoint to what the run needs:
 * the placement nodes and their budgets, the link graph, the plan, and the request arrivals.
 * Pure: the checkpoint is read by the caller (inference/load-model.ts).
 */
import { groupSizeOf } from '../model/quant/quantized-model.ts';
import { unitCosts } from '../model/cost.ts';
import type { TinySeekConfig } from '../model/config.ts';
import type { QuantizedTinySeek } from '../model/quant/quantized-model.ts';
import type { Vocabulary } from '../data/dataset.ts';
import { framingOverheadBytes } from '../radio/framing.ts';
import { linkGraph, computeRoutes, type LinkGraph, type Routes } from '../placement/links.ts';
import { PlacementError, placeUnits, type Plan, type PlacementNode } from '../placement/place.ts';
import { placeableUnits } from '../placement/units.ts';
import type { NodeTiers } from '../placement/weight-residency.ts';
import { tierLabel } from '../hw/memory-tiers.ts';
import type { McuProfile } from '../hw/mcu-profiles.ts';
import { InputError } from '../scenario/errors.ts';
import { airtimeParamsOf, type ResolvedSwarm } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { ModelSettings } from '../scenario/model-settings.ts';
import { createRandomStreams } from '../sim/rng.ts';
import type { InferenceContext } from './context.ts';
import { modelHeaderBytes, networkHeaderBytes } from './wire.ts';
import { draftFootprint, mtpFootprint, type DraftFootprint } from './draft.ts';
import type { QuantMtp } from '../model/quant/mtp-units.ts';

export interface LoadedModel {
  readonly quantized: QuantizedTinySeek;
  readonly vocabulary: Vocabulary;
  /** Where it came from (shown in reports). */
  readonly source: string;
  /** Measured share of tokens per routed expert, [layer][expert], when measured. */
  readonly expertLoad?: readonly (readonly number[])[];
  /** Its multi-token prediction module in integer arithmetic, when asked for (speculative decoding with draft: mtp). */
  readonly mtp?: QuantMtp;
}

/** Every node with its placement budgets; sinks and groups with `holdsUnits: false` only relay. */
export function placementNodes(scenario: Scenario, swarm: ResolvedSwarm, settings: ModelSettings): PlacementNode[] {
  const groups = new Map(scenario.groups.map((group) => [group.name, group]));
  return swarm.nodes.map((spec) => {
    const group = groups.get(spec.group);
    const eligible = group?.holdsUnits ?? spec.role === 'node';
    const m = spec.memory;
    const staticSram = m.firmwareBaseline + m.radioBuffers + m.activations + m.kvCache + m.trainingBuffers;
    return {
      index: spec.index,
      id: spec.id,
      mcuId: spec.mcu.id,
      eligible,
      flashBytes: Math.max(0, Math.floor(spec.mcu.modelFlashBytes * settings.placement.flashShare) - m.weights),
      sramBytes: Math.max(0, spec.mcu.sramBytes - staticSram),
      flashLabel: tierLabel(spec.mcu, 'flash'),
      ...tiersOf(spec.mcu, m.externalWeights),
    };
  });
}

/** A node's external tier and the read bandwidth of each of its tiers, for the placement. */
function tiersOf(mcu: McuProfile, externalUsed: number): NodeTiers {
  const memory = mcu.memory;
  if (memory === undefined) return {};
  const external = memory.external;
  return {
    ...(external && { externalKind: external.kind, externalBytes: Math.max(0, external.bytes - externalUsed) }),
    bandwidth: { sram: memory.sram.readBytesPerSecond, flash: memory.flash.readBytesPerSecond, ...(external && { external: external.readBytesPerSecond }) },
  };
}

/** Application bytes of one residual-stream message: network and model headers, d int8 values. */
export function activationMessageBytes(config: TinySeekConfig): number {
  return networkHeaderBytes + modelHeaderBytes + config.dim;
}

export function swarmLinkGraph(scenario: Scenario, swarm: ResolvedSwarm, config: TinySeekConfig, marginDb: number): LinkGraph {
  return linkGraph(
    swarm.nodes.map((spec) => ({
      xM: spec.xM,
      yM: spec.yM,
      txPowerDbm: spec.txPowerDbm,
      antennaGainDbi: spec.antennaGainDbi,
      sensitivity: spec.sensitivity,
      noiseFigureDb: spec.noiseFigureDb,
      airtime: airtimeParamsOf(spec),
      maxAppBytes: spec.maxAppBytes,
    })),
    {
      pathLoss: swarm.pathLoss,
      shadowingSigmaDb: scenario.shadowing?.sigmaDb ?? 0,
      extraLossProbability: scenario.extraLossProbability,
      marginDb,
      messageBytes: activationMessageBytes(config),
      framingBytes: framingOverheadBytes(scenario.framing),
    },
  );
}

export interface PlacedModel {
  readonly plan: Plan;
  readonly graph: LinkGraph;
  readonly routes: Routes;
  readonly nodes: readonly PlacementNode[];
}

export interface PlaceOptions {
  /** Measured share of tokens per routed expert. */
  readonly expertLoad?: readonly (readonly number[])[] | undefined;
  /** The weights have group-wise scales (a model trained for low bits), which cost bytes. */
  readonly groupSize?: number | undefined;
  /** What the entry holds beside the embedding and head for speculative decoding (a draft model, or the MTP module). */
  readonly entryExtra?: DraftFootprint | undefined;
}

/** What speculative decoding adds to the entry's unit: the draft model's footprint, or the served model's MTP module's. */
export function speculativeFootprint(scenario: Scenario, served: LoadedModel, draft: LoadedModel | undefined): DraftFootprint | undefined {
  const speculative = scenario.inference?.speculative;
  if (!speculative || !scenario.model) return undefined;
  const concurrentRequests = scenario.model.placement.concurrentRequests;
  if (speculative.draft === 'mtp') return mtpFootprint(served.quantized.config, scenario.model.bits, groupSizeOf(served.quantized), concurrentRequests);
  return draft && draftFootprint(draft.quantized, concurrentRequests);
}

/** Places the model's units on the swarm (throws PlacementError when it does not fit). */
export function placeModel(scenario: Scenario, swarm: ResolvedSwarm, config: TinySeekConfig, options: PlaceOptions = {}): PlacedModel {
  const { expertLoad, groupSize, entryExtra } = options;
  const settings = scenario.model!;
  const graph = swarmLinkGraph(scenario, swarm, config, settings.placement.linkMarginDb);
  const routes = computeRoutes(graph);
  const nodes = placementNodes(scenario, swarm, settings);
  const concurrentRequests = settings.placement.concurrentRequests;
  const units = placeableUnits(config, { bits: settings.bits, concurrentRequests, ...(expertLoad && { expertLoad }), ...(groupSize !== undefined && { groupSize }), ...(entryExtra && { entryExtra }) });
  let entry: number | undefined;
  const entryId = scenario.inference?.entry;
  if (entryId !== undefined) {
    entry = swarm.nodes.find((spec) => spec.id === entryId)?.index;
    if (entry === undefined) throw new InputError([{ path: 'inference.entry', message: `expected the id of a node of the scenario, found ${JSON.stringify(entryId)}` }]);
    if (!nodes[entry]!.eligible) throw new InputError([{ path: 'inference.entry', message: `expected a node that may hold model units, found ${JSON.stringify(entryId)} (a sink or a group with holdsUnits: false)` }]);
  }
  const place = (pipelines: number): Plan =>
    placeUnits(units, nodes, {
      strategy: settings.placement.strategy,
      replicas: settings.placement.strategy === 'replicated' ? settings.placement.replicas : 1,
      ...(settings.placement.hot !== undefined && { hot: settings.placement.hot }),
      ...(entry !== undefined && { entry }),
      costMs: (a, b) => (a === b ? 0 : routes.costMs[a]![b]!),
      weights: settings.placement.weights,
      pipelines,
    });
  return { plan: settings.placement.pipelines === 'auto' ? mostPipelines(place, settings.placement.concurrentRequests) : place(settings.placement.pipelines), graph, routes, nodes };
}

/** pipelines: auto: the most pipelines that fit, from `most` down to one (whose refusal stands when nothing fits). */
function mostPipelines(place: (pipelines: number) => Plan, most: number): Plan {
  for (let p = Math.min(most, 16); p > 1; p--) {
    try {
      return place(p);
    } catch (error) {
      if (!(error instanceof PlacementError)) throw error;
    }
  }
  return place(1);
}

/** Request arrival times within the scenario's duration: Poisson from the seed, or the listed ones. */
export function requestArrivals(scenario: Scenario): number[] {
  const requests = scenario.inference!.requests;
  if (requests.kind === 'list') return [...requests.at].filter((t) => t < scenario.duration).sort((a, b) => a - b);
  const rng = createRandomStreams(scenario.seed).stream('inference/arrivals');
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < requests.count; i++) {
    t += rng.exponential(requests.interval);
    if (t >= scenario.duration) break;
    out.push(t);
  }
  return out;
}

export type InferenceSetup = Omit<InferenceContext, 'specs'>;

/** Everything the run needs to serve requests (scenario with `model` and `inference`). */
export function prepareInference(scenario: Scenario, swarm: ResolvedSwarm, loaded: LoadedModel, draft?: LoadedModel): InferenceSetup & { readonly placed: PlacedModel; readonly symbols: readonly string[] } {
  const settings = scenario.inference!;
  const config = loaded.quantized.config;
  try {
    loaded.vocabulary.encode(settings.prompt);
  } catch (error) {
    throw new InputError([{ path: 'inference.prompt', message: `expected characters of the model's vocabulary, found ${(error as Error).message}` }]);
  }
  if (settings.prompt.length + 1 >= config.context) {
    throw new InputError([{ path: 'inference.prompt', message: `expected a prompt shorter than the context (${config.context - 1} characters), found ${settings.prompt.length}` }]);
  }
  const groupSize = groupSizeOf(loaded.quantized);
  const placed = placeModel(scenario, swarm, config, { expertLoad: loaded.expertLoad, groupSize, entryExtra: speculativeFootprint(scenario, loaded, draft) });
  return {
    placed,
    symbols: loaded.vocabulary.symbols,
    model: loaded.quantized,
    ...(draft && { draft: draft.quantized }),
    ...(settings.speculative?.draft === 'mtp' && loaded.mtp && { mtp: loaded.mtp }),
    decode: (ids) => loaded.vocabulary.decode(ids),
    encode: (text) => loaded.vocabulary.encode(text),
    plan: placed.plan,
    graph: placed.graph,
    settings,
    costs: unitCosts(config, groupSize),
    arrivals: requestArrivals(scenario),
    rng: createRandomStreams(scenario.seed),
    concurrentRequests: scenario.model!.placement.concurrentRequests,
    // Worst case of one pass: per layer and position, a call to each of its top-k and shared
    // experts' nodes one after the other, each tried retries + 1 times with a backoff of up to
    // half the timeout.
    tokenTimeoutMs: (positions) => settings.timeout * (1 + config.layers * positions * (config.topK + config.sharedExperts) * (settings.retries + 1) * 1.5),
  };
}

