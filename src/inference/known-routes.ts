/**
 * The routes as the swarm knows them (engine.ts): computed on the link graph around the nodes
 * known dead, and recomputed at once when the routing layer learns of a death (the routing
 * layer is idealised; the model layer finds lost frames by timeouts only).
 */
import { computeRoutes, type LinkGraph, type Routes } from '../placement/links.ts';
import { replaceArray } from '../sim/checkpoint-state.ts';

export interface KnownRoutes {
  /** Per node: whether the routing layer has learnt of its death (a checkpoint holds it). */
  readonly dead: boolean[];
  /** The routing cost between two nodes (0 to itself). */
  cost(a: number, b: number): number;
  /** What the swarm knows: a node is dead once the routing layer has learned of it (deathDetectionMs). */
  alive(node: number): boolean;
  /** First hop from `from` towards `to` (-1 when unreachable or the same node). */
  nextHop(from: number, to: number): number;
  learnDeath(node: number): void;
  /** Takes back the saved deaths and recomputes the routes. */
  restore(dead: readonly boolean[]): void;
}

export function createKnownRoutes(graph: LinkGraph, nodes: number): KnownRoutes {
  const dead = new Array<boolean>(nodes).fill(false);
  let routes: Routes = computeRoutes(graph, dead);
  return {
    dead,
    cost: (a, b) => (a === b ? 0 : routes.costMs[a]![b]!),
    alive: (node) => !dead[node],
    nextHop: (from, to) => routes.next[from]![to]!,
    learnDeath(node) {
      dead[node] = true;
      routes = computeRoutes(graph, dead);
    },
    restore(saved) {
      replaceArray(dead, saved);
      routes = computeRoutes(graph, dead);
    },
  };
}
