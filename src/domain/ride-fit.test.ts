import { describe, expect, it } from 'vitest';
import type { FeedEvent } from './feed.js';
import { RideTracker } from './ride-tracker.js';
import { host, Recorder, ride, system, T0, tele, track } from './ride-tracker.test-support.js';

describe('which lines a ride takes, and whose they are', () => {
  it('rejects seconds that jump implausibly far, so later lines are not taken for replays', () => {
    const t = new RideTracker();
    const s = new Recorder();
    t.apply(null, system(), s);
    t.apply(null, ride(1), s);
    t.apply(null, tele(1, 100), s);
    // A corrupt counter on a line dated in time: the count alone is wrong.
    t.apply(null, { ...ride(5_000), atMs: T0 + 1_600 }, s);
    t.apply(null, ride(2), s);
    t.apply(null, tele(2, 101), s);
    expect(s.readings.map((r) => r.reading.elapsedS)).toEqual([1, 2]);
    expect(s.rejects).toEqual(["second 5000 jumps 4999 s past the ride's last second 1"]);
  });

  it('rejects lines dated before their ride or long after its last reading, whatever their second', () => {
    const t = new RideTracker();
    const s = new Recorder();
    const day = 86_400_000;
    // A ride whose [SYSTEM] line is dated 2999 takes no reading of today...
    const undated = system(Date.UTC(2999, 0, 1), 1) as Extract<FeedEvent, { kind: 'system' }>;
    t.apply('A', { ...undated, data: { ...(undated.data as object), date_of_birth: null } }, s);
    t.apply('A', ride(1), s);
    t.apply('A', tele(1, 100), s);
    // ...and a ride of today takes no reading two days later, nor one of a clock an hour ahead.
    t.apply('B', system(T0, 2), s);
    t.apply('B', ride(1), s);
    t.apply('B', tele(1, 100), s);
    t.apply('B', { ...ride(2), atMs: T0 + 2 * day }, s);
    t.apply('B', tele(3_600, 100), s);
    t.apply('B', ride(2), s);
    t.apply('B', tele(2, 101), s);
    expect(s.readings.map((r) => `${r.bike}:${r.reading.elapsedS}`)).toEqual(['B:1', 'B:2']);
    expect(s.rejects).toEqual([
      expect.stringMatching(/^line is dated \d+ days before its ride began/),
      expect.stringMatching(/^line is dated \d+ days before its ride began/),
      "line is dated 2 days after its ride's last reading (over 900 s): it is not of this ride",
      "line is dated 3600 s after its ride's last reading (over 900 s): it is not of this ride",
    ]);
  });

  it('ends the ride before an unusable [SYSTEM] line and sets aside the readings after it, naming the account', () => {
    const t = new RideTracker();
    const s = new Recorder();
    t.apply(null, system(), s);
    t.apply(null, ride(1), s);
    t.apply(null, tele(1, 100), s);
    t.apply(
      null,
      { kind: 'system', atMs: T0 + 5_000, host, data: { user_id: 7 }, invalid: 'bad record' },
      s,
    );
    t.apply(null, ride(6), s);
    expect(t.checkpoint().progress.map((p) => p.endedAtMs)).toEqual([T0 + 500]);
    expect(s.rejects).toEqual([
      'bad record',
      'no rider for this ride: its [SYSTEM] line was rejected (bad record)',
    ]);
    expect(s.rejectedRiders).toEqual([7, 7]);
  });

  it('takes a [SYSTEM] line at the instant of the open ride as its replay only when it names the same account', () => {
    const { s } = track([system(), ride(1), tele(1, 100), system(T0, 100), system(T0, 555)]);
    expect(s.started).toHaveLength(1);
    expect(s.rejects).toEqual([
      "a [SYSTEM] line at the very instant the bike's open ride began names another account",
    ]);
    expect(s.rejectedRiders).toEqual([555]);
  });

  it("names the ride's account on every line of it that is set aside", () => {
    const { s } = track([
      system(),
      ride(1),
      tele(1, 100),
      ride(3),
      ride(2),
      { ...tele(9, 1), atMs: T0 + 86_400_000 },
    ]);
    expect(s.rejects).toHaveLength(2);
    expect(s.rejectedRiders).toEqual([100, 100]);
    // Named at the ride's start: an erasure up to then covers them, whatever their own time.
    expect(s.namedAt).toEqual([T0, T0]);
  });

  it('goes on ignoring a ride deleted while open, until the bike starts another', () => {
    const t = new RideTracker();
    const s = new Recorder();
    t.restore([], [{ bikeKey: host, startedAtMs: T0 }]);
    t.apply(null, system(), s); // its own start, replayed
    t.apply(null, ride(1), s);
    t.apply(null, tele(1, 100), s);
    expect([s.started, s.readings, s.rejects]).toEqual([[], [], []]);
    t.apply(null, system(T0 + 600_000, 2), s);
    t.apply(null, { ...ride(1), atMs: T0 + 600_500 }, s);
    t.apply(null, { ...tele(1, 100), atMs: T0 + 601_000 }, s);
    expect(s.started.map((r) => r.riderId)).toEqual([2]);
    expect(s.readings).toHaveLength(1);
  });

  it("fixes the rider's age and personal maximum at the ride's start, and counts seconds above it", () => {
    const { t, s } = track([
      system(),
      ride(1),
      tele(1, 180),
      ride(2),
      tele(2, 170),
      ride(3),
      tele(3, 0),
    ]);
    // Born 1978-09-04, a man: 43 on 2022-07-06, Tanaka 208 - 0.7 x 43 = 177.9.
    expect(s.started[0]).toMatchObject({ riderAge: 43, personalMaxBpm: 178 });
    expect(t.checkpoint().progress[0]?.summary.secondsAboveMax).toBe(1);
  });
});
