import { describe, expect, it } from 'vitest';
import { componentKeys, type Components } from '../../src/inference/components.ts';
import { decodeFrameMeta, encodeFrameMeta, frameMetaBytes, serialOf } from '../../src/inference/frame-meta.ts';
import { maxFrameMetaBytes } from '../../src/radio/transmission.ts';

describe('an inference frame’s metadata', () => {
  const acc: Components = { airtimeMs: 41.216, queueingMs: 0.1 + 0.2, dutyCycleWaitMs: 3996.544, wakeWaitMs: 0, computeMs: 1 / 3, processingMs: 1, timeoutMs: 2 ** -1074 };

  it('round-trips the token, the flight and the account to the bit, in 64 bytes', () => {
    const bytes = encodeFrameMeta({ serial: 4_000_000_000, flight: 65_537, acc });
    expect(bytes.length).toBe(64);
    expect(frameMetaBytes).toBeLessThanOrEqual(maxFrameMetaBytes);
    const meta = decodeFrameMeta(bytes)!;
    expect(meta).toEqual({ serial: 4_000_000_000, flight: 65_537, acc });
    for (const key of componentKeys) expect(Object.is(meta.acc[key], acc[key])).toBe(true);
    expect(Object.keys(meta.acc)).toEqual([...componentKeys]);
    expect(serialOf(bytes)).toBe(4_000_000_000);
  });

  it('reads as none on a frame without it, with metadata of another length, or with a part that is not a finite time; reads a view at an offset', () => {
    expect(decodeFrameMeta(undefined)).toBeUndefined();
    expect(decodeFrameMeta(new Uint8Array(63))).toBeUndefined();
    expect(serialOf(new Uint8Array(65))).toBeUndefined();
    for (const bad of [Number.NaN, -1, Number.POSITIVE_INFINITY]) expect(decodeFrameMeta(encodeFrameMeta({ serial: 7, flight: 2, acc: { ...acc, queueingMs: bad } }))).toBeUndefined();
    const padded = new Uint8Array(72);
    padded.set(encodeFrameMeta({ serial: 7, flight: 2, acc }), 8);
    expect(decodeFrameMeta(padded.subarray(8))).toEqual({ serial: 7, flight: 2, acc });
  });
});
