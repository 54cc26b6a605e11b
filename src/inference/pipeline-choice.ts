/**
 * Which pipeline a KV slot's passes run on (issue 19, placement.ts's pipelines): slot modulo the
 * pipelines, or the next whose attention nodes the routing layer knows to be alive; the slot's
 * own when none is.
 */
export function pipelineChooser(pipelines: readonly (readonly number[])[], alive: (node: number) => boolean): (slot: number) => number {
  return (slot) => {
    const count = pipelines.length;
    for (let k = 0; k < count; k++) {
      const p = (slot + k) % count;
      if (pipelines[p]!.every(alive)) return p;
    }
    return slot % count;
  };
}
