/**
 * A layer pass's combine (layer-pass.ts): the shared and routed experts' outputs that came back
 * are combined with the residual, the gate renormalised over the experts that answered, and the
 * residual goes on to the next layer's attention node or back to the entry.
 */
import { combineUnit } from '../model/quant/units.ts';
import type { Int8Tensor } from '../model/quant/integer.ts';
import type { Components } from './components.ts';
import type { LayerPass, LayerPassesRun } from './layer-pass.ts';
import { sharedFlag } from './wire.ts';

/** The combine has run: the residual goes on to the next layer's attention node, or back to the entry. */
export function combined(run: LayerPassesRun, pass: LayerPass, acc: Components): void {
  const { context, tensorAt } = run.deps;
  const { model, plan } = context;
  const config = model.config;
  const layers = config.layers;
  const { message, token, node } = pass;
  const l = message.layer;
  const x = new Int8Array(message.positions * config.dim);
  pass.gate.forEach((gate, i) => {
    const output = (id: number): Int8Array | undefined => pass.outputs.get((i << 8) | id);
    const shared: Int8Tensor[] = [];
    for (let s = 0; s < config.sharedExperts; s++) {
      const data = output(sharedFlag | s);
      if (data) shared.push(tensorAt(data, model.scales.expertOut[l]!));
    }
    const used = gate.experts.filter((e) => output(e) !== undefined);
    const chosenWeight = gate.weights.reduce((sum, w) => sum + w, 0);
    const usedWeight = used.reduce((sum, e) => sum + gate.weights[gate.experts.indexOf(e)]!, 0);
    const weights = used.map((e) => (gate.weights[gate.experts.indexOf(e)]! * chosenWeight) / usedWeight);
    const routed = used.map((e) => tensorAt(output(e)!, model.scales.expertOut[l]!));
    x.set(combineUnit(model, l, pass.h[i]!, shared, routed, weights).data, i * config.dim);
    run.deps.books.combined({ serial: token.serial, node, position: i, layer: l, attempt: message.attempt, atMs: run.deps.host.scheduler.nowMs }, used);
  });
  const next = l + 1 < layers ? plan.pipelines[run.deps.pipelineOf(message.slot)]![l + 1]! : run.deps.entryNode();
  run.deps.send(node, next, { kind: 'forward', request: message.request, slot: message.slot, position: message.position, layer: l + 1, attempt: message.attempt, positions: message.positions, x }, token, acc);
}
