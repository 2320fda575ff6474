import type { HeartRateAlert } from '../domain/heart-rate.js';
import type { Rider } from '../domain/rider.js';
import type { OpenRide } from '../domain/ride-tracker.js';
import type { Reading, RideSummary } from '../domain/ride-summary.js';

/** A line set aside with its reason, where it came from and its raw text. */
export interface RejectRow {
  readonly partition: number;
  readonly position: number;
  readonly raw: string;
  readonly reason: string;
}

/** A ride's summary as of the moment its batch was sealed. */
export interface RideUpdate {
  readonly ride: OpenRide;
  readonly summary: RideSummary;
  readonly endedAtMs: number | null;
}

/** A reading and the ride it belongs to (whose id the store may assign in the same batch). */
export interface RideReading {
  readonly ride: OpenRide;
  readonly reading: Reading;
}

/** An alert a reading of the ride completed. */
export interface RideAlert {
  readonly ride: OpenRide;
  readonly alert: HeartRateAlert;
}

/** Everything one batch writes, in one transaction, with the source position it reached. */
export interface IngestBatch {
  readonly source: string;
  readonly riders: readonly Rider[];
  readonly startedRides: readonly OpenRide[];
  readonly readings: readonly RideReading[];
  /** Readings stored earlier without telemetry that this batch completes. */
  readonly completions: readonly RideReading[];
  readonly rideUpdates: readonly RideUpdate[];
  readonly rejects: readonly RejectRow[];
  /** The outbox: alerts commit with the readings that caused them. */
  readonly alerts: readonly RideAlert[];
  readonly positions: ReadonlyMap<number, number>;
  readonly messageCount: number;
}
