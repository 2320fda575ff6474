import type { OpenRide } from '../domain/ride-tracker.js';
import type { Gender } from '../domain/rider.js';
import type { SummaryState } from '../domain/ride-summary.js';
import type { Queryable } from './db.js';
import { loadSuppressedRides } from './suppressed-rides.repository.js';

interface OpenRideRow {
  ride_id: number;
  bike_key: string;
  bike_serial: string;
  rider_id: number;
  gender: Gender | null;
  birth_date: string | null;
  started_at: Date;
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
  max_at: Date | null;
}

// The last reading, when it has no telemetry, is a Ride line stored at a batch boundary whose
// Telemetry line may still come: it is restored as pending and left out of the totals.
const OPEN_RIDES_SQL = `
SELECT r.ride_id, r.bike_key, r.bike_serial, r.rider_id, r.started_at, p.gender, p.birth_date,
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
         max(power_w) AS pw_max, max(recorded_at) AS max_at
  FROM readings y
  WHERE y.ride_id = r.ride_id
    AND NOT coalesce(y.elapsed_s = l.elapsed_s AND l.heart_rate IS NULL AND l.rpm IS NULL AND l.power_w IS NULL, false)
) a ON true
WHERE r.ended_at IS NULL AND ($1::text[] IS NULL OR r.bike_key = ANY($1::text[]))`;

/**
 * Rides left open in the database (by a previous run), ready for the tracker to continue, and
 * rides deleted while open, which the tracker must go on ignoring.
 */
export async function loadOpenRides(
  db: Queryable,
  bikeKeys?: readonly string[],
): Promise<OpenRide[]> {
  const rows = await db.query<OpenRideRow>(OPEN_RIDES_SQL, [bikeKeys ? [...bikeKeys] : null]);
  const open = rows.map(toOpenRide);
  // A bike whose open ride was deleted goes on with it, unstored (see suppressed-rides). Such a
  // ride is always the bike's latest, so it wins over an older ride left open.
  const suppressed = await loadSuppressedRides(db, bikeKeys);
  const phantom = new Set(suppressed.map((r) => r.bikeKey));
  return [...open.filter((r) => !phantom.has(r.bikeKey)), ...suppressed];
}

function toOpenRide(row: OpenRideRow): OpenRide {
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
  };
  const startedAtMs = row.started_at.getTime();
  const half = row.last_is_half === true && row.last_elapsed !== null && row.last_at !== null;
  return {
    bikeKey: row.bike_key,
    bikeSerial: row.bike_serial,
    startedAtMs,
    riderId: row.rider_id,
    rider: { gender: row.gender ?? 'unknown', birthDate: row.birth_date },
    rideId: row.ride_id,
    // Its readings up to lastElapsedS are known; the tracker only emits later ones.
    alreadyStored: false,
    summary,
    lastElapsedS: row.max_el ?? -1,
    lastAtMs: Math.max(startedAtMs, row.max_at?.getTime() ?? 0),
    pending: half
      ? {
          elapsedS: row.last_elapsed!,
          resistance: row.last_resistance ?? 0,
          atMs: row.last_at!.getTime(),
          persisted: true,
        }
      : null,
    endedAtMs: null,
    heartRate: null,
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
