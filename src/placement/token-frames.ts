/**
 * The frames one token sends through a plan, in order (placement/place.ts's expected airtime,
 * duty-floor.ts's airtime per sender): the residual stream from each layer's predecessor (the
 * entry first) to its attention node, each of the layer's experts called at its primary holder
 * and answering, weighted by its load, and the way back from the last attention node to the
 * entry.
 */
import type { PlaceableUnit } from './units.ts';

export interface TokenFrameVisitor {
  /** The residual stream from `from` to `to` (once per token). */
  residual(from: number, to: number): void;
  /** An expert of load `load` held at `holder`, called from the attention node `at` (a call and its reply). */
  expert(at: number, holder: number, load: number): void;
}

export function walkTokenFrames(units: readonly PlaceableUnit[], holders: readonly (readonly number[])[], entry: number, attention: readonly number[], visit: TokenFrameVisitor): void {
  let previous = entry;
  attention.forEach((at, layer) => {
    visit.residual(previous, at);
    units.forEach((unit, u) => {
      if (unit.layer !== layer || (unit.kind !== 'routed' && unit.kind !== 'shared')) return;
      visit.expert(at, holders[u]![0]!, unit.load);
    });
    previous = at;
  });
  visit.residual(previous, entry);
}
