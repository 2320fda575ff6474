// What the live dashboard knows of a ride being ridden: the facts the hub sends to browsers, as
// plain data. Server (live/) and client (web/) share this one shape.

import type { Gender } from './rider.js';

/** The latest second of a ride: what its tile shows. Null fields were not sent by the bike. */
export interface LiveReading {
  readonly elapsedS: number;
  /** When the bike recorded it (epoch ms). */
  readonly atMs: number;
  /** 0 means no contact: the rider's hands are off the sensors. */
  readonly heartRate: number | null;
  readonly rpm: number | null;
  readonly resistance: number | null;
  readonly powerW: number | null;
}

/** A ride on the live dashboard. `name` is present only for callers allowed to see it (admin). */
export interface LiveRide {
  readonly rideId: number;
  readonly bikeSerial: string;
  readonly riderId: number;
  readonly name?: string;
  readonly gender: Gender;
  /** Age at the ride's start; null when the birth date is unknown. */
  readonly age: number | null;
  readonly personalMaxBpm: number | null;
  readonly startedAtMs: number;
  /** Set once the ride has ended (its last reading's time). */
  readonly endedAtMs: number | null;
  /** When the database last heard from this ride (epoch ms, the server's clock): idle after 30 s. */
  readonly heardAtMs: number;
  readonly durationS: number;
  readonly avgHeartRate: number | null;
  readonly maxHeartRate: number | null;
  readonly avgPowerW: number | null;
  readonly energyKj: number;
  /** Heart-rate alerts raised on this ride so far, and the kind of the latest. */
  readonly alerts: number;
  readonly lastAlertKind: 'high' | 'low' | null;
  readonly latest: LiveReading | null;
}

/** Seconds without news after which a ride's tile says "idle". */
export const LIVE_IDLE_AFTER_S = 30;

/** What the live stream sends: a full picture on (re)connect, then changes. */
export type LiveEvent =
  | { readonly kind: 'snapshot'; readonly serverNowMs: number; readonly rides: readonly LiveRide[] }
  | {
      readonly kind: 'delta';
      readonly serverNowMs: number;
      readonly upsert: readonly LiveRide[];
      /** Rides that ended or went away: their tiles leave. */
      readonly ended: readonly number[];
    }
  | { readonly kind: 'tick'; readonly serverNowMs: number };
