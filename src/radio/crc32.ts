/**
 * CRC-32 (ISO-HDLC: reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF, the
 * CRC of zlib, gzip and Ethernet), over a range of a byte array without making a view of it:
 * the simulated LoRaWAN MIC of every frame (framing.ts). Equal to node:zlib's `crc32` (tested).
 */
const table = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  table[n] = c >>> 0;
}

/** CRC-32 of `bytes[0 .. end)`, as an unsigned 32-bit number. */
export function crc32Of(bytes: Uint8Array, end: number): number {
  let crc = 0xffffffff;
  for (let i = 0; i < end; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
