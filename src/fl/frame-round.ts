/**
 * What a federated frame carries for the simulation beside its radio bytes (Transmission.meta):
 * its round, so that the energy a receiver spends on it is booked on that round wherever the
 * sender runs. Four bytes, big-endian; nothing of it is on the air.
 */
export const frameRoundBytes = 4;

export function encodeFrameRound(round: number): Uint8Array {
  const meta = new Uint8Array(frameRoundBytes);
  new DataView(meta.buffer).setUint32(0, round);
  return meta;
}

/** The round of a federated frame; undefined for a frame without it (or with another application's metadata). */
export function decodeFrameRound(meta: Uint8Array | undefined): number | undefined {
  if (meta === undefined || meta.length !== frameRoundBytes) return undefined;
  return new DataView(meta.buffer, meta.byteOffset, meta.byteLength).getUint32(0);
}
