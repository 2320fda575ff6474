// Events and a recording sink for the tracker's unit tests (not built: see tsconfig.build.json).
import type { FeedEvent } from './feed.js';
import type { Rider } from './rider.js';
import type { Account, RideStart, TrackerSink } from './ride.js';
import { RideTracker } from './ride-tracker.js';
import type { Reading } from './ride-summary.js';

/** Records what the tracker reports. */
export class Recorder implements TrackerSink {
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

export const T0 = Date.UTC(2022, 6, 6, 23, 29, 35, 935);
export const host = 'mendoza v9';
export const system = (atMs = T0, user_id = 100): FeedEvent => ({
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
export const ride = (s: number, resistance = 30): Extract<FeedEvent, { kind: 'ride' }> => ({
  kind: 'ride',
  atMs: T0 + s * 1000 - 500,
  host,
  elapsedS: s,
  resistance,
});
export const tele = (
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
export const marker: FeedEvent = { kind: 'marker', text: 'beginning of a new ride' };

/** A tracker fed `events` of a key-less feed, and what it reported. */
export function track(events: readonly FeedEvent[]): { t: RideTracker; s: Recorder } {
  const t = new RideTracker();
  const s = new Recorder();
  for (const e of events) t.apply(null, e, s);
  return { t, s };
}
