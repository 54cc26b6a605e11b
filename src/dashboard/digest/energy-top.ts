/**
 * The joules view's largest consumers at one instant, chosen from every node without sorting
 * them all: the `count` nodes first in the order the view sorts its stacks (views/energy.ts,
 * `energyStacks`: total energy descending, then id), each total summed over the states in the
 * view's order, so that ties and rounding fall as they fall in the browser. Pure.
 *
 * @example
 * // energies: node-major, `states` values per node
 * topConsumers(new Float64Array([1, 0, 5, 0, 2, 0]), 2, ['c', 'a', 'b'], 2) // [1, 2]
 */

/** The indices of the `count` largest consumers, largest first. */
export function topConsumers(energiesJ: Float64Array, states: number, ids: readonly string[], count: number): number[] {
  const top: number[] = [];
  const totals: number[] = [];
  const nodes = ids.length;
  for (let i = 0; i < nodes; i++) {
    let total = 0;
    for (let k = 0; k < states; k++) total += energiesJ[i * states + k]!;
    if (top.length === count) {
      const worst = top.length - 1;
      if (!before(total, ids[i]!, totals[worst]!, ids[top[worst]!]!)) continue;
      top.pop();
      totals.pop();
    }
    let at = top.length;
    while (at > 0 && before(total, ids[i]!, totals[at - 1]!, ids[top[at - 1]!]!)) at--;
    top.splice(at, 0, i);
    totals.splice(at, 0, total);
  }
  return top;
}

/** Whether (total a, id a) sorts before (total b, id b) in the stacks' order. */
function before(a: number, idA: string, b: number, idB: string): boolean {
  return a > b || (a === b && idA < idB);
}
