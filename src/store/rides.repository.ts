import type { Queryable } from './db.js';
import { Filters } from './sql-filters.js';
import { suppressRides } from './suppressed-rides.repository.js';

/** A stored ride and its summary, as the API reads it. */
export interface RideRow {
  readonly ride_id: number;
  readonly rider_id: number;
  readonly bike_serial: string;
  readonly started_at: Date;
  readonly ended_at: Date | null;
  readonly duration_s: number;
  readonly reading_count: number;
  readonly avg_heart_rate: number | null;
  readonly min_heart_rate: number | null;
  readonly max_heart_rate: number | null;
  readonly avg_rpm: number | null;
  readonly avg_resistance: number | null;
  readonly avg_power_w: number | null;
  readonly max_power_w: number | null;
  readonly energy_kj: number;
  /** The rider's age at the start; null without a birth date. */
  readonly rider_age: number | null;
  /** The rider's maximum heart rate at the start; null without an age. */
  readonly personal_max_bpm: number | null;
  readonly seconds_above_max: number;
  /** Heart-rate alerts raised on the ride. */
  readonly alert_count: number;
}

/** A ride in a list, with its start in whole microseconds (the database's precision) for cursors. */
export interface ListedRideRow extends RideRow {
  readonly started_us: number;
}

/** A rider's columns as stored; every one may be null when the rider has been erased. */
export interface RiderRow {
  readonly rider_id: number;
  readonly title: string | null;
  readonly first_name: string;
  readonly last_name: string;
  readonly gender: string;
  readonly birth_date: string | null;
  readonly height_cm: number | null;
  readonly weight_kg: number | null;
  readonly email: string | null;
  readonly address_line_1: string | null;
  readonly address_line_2: string | null;
  readonly city: string | null;
  readonly postcode: string | null;
  readonly account_created: string | null;
  readonly original_source: string | null;
}

export interface ReadingRow {
  readonly elapsed_s: number;
  readonly recorded_at: Date;
  readonly heart_rate: number | null;
  readonly rpm: number | null;
  readonly resistance: number | null;
  readonly power_w: number | null;
}

/**
 * Where a page of rides starts: strictly older than this ride (newest first). The start is in
 * microseconds: a millisecond cursor could skip or repeat rides whose starts differ below it.
 */
export interface RideCursor {
  readonly startedUs: number;
  readonly rideId: number;
}

export interface RideQuery {
  readonly sinceMs?: number | undefined;
  readonly untilMs?: number | undefined;
  readonly riderId?: number | undefined;
  readonly bikeSerial?: string | undefined;
  readonly after?: RideCursor | undefined;
  readonly limit: number;
}

/** The columns of a `RideRow`, of rides aliased `r`. */
export const RIDE_COLUMNS = `r.ride_id, r.rider_id, r.bike_serial, r.started_at, r.ended_at,
  r.duration_s, r.reading_count, r.avg_heart_rate, r.min_heart_rate, r.max_heart_rate, r.avg_rpm,
  r.avg_resistance, r.avg_power_w, r.max_power_w, r.energy_kj, r.rider_age, r.personal_max_bpm,
  r.seconds_above_max,
  (SELECT count(*) FROM alerts a WHERE a.ride_id = r.ride_id)::int AS alert_count`;
/** A rider's columns but its id, of riders aliased `p`. */
export const RIDER_COLUMNS = `p.title, p.first_name, p.last_name, p.gender, p.birth_date, p.height_cm,
  p.weight_kg, p.email, p.address_line_1, p.address_line_2, p.city, p.postcode, p.account_created,
  p.original_source`;

/** Rides newest first, filtered; every filter is a bound parameter. */
export async function listRides(db: Queryable, q: RideQuery): Promise<ListedRideRow[]> {
  const f = new Filters()
    .whenInstant(q.sinceMs, (p) => `r.started_at >= ${p}`)
    .whenInstant(q.untilMs, (p) => `r.started_at < ${p}`)
    .when(q.riderId, (p) => `r.rider_id = ${p}`)
    .when(q.bikeSerial, (p) => `r.bike_serial = ${p}`);
  if (q.after) {
    const { startedUs, rideId } = q.after;
    f.when(
      startedUs,
      (us) =>
        `(r.started_at, r.ride_id) < (timestamptz 'epoch' + ${us}::bigint * interval '1 microsecond', ${f.bind(rideId)})`,
    );
  }
  return db.query<ListedRideRow>(
    `SELECT ${RIDE_COLUMNS}, (extract(epoch FROM r.started_at) * 1000000)::bigint AS started_us
     FROM rides r ${f.where()}
     ORDER BY r.started_at DESC, r.ride_id DESC LIMIT ${f.bind(q.limit)}`,
    f.params,
  );
}

/** The query behind one ride and its rider (exported for the API benchmark's baseline). */
export const RIDE_BY_ID_SQL = `SELECT ${RIDE_COLUMNS}, ${RIDER_COLUMNS}, p.rider_id IS NOT NULL AS has_rider
  FROM rides r LEFT JOIN riders p ON p.rider_id = r.rider_id WHERE r.ride_id = $1`;

/** One ride with its rider (null when the rider row is gone), in one round trip. */
export async function getRide(
  db: Queryable,
  rideId: number,
): Promise<{ ride: RideRow; rider: RiderRow | null } | null> {
  const rows = await db.query<RideRow & Omit<RiderRow, 'rider_id'> & { has_rider: boolean }>(
    RIDE_BY_ID_SQL,
    [rideId],
  );
  const row = rows[0];
  if (!row) return null;
  return { ride: row, rider: row.has_rider ? row : null };
}

/** A ride's per-second readings in order; only those after second `afterS` when given. */
export async function getReadings(
  db: Queryable,
  rideId: number,
  afterS?: number,
): Promise<ReadingRow[]> {
  const columns = 'elapsed_s, recorded_at, heart_rate, rpm, resistance, power_w';
  // The ride's month, found first, lets PostgreSQL read one partition instead of probing each.
  const month = `ride_started_on = (SELECT (started_at AT TIME ZONE 'UTC')::date FROM rides WHERE ride_id = $1)`;
  return afterS === undefined
    ? db.query<ReadingRow>(
        `SELECT ${columns} FROM readings WHERE ride_id = $1 AND ${month} ORDER BY elapsed_s`,
        [rideId],
      )
    : db.query<ReadingRow>(
        `SELECT ${columns} FROM readings WHERE ride_id = $1 AND ${month} AND elapsed_s > $2
         ORDER BY elapsed_s`,
        [rideId, afterS],
      );
}

/** A ride of a calendar day, with the rider columns the daily view shows. */
export type DailyRideRow = RideRow & Omit<RiderRow, 'rider_id'> & { has_rider: boolean };

/** Every ride started in [fromMs, untilMs), oldest first, with its rider. */
export async function ridesStartedBetween(
  db: Queryable,
  fromMs: number,
  untilMs: number,
): Promise<DailyRideRow[]> {
  return db.query<DailyRideRow>(
    `SELECT ${RIDE_COLUMNS}, ${RIDER_COLUMNS}, p.rider_id IS NOT NULL AS has_rider
     FROM rides r LEFT JOIN riders p ON p.rider_id = r.rider_id
     WHERE r.started_at >= $1 AND r.started_at < $2
     ORDER BY r.started_at, r.ride_id`,
    [new Date(fromMs).toISOString(), new Date(untilMs).toISOString()],
  );
}

export type DeleteRideResult =
  | { kind: 'deleted'; readings: number; alerts: number }
  | { kind: 'not_found' }
  | { kind: 'in_progress'; lastWrittenAt: Date };

/**
 * Deletes a ride with its readings and alerts in one transaction (readings have no foreign key),
 * and leaves a tombstone so that no replay of the feed brings it back. A ride that ingest wrote
 * to within `activeWindowS` (by the database's clock, not the bike's) is still being ridden and
 * is refused. The ride row is deleted first: its row lock orders this against an ingest batch
 * writing to the same ride.
 */
export async function deleteRide(
  tx: Queryable,
  rideId: number,
  activeWindowS: number,
): Promise<DeleteRideResult> {
  const gone = await tx.query<{
    bike_key: string;
    bike_serial: string;
    started_at: Date;
    open: boolean;
  }>(
    `DELETE FROM rides WHERE ride_id = $1
       AND NOT (ended_at IS NULL AND heard_at > now() - $2 * interval '1 second')
     RETURNING bike_key, bike_serial, started_at, ended_at IS NULL AS open`,
    [rideId, activeWindowS],
  );
  const ride = gone[0];
  if (!ride) {
    const open = await tx.query<{ heard_at: Date }>(
      'SELECT heard_at FROM rides WHERE ride_id = $1',
      [rideId],
    );
    return open[0]
      ? { kind: 'in_progress', lastWrittenAt: open[0].heard_at }
      : { kind: 'not_found' };
  }
  await suppressRides(
    tx,
    gone.filter((g) => g.open),
  );
  const [counts] = await tx.query<{ readings: number; alerts: number }>(
    `WITH r AS (DELETE FROM readings WHERE ride_id = $1 RETURNING 1),
          a AS (DELETE FROM alerts WHERE ride_id = $1 RETURNING 1),
          t AS (INSERT INTO deleted_rides (bike_serial, started_at) VALUES ($2, $3)
                ON CONFLICT DO NOTHING)
     SELECT (SELECT count(*) FROM r)::int AS readings, (SELECT count(*) FROM a)::int AS alerts`,
    [rideId, ride.bike_serial, ride.started_at],
  );
  return { kind: 'deleted', readings: counts?.readings ?? 0, alerts: counts?.alerts ?? 0 };
}
