/**
 * `loraswarm place <scenario>`: places the scenario's model on its nodes and prints the plan
 * (which unit where, memory per node, and per unit the tier its weights are read from and
 * whether they stream from off-chip flash for every use), or refuses with the shortfall (exit 2).
 */
import { groupSizeOf } from '../../model/quant/quantized-model.ts';
import { loadDraft, loadModel } from '../../inference/load-model.ts';
import { placeModel, speculativeFootprint } from '../../inference/setup.ts';
import { modelCost } from '../../model/cost.ts';
import { UsageError } from '../exit.ts';
import { readScenario } from '../../scenario/read-scenario.ts';
import { counted, humanDuration } from '../../metrics/human-units.ts';
import { dutyCycleFloor } from '../../placement/duty-floor.ts';
import { subBandOf, type Region } from '../../radio/regions.ts';
import { tierLabel, tierRead, type TierId } from '../../hw/memory-tiers.ts';
import type { McuProfile } from '../../hw/mcu-profiles.ts';

/** The share of time a node may transmit: the sum of the duty cycles of the sub-bands its channels are in (each is a budget of its own). */
function dutyBudget(region: Region, channelsHz: readonly number[]): number {
  const bands = new Set(channelsHz.map((hz) => subBandOf(region, hz)).filter((band) => band !== undefined));
  const total = [...bands].reduce((sum, band) => sum + band.dutyCycle, 0);
  return bands.size === 0 ? 1 : Math.min(1, total);
}

const pctOf = (share: number): string => `${Number((100 * share).toPrecision(3))} %`;

const weightsWords = {
  flash: 'stored in flash and read in place',
  sram: 'copied to SRAM at boot',
  external: 'in the PSRAM or external flash where the board has one',
  auto: 'the most called units copied to the fastest tier with room, the rest read in place',
} as const;

/** Whether weights read from `tier` stream through an off-chip bus at every use. */
const streams = (mcu: McuProfile, tier: TierId): boolean => tier !== 'sram' && tierRead(mcu, tier).offChip && (tier === 'flash' || mcu.memory?.external?.kind === 'flash');

export interface PlaceCommandOptions {
  readonly set: readonly string[];
  readonly seed?: number;
  readonly json?: boolean;
}

export function placeCommand(file: string, options: PlaceCommandOptions, print: (text: string) => void): void {
  const { scenario, swarm, name } = readScenario(file, { sets: options.set, ...(options.seed !== undefined && { seed: options.seed }) });
  if (!scenario.model) throw new UsageError(`${file}: expected a "model" block (the checkpoint to place), found none`);
  const placement = scenario.model.placement;
  const loaded = loadModel(scenario.model, { measureLoad: placement.strategy === 'replicated' && placement.hot !== undefined, mtp: scenario.inference?.speculative?.draft === 'mtp' });
  const config = loaded.quantized.config;
  const groupSize = groupSizeOf(loaded.quantized);
  const draft = loadDraft(scenario, loaded);
  const { plan, nodes, routes } = placeModel(scenario, swarm, config, { expertLoad: loaded.expertLoad, groupSize, entryExtra: speculativeFootprint(scenario, loaded, draft) });
  const floor = dutyCycleFloor(plan, (a, b) => (a === b ? 0 : routes.costMs[a]![b]!), (n) => dutyBudget(swarm.region, swarm.nodes[n]!.channelsHz));
  const ids = swarm.nodes.map((spec) => spec.id);
  const total = modelCost(config, groupSize, true).weightBytes[scenario.model.bits];
  if (options.json) {
    print(
      `${JSON.stringify(
        {
          scenario: name,
          checkpoint: loaded.source,
          bits: scenario.model.bits,
          strategy: plan.strategy,
          weightBytes: total,
          entry: ids[plan.entry],
          attention: plan.attention.map((n) => ids[n]),
          pipelines: plan.pipelines.map((attention) => attention.map((n) => ids[n])),
          nodesHoldingUnits: plan.usedNodes,
          expectedAirtimeMsPerToken: plan.expectedAirtimeMsPerToken,
          dutyCycleFloorMsPerToken: floor.floorMs,
          dutyCycleFloorNode: floor.node >= 0 ? ids[floor.node] : null,
          weights: plan.weights,
          units: plan.units.map((unit, u) => ({
            id: unit.id,
            weightBytes: unit.weightBytes,
            kvBytes: unit.kvBytes,
            workBytes: unit.workBytes,
            load: unit.load,
            nodes: plan.holders[u]!.map((n) => ids[n]),
            tiers: plan.tiers[u]!.map((tier, k) => ({ tier, memory: tierLabel(swarm.nodes[plan.holders[u]![k]!]!.mcu, tier), streams: streams(swarm.nodes[plan.holders[u]![k]!]!.mcu, tier) })),
          })),
          nodes: plan.nodes.filter((node) => node.units.length > 0).map((node) => ({ id: ids[node.index], mcu: nodes[node.index]!.mcuId, ...node, index: undefined })),
        },
        null,
        2,
      )}\n`,
    );
    return;
  }
  const header = ['node', 'mcu', 'weights B', 'flash budget B', 'KV B', 'buffers B', 'SRAM budget B', 'streamed B', 'units by where their weights are read'];
  const unitsByTier = (n: number): string => {
    const mcu = swarm.nodes[n]!.mcu;
    const groups = new Map<string, string[]>();
    plan.units.forEach((unit, u) =>
      plan.holders[u]!.forEach((holder, k) => {
        if (holder !== n) return;
        const tier = plan.tiers[u]![k]!;
        const key = `${tierLabel(mcu, tier)}${streams(mcu, tier) ? ', streamed' : ''}`;
        groups.set(key, [...(groups.get(key) ?? []), unit.id]);
      }),
    );
    return [...groups].map(([where, units]) => `${where}: ${units.join(' ')}`).join('; ');
  };
  const rows = plan.nodes
    .filter((node) => node.units.length > 0)
    .map((node) => [
      ids[node.index]!,
      nodes[node.index]!.mcuId,
      node.weightBytes.toLocaleString('en'),
      node.flashBudgetBytes.toLocaleString('en'),
      node.kvBytes.toLocaleString('en'),
      node.workBytes.toLocaleString('en'),
      node.sramBudgetBytes.toLocaleString('en'),
      node.streamedBytes.toLocaleString('en'),
      unitsByTier(node.index),
    ]);
  const widths = header.map((h, i) => rows.reduce((width, r) => Math.max(width, r[i]!.length), h.length));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 || i === 1 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const largest = plan.nodes.reduce((most, node) => Math.max(most, node.weightBytes), Number.NEGATIVE_INFINITY);
  print(
    [
      `${name}: ${plan.strategy} placement of ${loaded.source} at int${scenario.model.bits} (${total.toLocaleString('en')} B of weights) on ${swarm.nodes.length} nodes`,
      `  ${counted(plan.usedNodes, 'node')} hold${plan.usedNodes === 1 ? 's' : ''} units; the largest holds ${largest.toLocaleString('en')} B (${((100 * largest) / total).toFixed(1)} % of the weights); entry ${ids[plan.entry]}; attention ${plan.pipelines.map((attention) => attention.map((n) => ids[n]).join(', ')).join(' | ')}${plan.pipelines.length > 1 ? ` (${plan.pipelines.length} pipelines, each on nodes of its own)` : ''}`,
      `  expected airtime per token ${plan.expectedAirtimeMsPerToken.toFixed(1)} ms (activation frames over the best routes, experts weighted by load)`,
      floor.node >= 0
        ? `  duty-cycle floor ${humanDuration(floor.floorMs)} per token: ${ids[floor.node]} sends ${floor.airtimeMsBySender[floor.node]!.toFixed(1)} ms of airtime per token within ${pctOf(dutyBudget(swarm.region, swarm.nodes[floor.node]!.channelsHz))} of the time`
        : '  no duty-cycle floor (no sub-band limits the time on air)',
      `  weights: ${plan.weights} (${weightsWords[plan.weights]}); streamed: read from off-chip flash at every use`,
      '',
      line(header),
      ...rows.map(line),
    ].join('\n') + '\n',
  );
}
