import { readingWeighted } from './day-totals.repository.js';
import type { Db, Queryable } from './db.js';
import { raw, run, sql } from './sql.js';

// Recomputes the ready-made BI figures (analytics_daily, _hourly, _demographics) of the days the
// triggers of migration 013 marked as changed. A day is recomputed whole from its rides with the
// store's shared definitions (readingWeighted, the rides started in the day), so the figures are
// exact whatever changed: a ride's new readings, its end, a deletion, an erasure.

// Any constant shared by all processes: one recompute at a time, the others skip their turn.
const REFRESH_LOCK = 4_242_013;
// Days per statement: a rebuild of a year goes in month-sized steps, not one giant sort.
const DAYS_PER_STEP = 31;

/** What one refresh did. */
export type AnalyticsRefresh =
  | { readonly kind: 'refreshed'; readonly days: number }
  | { readonly kind: 'idle' }
  | { readonly kind: 'busy' };

const FIGURES = `count(*)::int AS rides, count(DISTINCT r.rider_id)::int AS riders,
  coalesce(sum(r.duration_s), 0)::float8 AS ride_time_s,
  coalesce(sum(r.energy_kj), 0)::float8 AS energy_kj`;

/** Recomputes the figures of every day changed since the last refresh, in one transaction. */
export async function refreshAnalytics(db: Db): Promise<AnalyticsRefresh> {
  return db.transaction(async (tx) => {
    const [lock] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [
      REFRESH_LOCK,
    ]);
    if (!lock?.ok) return { kind: 'busy' } as const;
    // Only the rows this statement sees go: a change committed after it stays for the next turn,
    // and the recompute below (a later statement) sees everything committed before it.
    // Distinct in SQL: loading a year's rides leaves millions of change rows, a handful of values.
    const [changed] = await tx.query<{ days: string[] | null; riders: string[] | null }>(
      `WITH gone AS (DELETE FROM analytics_changes RETURNING day, rider_id)
       SELECT array_agg(DISTINCT day::text ORDER BY day::text) AS days,
         array_agg(DISTINCT rider_id::text) FILTER (WHERE rider_id IS NOT NULL) AS riders
       FROM gone`,
    );
    const days = changed?.days ?? [];
    if (days.length === 0) return { kind: 'idle' } as const;
    const riders = (changed?.riders ?? []).map(Number);
    await recountRiders(tx, riders);
    // A day's statement reads a few thousand rides; PostgreSQL's JIT compiler, which a large
    // estimate can set off, costs more than it saves there.
    await tx.query('SET LOCAL jit = off');
    const [state] = await tx.query<{ time_zone: string | null }>(
      'SELECT time_zone FROM analytics_state',
    );
    const timeZone = state?.time_zone ?? 'UTC';
    for (let i = 0; i < days.length; i += DAYS_PER_STEP) {
      const step = days.slice(i, i + DAYS_PER_STEP);
      await run(
        tx,
        sql`WITH gone AS (DELETE FROM analytics_daily WHERE day = ANY(${step}::date[])),
             gone_h AS (DELETE FROM analytics_hourly WHERE day = ANY(${step}::date[])),
             gone_d AS (DELETE FROM analytics_demographics WHERE day = ANY(${step}::date[]))
           SELECT 1`,
      );
      await run(
        tx,
        sql`WITH r AS MATERIALIZED (
              SELECT x.local_day AS day, x.ride_id, x.rider_id, x.started_at, x.duration_s,
                x.energy_kj, x.avg_heart_rate, x.avg_power_w, x.reading_count, x.seconds_above_max,
                x.rider_age, coalesce(p.gender, 'unknown') AS gender,
                (SELECT count(*) FROM alerts a WHERE a.ride_id = x.ride_id)::int AS alerts
              FROM rides x LEFT JOIN riders p ON p.rider_id = x.rider_id
              WHERE x.local_day = ANY(${step}::date[])),
            daily AS (
              INSERT INTO analytics_daily (day, rides, riders, ride_time_s, energy_kj,
                avg_heart_rate, avg_power_w, alerts, seconds_above_max, readings)
              SELECT r.day, ${raw(FIGURES)}, ${readingWeighted('avg_heart_rate')},
                ${readingWeighted('avg_power_w')}, coalesce(sum(r.alerts), 0)::int,
                coalesce(sum(r.seconds_above_max), 0)::float8, coalesce(sum(r.reading_count), 0)
              FROM r GROUP BY r.day),
            hourly AS (
              INSERT INTO analytics_hourly (day, hour, rides, riders, ride_time_s, energy_kj,
                avg_heart_rate, avg_power_w, alerts, seconds_above_max)
              SELECT r.day, extract(hour FROM r.started_at AT TIME ZONE ${timeZone})::int,
                ${raw(FIGURES)}, ${readingWeighted('avg_heart_rate')},
                ${readingWeighted('avg_power_w')}, coalesce(sum(r.alerts), 0)::int,
                coalesce(sum(r.seconds_above_max), 0)::float8
              FROM r GROUP BY 1, 2)
          INSERT INTO analytics_demographics (day, gender, band_order, rides, riders, ride_time_s,
            energy_kj, avg_heart_rate, avg_power_w, alerts, seconds_above_max)
          SELECT r.day, r.gender, analytics.age_band_order(r.rider_age), ${raw(FIGURES)},
            ${readingWeighted('avg_heart_rate')}, ${readingWeighted('avg_power_w')},
            coalesce(sum(r.alerts), 0)::int, coalesce(sum(r.seconds_above_max), 0)::float8
          FROM r GROUP BY 1, 2, 3`,
      );
    }
    return { kind: 'refreshed', days: days.length } as const;
  });
}

/** Counts again the rides of riders whose rides came or went (an erased rider's row goes). */
async function recountRiders(tx: Queryable, riders: readonly number[]): Promise<void> {
  if (riders.length === 0) return;
  await tx.query('DELETE FROM analytics_rider_rides WHERE rider_id = ANY($1::bigint[])', [riders]);
  await tx.query(
    `INSERT INTO analytics_rider_rides (rider_id, ride_count, first_ride_at, last_ride_at)
     SELECT rider_id, count(*)::int, min(started_at), max(started_at) FROM rides
     WHERE rider_id = ANY($1::bigint[]) GROUP BY rider_id`,
    [riders],
  );
}

/** How far behind the BI figures are: the days waiting to be recomputed. */
export async function analyticsBacklog(db: Db): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'SELECT count(DISTINCT day)::int AS n FROM analytics_changes',
  );
  return row?.n ?? 0;
}
