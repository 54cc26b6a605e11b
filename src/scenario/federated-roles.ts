/**
 * Who does what in federated learning: the coordinator and the clients, from the scenario and
 * the resolved nodes alone (positions, roles, power), so that both the swarm's resolution
 * (scheduled rounds give the clients a wake of their own) and the learning's setup name the
 * same nodes.
 */
import { meanPathLossDb } from '../radio/path-loss.ts';
import { InputError } from './errors.ts';
import type { NodeSpec, ResolvedSwarm } from './resolve.ts';
import type { Scenario } from './schema.ts';

type Nodes = Pick<ResolvedSwarm, 'nodes' | 'pathLoss'>;

/** The coordinator: the named node, else the sink (then the mains node) with the least total path loss to the others. */
export function chooseCoordinator(scenario: Scenario, swarm: Nodes): number {
  const named = scenario.federated?.coordinator;
  if (named !== undefined) {
    const index = swarm.nodes.findIndex((node) => node.id === named);
    if (index < 0) throw new InputError([{ path: 'federated.coordinator', message: `expected the id of a node of the scenario, found ${JSON.stringify(named)}` }]);
    return index;
  }
  const candidates = swarm.nodes.filter((node) => node.role === 'sink').length > 0 ? swarm.nodes.filter((node) => node.role === 'sink') : swarm.nodes.filter((node) => node.power.mains);
  if (candidates.length === 0) throw new InputError([{ path: 'federated.coordinator', message: 'expected a sink or a mains-powered node to coordinate, found none: name one' }]);
  const loss = (a: NodeSpec): number => swarm.nodes.reduce((sum, b) => sum + (a === b ? 0 : meanPathLossDb(swarm.pathLoss, Math.hypot(a.xM - b.xM, a.yM - b.yM))), 0);
  return candidates.reduce((best, node) => (loss(node) < loss(best) ? node : best)).index;
}

/** The clients of federated learning: every node but the coordinator in a group that holds units (by default, role node), by index. */
export function federatedClients(scenario: Scenario, swarm: Pick<ResolvedSwarm, 'nodes'>, coordinator: number): number[] {
  const groups = new Map(scenario.groups.map((group) => [group.name, group]));
  return swarm.nodes.filter((node) => node.index !== coordinator && (groups.get(node.group)?.holdsUnits ?? node.role === 'node')).map((node) => node.index);
}

/**
 * With scheduled rounds, each client's radio sleeps but in the sessions its federated
 * application opens (radio/wake-schedule.ts, fl/sessions.ts): its own list, filled as the run goes.
 */
export function withScheduledClients(scenario: Scenario, swarm: Nodes, nodes: NodeSpec[]): NodeSpec[] {
  if (!scenario.federated?.schedule) return nodes;
  const clients = new Set(federatedClients(scenario, { nodes }, chooseCoordinator(scenario, { nodes, pathLoss: swarm.pathLoss })));
  return nodes.map((node) => (clients.has(node.index) ? { ...node, wake: { mode: 'sessions', sessions: [] } } : node));
}
