import type { HeartRateAlert } from '../domain/heart-rate.js';
import type { Rider } from '../domain/rider.js';
import type { RideProgress, RideReading, RideStart } from '../domain/ride.js';

/** A line set aside with its reason, where it came from and its raw text. */
export interface RejectRow {
  readonly partition: number;
  readonly position: number;
  readonly raw: string;
  readonly reason: string;
  /** The account the line names, when known: erasing that rider removes the line too. */
  readonly riderId: number | null;
  /** The line's own time, when it could be read: whether an erased rider's line is a replay. */
  readonly atMs: number | null;
}

/** A ride that begins in this batch, with its rider's record. */
export interface StartedRide {
  readonly ride: RideStart;
  readonly rider: Rider;
}

/** An alert a reading of the ride completed. */
export interface RideAlert {
  readonly ride: RideStart;
  readonly alert: HeartRateAlert;
}

/** Where a partition's reading reached: the position to resume from, and what it is a position in. */
export interface SourcePosition {
  readonly next: number;
  /** A file's identity (see the file source); null for Kafka and the simulator. */
  readonly identity: string | null;
  /** The fencing token: the epoch this process claimed the partition with (partition_owners). */
  readonly epoch: number;
}

/** Everything one batch writes, in one transaction, with the source positions it reached. */
export interface IngestBatch {
  readonly source: string;
  readonly started: readonly StartedRide[];
  readonly readings: readonly RideReading[];
  /** Readings stored earlier without telemetry that this batch completes. */
  readonly completions: readonly RideReading[];
  /** Rides whose figures changed, as of the batch's end. */
  readonly progress: readonly RideProgress[];
  readonly rejects: readonly RejectRow[];
  /** The outbox: alerts commit with the readings that caused them. */
  readonly alerts: readonly RideAlert[];
  readonly positions: ReadonlyMap<number, SourcePosition>;
  readonly messageCount: number;
}
