/** The bytes of swarm inference: exact layouts, round trips, and fuzzed decoding. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, WireError, type ModelMessage } from '../../src/inference/wire.ts';
import { nodeLimitedCandidates, servingNodes } from '../../src/inference/expert-routing.ts';

const address = { request: 513, slot: 1, position: 7, layer: 1, attempt: 2, positions: 1 };

describe('model messages on the wire', () => {
  it('lays out a forward message byte by byte: 5 network + 7 model header bytes + d', () => {
    const bytes = encodeMessage({ destination: 3, origin: 260, hops: 0 }, { kind: 'forward', ...address, x: Int8Array.from([1, -1, 127, -127]) });
    expect([...bytes]).toEqual([0, 3, 1, 4, 0, 1, 2, 1, 1, 7, 1, 2, 1, 255, 127, 129]);
  });

  it('round-trips calls and replies, refused outputs included', () => {
    const call: ModelMessage = { kind: 'call', ...address, call: 7, entries: [{ offset: 0, experts: [3, 0x80], x: Int8Array.from([5, 6, 7, 8]) }] };
    const reply: ModelMessage = { kind: 'reply', ...address, call: 7, entries: [{ offset: 0, outputs: [{ id: 3, data: Int8Array.from([1, 2, 3, 4]) }, { id: 0x80, data: undefined }] }] };
    for (const message of [call, reply]) {
      const bytes = encodeMessage({ destination: 9, origin: 2, hops: 4 }, message);
      expect(decodeMessage(bytes, 4)).toEqual({ network: { destination: 9, origin: 2, hops: 4 }, message });
    }
    expect(encodeMessage({ destination: 9, origin: 2, hops: 0 }, reply).length).toBe(12 + 2 + 2 + 4 + 2);
    expect([...encodeMessage({ destination: 9, origin: 2, hops: 0 }, call).slice(12, 16)]).toEqual([7, 2, 3, 0x80]);
  });

  it('carries the positions of a speculative pass in kinds 4 to 6, each call and reply entry naming its position', () => {
    const many = { ...address, positions: 3 };
    const forward: ModelMessage = { kind: 'forward', ...many, x: Int8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) };
    const call: ModelMessage = { kind: 'call', ...many, call: 9, entries: [{ offset: 0, experts: [0x80], x: Int8Array.from([1, 1, 1, 1]) }, { offset: 2, experts: [5, 0x80], x: Int8Array.from([2, 2, 2, 2]) }] };
    const reply: ModelMessage = { kind: 'reply', ...many, call: 9, entries: [{ offset: 0, outputs: [{ id: 0x80, data: Int8Array.from([3, 3, 3, 3]) }] }, { offset: 2, outputs: [{ id: 5, data: undefined }, { id: 0x80, data: Int8Array.from([4, 4, 4, 4]) }] }] };
    for (const message of [forward, call, reply]) {
      const bytes = encodeMessage({ destination: 9, origin: 2, hops: 0 }, message);
      expect(decodeMessage(bytes, 4)).toEqual({ network: { destination: 9, origin: 2, hops: 0 }, message });
    }
    // Header, P, then three positions' activations.
    expect([...encodeMessage({ destination: 9, origin: 2, hops: 0 }, forward).slice(5, 14)]).toEqual([4, 2, 1, 1, 7, 1, 2, 3, 1]);
    // call, entries, then offset · n · ids · x per entry.
    expect([...encodeMessage({ destination: 9, origin: 2, hops: 0 }, call).slice(12)]).toEqual([3, 9, 2, 0, 1, 0x80, 1, 1, 1, 1, 2, 2, 5, 0x80, 2, 2, 2, 2]);
    expect(() => encodeMessage({ destination: 9, origin: 2, hops: 0 }, { ...call, positions: 1 })).toThrow(WireError);
  });

  it('refuses any other bytes with a WireError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const { message } = decodeMessage(bytes, 4);
          // Whatever decodes re-encodes to the same bytes.
          expect(encodeMessage({ destination: (bytes[0]! << 8) | bytes[1]!, origin: (bytes[2]! << 8) | bytes[3]!, hops: bytes[4]! }, message)).toEqual(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(WireError);
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe('expert routing', () => {
  it('serves each expert from its nearest live replica', () => {
    const cost = (a: number, b: number): number => (b === 9 ? Number.POSITIVE_INFINITY : Math.abs(a - b));
    expect(servingNodes([[1, 5], [5, 2], [9], [4, 3]], 3, cost, (n) => n !== 4)).toEqual([1, 2, -1, 3]);
  });

  it('limits a token to the M nodes with the best top-⌈K/M⌉ scores (DeepSeek-V3 node-limited routing)', () => {
    const scores = [0.9, 0.1, 0.5, 0.45, 0.44, 0.3];
    const serving = [0, 0, 1, 1, 2, -1];
    expect(nodeLimitedCandidates(scores, serving, 2, undefined)).toEqual([0, 1, 2, 3, 4, 5]);
    // M = 1: node 0 scores 0.9 + 0.1 = 1.0 against node 1's 0.95: node 0 wins; a stronger second expert turns it.
    expect(nodeLimitedCandidates(scores, serving, 2, 1)).toEqual([0, 1]);
    expect(nodeLimitedCandidates([0.9, 0.1, 0.5, 0.55, 0.44, 0.3], serving, 2, 1)).toEqual([2, 3]);
    // M = 2, K = 2: one expert per node counts: node 0 (0.9), node 1 (0.5).
    expect(nodeLimitedCandidates(scores, serving, 2, 2)).toEqual([0, 1, 2, 3]);
    // As many nodes as M: every reachable expert.
    expect(nodeLimitedCandidates(scores, serving, 2, 3)).toEqual([0, 1, 2, 3, 4]);
  });
});
