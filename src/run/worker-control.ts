/**
 * A worker's control channel to its run's coordinator, and the record of what the worker
 * knows of the run: its control connection, the coordinator's answer and ops as they come,
 * the coordinator's silence or last will, and the worker's own messages (chunked, some kept
 * for a replay after a broker blip).
 */
import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { createBarrier, type Barrier } from '../transport/barrier.ts';
import { chunkControl, createControlAssembler, decodeControlValue, encodeControlValue, MalformedControlError, type ControlAssembler } from '../transport/control-codec.ts';
import { connectClient } from '../transport/client-connection.ts';
import { createReconnection, defaultReconnectWindowMs, type Reconnection } from '../transport/reconnection.ts';
import { createReplayOutbox, type ReplayOutbox } from '../transport/replay-outbox.ts';
import { runTopics, type RunTopics } from '../transport/topics.ts';
import { assignProblem, opProblem, workerProtocolVersion, workerSilenceMs, type AssignMessage, type OpMessage } from '../transport/worker-protocol.ts';
import { RunAbortedError } from './worker-errors.ts';
import type { WorkerSessionOptions } from './worker-session.ts';

export interface WorkerControl {
  readonly options: WorkerSessionOptions;
  readonly log: (line: string) => void;
  readonly workerId: string;
  /** The run's control topics, before the node count is known. */
  readonly preliminary: RunTopics;
  /** Every connection this worker opened, the control connection first. */
  readonly clients: MqttClient[];
  readonly barrier: Barrier;
  // After a broker blip (worker-protocol.ts): what this worker published since its last op is
  // published again, and deliveries and ops that come twice count once.
  readonly outbox: ReplayOutbox;
  readonly reconnectWindowMs: number;
  readonly reconnection: Reconnection;
  brokerInRun: boolean;
  /** Set while the coordinator's last will is the last word from it. */
  coordinatorGone: NodeJS.Timeout | undefined;
  /** Back from a blip (set once the node clients are connected). */
  resumed: () => void;
  /** The coordinator asks for a resync (set once the node clients are connected). */
  answerResync: () => void;
  /** Once assigned, a worker that fails tells the run why (its graceful disconnect sends no last will). */
  reportFailure: ((reason: string) => void) | undefined;
  /** The control connection, once open. */
  control: MqttClient | undefined;
  /** The coordinator's answer to the hello. */
  assignment: AssignMessage | undefined;
  readonly ops: OpMessage[];
  /** The last op taken: one that comes again (a replay) is not run twice. */
  lastSeq: number;
  /** When the coordinator was last heard from (any message of the run's, its heartbeat included). */
  lastHeardMs: number;
  /** The next control message's stream number. */
  stream: number;
}

export function createWorkerControl(options: WorkerSessionOptions): WorkerControl {
  const log = options.log ?? (() => undefined);
  const workerId = randomBytes(5).toString('hex');
  const barrier = createBarrier(options.barrierTimeoutMs ?? 30_000);
  const outbox = createReplayOutbox(1);
  const reconnectWindowMs = options.reconnectWindowMs ?? defaultReconnectWindowMs;
  const worker: WorkerControl = {
    options,
    log,
    workerId,
    preliminary: runTopics(options.runId, 0),
    clients: [],
    barrier,
    outbox,
    reconnectWindowMs,
    reconnection: createReconnection({
      barrier,
      windowMs: reconnectWindowMs,
      get brokerInRun() {
        return worker.brokerInRun;
      },
      onResumed: (awayMs) => {
        log(`worker ${workerId}: the broker was away for ${(awayMs / 1000).toFixed(1)} s; reconnected, resuming`);
        worker.resumed();
      },
    }),
    brokerInRun: false,
    coordinatorGone: undefined,
    resumed: () => undefined,
    answerResync: () => undefined,
    reportFailure: undefined,
    control: undefined,
    assignment: undefined,
    ops: [],
    lastSeq: -1,
    lastHeardMs: 0,
    stream: 0,
  };
  return worker;
}

/** Connects the control connection (its last will says the worker is gone) and listens to the run's control messages. */
export async function openControl(worker: WorkerControl): Promise<void> {
  const { options, workerId, preliminary } = worker;
  const control = await connectClient(options.url, options.credentials.worker, `${options.runId}-worker-${workerId}`, {
    will: { topic: preliminary.ctl(`workers/${workerId}/gone`), payload: Buffer.alloc(0), qos: 0, retain: false },
  }, 15_000);
  worker.clients.push(control);
  worker.control = control;
  const controlTopics = [`${preliminary.prefix}/ctl/run/${workerId}/#`, `${preliminary.prefix}/ctl/run/all/#`];
  worker.lastHeardMs = Date.now();
  const assemblers = new Map<string, ControlAssembler>();
  control.on('message', (topic, payload) => {
    let value: unknown;
    try {
      let assembler = assemblers.get(topic);
      if (!assembler) assemblers.set(topic, (assembler = createControlAssembler()));
      const whole = assembler.add(payload);
      if (whole === undefined) return;
      value = decodeControlValue(whole);
    } catch (error) {
      if (error instanceof MalformedControlError) return worker.barrier.fail(new RunAbortedError(`the coordinator sent a ${error.message}`));
      throw error;
    }
    onControlMessage(worker, topic.slice(topic.lastIndexOf('/') + 1), value);
  });
  await control.subscribeAsync(controlTopics, { qos: 0 });
  worker.reconnection.watch(control, controlTopics);
}

/** One whole control message of the coordinator's, by its kind (the topic's last level). */
function onControlMessage(worker: WorkerControl, kind: string, value: unknown): void {
  const { barrier, options } = worker;
  worker.lastHeardMs = Date.now();
  if (kind === 'gone') return coordinatorLeft(worker, value);
  if (worker.coordinatorGone !== undefined) {
    clearTimeout(worker.coordinatorGone);
    worker.coordinatorGone = undefined;
    barrier.resume();
  }
  if (kind === 'resync') return worker.answerResync();
  if (kind === 'abort') {
    const reason = (value as { reason?: unknown } | null)?.reason;
    return barrier.fail(new RunAbortedError(`the coordinator stopped run ${options.runId}: ${typeof reason === 'string' ? reason : 'no reason given'}`));
  }
  if (kind === 'assign' && worker.assignment === undefined) {
    const problem = assignProblem(value);
    worker.assignment = problem ? { protocol: workerProtocolVersion, refused: `the coordinator's answer is not protocol ${workerProtocolVersion} (${problem}): run the same loraswarm version on both sides` } : (value as AssignMessage);
  } else if (kind === 'op') {
    const problem = opProblem(value);
    if (problem) return barrier.fail(new RunAbortedError(`the coordinator sent a malformed op: ${problem}`));
    const op = value as OpMessage;
    if (op.seq <= worker.lastSeq || worker.ops.some((queued) => queued.seq === op.seq)) return;
    worker.ops.push(op);
  }
  barrier.poke();
}

/** The coordinator's connection closed (its last will): it has a while to come back (a broker blip). */
function coordinatorLeft(worker: WorkerControl, value: unknown): void {
  if (worker.coordinatorGone !== undefined) return;
  const { barrier, options, reconnectWindowMs } = worker;
  barrier.suspend();
  worker.coordinatorGone = setTimeout(() => {
    const reason = (value as { reason?: unknown } | null)?.reason;
    barrier.fail(new RunAbortedError(`the coordinator stopped run ${options.runId}: ${typeof reason === 'string' ? reason : 'it disconnected'} and did not come back within ${reconnectWindowMs / 1000} s`));
  }, reconnectWindowMs);
  worker.coordinatorGone.unref();
}

/** Publishes `value` on `topic` in chunks; `keep`: published again after a broker blip, until the next op acknowledges it. */
export function sendTo(worker: WorkerControl, topic: string, value: unknown, chunkBytes: number, keep = false): void {
  const control = worker.control!;
  for (const chunk of chunkControl(worker.stream++, encodeControlValue(value), chunkBytes)) {
    if (keep) worker.outbox.publish(control, topic, Buffer.from(chunk));
    else control.publish(topic, Buffer.from(chunk), { qos: 0 });
  }
}

/** Waits for the next op while the coordinator keeps talking; a silent one is a gone one. */
export async function nextOp(worker: WorkerControl): Promise<OpMessage> {
  const { barrier, ops, options } = worker;
  while (ops.length === 0) {
    const leftMs = workerSilenceMs - (Date.now() - worker.lastHeardMs);
    if (leftMs <= 0) throw new RunAbortedError(`no word from the coordinator of run ${options.runId} for ${workerSilenceMs / 1000} s: it is gone (stopped without a last will, or cut off from the broker)`);
    try {
      await barrier.wait(() => ops.length > 0, 'op from the coordinator', leftMs);
    } catch (error) {
      if (!(error instanceof Error && error.name === 'BrokerTimeoutError')) throw error;
    }
  }
  return ops.shift()!;
}
