/**
 * The MQTT topics of one run and who may use them (the broker's ACLs):
 *   swarm/<run>/tx/<node>     a node's transmissions, to the ether
 *   swarm/<run>/rx/<node>     deliveries, from the ether to one node
 *   swarm/<run>/ctl/…         clock windows and control
 *   swarm/<run>/metrics/…     live metrics for dashboards
 *
 * Roles: the `coordinator` runs the ether and the clock (reads tx and rx of every node,
 * publishes rx, ctl and metrics, reads ctl and metrics); `node:<i>` publishes only its own tx
 * and reads only its own rx and ctl; `partition:<ranges>` (one connection for a process's
 * nodes, e.g. `partition:0-199,400`) publishes only on the tx topics of the nodes its name
 * lists and reads only their rx topics, each by its exact name; a `worker` (a process running
 * a partition of the nodes) reads ctl and publishes only under `ctl/workers/`; the `viewer`
 * reads metrics and publishes nothing. A role's password is derived from its whole user name
 * (broker.ts), so a partition cannot name more nodes than it was given.
 * A subscription is allowed only if every topic its filter can match is readable by the role,
 * so wildcards (`#`, `+`) never reach another node's topics.
 */

import { nodeRangesName, parseNodeRanges, rangesInclude, type NodeRanges } from './node-ranges.ts';

export type TopicKind = 'tx' | 'rx' | 'ctl' | 'metrics';

/** A topic of the run, parsed. `path` is what follows `ctl/` or `metrics/`. */
export type RunTopic =
  | { readonly kind: 'tx' | 'rx'; readonly node: number }
  | { readonly kind: 'ctl' | 'metrics'; readonly path: string };

export type Role =
  | { readonly kind: 'coordinator' }
  | { readonly kind: 'node'; readonly node: number }
  | { readonly kind: 'partition'; readonly nodes: NodeRanges }
  | { readonly kind: 'worker' }
  | { readonly kind: 'viewer' };

export interface RunTopics {
  readonly runId: string;
  readonly nodes: number;
  /** `swarm/<run>` */
  readonly prefix: string;
  tx(node: number): string;
  rx(node: number): string;
  /** `swarm/<run>/ctl/<path>`; `path` may have several levels but no wildcard. */
  ctl(path: string): string;
  /** `swarm/<run>/metrics/<path>`. */
  metrics(path: string): string;
  /** Filters the coordinator subscribes with. */
  readonly allTx: string;
  readonly allRx: string;
  readonly allCtl: string;
  readonly allMetrics: string;
  /** The topic's kind and node or path, or undefined if it is not one of the run's topics. */
  parse(topic: string): RunTopic | undefined;
  /** Whether `role` may publish on the concrete topic `topic`. */
  mayPublish(role: Role, topic: string): boolean;
  /** Whether every topic that `filter` can match is readable by `role` (a topic is a filter too). */
  maySubscribe(role: Role, filter: string): boolean;
}

/** Run ids: they are a topic level and a username prefix. */
export const runIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const nodeIndexPattern = /^(0|[1-9][0-9]*)$/;

/**
 * @example
 * const topics = runTopics('r1', 4);
 * topics.tx(2); // 'swarm/r1/tx/2'
 * topics.maySubscribe({ kind: 'node', node: 1 }, 'swarm/r1/#'); // false
 */
export function runTopics(runId: string, nodes: number): RunTopics {
  if (!runIdPattern.test(runId)) throw new RangeError(`run id must match ${runIdPattern.source}, got ${JSON.stringify(runId)}`);
  if (!Number.isInteger(nodes) || nodes < 0) throw new RangeError(`nodes must be an integer ≥ 0, got ${nodes}`);
  const prefix = `swarm/${runId}`;
  const levels = ['swarm', runId];
  const checkNode = (node: number): number => {
    if (!Number.isInteger(node) || node < 0 || node >= nodes) throw new RangeError(`node must be an integer in 0..${nodes - 1}, got ${node}`);
    return node;
  };
  const checkPath = (path: string): string => {
    if (path.length === 0 || /[+#\0]/.test(path)) throw new RangeError(`topic path must be non-empty and free of wildcards, got ${JSON.stringify(path)}`);
    return path;
  };

  const parse = (topic: string): RunTopic | undefined => {
    if (!topic.startsWith(`${prefix}/`)) return undefined;
    const rest = topic.slice(prefix.length + 1);
    const slash = rest.indexOf('/');
    if (slash < 0) return undefined;
    const kind = rest.slice(0, slash);
    const tail = rest.slice(slash + 1);
    if (/[+#]/.test(tail)) return undefined;
    if (kind === 'tx' || kind === 'rx') {
      if (!nodeIndexPattern.test(tail)) return undefined;
      const node = Number(tail);
      return node < nodes ? { kind, node } : undefined;
    }
    if ((kind === 'ctl' || kind === 'metrics') && tail.length > 0) return { kind, path: tail };
    return undefined;
  };

  /** Whether `filter` matches only topics under (or equal to) the literal `base` levels. */
  const within = (filter: string, base: readonly string[], exact: boolean): boolean => {
    const f = filter.split('/');
    if (exact ? f.length !== base.length : f.length < base.length) return false;
    return base.every((level, i) => f[i] === level);
  };

  const readable = (role: Role): { readonly base: readonly string[]; readonly exact: boolean }[] => {
    switch (role.kind) {
      case 'coordinator':
        return (['tx', 'rx', 'ctl', 'metrics'] as const).map((kind) => ({ base: [...levels, kind], exact: false }));
      // A node reads its own deliveries only; a worker reads what the coordinator sends
      // (ctl/run/…), not the other workers' reports, which carry their nodes' frames.
      case 'node':
        return [{ base: [...levels, 'rx', String(role.node)], exact: true }];
      // Checked by name in maySubscribe: exact rx topics of the partition's nodes.
      case 'partition':
        return [];
      case 'worker':
        return [{ base: [...levels, 'ctl', 'run'], exact: false }];
      case 'viewer':
        return [{ base: [...levels, 'metrics'], exact: false }];
    }
  };

  // The broker asks about the same few topics for every message: remember the answers (up to a
  // bound, so that a client inventing topics cannot grow the memory).
  const memo = <T>(fn: (key: string) => T): ((key: string) => T) => {
    const cache = new Map<string, T>();
    return (key) => {
      const hit = cache.get(key);
      if (hit !== undefined || cache.has(key)) return hit as T;
      const value = fn(key);
      if (cache.size < 65_536) cache.set(key, value);
      return value;
    };
  };
  const parseMemo = memo(parse);
  const subscribeMemo = memo((key) => {
    const cut = key.indexOf('\0');
    const name = key.slice(0, cut);
    const filter = key.slice(cut + 1);
    return readable(parseRole(name, nodes)!).some(({ base, exact }) => within(filter, base, exact));
  });

  return {
    runId,
    nodes,
    prefix,
    tx: (node) => `${prefix}/tx/${checkNode(node)}`,
    rx: (node) => `${prefix}/rx/${checkNode(node)}`,
    ctl: (path) => `${prefix}/ctl/${checkPath(path)}`,
    metrics: (path) => `${prefix}/metrics/${checkPath(path)}`,
    allTx: `${prefix}/tx/+`,
    allRx: `${prefix}/rx/+`,
    allCtl: `${prefix}/ctl/#`,
    allMetrics: `${prefix}/metrics/#`,
    parse: parseMemo,
    mayPublish(role, topic) {
      const parsed = parseMemo(topic);
      if (parsed === undefined) return false;
      switch (role.kind) {
        case 'coordinator':
          return parsed.kind !== 'tx';
        case 'node':
          return parsed.kind === 'tx' && parsed.node === role.node;
        case 'partition':
          return parsed.kind === 'tx' && rangesInclude(role.nodes, parsed.node);
        case 'worker':
          return parsed.kind === 'ctl' && parsed.path.startsWith('workers/');
        case 'viewer':
          return false;
      }
    },
    maySubscribe(role, filter) {
      if (role.kind === 'node' && (!Number.isInteger(role.node) || role.node < 0 || role.node >= nodes)) return false;
      if (role.kind === 'partition') {
        // A topic, not a filter: parse refuses wildcards.
        const parsed = parseMemo(filter);
        return parsed?.kind === 'rx' && rangesInclude(role.nodes, parsed.node);
      }
      return subscribeMemo(`${roleName(role)}\0${filter}`);
    },
  };
}

/** The MQTT user name of a role: `coordinator`, `worker`, `viewer`, `node:<i>` or `partition:<ranges>`. */
export function roleName(role: Role): string {
  if (role.kind === 'node') return `node:${role.node}`;
  if (role.kind === 'partition') return `partition:${nodeRangesName(role.nodes)}`;
  return role.kind;
}

/** The role a user name stands for in a run of `nodes` nodes, or undefined. */
export function parseRole(username: string, nodes: number): Role | undefined {
  if (username === 'coordinator' || username === 'worker' || username === 'viewer') return { kind: username };
  if (username.startsWith('partition:')) {
    const ranges = parseNodeRanges(username.slice('partition:'.length), nodes);
    return ranges && { kind: 'partition', nodes: ranges };
  }
  if (!username.startsWith('node:')) return undefined;
  const index = username.slice('node:'.length);
  if (!nodeIndexPattern.test(index)) return undefined;
  const node = Number(index);
  return node < nodes ? { kind: 'node', node } : undefined;
}
