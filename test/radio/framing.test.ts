import fc from 'fast-check';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { timeOnAir } from '../../src/radio/airtime.ts';
import {
  broadcastAddress,
  decodeFrame,
  encodeFrame,
  maxAppBytesPerFrame,
  portFragment,
  portMessage,
} from '../../src/radio/framing.ts';
import { regions } from '../../src/radio/regions.ts';
import { crc32Of } from '../../src/radio/crc32.ts';

/** Bitwise CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), independent of node:zlib. */
function crc32Reference(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const airtimeMs = (sf: number, bandwidthHz: number, phyBytes: number): number =>
  timeOnAir({ sf, bandwidthHz, codingRate: 1, payloadBytes: phyBytes }).airtimeMs;

describe('maxAppBytesPerFrame', () => {
  it.each([
    [0, 12, 125e3, 51],
    [1, 11, 125e3, 51],
    [2, 10, 125e3, 51],
    [3, 9, 125e3, 115],
    [4, 8, 125e3, 242],
    [5, 7, 125e3, 242],
    [6, 7, 250e3, 242],
  ])('lorawan in EU868 at DR%i (SF%i/%d Hz) allows N = %i bytes (RP002-1.0.1 Table 10)', (_dr, sf, bandwidthHz, n) => {
    expect(maxAppBytesPerFrame({ framing: 'lorawan', region: regions.eu868, airtime: { sf, bandwidthHz, codingRate: 1 } })).toEqual({ ok: true, bytes: n });
  });

  it('lorawan in EU868 with repeaterCompatible allows 222 bytes at DR4–DR6 and 115 at DR3 (Table 9)', () => {
    const at = (sf: number, bandwidthHz: number): unknown =>
      maxAppBytesPerFrame({ framing: 'lorawan', region: regions.eu868, airtime: { sf, bandwidthHz, codingRate: 1 }, repeaterCompatible: true });
    expect(at(8, 125e3)).toEqual({ ok: true, bytes: 222 });
    expect(at(7, 125e3)).toEqual({ ok: true, bytes: 222 });
    expect(at(7, 250e3)).toEqual({ ok: true, bytes: 222 });
    expect(at(9, 125e3)).toEqual({ ok: true, bytes: 115 });
  });

  it.each([
    [0, 10, 11],
    [1, 9, 53],
    [2, 8, 125],
  ])(
    'lorawan in US915 at DR%i (SF%i/125) allows %i bytes: the largest N whose N + 13-byte frame fits the 400 ms dwell',
    (_dr, sf, n) => {
      const result = maxAppBytesPerFrame({ framing: 'lorawan', region: regions.us915, airtime: { sf, bandwidthHz: 125e3, codingRate: 1 } });
      expect(result).toEqual({ ok: true, bytes: n });
      expect(airtimeMs(sf, 125e3, n + 13)).toBeLessThanOrEqual(400);
      expect(airtimeMs(sf, 125e3, n + 14)).toBeGreaterThan(400);
    },
  );

  it('lorawan in US915 at DR3 (SF7/125) and DR4 (SF8/500) allows the full 242 bytes, within the dwell', () => {
    expect(maxAppBytesPerFrame({ framing: 'lorawan', region: regions.us915, airtime: { sf: 7, bandwidthHz: 125e3, codingRate: 1 } })).toEqual({ ok: true, bytes: 242 });
    expect(maxAppBytesPerFrame({ framing: 'lorawan', region: regions.us915, airtime: { sf: 8, bandwidthHz: 500e3, codingRate: 1 } })).toEqual({ ok: true, bytes: 242 });
    expect(airtimeMs(7, 125e3, 255)).toBe(399.616);
  });

  it('lorawan in US915 at DR0 with CR 4/8 allows 1 byte: a 14-byte frame takes 362.496 ms, a 15-byte one 428.032 ms', () => {
    const result = maxAppBytesPerFrame({ framing: 'lorawan', region: regions.us915, airtime: { sf: 10, bandwidthHz: 125e3, codingRate: 4 } });
    expect(result).toEqual({ ok: true, bytes: 1 });
    const at = (phyBytes: number): number => timeOnAir({ sf: 10, bandwidthHz: 125e3, codingRate: 4, payloadBytes: phyBytes }).airtimeMs;
    expect(at(14)).toBe(362.496);
    expect(at(15)).toBe(428.032);
  });

  it.each([
    [7, 247],
    [8, 130],
    [9, 58],
    [10, 16],
  ])('raw in US915 at SF%i/125 shrinks to %i bytes so that the frame fits the 400 ms dwell', (sf, n) => {
    expect(maxAppBytesPerFrame({ framing: 'raw', region: regions.us915, airtime: { sf, bandwidthHz: 125e3, codingRate: 1 } })).toEqual({ ok: true, bytes: n });
    expect(airtimeMs(sf, 125e3, n + 8)).toBeLessThanOrEqual(400);
    if (n + 8 < 255) expect(airtimeMs(sf, 125e3, n + 9)).toBeGreaterThan(400);
  });

  it('raw in US915 at SF11/125 refuses: even a 9-byte frame exceeds the dwell', () => {
    const result = maxAppBytesPerFrame({ framing: 'raw', region: regions.us915, airtime: { sf: 11, bandwidthHz: 125e3, codingRate: 1 } });
    expect(result).toEqual({ ok: false, reason: 'a 9-byte frame at SF11/125 kHz exceeds the 400 ms dwell time of us915' });
  });

  it.each([7, 12])('raw in region none allows 255 − 8 = 247 bytes at SF%i', (sf) => {
    expect(maxAppBytesPerFrame({ framing: 'raw', region: regions.none, airtime: { sf, bandwidthHz: 125e3, codingRate: 1 } })).toEqual({ ok: true, bytes: 247 });
  });

  it('lorawan in regions without a data-rate table (none, ism2400) allows 255 − 13 = 242 bytes', () => {
    expect(maxAppBytesPerFrame({ framing: 'lorawan', region: regions.none, airtime: { sf: 12, bandwidthHz: 125e3, codingRate: 1 } })).toEqual({ ok: true, bytes: 242 });
    expect(maxAppBytesPerFrame({ framing: 'lorawan', region: regions.ism2400, airtime: { sf: 12, bandwidthHz: 812.5e3, codingRate: 1 } })).toEqual({ ok: true, bytes: 242 });
  });

  it('raw in EU868 ignores the LoRaWAN table: 247 bytes at SF12/125', () => {
    expect(maxAppBytesPerFrame({ framing: 'raw', region: regions.eu868, airtime: { sf: 12, bandwidthHz: 125e3, codingRate: 1 } })).toEqual({ ok: true, bytes: 247 });
  });

  it('lorawan at SF12/125 in US915 answers ok: false with a reason naming the region and the allowed data rates', () => {
    const result = maxAppBytesPerFrame({ framing: 'lorawan', region: regions.us915, airtime: { sf: 12, bandwidthHz: 125e3, codingRate: 1 } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain('us915 has no LoRaWAN data rate for SF12/125 kHz');
    for (const allowed of ['SF10/125 kHz', 'SF9/125 kHz', 'SF8/125 kHz', 'SF7/125 kHz', 'SF8/500 kHz']) {
      expect(result.reason).toContain(allowed);
    }
  });
});

describe('encodeFrame and decodeFrame', () => {
  const payload = Uint8Array.from({ length: 20 }, (_, i) => (i * 37 + 5) & 0xff);

  it('lorawan: MHDR 0x40, DevAddr and FCnt little endian, FCtrl 0, FPort, payload, then the MIC', () => {
    const frame = encodeFrame('lorawan', { source: 0x26011234, destination: 0, seq: 0x10005, port: portMessage }, Uint8Array.of(1, 2, 3));
    expect(frame.length).toBe(3 + 13);
    expect([...frame.subarray(0, 12)]).toEqual([0x40, 0x34, 0x12, 0x01, 0x26, 0x00, 0x05, 0x00, 0x01, 1, 2, 3]);
  });

  it('lorawan: the 4 MIC bytes are the CRC-32 of all preceding bytes, little endian', () => {
    const frame = encodeFrame('lorawan', { source: 77, destination: 0, seq: 9, port: portFragment }, payload);
    expect(frame.length).toBe(payload.length + 13);
    const mic = new DataView(frame.buffer, frame.byteOffset + frame.length - 4, 4).getUint32(0, true);
    expect(mic).toBe(crc32Reference(frame.subarray(0, frame.length - 4)));
  });

  it('the reference CRC-32 used above gives 0xCBF43926 for "123456789" (the standard check value)', () => {
    expect(crc32Reference(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('lorawan round-trips source, seq (16 LSB), port and payload; the destination reads back as broadcast', () => {
    const frame = encodeFrame('lorawan', { source: 0xdeadbeef, destination: 12, seq: 70_000, port: portFragment }, payload);
    const decoded = decodeFrame('lorawan', frame);
    expect(decoded.header).toEqual({ source: 0xdeadbeef, destination: broadcastAddress, seq: 70_000 & 0xffff, port: portFragment });
    expect([...decoded.payload]).toEqual([...payload]);
  });

  it('raw: magic 0xA0, then source, destination and seq big endian, port, payload; length = payload + 8', () => {
    const frame = encodeFrame('raw', { source: 0x0102, destination: 0xffff, seq: 0x0304, port: portMessage }, Uint8Array.of(9, 8));
    expect([...frame]).toEqual([0xa0, 0x01, 0x02, 0xff, 0xff, 0x03, 0x04, 0x01, 9, 8]);
  });

  it('raw round-trips source, destination, seq (16 LSB), port and payload', () => {
    const frame = encodeFrame('raw', { source: 513, destination: 7, seq: 65_537, port: portFragment }, payload);
    expect(frame.length).toBe(payload.length + 8);
    const decoded = decodeFrame('raw', frame);
    expect(decoded.header).toEqual({ source: 513, destination: 7, seq: 1, port: portFragment });
    expect([...decoded.payload]).toEqual([...payload]);
  });

  it('decodes a frame that sits at an offset inside a larger buffer', () => {
    for (const framing of ['raw', 'lorawan'] as const) {
      const frame = encodeFrame(framing, { source: 300, destination: 4, seq: 12, port: portMessage }, payload);
      const buffer = new Uint8Array(frame.length + 10);
      buffer.set(frame, 7);
      const decoded = decodeFrame(framing, buffer.subarray(7, 7 + frame.length));
      expect(decoded.header.source).toBe(300);
      expect(decoded.header.seq).toBe(12);
      expect([...decoded.payload]).toEqual([...payload]);
    }
  });

  it('round-trips an empty payload in both framings (13- and 8-byte frames)', () => {
    expect(decodeFrame('lorawan', encodeFrame('lorawan', { source: 1, destination: 0, seq: 0, port: 1 }, new Uint8Array(0))).payload.length).toBe(0);
    expect(encodeFrame('lorawan', { source: 1, destination: 0, seq: 0, port: 1 }, new Uint8Array(0)).length).toBe(13);
    expect(encodeFrame('raw', { source: 1, destination: 0, seq: 0, port: 1 }, new Uint8Array(0)).length).toBe(8);
  });

  it('accepts a 255-byte frame and throws RangeError for 256 bytes', () => {
    const header = { source: 1, destination: 2, seq: 3, port: 1 };
    expect(encodeFrame('lorawan', header, new Uint8Array(242)).length).toBe(255);
    expect(encodeFrame('raw', header, new Uint8Array(247)).length).toBe(255);
    expect(() => encodeFrame('lorawan', header, new Uint8Array(243))).toThrow(RangeError);
    expect(() => encodeFrame('raw', header, new Uint8Array(248))).toThrow(RangeError);
  });
});

describe('US915 dwell limit by channel width', () => {
  it('applies the 400 ms dwell only below 500 kHz, so DR8 (SF12/500) carries RP002 Table 17\'s 53 bytes', async () => {
    const { maxAppBytesPerFrame } = await import('../../src/radio/framing.ts');
    const { regions } = await import('../../src/radio/regions.ts');
    expect(maxAppBytesPerFrame({ framing: 'lorawan', region: regions.us915, airtime: { sf: 12, bandwidthHz: 500e3, codingRate: 1 } })).toEqual({ ok: true, bytes: 53 });
    expect(maxAppBytesPerFrame({ framing: 'lorawan', region: regions.us915, airtime: { sf: 11, bandwidthHz: 500e3, codingRate: 1 } })).toEqual({ ok: true, bytes: 129 });
    expect(maxAppBytesPerFrame({ framing: 'raw', region: regions.us915, airtime: { sf: 12, bandwidthHz: 500e3, codingRate: 1 } })).toEqual({ ok: true, bytes: 247 });
  });
});

describe('encodeFrame, byte for byte', () => {
  /** The bytes as DataView writes them (the layout the header comments give). */
  function reference(framing: 'raw' | 'lorawan', header: { source: number; destination: number; seq: number; port: number }, payload: Uint8Array): Uint8Array {
    const bytes = new Uint8Array(payload.length + (framing === 'raw' ? 8 : 13));
    const view = new DataView(bytes.buffer);
    if (framing === 'raw') {
      bytes[0] = 0xa0;
      view.setUint16(1, header.source);
      view.setUint16(3, header.destination);
      view.setUint16(5, header.seq & 0xffff);
      bytes[7] = header.port;
      bytes.set(payload, 8);
      return bytes;
    }
    bytes[0] = 0x40;
    view.setUint32(1, header.source, true);
    view.setUint16(6, header.seq & 0xffff, true);
    bytes[8] = header.port;
    bytes.set(payload, 9);
    view.setUint32(9 + payload.length, crc32(bytes.subarray(0, 9 + payload.length)), true);
    return bytes;
  }

  it('writes the headers and MIC DataView writes, for 2,000 random frames of both framings', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('raw' as const, 'lorawan' as const),
        fc.record({ source: fc.integer({ min: 0, max: 2 ** 20 }), destination: fc.integer({ min: 0, max: 0xffff }), seq: fc.integer({ min: 0, max: 2 ** 31 }), port: fc.integer({ min: 0, max: 255 }) }),
        fc.uint8Array({ maxLength: 200 }),
        (framing, header, payload) => {
          expect(Array.from(encodeFrame(framing, header, payload))).toEqual(Array.from(reference(framing, header, payload)));
        },
      ),
      { numRuns: 2000, seed: 14 },
    );
  });
});

describe('crc32Of', () => {
  it('equals node:zlib crc32 on 2,000 random byte ranges', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (bytes, cut) => {
        const end = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
        expect(crc32Of(bytes, end)).toBe(crc32(bytes.subarray(0, end)) >>> 0);
      }),
      { numRuns: 2000, seed: 14 },
    );
    expect(crc32Of(new TextEncoder().encode('123456789'), 9)).toBe(0xcbf43926);
  });
});
