import { describe, expect, it } from 'vitest';
import { decodeFrameRound, encodeFrameRound } from '../../src/fl/frame-round.ts';
import { encodeFrameMeta } from '../../src/inference/frame-meta.ts';
import { zeroComponents } from '../../src/inference/components.ts';

describe('a federated frame’s round', () => {
  it('round-trips in four bytes and reads as none on a frame without it or with inference’s metadata', () => {
    expect(encodeFrameRound(70_000)).toEqual(Uint8Array.of(0, 1, 0x11, 0x70));
    expect(decodeFrameRound(encodeFrameRound(70_000))).toBe(70_000);
    expect(decodeFrameRound(undefined)).toBeUndefined();
    expect(decodeFrameRound(encodeFrameMeta({ serial: 3, flight: 1, acc: zeroComponents() }))).toBeUndefined();
  });
});
