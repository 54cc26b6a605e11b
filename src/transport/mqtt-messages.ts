/**
 * The MQTT transport's message handlers (mqtt-transport.ts): the coordinator's client takes
 * the nodes' transmissions and deaths (the tx side) and the workers' control messages; a node
 * client takes its nodes' deliveries (the rx side). Each copy counts once towards a barrier.
 */
import type { ReceivedPacket } from './broker-client.ts';
import { decodeEnvelope, MalformedEnvelopeError } from './envelope.ts';
import type { MqttRun } from './mqtt-run.ts';
import { deathKey, deliveryKey, transmissionKey } from './seen-messages.ts';

/** A message to the coordinator's client: a frame on a tx topic, or a worker's control message. */
export function handleCoordinatorMessage(run: MqttRun, topic: string, payload: Uint8Array, packet: ReceivedPacket): void {
  const { topics, counts, seenTx, remote } = run;
  const from = topics.parse(topic);
  if (from?.kind === 'ctl') {
    if (remote) remote.handle(from.path, payload);
    return;
  }
  // Frames are events: a retained one was left before this run (Mosquitto cannot refuse
  // retaining on a topic a role may write, as the embedded broker does) and is not this run's.
  if (packet.retain) {
    counts.malformed++;
    return;
  }
  const envelope = decode(run, payload);
  if (!envelope) return;
  const sender = envelope.kind === 'transmission' ? envelope.tx.sender : envelope.kind === 'nodeDied' ? envelope.node : -1;
  if (envelope.kind === 'delivery' || from?.kind !== 'tx' || from.node !== sender) {
    // A node may only speak for itself, and only in transmissions and deaths.
    counts.malformed++;
    return;
  }
  // A copy replayed after a broker blip counts once.
  if (run.copies && (envelope.kind === 'transmission' ? !seenTx.fresh(transmissionKey(sender, envelope.tx.seq), envelope.tx.startMs) : !seenTx.fresh(deathKey(sender), envelope.atMs))) return;
  counts.receivedTx++;
  if (envelope.kind === 'transmission') run.bound?.addTransmission(envelope.tx);
  else run.bound?.addDeath(envelope.node, envelope.atMs);
  run.barrier.poke();
}

/** A message to a node client: a delivery to one of its nodes. */
export function handleNodeMessage(run: MqttRun, topic: string, payload: Uint8Array): void {
  const envelope = decode(run, payload);
  // Only a delivery to the node whose topic it came on.
  const to = run.topics.parse(topic);
  if (envelope?.kind !== 'delivery' || to?.kind !== 'rx' || envelope.delivery.receiver !== to.node) {
    if (envelope) run.counts.malformed++;
    return;
  }
  const { delivery } = envelope;
  if (run.copies && !run.seenRx.fresh(deliveryKey(delivery.receiver, delivery.tx.sender, delivery.tx.seq, delivery.kind), delivery.atMs)) return;
  run.counts.receivedRx++;
  run.bound?.addDelivery(envelope.delivery);
  run.barrier.poke();
}

// Only well-formed envelopes count towards a barrier: a malformed one (from a faulty or
// hostile client with valid credentials) is counted and dropped, and cannot stall a window.
function decode(run: MqttRun, payload: Uint8Array): ReturnType<typeof decodeEnvelope> | undefined {
  try {
    return decodeEnvelope(payload);
  } catch (error) {
    if (!(error instanceof MalformedEnvelopeError)) throw error;
    run.counts.malformed++;
    return undefined;
  }
}
