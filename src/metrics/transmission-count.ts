/**
 * Which transmission of a frame each record is (radio-tracker.ts): a sender's frame with the
 * same message, fragment and destination as its last one sent is a retransmission (LoRaWAN
 * repetitions and retries go out back to back, before the sender's next frame). Per sender: the
 * last key and its count, in columns.
 */

export interface TransmissionCount {
  readonly lastKey: Float64Array;
  readonly lastCount: Int32Array;
}

export function createTransmissionCount(nodeCount: number): TransmissionCount {
  return { lastKey: new Float64Array(nodeCount).fill(Number.NaN), lastCount: new Int32Array(nodeCount) };
}

/** 1 for a frame's first transmission, n for its (n − 1)th retransmission; a frame `sent` becomes the sender's last. */
export function transmissionOf(count: TransmissionCount, sender: number, destination: number, messageId: number, fragmentIndex: number, sent: boolean): number {
  const { lastKey, lastCount } = count;
  const key = (destination + 3) * 2 ** 32 + messageId * 65536 + fragmentIndex;
  const n = lastKey[sender] === key ? lastCount[sender]! + 1 : 1;
  if (sent) {
    lastKey[sender] = key;
    lastCount[sender] = n;
  }
  return n;
}
