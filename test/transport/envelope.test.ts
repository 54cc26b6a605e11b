import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, MalformedEnvelopeError, maxEnvelopeBytes, type Envelope } from '../../src/transport/envelope.ts';
import type { Transmission } from '../../src/radio/transmission.ts';

const tx: Transmission = {
  sender: 7, seq: 42, destination: -1, startMs: 1234.5678, airtimeMs: 41.216, endMs: 1234.5678 + 41.216, channelHz: 868.1e6, sf: 7,
  bandwidthHz: 125e3, codingRate: 1, preambleSymbols: 8, symbolMs: 1.024, txPowerDbm: 14, bytes: new Uint8Array([1, 2, 3, 250]),
  messageId: 65535, fragmentIndex: 3, fragmentCount: 9, messageCreatedAtMs: 1000.1, meta: undefined,
};

const txArb = fc.record({
  sender: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  seq: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  destination: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  startMs: fc.double({ min: 0, max: 1e12, noNaN: true }),
  airtimeMs: fc.double({ min: 0, max: 1e5, noNaN: true }),
  channelHz: fc.double({ min: 0, max: 3e9, noNaN: true }),
  sf: fc.integer({ min: 5, max: 12 }),
  bandwidthHz: fc.constantFrom(125e3, 250e3, 812500),
  codingRate: fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<1 | 2 | 3 | 4>,
  preambleSymbols: fc.integer({ min: 6, max: 65535 }),
  symbolMs: fc.double({ min: 0, max: 100, noNaN: true }),
  txPowerDbm: fc.double({ min: -10, max: 30, noNaN: true }),
  bytes: fc.uint8Array({ maxLength: 255 }),
  messageId: fc.integer({ min: 0, max: 65535 }),
  fragmentIndex: fc.integer({ min: 0, max: 4094 }),
  fragmentCount: fc.integer({ min: 1, max: 4095 }),
  messageCreatedAtMs: fc.double({ min: 0, max: 1e12, noNaN: true }),
  meta: fc.option(fc.uint8Array({ minLength: 1, maxLength: 255 }), { nil: undefined }),
}).map((t) => ({ ...t, endMs: t.startMs + t.airtimeMs }) as Transmission);

describe('the MQTT envelope', () => {
  it('round-trips transmissions, both kinds of delivery and deaths exactly, float64 for float64', () => {
    const envelopes: Envelope[] = [
      { kind: 'transmission', tx },
      { kind: 'delivery', delivery: { kind: 'rxStart', atMs: 1234.5678, receiver: 3, tx, rxPowerDbm: -101.25, snrDb: 2.5 } },
      { kind: 'delivery', delivery: { kind: 'frame', atMs: 1276.7838, receiver: 3, tx, rxPowerDbm: -101.25, snrDb: 2.5 } },
      { kind: 'nodeDied', node: 9, atMs: 5e9 + 0.1 },
    ];
    for (const envelope of envelopes) expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
    // 4 header + 81 fixed (3 × u32, 7 × f64, 3 × u8, 5 × u16) + 4 frame bytes
    expect(encodeEnvelope({ kind: 'transmission', tx }).length).toBe(89);
  });

  it('carries a frame’s simulation metadata, in transmissions and deliveries, of 1 to 255 bytes', () => {
    const meta = Uint8Array.from({ length: 255 }, (_, i) => (i * 7) & 0xff);
    const withMeta = { ...tx, meta };
    const delivery: Envelope = { kind: 'delivery', delivery: { kind: 'frame', atMs: 1276.7838, receiver: 3, tx: withMeta, rxPowerDbm: -101.25, snrDb: 2.5 } };
    expect(decodeEnvelope(encodeEnvelope(delivery))).toEqual(delivery);
    expect(encodeEnvelope(delivery).length).toBe(4 + 28 + 81 + 4 + 255);
    expect(encodeEnvelope(delivery).length).toBe(maxEnvelopeBytes - 251);
    expect(() => encodeEnvelope({ kind: 'transmission', tx: { ...tx, meta: new Uint8Array(256) } })).toThrow(/frame metadata of 256 bytes, expected 1..255/);
    expect(() => encodeEnvelope({ kind: 'transmission', tx: { ...tx, meta: new Uint8Array(0) } })).toThrow(/frame metadata of 0 bytes/);
    const short = encodeEnvelope({ kind: 'transmission', tx: { ...tx, meta: new Uint8Array(10) } }).subarray(0, 4 + 81 + 4 + 9);
    expect(() => decodeEnvelope(short)).toThrow(/frame metadata of 10 bytes announced, 9 present/);
  });

  it('round-trips any valid transmission (property)', () => {
    fc.assert(
      fc.property(txArb, (t) => {
        const decoded = decodeEnvelope(encodeEnvelope({ kind: 'transmission', tx: t }));
        expect(decoded).toEqual({ kind: 'transmission', tx: t });
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('refuses random bytes, truncations, trailing bytes and wrong versions with a MalformedEnvelopeError, never another exception', () => {
    const valid = encodeEnvelope({ kind: 'delivery', delivery: { kind: 'frame', atMs: 1, receiver: 0, tx, rxPowerDbm: -90, snrDb: 5 } });
    const reasons = new Set<string>();
    const check = (payload: Uint8Array): void => {
      try {
        decodeEnvelope(payload);
      } catch (error) {
        expect(error).toBeInstanceOf(MalformedEnvelopeError);
        reasons.add((error as MalformedEnvelopeError).reason.split(' ')[0]!);
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => check(bytes)), { seed: 3, numRuns: 2000 });
    for (let cut = 0; cut < valid.length; cut++) check(valid.subarray(0, cut));
    check(new Uint8Array([...valid, 0]));
    const wrongVersion = valid.slice();
    wrongVersion[2] = 1;
    expect(() => decodeEnvelope(wrongVersion)).toThrow(/version 1, expected 2/);
    expect(reasons.size).toBeGreaterThan(3);
  });
});
