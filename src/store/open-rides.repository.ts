import { personalLimits, type MaxHrFormula } from '../domain/heart-rate.js';
import type { IgnoredRide, OpenRideState, RideStart } from '../domain/ride.js';
import type { Gender } from '../domain/rider.js';
import type { SummaryState } from '../domain/ride-summary.js';
import type { Queryable } from './db.js';
import { loadSuppressedRides } from './suppressed-rides.repository.js';

/** An open ride to continue, with its stored id. */
export interface StoredOpenRide {
  readonly state: OpenRideState;
  readonly rideId: number;
}

/** What a (re)starting pipeline continues: rides left open, and rides deleted while open. */
export interface OpenRidesSnapshot {
  readonly open: readonly StoredOpenRide[];
  readonly ignored: readonly IgnoredRide[];
}

interface OpenRideRow {
  ride_id: number;
  bike_key: string;
  bike_serial: string;
  rider_id: number;
  gender: Gender | null;
  birth_date: string | null;
  started_at: Date;
  rider_age: number | null;
  personal_max_bpm: number | null;
  last_elapsed: number | null;
  last_at: Date | null;
  last_resistance: number | null;
  last_is_half: boolean | null;
  n: number;
  max_el: number | null;
  hr_sum: number;
  hr_n: number;
  hr_min: number | null;
  hr_max: number | null;
  rpm_sum: number;
  rpm_n: number;
  res_sum: number;
  res_n: number;
  pw_sum: number;
  pw_n: number;
  pw_max: number | null;
  above_max: number;
  max_at: Date | null;
}

// The last reading, when it has no telemetry, is a Ride line stored at a batch boundary whose
// Telemetry line may still come: it is restored as pending and left out of the totals.
const OPEN_RIDES_SQL = `
SELECT r.ride_id, r.bike_key, r.bike_serial, r.rider_id, r.started_at, r.rider_age,
       r.personal_max_bpm, p.gender, p.birth_date,
       l.elapsed_s AS last_elapsed, l.recorded_at AS last_at, l.resistance AS last_resistance,
       (l.heart_rate IS NULL AND l.rpm IS NULL AND l.power_w IS NULL) AS last_is_half,
       a.*
FROM rides r
LEFT JOIN riders p ON p.rider_id = r.rider_id
LEFT JOIN LATERAL (
  SELECT * FROM readings x WHERE x.ride_id = r.ride_id ORDER BY x.elapsed_s DESC LIMIT 1
) l ON true
LEFT JOIN LATERAL (
  SELECT count(*)::int AS n, max(elapsed_s) AS max_el,
         coalesce(sum(heart_rate) FILTER (WHERE heart_rate > 0), 0)::float8 AS hr_sum,
         (count(*) FILTER (WHERE heart_rate > 0))::int AS hr_n,
         min(heart_rate) FILTER (WHERE heart_rate > 0) AS hr_min,
         max(heart_rate) FILTER (WHERE heart_rate > 0) AS hr_max,
         coalesce(sum(rpm), 0)::float8 AS rpm_sum, count(rpm)::int AS rpm_n,
         coalesce(sum(resistance), 0)::float8 AS res_sum, count(resistance)::int AS res_n,
         coalesce(sum(power_w), 0)::float8 AS pw_sum, count(power_w)::int AS pw_n,
         max(power_w) AS pw_max, max(recorded_at) AS max_at,
         (count(*) FILTER (WHERE heart_rate > r.personal_max_bpm))::int AS above_max
  FROM readings y
  WHERE y.ride_id = r.ride_id
    AND NOT coalesce(y.elapsed_s = l.elapsed_s AND l.heart_rate IS NULL AND l.rpm IS NULL AND l.power_w IS NULL, false)
) a ON true
WHERE r.ended_at IS NULL AND ($1::text[] IS NULL OR r.bike_key = ANY($1::text[]))`;

/**
 * Rides left open in the database (by a previous run), ready for the tracker to continue, and
 * rides deleted while open, which the tracker must go on ignoring. `formula` gives the personal
 * maximum of rides stored before rides kept it.
 */
export async function loadOpenRides(
  db: Queryable,
  formula: MaxHrFormula,
  bikeKeys?: readonly string[],
): Promise<OpenRidesSnapshot> {
  const rows = await db.query<OpenRideRow>(OPEN_RIDES_SQL, [bikeKeys ? [...bikeKeys] : null]);
  return {
    open: rows.map((row) => ({ state: toOpenRide(row, formula), rideId: row.ride_id })),
    ignored: await loadSuppressedRides(db, bikeKeys),
  };
}

function rideStartOf(row: OpenRideRow, formula: MaxHrFormula): RideStart {
  const startedAtMs = row.started_at.getTime();
  // Rides stored before migration 006 have no facts of their own; they follow from the rider.
  const legacy =
    row.personal_max_bpm === null && row.birth_date !== null
      ? personalLimits(
          { gender: row.gender ?? 'unknown', birthDate: row.birth_date },
          startedAtMs,
          formula,
        )
      : null;
  return Object.freeze({
    bikeKey: row.bike_key,
    bikeSerial: row.bike_serial,
    startedAtMs,
    riderId: row.rider_id,
    riderAge: legacy ? legacy.age : row.rider_age,
    personalMaxBpm: legacy ? legacy.maxBpm : row.personal_max_bpm,
  });
}

function toOpenRide(row: OpenRideRow, formula: MaxHrFormula): OpenRideState {
  const ride = rideStartOf(row, formula);
  const summary: SummaryState = {
    readingCount: row.n,
    maxElapsedS: row.max_el ?? 0,
    hrSum: row.hr_sum,
    hrCount: row.hr_n,
    hrMin: row.hr_min ?? Infinity,
    hrMax: row.hr_max ?? -Infinity,
    rpmSum: row.rpm_sum,
    rpmCount: row.rpm_n,
    resistanceSum: row.res_sum,
    resistanceCount: row.res_n,
    powerSum: row.pw_sum,
    powerCount: row.pw_n,
    powerMax: row.pw_max ?? -Infinity,
    limitBpm: ride.personalMaxBpm ?? Infinity,
    aboveLimitCount: row.above_max,
  };
  const half = row.last_is_half === true && row.last_elapsed !== null && row.last_at !== null;
  return {
    ride,
    summary,
    // Its readings up to here are stored; the tracker only reports later ones.
    lastElapsedS: row.max_el ?? -1,
    lastAtMs: Math.max(ride.startedAtMs, row.max_at?.getTime() ?? 0),
    pending: half
      ? {
          elapsedS: row.last_elapsed!,
          resistance: row.last_resistance ?? 0,
          atMs: row.last_at!.getTime(),
          stored: true,
        }
      : null,
  };
}

/** A stored reading's heart-rate fields, to rebuild a ride's alert detector after a restart. */
export interface HeartRateRow {
  readonly ride_id: number;
  readonly elapsed_s: number;
  readonly recorded_at: Date;
  readonly heart_rate: number | null;
  readonly rpm: number | null;
}

/** The stored readings of the given rides, in ride and time order. */
export async function loadRideHeartRates(
  db: Queryable,
  rideIds: readonly number[],
): Promise<HeartRateRow[]> {
  if (rideIds.length === 0) return [];
  return db.query<HeartRateRow>(
    `SELECT ride_id, elapsed_s, recorded_at, heart_rate, rpm FROM readings
     WHERE ride_id = ANY($1::bigint[]) ORDER BY ride_id, elapsed_s`,
    [[...rideIds]],
  );
}
