import type { Queryable } from './db.js';
import { raw, run, sql, type Sql } from './sql.js';

/**
 * A period's totals over the rides that started in it: the one definition of "a day's figures"
 * that the API, the dashboard, the report and the BI views read.
 */
export interface PeriodTotals {
  readonly rideCount: number;
  readonly riders: number;
  readonly totalDurationS: number;
  readonly totalEnergyKj: number;
  /** Weighted by readings, so a long ride counts for more than a short one; null without any. */
  readonly avgHeartRate: number | null;
  /** Weighted by readings, as the heart rate; null without any. */
  readonly avgPowerW: number | null;
  readonly alerts: number;
  /** Seconds riders spent above their personal maximum heart rate. */
  readonly secondsAboveMax: number;
}

/**
 * Which rides a period holds: those that started in [fromMs, untilMs), for the rides table under
 * the (constant) `alias`. Every figure of a period (these totals, the dashboard's splits and
 * charts) selects its rides with this, so their counts add up.
 */
export function ridesOfPeriod(alias: string, fromMs: number, untilMs: number): Sql {
  const at = raw(`${alias}.started_at`);
  return sql`${at} >= ${new Date(fromMs).toISOString()} AND ${at} < ${new Date(untilMs).toISOString()}`;
}

/**
 * The average of a ride summary column (a constant name) over rides `r`, weighted by their
 * readings, so a long ride counts for more than a short one; null without any.
 */
export function readingWeighted(column: 'avg_heart_rate' | 'avg_power_w'): Sql {
  return raw(`(sum(r.${column} * r.reading_count)
    / nullif(sum(r.reading_count) FILTER (WHERE r.${column} IS NOT NULL), 0))::float8`);
}

/** The totals of the rides started in [fromMs, untilMs), in one query over the ride summaries. */
export async function periodTotals(
  db: Queryable,
  fromMs: number,
  untilMs: number,
): Promise<PeriodTotals> {
  const [row] = await run<{
    ride_count: number;
    riders: number;
    total_duration_s: number;
    total_energy_kj: number;
    avg_heart_rate: number | null;
    avg_power_w: number | null;
    alerts: number;
    seconds_above_max: number;
  }>(
    db,
    sql`SELECT count(*)::int AS ride_count,
            count(DISTINCT r.rider_id)::int AS riders,
            coalesce(sum(r.duration_s), 0)::float8 AS total_duration_s,
            coalesce(sum(r.energy_kj), 0)::float8 AS total_energy_kj,
            ${readingWeighted('avg_heart_rate')} AS avg_heart_rate,
            ${readingWeighted('avg_power_w')} AS avg_power_w,
            (SELECT count(*) FROM alerts a JOIN rides x USING (ride_id)
             WHERE ${ridesOfPeriod('x', fromMs, untilMs)})::int AS alerts,
            coalesce(sum(r.seconds_above_max), 0)::float8 AS seconds_above_max
     FROM rides r WHERE ${ridesOfPeriod('r', fromMs, untilMs)}`,
  );
  return {
    rideCount: row?.ride_count ?? 0,
    riders: row?.riders ?? 0,
    totalDurationS: row?.total_duration_s ?? 0,
    totalEnergyKj: row?.total_energy_kj ?? 0,
    avgHeartRate: row?.avg_heart_rate ?? null,
    avgPowerW: row?.avg_power_w ?? null,
    alerts: row?.alerts ?? 0,
    secondsAboveMax: row?.seconds_above_max ?? 0,
  };
}
