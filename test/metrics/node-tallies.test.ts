import { describe, expect, it } from 'vitest';
import { ATTEMPTS, bump, createNodeTallies, FAULTS, RECEPTIONS, SENT } from '../../src/metrics/node-tallies.ts';
import { createTrackerRows, LAST_KEY, ON_AIR_FIRST, TRACKER_ROW } from '../../src/metrics/tracker-rows.ts';

describe('node tallies', () => {
  it('keeps each node’s counters apart in its row, and its channels in first-use order past its four slots', () => {
    const t = createNodeTallies(createTrackerRows(3), 3);
    bump(t.cells, 1, ATTEMPTS);
    bump(t.cells, 1, ATTEMPTS);
    bump(t.cells, 1, SENT);
    bump(t.cells, 2, FAULTS);
    bump(t.cells, 0, RECEPTIONS);
    const channels = [868.5e6, 868.1e6, 867.1e6, 867.3e6, 867.5e6, 868.1e6, 867.7e6, 867.5e6];
    channels.forEach((hz, k) => t.addFrame(1, hz, k + 1, 10 * (k + 1)));
    const one = t.tally(1);
    expect([one.attempts, one.sent, one.receptions, one.faults, one.airtimeMs, one.txEnergyUj]).toEqual([2, 1, 0, 0, 36, 360]);
    expect([...one.airtimeByChannelMs]).toEqual([
      [868.5e6, 1],
      [868.1e6, 2 + 6],
      [867.1e6, 3],
      [867.3e6, 4],
      [867.5e6, 5 + 8],
      [867.7e6, 7],
    ]);
    expect([t.tally(0).receptions, t.tally(0).attempts, t.tally(2).faults, t.tally(2).airtimeByChannelMs.size]).toEqual([1, 0, 1, 0]);
  });

  it('gives back the same tallies from its checkpoint, in the shape checkpoints had before the rows', () => {
    const t = createNodeTallies(createTrackerRows(2), 2);
    bump(t.cells, 0, SENT);
    [868.1e6, 868.3e6, 868.5e6, 867.1e6, 867.3e6].forEach((hz, k) => t.addFrame(0, hz, 1.5 * (k + 1), 2));
    t.died(1, 42, 'brownOut');
    const saved = t.checkpoint();
    expect(Array.from(saved.counts.sent)).toEqual([1, 0]);
    expect(saved.channels).toEqual([[868.1e6, 868.3e6, 868.5e6, 867.1e6, 867.3e6], undefined]);
    expect(saved.channelAirtime).toEqual([[1.5, 3, 4.5, 6, 7.5], undefined]);
    const rows = createTrackerRows(2);
    // Fields of the row that are not the tallies' (the last frame's key, the frames on the air) are left as they are.
    rows[TRACKER_ROW + LAST_KEY] = 7;
    rows[TRACKER_ROW + ON_AIR_FIRST] = 3;
    const back = createNodeTallies(rows, 2);
    back.restore(saved);
    expect([back.tally(0), back.tally(1)]).toEqual([t.tally(0), t.tally(1)]);
    expect([rows[TRACKER_ROW + LAST_KEY], rows[TRACKER_ROW + ON_AIR_FIRST], rows[LAST_KEY], rows[ON_AIR_FIRST]]).toEqual([7, 3, Number.NaN, -1]);
    expect(back.tally(1).deathReason).toBe('brownOut');
  });
});
