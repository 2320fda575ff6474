import type { FeedEvent } from './feed.js';
import type { HeartRateState } from './heart-rate.js';
import { cleanRider, type Gender, type Rider } from './rider.js';
import { addReading, emptySummary, type Reading, type SummaryState } from './ride-summary.js';

/** A `Ride` line still waiting for its `Telemetry` line. */
export interface PendingRideLine {
  readonly elapsedS: number;
  readonly resistance: number;
  readonly atMs: number;
  /** Already stored as a reading without telemetry (at a batch boundary), so completing it is an update. */
  persisted: boolean;
}

/** A ride in progress on one bike. `rideId` is assigned by the store when the ride is first written. */
export interface OpenRide {
  readonly bikeKey: string;
  readonly bikeSerial: string;
  readonly startedAtMs: number;
  readonly riderId: number;
  /** What the rider's personal heart-rate limits follow from. */
  readonly rider: { readonly gender: Gender; readonly birthDate: string | null };
  rideId: number | null;
  /** The store found this ride's row already there (a replay): its readings may exist too. */
  alreadyStored: boolean;
  readonly summary: SummaryState;
  /** Last second stored for the ride, -1 before the first. Never decreases. */
  lastElapsedS: number;
  lastAtMs: number;
  pending: PendingRideLine | null;
  endedAtMs: number | null;
  /** Heart-rate detector state, created on the ride's first reading by whoever detects alerts. */
  heartRate: HeartRateState | null;
}

/** Where the tracker reports what the events mean; the ingest batch implements it. */
export interface TrackerSink {
  rider(rider: Rider): void;
  rideStarted(ride: OpenRide): void;
  /** A new reading row; `update` when it completes a row stored earlier without telemetry. */
  reading(ride: OpenRide, reading: Reading, update: boolean): void;
  /** The ride's summary or end changed. */
  rideChanged(ride: OpenRide): void;
  /** The current line cannot be used, and why. */
  reject(reason: string): void;
}

interface BikeState {
  ride: OpenRide | null;
  /** Why readings on this bike have no ride, when its last `[SYSTEM]` line was rejected. */
  noRideReason: string | null;
}

/** Per-bike state machine: feed events in, rides and readings out. Pure and synchronous. */
export class RideTracker {
  private readonly bikes = new Map<string, BikeState>();
  private lastHost: string | null = null;

  /** Continues rides that were open in the database when the process (re)started. */
  restore(rides: readonly OpenRide[]): void {
    let latest: OpenRide | null = null;
    for (const ride of rides) {
      this.bikes.set(ride.bikeKey, { ride, noRideReason: null });
      if (!latest || ride.lastAtMs > latest.lastAtMs) latest = ride;
    }
    // In a key-less feed a marker belongs to the bike that spoke last: after a restart, that is
    // the open ride heard from most recently.
    this.lastHost = latest?.bikeKey ?? null;
  }

  /** Rides currently open, e.g. to store their unpaired `Ride` lines at a batch boundary. */
  openRides(): IterableIterator<OpenRide> {
    return openRidesOf(this.bikes);
  }

  /** Applies one event; `key` is the message key (the bike) or null for key-less feeds. */
  apply(key: string | null, event: FeedEvent, sink: TrackerSink): void {
    if (event.kind !== 'marker') this.lastHost = event.host;
    // Markers carry no host: in a key-less feed they belong to the bike that spoke last.
    const bikeKey = key ?? (event.kind === 'marker' ? this.lastHost : event.host);
    if (bikeKey === null) return;
    let bike = this.bikes.get(bikeKey);
    if (!bike) {
      bike = { ride: null, noRideReason: null };
      this.bikes.set(bikeKey, bike);
    }
    switch (event.kind) {
      case 'marker':
        this.end(bike, sink);
        bike.noRideReason = null;
        return;
      case 'user-lookup':
        return;
      case 'system':
        return this.start(bike, bikeKey, event.atMs, event.data, sink);
      case 'ride':
        return this.rideLine(bike, bikeKey, event, sink);
      case 'telemetry':
        return this.telemetryLine(bike, bikeKey, event, sink);
    }
  }

  private start(
    bike: BikeState,
    bikeKey: string,
    atMs: number,
    data: unknown,
    sink: TrackerSink,
  ): void {
    // A replayed [SYSTEM] line of the ride already open changes nothing.
    if (bike.ride && bike.ride.startedAtMs === atMs) return;
    this.end(bike, sink);
    const clean = cleanRider(data);
    if (clean.kind === 'reject') {
      bike.noRideReason = `no rider for this ride: its [SYSTEM] line was rejected (${clean.reason})`;
      sink.reject(clean.reason);
      return;
    }
    bike.noRideReason = null;
    const rider = clean.rider;
    const ride: OpenRide = {
      bikeKey,
      bikeSerial: rider.bikeSerial ?? bikeKey,
      startedAtMs: atMs,
      riderId: rider.riderId,
      rider: { gender: rider.gender, birthDate: rider.birthDate },
      rideId: null,
      alreadyStored: false,
      summary: emptySummary(),
      lastElapsedS: -1,
      lastAtMs: atMs,
      pending: null,
      endedAtMs: null,
      heartRate: null,
    };
    bike.ride = ride;
    sink.rider(rider);
    sink.rideStarted(ride);
  }

  private rideLine(
    bike: BikeState,
    bikeKey: string,
    e: Extract<FeedEvent, { kind: 'ride' }>,
    sink: TrackerSink,
  ): void {
    const ride = bike.ride;
    if (!ride) return sink.reject(noRide(bike, bikeKey));
    // Seconds already stored come again only in a replay: they are no news.
    if (e.elapsedS <= ride.lastElapsedS || e.elapsedS === ride.pending?.elapsedS) return;
    if (ride.pending && e.elapsedS < ride.pending.elapsedS)
      return sink.reject(
        `out-of-order Ride line: second ${e.elapsedS} after second ${ride.pending.elapsedS}`,
      );
    const jump = tooFarAhead(ride, e.elapsedS);
    if (jump) return sink.reject(jump);
    abandonPending(ride, sink);
    ride.pending = {
      elapsedS: e.elapsedS,
      resistance: e.resistance,
      atMs: e.atMs,
      persisted: false,
    };
  }

  private telemetryLine(
    bike: BikeState,
    bikeKey: string,
    e: Extract<FeedEvent, { kind: 'telemetry' }>,
    sink: TrackerSink,
  ): void {
    const ride = bike.ride;
    if (!ride) return sink.reject(noRide(bike, bikeKey));
    const p = ride.pending;
    if (p) {
      ride.pending = null;
      const reading: Reading = {
        elapsedS: p.elapsedS,
        recordedAtMs: p.atMs,
        heartRate: e.heartRate,
        rpm: e.rpm,
        resistance: p.resistance,
        powerW: e.powerW,
      };
      record(ride, reading, sink, p.persisted);
      return;
    }
    // A Telemetry line whose Ride line was never seen (joined mid-ride): its second follows from the clock.
    const elapsedS = Math.round((e.atMs - ride.startedAtMs) / 1000);
    if (elapsedS <= ride.lastElapsedS) return;
    const jump = tooFarAhead(ride, elapsedS);
    if (jump) return sink.reject(jump);
    const reading: Reading = {
      elapsedS,
      recordedAtMs: e.atMs,
      heartRate: e.heartRate,
      rpm: e.rpm,
      resistance: null,
      powerW: e.powerW,
    };
    record(ride, reading, sink, false);
  }

  private end(bike: BikeState, sink: TrackerSink): void {
    const ride = bike.ride;
    if (!ride) return;
    abandonPending(ride, sink);
    ride.endedAtMs = ride.lastAtMs;
    bike.ride = null;
    sink.rideChanged(ride);
  }
}

// A second this far past the ride's last one is a clock or counter glitch, not a gap: taken as
// true, it would make every later line of the ride look like a replay of stored seconds.
const MAX_GAP_S = 900;
const MAX_RIDE_S = 86_400;

function tooFarAhead(ride: OpenRide, elapsedS: number): string | null {
  if (elapsedS > MAX_RIDE_S) return `second ${elapsedS} is beyond a day of riding`;
  const last = Math.max(ride.lastElapsedS, 0);
  if (elapsedS - last > MAX_GAP_S)
    return `second ${elapsedS} jumps ${elapsedS - last} s past the ride's last second ${last}`;
  return null;
}

function* openRidesOf(bikes: Map<string, BikeState>): IterableIterator<OpenRide> {
  for (const b of bikes.values()) if (b.ride) yield b.ride;
}

function record(ride: OpenRide, reading: Reading, sink: TrackerSink, update: boolean): void {
  addReading(ride.summary, reading);
  ride.lastElapsedS = Math.max(ride.lastElapsedS, reading.elapsedS);
  if (reading.recordedAtMs > ride.lastAtMs) ride.lastAtMs = reading.recordedAtMs;
  sink.reading(ride, reading, update);
  sink.rideChanged(ride);
}

/** The reading a lone `Ride` line makes: its second and resistance, telemetry unknown. */
export function withoutTelemetry(p: PendingRideLine): Reading {
  return {
    elapsedS: p.elapsedS,
    recordedAtMs: p.atMs,
    heartRate: null,
    rpm: null,
    resistance: p.resistance,
    powerW: null,
  };
}

/** A `Ride` line that never got its `Telemetry` line is still a second of the ride: keep what is known. */
function abandonPending(ride: OpenRide, sink: TrackerSink): void {
  const p = ride.pending;
  if (!p) return;
  ride.pending = null;
  const reading = withoutTelemetry(p);
  addReading(ride.summary, reading);
  ride.lastElapsedS = Math.max(ride.lastElapsedS, p.elapsedS);
  if (p.atMs > ride.lastAtMs) ride.lastAtMs = p.atMs;
  // Stored already at a batch boundary: only the summary moves.
  if (!p.persisted) sink.reading(ride, reading, false);
  sink.rideChanged(ride);
}

function noRide(bike: BikeState, bikeKey: string): string {
  return (
    bike.noRideReason ??
    `no open ride on bike "${bikeKey}": its [SYSTEM] line was not seen, so the rider is unknown`
  );
}
