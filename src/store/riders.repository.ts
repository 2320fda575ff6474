import { accountPattern } from '../domain/rider.js';
import type { Queryable } from './db.js';
import type { RiderRow } from './rides.repository.js';
import { deleteRejects } from './rejects.repository.js';
import { sql, type Sql } from './sql.js';
import { suppressRides } from './suppressed-rides.repository.js';

/** A rider's totals over all their stored rides. */
export interface RiderStatsRow {
  readonly ride_count: number;
  readonly total_duration_s: number;
  readonly total_energy_kj: number;
  readonly avg_duration_s: number | null;
  readonly avg_heart_rate: number | null;
  readonly avg_power_w: number | null;
  readonly avg_rpm: number | null;
  readonly max_heart_rate: number | null;
  readonly first_ride_at: Date | null;
  readonly last_ride_at: Date | null;
}

/** Whether a rider is stored (one index probe, no totals). */
export async function riderExists(db: Queryable, riderId: number): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM riders WHERE rider_id = $1', [riderId]);
  return rows.length > 0;
}

/** One rider with their totals, or null. Averages are weighted by readings, not by rides. */
export async function getRider(
  db: Queryable,
  riderId: number,
): Promise<{ rider: RiderRow; stats: RiderStatsRow } | null> {
  const rows = await db.query<RiderRow & RiderStatsRow>(
    `SELECT p.rider_id, p.title, p.first_name, p.last_name, p.gender, p.birth_date, p.height_cm,
            p.weight_kg, p.email, p.address_line_1, p.address_line_2, p.city, p.postcode,
            p.account_created, p.original_source, s.* FROM riders p CROSS JOIN LATERAL (
       SELECT count(*)::int AS ride_count,
              coalesce(sum(duration_s), 0)::int AS total_duration_s,
              coalesce(sum(energy_kj), 0)::float8 AS total_energy_kj,
              avg(duration_s)::float8 AS avg_duration_s,
              (sum(avg_heart_rate * reading_count) / nullif(sum(reading_count) FILTER (WHERE avg_heart_rate IS NOT NULL), 0))::float8 AS avg_heart_rate,
              (sum(avg_power_w * reading_count) / nullif(sum(reading_count) FILTER (WHERE avg_power_w IS NOT NULL), 0))::float8 AS avg_power_w,
              (sum(avg_rpm * reading_count) / nullif(sum(reading_count) FILTER (WHERE avg_rpm IS NOT NULL), 0))::float8 AS avg_rpm,
              max(max_heart_rate) AS max_heart_rate,
              min(started_at) AS first_ride_at, max(started_at) AS last_ride_at
       FROM rides r WHERE r.rider_id = p.rider_id) s
     WHERE p.rider_id = $1`,
    [riderId],
  );
  const row = rows[0];
  return row ? { rider: row, stats: row } : null;
}

/**
 * Erasures hold this exclusively; ingest batches that store riders hold it shared. So a batch
 * either commits before an erasure reads what to delete, or sees the erasure and skips the rider.
 */
export const ERASURE_LOCK = 4_242_002;

/**
 * Orders an ingest batch against erasures: the batch either commits before an erasure reads what
 * to delete, or sees the erasure. Batches that store riders or lines naming one take it.
 */
export async function orderAfterErasures(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [ERASURE_LOCK]);
}

/** What an erasure removed. */
export interface ErasureRecord {
  readonly erasure_id: number;
  readonly rider_id: number;
  readonly rides_deleted: number;
  readonly readings_deleted: number;
  readonly alerts_deleted: number;
  readonly rejected_deleted: number;
  readonly erased_at: Date;
}

/**
 * Erases a rider (right to erasure): their personal data, rides, readings, alerts and the
 * rejected lines that name them, then records that it was done, without personal data.
 * Returns null when nothing of the rider is stored. Call inside a transaction. Feed lines of the
 * rider's rides that started before the erasure are refused by ingest from then on (a replay
 * must not bring them back); rides started after it are stored as new.
 */
export async function eraseRider(
  tx: Queryable,
  riderId: number,
  requestedBy: string,
): Promise<ErasureRecord | null> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [ERASURE_LOCK]);
  const [rider] = await tx.query<{ email: string | null }>(
    'DELETE FROM riders WHERE rider_id = $1 RETURNING email',
    [riderId],
  );
  // Ride rows next: their locks order this against an ingest batch still writing to one of them.
  const rides = await tx.query<{
    ride_id: number;
    started_at: Date;
    bike_key: string;
    bike_serial: string;
    open: boolean;
  }>(
    'DELETE FROM rides WHERE rider_id = $1 RETURNING ride_id, started_at, bike_key, bike_serial, ended_at IS NULL AS open',
    [riderId],
  );
  await suppressRides(
    tx,
    rides.filter((r) => r.open),
  );
  const ids = rides.map((r) => r.ride_id);
  // Tombstones: whatever source replays these rides, ingest refuses them (see deleted_rides).
  await tx.query(
    `INSERT INTO deleted_rides (bike_serial, started_at)
     SELECT * FROM unnest($1::text[], $2::timestamptz[]) ON CONFLICT DO NOTHING`,
    [rides.map((r) => r.bike_serial), rides.map((r) => r.started_at.toISOString())],
  );
  const latest = rides.length ? Math.max(...rides.map((r) => r.started_at.getTime())) : null;
  const [counts] = await tx.query<{ readings: number; alerts: number }>(
    `WITH x AS (DELETE FROM readings WHERE ride_id = ANY($1::bigint[]) RETURNING 1),
          a AS (DELETE FROM alerts WHERE rider_id = $2 OR ride_id = ANY($1::bigint[]) RETURNING 1)
     SELECT (SELECT count(*) FROM x)::int AS readings, (SELECT count(*) FROM a)::int AS alerts`,
    [ids, riderId],
  );
  // A stored report of a day they rode may name them (most active riders, alerts): its PDF goes,
  // and the day's report is built again, without them, when it is next asked for.
  await tx.query(
    `UPDATE reports p SET pdf = NULL, summary = NULL, generated_at = NULL
     WHERE p.pdf IS NOT NULL AND EXISTS (
       SELECT 1 FROM unnest($1::timestamptz[]) AS s (at)
       WHERE (s.at AT TIME ZONE p.time_zone)::date = p.day)`,
    [rides.map((r) => r.started_at.toISOString())],
  );
  const rejected = await deleteRejects(tx, rejectsNaming(riderId, rider?.email ?? null));
  // Nothing of theirs was stored (not even a rejected line naming them): nothing to record.
  if (!rider && ids.length === 0 && rejected === 0) return null;
  const [record] = await tx.query<ErasureRecord>(
    `INSERT INTO erasures (rider_id, requested_by, rides_deleted, readings_deleted, alerts_deleted,
       rejected_deleted, erased_through) VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING erasure_id, rider_id, rides_deleted, readings_deleted, alerts_deleted,
       rejected_deleted, erased_at`,
    [
      riderId,
      requestedBy,
      ids.length,
      counts?.readings ?? 0,
      counts?.alerts ?? 0,
      rejected,
      latest === null ? null : new Date(latest).toISOString(),
    ],
  );
  if (!record) throw new Error('erasure record was not written');
  return record;
}

/**
 * The rejected lines that name a rider: by the account the line was read to name (any form the
 * feed wrote it in), or, for lines that could not be read, by the account number in the raw text
 * as a number or a string, JSON-escaped inside the envelope or not, or by their email address.
 */
function rejectsNaming(riderId: number, email: string | null): Sql {
  const idInRaw = accountPattern(riderId);
  const byEmail = email === null ? sql`false` : sql`strpos(raw, ${email}::text) > 0`;
  return sql`(rider_id = ${riderId} OR raw ~ ${idInRaw} OR ${byEmail})`;
}
