import type { Queryable } from './db.js';
import { readingWeighted, ridesOfPeriod } from './day-totals.repository.js';
import type { Span } from './activity.repository.js';
import { run, sql } from './sql.js';
import { zoneIndex } from './zone-sql.js';

// The daily report's figures beyond the dashboard's: each selects its rides with ridesOfPeriod,
// as periodTotals does, so that every table and chart adds up to the day's totals.

/** Rides of the span by the zone of their average heart rate (index in HEART_RATE_ZONES). */
export interface ZoneFigures {
  /** null: unknown (no age, so no maximum; or no heart-rate contact). */
  readonly zoneIndex: number | null;
  readonly rideCount: number;
  readonly durationS: number;
}

/** Rides of the span by zone; only the zones that have rides. */
export async function ridesByZone(db: Queryable, w: Span): Promise<ZoneFigures[]> {
  const rows = await run<{ zone: number | null; ride_count: number; duration_s: number }>(
    db,
    sql`SELECT ${zoneIndex('r.avg_heart_rate', 'r.personal_max_bpm')} AS zone,
               count(*)::int AS ride_count, coalesce(sum(r.duration_s), 0)::float8 AS duration_s
        FROM rides r WHERE ${ridesOfPeriod('r', w.fromMs, w.untilMs)}
        GROUP BY 1`,
  );
  return rows.map((r) => ({ zoneIndex: r.zone, rideCount: r.ride_count, durationS: r.duration_s }));
}

/** A rider's rides in the span, with who they are (personal data: the caller decides). */
export interface ActiveRiderRow {
  readonly rider_id: number;
  readonly title: string | null;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly gender: string | null;
  /** Age at their first ride of the span. */
  readonly age: number | null;
  readonly ride_count: number;
  readonly duration_s: number;
  readonly energy_kj: number;
  readonly avg_power_w: number | null;
  readonly avg_heart_rate: number | null;
}

/** The riders who put out the most energy in the span, most first (ties by rider id). */
export async function mostActiveRiders(
  db: Queryable,
  w: Span,
  limit: number,
): Promise<ActiveRiderRow[]> {
  return run<ActiveRiderRow>(
    db,
    sql`WITH top AS (
          SELECT r.rider_id, count(*)::int AS ride_count,
                 coalesce(sum(r.duration_s), 0)::float8 AS duration_s,
                 coalesce(sum(r.energy_kj), 0)::float8 AS energy_kj,
                 ${readingWeighted('avg_power_w')} AS avg_power_w,
                 ${readingWeighted('avg_heart_rate')} AS avg_heart_rate,
                 (array_agg(r.rider_age ORDER BY r.started_at))[1] AS age
          FROM rides r WHERE ${ridesOfPeriod('r', w.fromMs, w.untilMs)}
          GROUP BY r.rider_id
          ORDER BY energy_kj DESC, r.rider_id LIMIT ${limit})
        SELECT t.*, p.title, p.first_name, p.last_name, p.gender
        FROM top t LEFT JOIN riders p ON p.rider_id = t.rider_id
        ORDER BY t.energy_kj DESC, t.rider_id`,
  );
}

/** An alert raised on a ride of the span. */
export interface ReportAlertRow {
  readonly alert_id: number;
  readonly detected_at: Date;
  readonly kind: 'high' | 'low';
  readonly bike_serial: string;
  readonly rider_id: number;
  readonly title: string | null;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly limit_bpm: number;
  readonly peak_bpm: number;
  readonly state: 'queued' | 'sent' | 'failed';
}

/**
 * The first `limit` alerts raised on rides started in the span (the rides periodTotals counts
 * them by), in the order they were detected.
 */
export async function alertsOfSpan(
  db: Queryable,
  w: Span,
  limit: number,
): Promise<ReportAlertRow[]> {
  return run<ReportAlertRow>(
    db,
    sql`SELECT c.alert_id, c.detected_at, c.kind, r.bike_serial, c.rider_id, c.limit_bpm, c.state,
               p.title, p.first_name, p.last_name,
               (SELECT CASE WHEN c.kind = 'high' THEN max((x ->> 'bpm')::int)
                            ELSE min((x ->> 'bpm')::int) END
                FROM jsonb_array_elements(c.readings) x) AS peak_bpm
        FROM alerts c JOIN rides r ON r.ride_id = c.ride_id
        LEFT JOIN riders p ON p.rider_id = c.rider_id
        WHERE ${ridesOfPeriod('r', w.fromMs, w.untilMs)}
        ORDER BY c.detected_at, c.alert_id LIMIT ${limit}`,
  );
}
