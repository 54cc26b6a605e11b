import { describe, expect, it } from 'vitest';
import { alohaCollision } from '../../src/radio/collision/aloha.ts';
import { croceCollision, croceDeltaDb } from '../../src/radio/collision/croce.ts';
import { energySirCollision, goursaudSirDb } from '../../src/radio/collision/energy-sir.ts';
import { collisionModels } from '../../src/radio/collision/index.ts';
import { lorasimCaptureCollision } from '../../src/radio/collision/lorasim-capture.ts';
import { overlapMs, startedAfter, type Signal } from '../../src/radio/collision/signal.ts';

/** A 1 ms symbol keeps the timing arithmetic readable: "start + 3 symbols" is start + 3. */
const symbolMs = 1;
let nextOrder = 0;
function signal(overrides: Partial<Signal> = {}): Signal {
  return { startMs: 0, endMs: 100, sf: 7, rxPowerDbm: -100, symbolMs, preambleSymbols: 8, order: nextOrder++, ...overrides };
}

describe('overlapMs and startedAfter', () => {
  it('overlapMs is the shared time span, 0 when disjoint', () => {
    expect(overlapMs(signal({ startMs: 0, endMs: 100 }), signal({ startMs: 40, endMs: 200 }))).toBe(60);
    expect(overlapMs(signal({ startMs: 0, endMs: 100 }), signal({ startMs: 100, endMs: 200 }))).toBe(0);
    expect(overlapMs(signal({ startMs: 0, endMs: 100 }), signal({ startMs: 150, endMs: 200 }))).toBe(0);
  });

  it('startedAfter compares start times and breaks ties by order', () => {
    expect(startedAfter(signal({ startMs: 5 }), signal({ startMs: 4 }))).toBe(true);
    expect(startedAfter(signal({ startMs: 5, order: 2 }), signal({ startMs: 5, order: 1 }))).toBe(true);
    expect(startedAfter(signal({ startMs: 5, order: 1 }), signal({ startMs: 5, order: 2 }))).toBe(false);
  });
});

describe('aloha', () => {
  it('an overlapping frame on the same SF destroys the wanted frame, whatever the powers', () => {
    const wanted = signal({ rxPowerDbm: -60 });
    expect(alohaCollision(wanted, [signal({ startMs: 90, endMs: 190, rxPowerDbm: -130 })])).toBe(true);
  });

  it('a frame on another SF does not, and no interferer means no collision', () => {
    const wanted = signal({ sf: 7 });
    expect(alohaCollision(wanted, [signal({ sf: 8, rxPowerDbm: -40 }), signal({ sf: 12 })])).toBe(false);
    expect(alohaCollision(wanted, [])).toBe(false);
  });

  it('collisionModels maps the ids to the model functions', () => {
    expect(collisionModels.aloha).toBe(alohaCollision);
    expect(collisionModels.lorasim).toBe(lorasimCaptureCollision);
    expect(collisionModels['energy-sir']).toBe(energySirCollision);
    expect(collisionModels.croce).toBe(croceCollision);
  });
});

describe('lorasim capture', () => {
  it('two co-SF frames of equal power are both lost', () => {
    const a = signal({ startMs: 0, endMs: 100 });
    const b = signal({ startMs: 50, endMs: 150 });
    expect(lorasimCaptureCollision(a, [b])).toBe(true);
    expect(lorasimCaptureCollision(b, [a])).toBe(true);
  });

  it('a frame 6 dB stronger survives and the weaker one is lost; 5.9 dB loses both', () => {
    const strong = signal({ startMs: 0, endMs: 100, rxPowerDbm: -94 });
    const weak = signal({ startMs: 50, endMs: 150, rxPowerDbm: -100 });
    expect(lorasimCaptureCollision(strong, [weak])).toBe(false);
    expect(lorasimCaptureCollision(weak, [strong])).toBe(true);
    const almost = signal({ startMs: 0, endMs: 100, rxPowerDbm: -94.1 });
    expect(lorasimCaptureCollision(almost, [weak])).toBe(true);
  });

  it('the stronger frame survives whether it arrived first or second', () => {
    const weakEarly = signal({ startMs: 0, endMs: 100, rxPowerDbm: -110 });
    const strongLate = signal({ startMs: 50, endMs: 150, rxPowerDbm: -90 });
    expect(lorasimCaptureCollision(strongLate, [weakEarly])).toBe(false);
    expect(lorasimCaptureCollision(weakEarly, [strongLate])).toBe(true);
  });

  it('an earlier frame that ends by the later frame start + 3 symbols (preamble 8 − 5) harms neither', () => {
    const early = signal({ startMs: 0, endMs: 53 });
    const late = signal({ startMs: 50, endMs: 150 });
    expect(lorasimCaptureCollision(late, [early])).toBe(false);
    expect(lorasimCaptureCollision(early, [late])).toBe(false);
  });

  it('an earlier frame that ends just after the later frame start + 3 symbols destroys both (equal power)', () => {
    const early = signal({ startMs: 0, endMs: 53.001 });
    const late = signal({ startMs: 50, endMs: 150 });
    expect(lorasimCaptureCollision(late, [early])).toBe(true);
    expect(lorasimCaptureCollision(early, [late])).toBe(true);
  });

  it('the critical section uses the later frame’s preamble: with 12 preamble symbols it starts 7 symbols in', () => {
    const early = signal({ startMs: 0, endMs: 56 });
    const late = signal({ startMs: 50, endMs: 150, preambleSymbols: 12 });
    expect(lorasimCaptureCollision(late, [early])).toBe(false);
    expect(lorasimCaptureCollision(late, [signal({ startMs: 0, endMs: 57.5 })])).toBe(true);
  });

  it('frames on different SFs never interact', () => {
    expect(lorasimCaptureCollision(signal({ sf: 9 }), [signal({ sf: 10, rxPowerDbm: -50 })])).toBe(false);
  });

  it('a tie in start time is broken by order: the higher order is the later frame whose preamble decides', () => {
    // Same start; a has a 20-symbol preamble (critical section from 15 ms), b ends at 10 ms.
    // If a counts as the later frame, b ends before a's critical section and neither is harmed;
    // if b counts as the later frame, its critical section starts at 3 ms, before a ends.
    const aLate = signal({ startMs: 0, endMs: 100, preambleSymbols: 20, order: 2 });
    const bEarly = signal({ startMs: 0, endMs: 10, order: 1 });
    expect(lorasimCaptureCollision(aLate, [bEarly])).toBe(false);
    expect(lorasimCaptureCollision(bEarly, [aLate])).toBe(false);

    const aEarly = { ...aLate, order: 1 };
    const bLate = { ...bEarly, order: 2 };
    expect(lorasimCaptureCollision(aEarly, [bLate])).toBe(true);
    expect(lorasimCaptureCollision(bLate, [aEarly])).toBe(true);
  });

  it('one harmful interferer among harmless ones is enough to lose the frame', () => {
    const wanted = signal({ startMs: 50, endMs: 150, rxPowerDbm: -100 });
    const harmless = [signal({ startMs: 0, endMs: 52 }), signal({ sf: 8, startMs: 60, endMs: 70 }), signal({ startMs: 60, endMs: 160, rxPowerDbm: -110 })];
    expect(lorasimCaptureCollision(wanted, harmless)).toBe(false);
    expect(lorasimCaptureCollision(wanted, [...harmless, signal({ startMs: 100, endMs: 200, rxPowerDbm: -97 })])).toBe(true);
  });
});

describe('energy-sir (ns-3 Goursaud matrix)', () => {
  it('uses the Goursaud matrix: 6 dB on the diagonal, −16 dB for SF8 into SF7, −36 dB for SF7 into SF12', () => {
    expect(goursaudSirDb.map((row, i) => row[i])).toEqual([6, 6, 6, 6, 6, 6]);
    expect(goursaudSirDb[0]![1]).toBe(-16);
    expect(goursaudSirDb[5]![0]).toBe(-36);
  });

  it('a co-SF interferer 5 dB weaker over the whole frame destroys it (SIR 5 dB < 6 dB)', () => {
    const wanted = signal({ rxPowerDbm: -100 });
    expect(energySirCollision(wanted, [signal({ rxPowerDbm: -105 })])).toBe(true);
  });

  it('a co-SF interferer 7 dB weaker over the whole frame does not (SIR 7 dB ≥ 6 dB)', () => {
    const wanted = signal({ rxPowerDbm: -100 });
    expect(energySirCollision(wanted, [signal({ rxPowerDbm: -107 })])).toBe(false);
  });

  it('an SF8 interferer into SF7 destroys the frame when 17 dB stronger (SIR −17 < −16) but not when 15 dB stronger', () => {
    const wanted = signal({ sf: 7, rxPowerDbm: -100 });
    expect(energySirCollision(wanted, [signal({ sf: 8, rxPowerDbm: -83 })])).toBe(true);
    expect(energySirCollision(wanted, [signal({ sf: 8, rxPowerDbm: -85 })])).toBe(false);
  });

  it('half overlap halves the interference energy, raising the SIR by 3.01 dB', () => {
    const wanted = signal({ startMs: 0, endMs: 100, rxPowerDbm: -100 });
    // 4 dB weaker: SIR 4 dB over the full frame (lost), 7.01 dB over half of it (kept).
    expect(energySirCollision(wanted, [signal({ startMs: 0, endMs: 100, rxPowerDbm: -104 })])).toBe(true);
    expect(energySirCollision(wanted, [signal({ startMs: 50, endMs: 150, rxPowerDbm: -104 })])).toBe(false);
    // 2 dB weaker over half the frame: SIR 5.01 dB, still lost.
    expect(energySirCollision(wanted, [signal({ startMs: 50, endMs: 150, rxPowerDbm: -102 })])).toBe(true);
    // The threshold moves by exactly 10·log10(2): 2.98 dB weaker over half is 5.99 dB (lost), 3.02 dB is 6.03 dB (kept).
    expect(energySirCollision(wanted, [signal({ startMs: 50, endMs: 150, rxPowerDbm: -102.98 })])).toBe(true);
    expect(energySirCollision(wanted, [signal({ startMs: 50, endMs: 150, rxPowerDbm: -103.02 })])).toBe(false);
  });

  it('sums the energy of interferers on the same SF: two at −10 dB give SIR 6.99 dB (kept), three give 5.23 dB (lost)', () => {
    const wanted = signal({ rxPowerDbm: -100 });
    const weak = (): Signal => signal({ rxPowerDbm: -110 });
    expect(energySirCollision(wanted, [weak(), weak()])).toBe(false);
    expect(energySirCollision(wanted, [weak(), weak(), weak()])).toBe(true);
  });

  it('judges each interfering SF separately: SF8 and SF9 interferers each within their threshold do not add up', () => {
    const wanted = signal({ sf: 7, rxPowerDbm: -100 });
    // SF8 at +15 dB (SIR −15 ≥ −16) and SF9 at +17 dB (SIR −17 ≥ −18): each alone is survivable.
    expect(energySirCollision(wanted, [signal({ sf: 8, rxPowerDbm: -85 }), signal({ sf: 9, rxPowerDbm: -83 })])).toBe(false);
    expect(energySirCollision(wanted, [signal({ sf: 8, rxPowerDbm: -85 }), signal({ sf: 8, rxPowerDbm: -85 })])).toBe(true);
  });

  it('no interferer means no collision; an SF outside 7–12 throws RangeError', () => {
    expect(energySirCollision(signal(), [])).toBe(false);
    expect(() => energySirCollision(signal({ sf: 6 }), [signal()])).toThrow(RangeError);
    expect(() => energySirCollision(signal(), [signal({ sf: 13 })])).toThrow(RangeError);
  });
});

describe('croce (FLoRa nonOrthDelta)', () => {
  it('uses the Croce matrix: 1 dB on the diagonal, −8 dB for SF8 into SF7', () => {
    expect(croceDeltaDb.map((row, i) => row[i])).toEqual([1, 1, 1, 1, 1, 1]);
    expect(croceDeltaDb[0]![1]).toBe(-8);
    expect(croceDeltaDb[5]![0]).toBe(-25);
  });

  it('a co-SF interferer of equal power destroys the frame; one 1 dB weaker does not', () => {
    const wanted = signal({ rxPowerDbm: -100 });
    expect(croceCollision(wanted, [signal({ startMs: 50, endMs: 150, rxPowerDbm: -100 })])).toBe(true);
    expect(croceCollision(wanted, [signal({ startMs: 50, endMs: 150, rxPowerDbm: -101 })])).toBe(false);
  });

  it('an SF8 interferer into SF7 destroys the frame when 9 dB stronger (−9 < −8) but not when 7 dB stronger', () => {
    const wanted = signal({ sf: 7, rxPowerDbm: -100 });
    expect(croceCollision(wanted, [signal({ sf: 8, rxPowerDbm: -91 })])).toBe(true);
    expect(croceCollision(wanted, [signal({ sf: 8, rxPowerDbm: -93 })])).toBe(false);
  });

  it('an SF7 interferer into SF12 needs to be more than 25 dB stronger', () => {
    const wanted = signal({ sf: 12, rxPowerDbm: -120 });
    expect(croceCollision(wanted, [signal({ sf: 7, rxPowerDbm: -94 })])).toBe(true);
    expect(croceCollision(wanted, [signal({ sf: 7, rxPowerDbm: -96 })])).toBe(false);
  });

  it('an interferer ending by start + 2 symbols (preamble 8 − 6) is harmless, whatever its power', () => {
    const wanted = signal({ startMs: 50, endMs: 150, rxPowerDbm: -100 });
    expect(croceCollision(wanted, [signal({ startMs: 0, endMs: 52, rxPowerDbm: -60 })])).toBe(false);
    expect(croceCollision(wanted, [signal({ startMs: 0, endMs: 52.001, rxPowerDbm: -60 })])).toBe(true);
  });

  it('judges each interferer alone: two co-SF interferers each 2 dB weaker do not add up', () => {
    const wanted = signal({ rxPowerDbm: -100 });
    expect(croceCollision(wanted, [signal({ rxPowerDbm: -102 }), signal({ rxPowerDbm: -102 })])).toBe(false);
    // energy-sir, which sums energies per SF, loses the same frame.
    expect(energySirCollision(wanted, [signal({ rxPowerDbm: -102 }), signal({ rxPowerDbm: -102 })])).toBe(true);
  });

  it('throws RangeError for an SF outside 7–12', () => {
    expect(() => croceCollision(signal({ sf: 6 }), [signal()])).toThrow(RangeError);
    expect(() => croceCollision(signal(), [signal({ sf: 5 })])).toThrow(RangeError);
  });
});
