import { personalLimits, type MaxHrFormula } from './heart-rate.js';
import type { Rider } from './rider.js';
import type { Reading, RideSummary, SummaryState } from './ride-summary.js';

// What the layers of the write path say to one another about rides, and how a ride, its account
// and a half reading are made: the tracker reports in these terms, the alert detector and the
// store key their own state by RideStart.

/**
 * A ride as every layer refers to it: who rode which bike from when, and the facts fixed at its
 * start. Immutable: each layer keeps its own state about a ride keyed by this object.
 */
export interface RideStart {
  /** The stream the ride came from (message key, or host tag in a key-less feed). */
  readonly bikeKey: string;
  readonly bikeSerial: string;
  readonly startedAtMs: number;
  readonly riderId: number;
  /** The rider's age in whole years at the start (null: no birth date). */
  readonly riderAge: number | null;
  /** The rider's personal maximum heart rate at the start (null: no birth date, so none). */
  readonly personalMaxBpm: number | null;
}

/**
 * The rider a set-aside line belongs to, and when their account was named for it (the ride's
 * start, or the refused record's time): an erasure up to then covers the line too.
 */
export interface Account {
  readonly riderId: number;
  readonly namedAtMs: number;
}

/** A reading and the ride it belongs to. */
export interface RideReading {
  readonly ride: RideStart;
  readonly reading: Reading;
}

/** A ride's figures as of a checkpoint. */
export interface RideProgress {
  readonly ride: RideStart;
  readonly summary: RideSummary;
  /** Set once the ride has ended: its last reading's time. */
  readonly endedAtMs: number | null;
}

/** What the tracker hands over at a batch boundary. */
export interface Checkpoint {
  /** Rides whose figures changed since the last checkpoint. */
  readonly progress: readonly RideProgress[];
  /** `Ride` lines still waiting for their `Telemetry` line, to store now without telemetry. */
  readonly halfReadings: readonly RideReading[];
}

/** Where the tracker reports what the events mean, as they are applied. */
export interface TrackerSink {
  rideStarted(ride: RideStart, rider: Rider): void;
  /** A new reading; `completes` when it fills in a reading stored earlier without telemetry. */
  reading(ride: RideStart, reading: Reading, completes: boolean): void;
  /** The current line cannot be used, and why; `account` is the rider it belongs to, if known. */
  reject(reason: string, account: Account | null): void;
}

/** A `Ride` line still waiting for its `Telemetry` line. */
export interface PendingRideLine {
  readonly elapsedS: number;
  readonly resistance: number;
  readonly atMs: number;
  /** Stored already as a reading without telemetry (at a batch boundary): completing it is an update. */
  readonly stored: boolean;
}

/** A ride in progress: how a restarted process hands one over to the tracker. */
export interface OpenRideState {
  readonly ride: RideStart;
  readonly summary: SummaryState;
  /** Last second counted, -1 before the first. */
  readonly lastElapsedS: number;
  readonly lastAtMs: number;
  readonly pending: PendingRideLine | null;
}

/** A bike whose open ride was deleted or erased: the rest of that ride is ignored. */
export interface IgnoredRide {
  readonly bikeKey: string;
  readonly startedAtMs: number;
}

/** A ride starting now: the rider's age and personal maximum are fixed at its start. */
export function rideStart(
  bikeKey: string,
  rider: Rider,
  atMs: number,
  formula: MaxHrFormula,
): RideStart {
  const limits = personalLimits(rider, atMs, formula);
  return Object.freeze({
    bikeKey,
    bikeSerial: rider.bikeSerial ?? bikeKey,
    startedAtMs: atMs,
    riderId: rider.riderId,
    riderAge: limits.age,
    personalMaxBpm: limits.maxBpm,
  });
}

/** The account of a ride's lines: its rider, named at its start. */
export function accountOfRide(ride: RideStart): Account {
  return { riderId: ride.riderId, namedAtMs: ride.startedAtMs };
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
