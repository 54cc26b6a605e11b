/**
 * An MQTT run on an external broker (and a worker of one) holds a socket per node it hosts,
 * unless the broker has a partition user for exactly those nodes (mosquitto-setup.ts), so a
 * shell's open-file limit (`ulimit -n`, often 1024) caps how many nodes one process can host.
 * Past it, connections fail one by one with errors that name the socket, not the cause
 * (ECONNRESET, EMFILE); the run checks the limit first and says what to do. The embedded broker
 * serves its own process's clients over in-memory streams (in-process-stream.ts): no socket;
 * a worker of a run on the embedded broker has one partition connection for all its nodes.
 */
import { readFileSync } from 'node:fs';

/** Descriptors a process needs besides its nodes' sockets: files, the broker's listeners, stdio. */
const reserveDescriptors = 64;

/** The soft limit on open files (`ulimit -n`) from /proc/self/limits, or undefined where there is none (not Linux). */
export function openFileLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  if (!match) return undefined;
  return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
}

/** Why hosting `nodes` MQTT clients here would exhaust the descriptors, or undefined. */
export function descriptorProblem(nodes: number, embeddedBroker: boolean, limit = openFileLimit()): string | undefined {
  if (limit === undefined) return undefined;
  const needed = (embeddedBroker ? 0 : nodes) + reserveDescriptors;
  if (needed <= limit) return undefined;
  return (
    `an MQTT run hosting ${nodes} nodes in this process needs about ${needed} open files (a socket per node), ` +
    `more than this process's limit of ${limit} (ulimit -n): raise it (ulimit -n ${2 ** Math.ceil(Math.log2(needed))}), run with --transport memory, or host some nodes in workers (--workers)`
  );
}
