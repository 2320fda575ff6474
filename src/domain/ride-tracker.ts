import type { FeedEvent } from './feed.js';
import { DEFAULT_ALERT_SETTINGS, type MaxHrFormula } from './heart-rate.js';
import { accountOf, cleanRider, type CleanRiderResult } from './rider.js';
import {
  accountOfRide,
  rideStart,
  withoutTelemetry,
  type Account,
  type Checkpoint,
  type IgnoredRide,
  type OpenRideState,
  type PendingRideLine,
  type RideProgress,
  type RideReading,
  type RideStart,
  type TrackerSink,
} from './ride.js';
import { outOfTime, tooFarAhead } from './ride-fit.js';
import {
  addReading,
  emptySummary,
  summarize,
  type Reading,
  type SummaryState,
} from './ride-summary.js';

/** The tracker's own record of a ride in progress. */
interface TrackedRide {
  readonly ride: RideStart;
  readonly summary: SummaryState;
  lastElapsedS: number;
  lastAtMs: number;
  pending: PendingRideLine | null;
  endedAtMs: number | null;
}

type BikeState =
  | {
      readonly kind: 'idle';
      /** Why readings have no ride, when the bike's last `[SYSTEM]` line was rejected. */
      readonly noRideReason: string | null;
      /** The account that rejected line named, when it could be read. */
      readonly account: Account | null;
    }
  | { readonly kind: 'riding'; readonly ride: TrackedRide }
  | { readonly kind: 'ignoring'; readonly startedAtMs: number };

const IDLE: BikeState = { kind: 'idle', noRideReason: null, account: null };

export interface TrackerOptions {
  /** How personal maximum heart rates are worked out. */
  readonly formula?: MaxHrFormula;
}

/** Per-bike state machine: feed events in, rides and readings out. Pure and synchronous. */
export class RideTracker {
  private readonly bikes = new Map<string, BikeState>();
  private readonly changed = new Set<TrackedRide>();
  private readonly formula: MaxHrFormula;
  private lastHost: string | null = null;

  constructor(opts: TrackerOptions = {}) {
    this.formula = opts.formula ?? DEFAULT_ALERT_SETTINGS.formula;
  }

  /** Continues rides that were open in the database, and goes on ignoring rides deleted while open. */
  restore(open: readonly OpenRideState[], ignored: readonly IgnoredRide[] = []): void {
    let latest: { bikeKey: string; atMs: number } | null = null;
    for (const s of open) {
      const ride: TrackedRide = {
        ride: s.ride,
        summary: { ...s.summary },
        lastElapsedS: s.lastElapsedS,
        lastAtMs: s.lastAtMs,
        pending: s.pending,
        endedAtMs: null,
      };
      this.bikes.set(s.ride.bikeKey, { kind: 'riding', ride });
      if (!latest || s.lastAtMs > latest.atMs)
        latest = { bikeKey: s.ride.bikeKey, atMs: s.lastAtMs };
    }
    // A deleted ride is always its bike's latest, so it wins over an older ride left open.
    for (const r of ignored) {
      this.bikes.set(r.bikeKey, { kind: 'ignoring', startedAtMs: r.startedAtMs });
      if (!latest || r.startedAtMs > latest.atMs)
        latest = { bikeKey: r.bikeKey, atMs: r.startedAtMs };
    }
    // In a key-less feed a marker belongs to the bike that spoke last: after a restart, that is
    // the ride heard from most recently.
    this.lastHost = latest?.bikeKey ?? null;
  }

  /** The rides in progress, as a restarted process would restore them. */
  openRides(): OpenRideState[] {
    const out: OpenRideState[] = [];
    for (const b of this.bikes.values())
      if (b.kind === 'riding') out.push({ ...b.ride, summary: { ...b.ride.summary } });
    return out;
  }

  /** Applies one event; `key` is the message key (the bike) or null for key-less feeds. */
  apply(key: string | null, event: FeedEvent, sink: TrackerSink): void {
    if (event.kind !== 'marker') this.lastHost = event.host;
    // Markers carry no host: in a key-less feed they belong to the bike that spoke last.
    const bikeKey = key ?? (event.kind === 'marker' ? this.lastHost : event.host);
    if (bikeKey === null) return;
    const bike = this.bikes.get(bikeKey) ?? IDLE;
    switch (event.kind) {
      case 'marker':
        this.end(bike, sink);
        this.bikes.set(bikeKey, IDLE);
        return;
      case 'user-lookup':
        return;
      case 'system':
        return this.start(bike, bikeKey, event, sink);
      case 'ride':
      case 'telemetry': {
        if (bike.kind === 'ignoring') return;
        if (bike.kind === 'idle') return sink.reject(noRide(bike, bikeKey), bike.account);
        const misfit = outOfTime(bike.ride.ride, bike.ride.lastAtMs, event.atMs);
        if (misfit) return sink.reject(misfit, accountOfRide(bike.ride.ride));
        if (event.kind === 'ride') return this.rideLine(bike.ride, event, sink);
        return this.telemetryLine(bike.ride, event, sink);
      }
    }
  }

  /**
   * Ignores the rest of a ride the store refused (its rider erased, or the ride deleted), as a
   * restarted tracker would: its later lines are no news, set aside or otherwise.
   */
  ignore(ride: RideStart): void {
    const bike = this.bikes.get(ride.bikeKey);
    if (bike?.kind !== 'riding' || bike.ride.ride !== ride) return;
    this.changed.delete(bike.ride);
    this.bikes.set(ride.bikeKey, { kind: 'ignoring', startedAtMs: ride.startedAtMs });
  }

  /** Hands over what changed since the last checkpoint, and the `Ride` lines to store half. */
  checkpoint(): Checkpoint {
    const progress: RideProgress[] = [];
    for (const t of this.changed)
      progress.push({ ride: t.ride, summary: summarize(t.summary), endedAtMs: t.endedAtMs });
    this.changed.clear();
    const halfReadings: RideReading[] = [];
    for (const b of this.bikes.values()) {
      if (b.kind !== 'riding') continue;
      const p = b.ride.pending;
      if (!p || p.stored) continue;
      // Stored now, so that a restart at this boundary finds it; the next batch completes it.
      b.ride.pending = { ...p, stored: true };
      halfReadings.push({ ride: b.ride.ride, reading: withoutTelemetry(p) });
    }
    return { progress, halfReadings };
  }

  private start(
    bike: BikeState,
    bikeKey: string,
    e: Extract<FeedEvent, { kind: 'system' }>,
    sink: TrackerSink,
  ): void {
    const atMs = e.atMs;
    // A replayed [SYSTEM] line of the ride already open (or ignored) changes nothing. One at the
    // same instant naming another account cannot start a ride there: the bike is taken.
    if (bike.kind === 'riding' && bike.ride.ride.startedAtMs === atMs) {
      const named = accountOf(e.data);
      if (named === bike.ride.ride.riderId) return;
      return sink.reject(
        `a [SYSTEM] line at the very instant the bike's open ride began names another account`,
        named === null ? null : { riderId: named, namedAtMs: atMs },
      );
    }
    // The rider of a ride deleted while open is not kept (suppressed_rides holds no one): a line
    // at its instant is taken as its replay.
    if (bike.kind === 'ignoring' && bike.startedAtMs === atMs) return;
    this.end(bike, sink);
    const clean: CleanRiderResult = e.invalid
      ? { kind: 'reject', reason: e.invalid, riderId: accountOf(e.data) }
      : cleanRider(e.data, atMs);
    if (clean.kind === 'reject') {
      const named = clean.riderId === null ? null : { riderId: clean.riderId, namedAtMs: atMs };
      this.bikes.set(bikeKey, {
        kind: 'idle',
        noRideReason: `no rider for this ride: its [SYSTEM] line was rejected (${clean.reason})`,
        account: named,
      });
      sink.reject(clean.reason, named);
      return;
    }
    const ride = rideStart(bikeKey, clean.rider, atMs, this.formula);
    const tracked: TrackedRide = {
      ride,
      summary: emptySummary(ride.personalMaxBpm),
      lastElapsedS: -1,
      lastAtMs: atMs,
      pending: null,
      endedAtMs: null,
    };
    this.bikes.set(bikeKey, { kind: 'riding', ride: tracked });
    sink.rideStarted(ride, clean.rider);
  }

  private rideLine(
    t: TrackedRide,
    e: Extract<FeedEvent, { kind: 'ride' }>,
    sink: TrackerSink,
  ): void {
    // Seconds already stored come again only in a replay: they are no news.
    if (e.elapsedS <= t.lastElapsedS || e.elapsedS === t.pending?.elapsedS) return;
    if (t.pending && e.elapsedS < t.pending.elapsedS)
      return sink.reject(
        `out-of-order Ride line: second ${e.elapsedS} after second ${t.pending.elapsedS}`,
        accountOfRide(t.ride),
      );
    const jump = tooFarAhead(t.lastElapsedS, e.elapsedS);
    if (jump) return sink.reject(jump, accountOfRide(t.ride));
    this.abandonPending(t, sink);
    t.pending = { elapsedS: e.elapsedS, resistance: e.resistance, atMs: e.atMs, stored: false };
  }

  private telemetryLine(
    t: TrackedRide,
    e: Extract<FeedEvent, { kind: 'telemetry' }>,
    sink: TrackerSink,
  ): void {
    const p = t.pending;
    if (p) {
      t.pending = null;
      const reading: Reading = {
        elapsedS: p.elapsedS,
        recordedAtMs: p.atMs,
        heartRate: e.heartRate,
        rpm: e.rpm,
        resistance: p.resistance,
        powerW: e.powerW,
      };
      this.count(t, reading);
      sink.reading(t.ride, reading, p.stored);
      return;
    }
    // A Telemetry line whose Ride line was never seen (joined mid-ride): its second follows from the clock.
    const elapsedS = Math.round((e.atMs - t.ride.startedAtMs) / 1000);
    if (elapsedS <= t.lastElapsedS) return;
    const jump = tooFarAhead(t.lastElapsedS, elapsedS);
    if (jump) return sink.reject(jump, accountOfRide(t.ride));
    const reading: Reading = {
      elapsedS,
      recordedAtMs: e.atMs,
      heartRate: e.heartRate,
      rpm: e.rpm,
      resistance: null,
      powerW: e.powerW,
    };
    this.count(t, reading);
    sink.reading(t.ride, reading, false);
  }

  private end(bike: BikeState, sink: TrackerSink): void {
    if (bike.kind !== 'riding') return;
    const t = bike.ride;
    this.abandonPending(t, sink);
    t.endedAtMs = t.lastAtMs;
    this.changed.add(t);
  }

  /** A `Ride` line that never got its `Telemetry` line is still a second of the ride: keep what is known. */
  private abandonPending(t: TrackedRide, sink: TrackerSink): void {
    const p = t.pending;
    if (!p) return;
    t.pending = null;
    const reading = withoutTelemetry(p);
    this.count(t, reading);
    // Stored already at a batch boundary: only the summary moves.
    if (!p.stored) sink.reading(t.ride, reading, false);
  }

  private count(t: TrackedRide, reading: Reading): void {
    addReading(t.summary, reading);
    if (reading.elapsedS > t.lastElapsedS) t.lastElapsedS = reading.elapsedS;
    if (reading.recordedAtMs > t.lastAtMs) t.lastAtMs = reading.recordedAtMs;
    this.changed.add(t);
  }
}

function noRide(bike: Extract<BikeState, { kind: 'idle' }>, bikeKey: string): string {
  return (
    bike.noRideReason ??
    `no open ride on bike "${bikeKey}": its [SYSTEM] line was not seen, so the rider is unknown`
  );
}
