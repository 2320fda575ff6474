import { describe, expect, it } from 'vitest';
import type { FeedEvent } from './feed.js';
import type { Rider } from './rider.js';
import type { Account, RideStart, TrackerSink } from './ride.js';
import { RideTracker } from './ride-tracker.js';
import type { Reading } from './ride-summary.js';

class Recorder implements TrackerSink {
  riders: Rider[] = [];
  started: RideStart[] = [];
  readings: { reading: Reading; update: boolean; bike: string }[] = [];
  rejects: string[] = [];
  rejectedRiders: (number | null)[] = [];
  namedAt: (number | null)[] = [];
  rideStarted(ride: RideStart, rider: Rider): void {
    this.started.push(ride);
    this.riders.push(rider);
  }
  reading(ride: RideStart, reading: Reading, update: boolean): void {
    this.readings.push({ reading, update, bike: ride.bikeKey });
  }
  reject(reason: string, account: Account | null): void {
    this.rejects.push(reason);
    this.rejectedRiders.push(account?.riderId ?? null);
    this.namedAt.push(account?.namedAtMs ?? null);
  }
}

const T0 = Date.UTC(2022, 6, 6, 23, 29, 35, 935);
const host = 'mendoza v9';
const system = (atMs = T0, user_id = 100): FeedEvent => ({
  kind: 'system',
  atMs,
  host,
  invalid: null,
  data: {
    user_id,
    name: 'Mr Steven Pearce',
    gender: 'male',
    address: '0 Simpson locks,Wilkinsonshire,E68 8SH',
    date_of_birth: 273715200000,
    bike_serial: 'SN0000',
  },
});
const ride = (s: number, resistance = 30): Extract<FeedEvent, { kind: 'ride' }> => ({
  kind: 'ride',
  atMs: T0 + s * 1000 - 500,
  host,
  elapsedS: s,
  resistance,
});
const tele = (
  s: number,
  heartRate: number,
  powerW = 10,
): Extract<FeedEvent, { kind: 'telemetry' }> => ({
  kind: 'telemetry',
  atMs: T0 + s * 1000,
  host,
  heartRate,
  rpm: 40,
  powerW,
});
const marker: FeedEvent = { kind: 'marker', text: 'beginning of a new ride' };

/** A tracker fed `events` of a key-less feed, and what it reported. */
function track(events: readonly FeedEvent[]): { t: RideTracker; s: Recorder } {
  const t = new RideTracker();
  const s = new Recorder();
  for (const e of events) t.apply(null, e, s);
  return { t, s };
}

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
