import { describe, expect, it } from 'vitest';
import type { FeedEvent } from './feed.js';
import { RideTracker } from './ride-tracker.js';
import {
  host,
  marker,
  Recorder,
  ride,
  system,
  T0,
  tele,
  track,
} from './ride-tracker.test-support.js';

describe('RideTracker', () => {
  it('opens a ride on [SYSTEM] and pairs Ride and Telemetry lines into readings', () => {
    const { t, s } = track([system(), ride(1), tele(1, 0), ride(2), tele(2, 120, 20), marker]);
    expect(s.riders.map((r) => r.title)).toEqual(['Mr']);
    expect(s.started).toHaveLength(1);
    expect(s.started[0]).toMatchObject({
      bikeKey: host,
      bikeSerial: 'SN0000',
      startedAtMs: T0,
      riderId: 100,
    });
    expect(
      s.readings.map((r) => [r.reading.elapsedS, r.reading.heartRate, r.reading.resistance]),
    ).toEqual([
      [1, 0, 30],
      [2, 120, 30],
    ]);
    const [progress] = t.checkpoint().progress;
    expect(progress?.endedAtMs).toBe(T0 + 1500);
    expect(progress?.summary).toMatchObject({
      readingCount: 2,
      avgHeartRate: 120,
      minHeartRate: 120,
      energyKj: 0.03,
      durationS: 2,
    });
    expect(s.rejects).toEqual([]);
  });

  it('rejects readings of a bike with no ride, naming why', () => {
    const t = new RideTracker();
    const s = new Recorder();
    t.apply('SN9', ride(1), s);
    t.apply('SN9', { ...system(), data: { user_id: 'bad' } } as FeedEvent, s);
    t.apply('SN9', tele(2, 100), s);
    expect(s.rejects[0]).toMatch(/no open ride on bike "SN9"/);
    expect(s.rejects[1]).toMatch(/user_id/);
    expect(s.rejects[2]).toMatch(/its \[SYSTEM\] line was rejected/);
  });

  it('keeps a Ride line without Telemetry as a reading with unknown telemetry', () => {
    const { s } = track([system(), ride(1), ride(2), tele(2, 90)]);
    expect(s.readings.map((r) => [r.reading.elapsedS, r.reading.heartRate])).toEqual([
      [1, null],
      [2, 90],
    ]);
  });

  it('derives the second of a Telemetry line whose Ride line was missed (joined mid-ride)', () => {
    const { s } = track([system(), tele(207, 123)]);
    expect(s.readings[0]!.reading).toMatchObject({
      elapsedS: 207,
      resistance: null,
      heartRate: 123,
    });
  });

  it('treats replayed lines of the open ride as already stored', () => {
    const { s } = track([
      system(),
      ride(1),
      tele(1, 100),
      system(),
      ride(1),
      tele(1, 100),
      ride(2),
      tele(2, 101),
    ]);
    expect(s.started).toHaveLength(1);
    expect(s.readings.map((r) => r.reading.elapsedS)).toEqual([1, 2]);
  });

  it('completes a Ride line stored at a batch boundary with an update', () => {
    const { t, s } = track([system(), ride(1)]);
    expect(t.checkpoint().halfReadings.map((h) => h.reading)).toEqual([
      expect.objectContaining({ elapsedS: 1, heartRate: null, resistance: 30 }),
    ]);
    expect(t.checkpoint().halfReadings).toEqual([]);
    t.apply(null, tele(1, 99), s);
    expect(s.readings).toEqual([expect.objectContaining({ update: true })]);
  });

  it('attributes key-less markers to the bike that spoke last, and keeps keyed bikes apart', () => {
    const t = new RideTracker();
    const s = new Recorder();
    t.apply('A', system(T0, 1), s);
    t.apply('B', system(T0 + 5, 2), s);
    t.apply('A', ride(1), s);
    t.apply('B', ride(1), s);
    t.apply('A', tele(1, 100), s);
    t.apply('B', tele(1, 110), s);
    t.apply('A', marker, s);
    expect(s.readings.map((r) => `${r.bike}:${r.reading.heartRate}`)).toEqual(['A:100', 'B:110']);
    expect(t.openRides().map((r) => r.ride.bikeKey)).toEqual(['B']);
  });

  it('continues a restored ride', () => {
    const { t, s } = track([system(), ride(1), tele(1, 100)]);
    const t2 = new RideTracker();
    t2.restore(t.openRides());
    t2.apply(null, ride(2), s);
    t2.apply(null, tele(2, 102), s);
    expect(s.rejects).toEqual([]);
    expect(t2.checkpoint().progress[0]?.summary.readingCount).toBe(2);
  });

  it('rejects an out-of-order Ride line and never moves the last second back', () => {
    const { t, s } = track([
      system(),
      ride(1),
      tele(1, 100),
      ride(3),
      ride(2),
      tele(3, 120),
      ride(3),
      tele(3, 200),
    ]);
    expect(s.readings.map((r) => [r.reading.elapsedS, r.reading.heartRate])).toEqual([
      [1, 100],
      [3, 120],
    ]);
    expect(s.rejects).toEqual(['out-of-order Ride line: second 2 after second 3']);
    expect(t.checkpoint().progress[0]?.summary).toMatchObject({
      readingCount: 2,
      maxHeartRate: 120,
    });
  });

  it('keeps a Ride line for second 0', () => {
    const { s } = track([system(), ride(0), tele(0, 0), ride(1), tele(1, 90)]);
    expect(s.readings.map((r) => r.reading.elapsedS)).toEqual([0, 1]);
  });

  it('after a restart, gives a key-less marker to the bike heard from last', () => {
    const { t, s } = track([system(), ride(1), tele(1, 100)]);
    const t2 = new RideTracker();
    t2.restore(t.openRides());
    t2.apply(null, marker, s);
    expect(t2.openRides()).toEqual([]);
  });
});
