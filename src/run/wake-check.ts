/**
 * Traffic a wake schedule cannot receive (issue 20, point 5): before a run, `validate` and
 * `run` name the nodes whose radio will not be on for what the scenario sends them, and the
 * traffic, instead of letting the frames meet `asleep` in silence.
 *
 * What the radio layer does (radio/wake-schedule.ts): a unicast frame to a rendezvous node
 * waits for its next window, and one to a preamble-sampling node stretches its preamble over a
 * whole sampling period, so both are caught. A broadcast does neither: it goes when it is ready
 * with the sender's usual preamble, so a sleeping node catches it only by chance —
 *
 * - rendezvous (window W every period P): when the frame starts inside a window, W/P of the time;
 * - preamble sampling (a detection of `cad` every P): when a sample and its detection fit inside
 *   the preamble of (n + 4.25) symbols (SX127x/SX126x §6.1.4), (preamble − cad)/P of the time;
 * - off: never —
 *
 * and a node whose wake is `off` hears nothing at all, unicast included. LoRaWAN class A devices
 * listen in their receive windows (node/lorawan-devices.ts) and are not checked here.
 */
import { chooseCoordinator, federatedClients } from '../scenario/federated-roles.ts';
import type { NodeSpec, ResolvedSwarm } from '../scenario/resolve.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { WakeSchedule } from '../radio/wake-schedule.ts';
import { isLorawanDevice } from './lorawan-layer.ts';
import { nearestSink } from './destinations.ts';

export interface WakeFinding {
  /** What is sent, by whom, e.g. "the federated model download (its announce and chunks, broadcast by gateway)". */
  readonly traffic: string;
  /** The receivers' schedule in words, e.g. "listening in 50 ms windows every 2 s". */
  readonly schedule: string;
  /** The largest share of such frames these receivers can catch (0: none; undefined: what falls inside their sessions). */
  readonly catchShare: number | undefined;
  /** The receivers, by id, in node order. */
  readonly receivers: readonly string[];
}

/** Milliseconds in words: "50 ms", "2 s", "1.5 min". */
function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${ms / 1000} s`;
  return `${Math.round((ms / 60_000) * 100) / 100} min`;
}

function scheduleWords(wake: WakeSchedule): string {
  switch (wake.mode) {
    case 'always':
      return 'always listening';
    case 'off':
      return 'never listening (wake: off)';
    case 'rendezvous':
      return `listening in ${duration(wake.windowMs)} windows every ${duration(wake.periodMs)}`;
    case 'preamble-sampling':
      return `sampling the channel for ${duration(Math.round(wake.cadMs * 1000) / 1000)} every ${duration(wake.periodMs)}`;
    case 'sessions':
      return "listening only in their scheduled federated rounds' sessions";
  }
}

/** The symbol time of a node's modulation, ms. */
const symbolMsOf = (node: NodeSpec): number => (2 ** node.sf / node.bandwidthHz) * 1000;

/** The share of broadcasts from `senders` that a node on `wake` catches at best (undefined: what falls inside its sessions). */
function broadcastCatchShare(wake: WakeSchedule, senders: readonly NodeSpec[]): number | undefined {
  switch (wake.mode) {
    case 'always':
      return 1;
    case 'off':
      return 0;
    case 'rendezvous':
      return wake.windowMs / wake.periodMs;
    case 'preamble-sampling': {
      const preambleMs = senders.reduce((most, sender) => Math.max(most, (sender.preambleSymbols + 4.25) * symbolMsOf(sender)), 0);
      return Math.min(1, Math.max(0, preambleMs - wake.cadMs) / wake.periodMs);
    }
    case 'sessions':
      // Sessions open for the federated rounds' own traffic only (the model download: below).
      return undefined;
  }
}

/** The receivers among `candidates` that sleep, grouped by schedule, as findings about `traffic`. */
function sleepersOf(traffic: string, candidates: readonly NodeSpec[], share: (wake: WakeSchedule) => number | undefined): WakeFinding[] {
  const bySchedule = new Map<string, { share: number | undefined; receivers: string[] }>();
  for (const node of candidates) {
    if (node.wake.mode === 'always') continue;
    const catchShare = share(node.wake);
    if (catchShare !== undefined && catchShare >= 1) continue;
    const words = scheduleWords(node.wake);
    const entry = bySchedule.get(words) ?? { share: catchShare, receivers: [] };
    if (catchShare !== undefined && entry.share !== undefined) entry.share = Math.max(entry.share, catchShare);
    entry.receivers.push(node.id);
    bySchedule.set(words, entry);
  }
  return [...bySchedule].map(([schedule, { share: catchShare, receivers }]) => ({ traffic, schedule, catchShare, receivers }));
}

export function checkWakes(scenario: Scenario, swarm: ResolvedSwarm): WakeFinding[] {
  const nodes = swarm.nodes;
  // Class A devices listen in their receive windows, whatever their wake says.
  const listeners = nodes.filter((node) => !isLorawanDevice(scenario, node));
  const findings: WakeFinding[] = [];
  const add = (more: readonly WakeFinding[]): void => {
    for (const finding of more) findings.push(finding);
  };
  const never = (): number => 0;

  const broadcasters = nodes.filter((node) => node.traffic?.to === 'broadcast');
  if (broadcasters.length > 0) {
    const by = broadcasters.length === 1 ? broadcasters[0]!.id : `${broadcasters.length} nodes`;
    // A node whose wake is off was declared deaf: that a broadcast misses it is no surprise.
    const sleepers = listeners.filter((node) => node.wake.mode !== 'off' && (broadcasters.length > 1 || node !== broadcasters[0]));
    add(sleepersOf(`broadcast traffic (from ${by})`, sleepers, (wake) => broadcastCatchShare(wake, broadcasters)));
  }
  const peerSenders = nodes.filter((node) => node.traffic?.to === 'peer');
  if (peerSenders.length > 0) {
    add(sleepersOf(`peer traffic (from ${peerSenders.length === 1 ? peerSenders[0]!.id : `${peerSenders.length} nodes`})`, listeners.filter((node) => node.role === 'node' && node.wake.mode === 'off'), never));
  }
  const sinks = nodes.filter((node) => node.role === 'sink');
  const sinkSenders = nodes.filter((node) => node.traffic?.to === 'sink' && node.role !== 'sink');
  if (sinks.length > 0 && sinkSenders.length > 0) {
    // Every sink when uplinks go to all gateways (not a list of them per sender: 100,000 × 100).
    const addressed = new Set(scenario.uplinkGateways === 'all' ? sinks : sinkSenders.map((node) => nearestSink(node, sinks, swarm)));
    // With every gateway addressed, one listening is enough.
    if (scenario.uplinkGateways !== 'all' || [...addressed].every((sink) => sink.wake.mode === 'off')) {
      add(sleepersOf('traffic to the sink', [...addressed].sort((a, b) => a.index - b.index), never));
    }
  }
  if (scenario.federated) {
    const coordinator = nodes[chooseCoordinator(scenario, swarm)]!;
    const clients = federatedClients(scenario, swarm, coordinator.index).map((index) => nodes[index]!);
    // Scheduled rounds open each client's sessions for the download (fl/sessions.ts).
    add(sleepersOf(`the federated model download (each round's announce and model chunks, broadcast by ${coordinator.id})`, clients, (wake) => (wake.mode === 'sessions' ? 1 : broadcastCatchShare(wake, [coordinator]))));
    add(sleepersOf(`the clients' updates (unicast to the coordinator, ${coordinator.id})`, [coordinator].filter((node) => node.wake.mode === 'off'), never));
  }
  return findings;
}

/** validate's and run's lines about them: a warning per finding, naming the first receivers, and what to do. */
export function describeWakeCheck(findings: readonly WakeFinding[]): string[] {
  if (findings.length === 0) return [];
  const lines = findings.map((finding) => {
    const count = finding.receivers.length;
    const named = `${finding.receivers.slice(0, 10).join(', ')}${count > 10 ? ', …' : ''}`;
    const one = count === 1;
    const chance =
      finding.catchShare === undefined
        ? `${one ? 'catches' : 'catch'} only what starts inside ${one ? 'its' : 'their'} sessions`
        : finding.catchShare === 0
          ? `${one ? 'receives' : 'receive'} none of it`
          : `${one ? 'catches' : 'catch'} at most ${formatShare(finding.catchShare)} of it, by chance (a broadcast neither waits for a window nor stretches its preamble)`;
    return `  warning: ${finding.traffic}: ${count} receiver${one ? '' : 's'} ${finding.schedule} ${chance}: ${named}`;
  });
  lines.push('  (keep those radios on, wake: always, while they must receive; unicast frames wait for rendezvous windows and stretch their preamble for preamble sampling, broadcasts do not)');
  return lines;
}

function formatShare(share: number): string {
  const percent = share * 100;
  return `${percent >= 10 ? percent.toFixed(0) : percent >= 0.1 ? percent.toFixed(1) : percent.toPrecision(1)} %`;
}
