import { HEART_RATE_ZONES, type HeartRateZone } from '../domain/heart-rate-zones.js';
import type { Queryable } from './db.js';
import {
  RIDE_COLUMNS,
  RIDER_COLUMNS,
  type DailyRideRow,
  type ReadingRow,
} from './rides.repository.js';
import { run, sql, raw } from './sql.js';
import { zoneIndex } from './zone-sql.js';

// Exports read in keyset pages, each its own short statement: a cursor would hold a transaction
// (and PGlite's only connection) open for as long as the slowest client takes to download.

/** Where the next page of an export's rides starts: after this ride, in start order. */
export interface RideKey {
  /** The start in whole microseconds: the database's precision, which a Date would round. */
  readonly startedUs: number;
  readonly rideId: number;
}

/** A ride with its rider's columns, and its key in the export's order. */
export type ExportRideRow = DailyRideRow & { readonly started_us: number };

/**
 * Up to `limit` rides started in [fromMs, untilMs) after `after`, oldest first (start, then id:
 * the order of `/api/daily`), with their riders.
 */
export async function exportRidesPage(
  db: Queryable,
  span: { readonly fromMs: number; readonly untilMs: number },
  after: RideKey | null,
  limit: number,
): Promise<ExportRideRow[]> {
  const keyset = after
    ? sql`AND (r.started_at, r.ride_id) >
            (timestamptz 'epoch' + ${after.startedUs}::bigint * interval '1 microsecond', ${after.rideId})`
    : raw('');
  return run<ExportRideRow>(
    db,
    sql`SELECT ${raw(RIDE_COLUMNS)}, ${raw(RIDER_COLUMNS)}, p.rider_id IS NOT NULL AS has_rider,
          (extract(epoch FROM r.started_at) * 1000000)::bigint AS started_us
        FROM rides r LEFT JOIN riders p ON p.rider_id = r.rider_id
        WHERE r.started_at >= ${new Date(span.fromMs).toISOString()}
          AND r.started_at < ${new Date(span.untilMs).toISOString()} ${keyset}
        ORDER BY r.started_at, r.ride_id
        LIMIT ${limit}`,
  );
}

/** A reading with the heart-rate zone it reaches of the ride's personal maximum. */
export interface ZonedReadingRow extends ReadingRow {
  /** null when the rate or the maximum is unknown, or the rate is 0. */
  readonly zone: HeartRateZone['id'] | null;
}

/** Whether a ride of this id is stored. */
export async function rideExists(db: Queryable, rideId: number): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM rides WHERE ride_id = $1', [rideId]);
  return rows.length > 0;
}

/**
 * Up to `limit` of a ride's readings after second `afterS` (-1: from the start), in order, each
 * with the zone it reaches of the ride's personal maximum by the shared rule (zone-sql.ts).
 */
export async function exportReadingsPage(
  db: Queryable,
  rideId: number,
  afterS: number,
  limit: number,
): Promise<ZonedReadingRow[]> {
  const rows = await run<ReadingRow & { zone_index: number | null }>(
    db,
    sql`SELECT g.elapsed_s, g.recorded_at, g.heart_rate, g.rpm, g.resistance, g.power_w,
          ${zoneIndex('g.heart_rate', 'r.personal_max_bpm')} AS zone_index
        FROM readings g JOIN rides r ON r.ride_id = g.ride_id
        WHERE g.ride_id = ${rideId} AND g.elapsed_s > ${afterS}
        ORDER BY g.elapsed_s
        LIMIT ${limit}`,
  );
  return rows.map(({ zone_index, ...r }) => ({
    ...r,
    zone: zone_index === null ? null : (HEART_RATE_ZONES[zone_index]?.id ?? null),
  }));
}
