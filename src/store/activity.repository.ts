import { AGE_BANDS } from '../domain/age.js';
import type { ActivityWindow } from '../domain/activity-window.js';
import { GENDERS, type Gender } from '../domain/rider.js';
import { ageBandIndex } from './age-band-sql.js';
import { readingWeighted, ridesOfPeriod } from './day-totals.repository.js';
import type { Queryable } from './db.js';
import { raw, run, sql } from './sql.js';

// The dashboard's recent-activity figures. Each selects its rides with ridesOfPeriod, the rule of
// periodTotals, so that every split adds up to the period's totals.

/** Rides of one group and the time ridden in them. */
export interface GroupFigures {
  readonly rideCount: number;
  /** Distinct riders of the group. */
  readonly riders: number;
  readonly durationS: number;
}

/** The span of rides a figure covers: those started in [fromMs, untilMs). */
export type Span = Pick<ActivityWindow, 'fromMs' | 'untilMs'>;

/** A span cut into `count` buckets of `bucketMs` from `originMs` (see ActivityWindow). */
export type Buckets = Span & Pick<ActivityWindow, 'originMs' | 'bucketMs' | 'count'>;

/** An age band's label, or 'unknown' for rides without the rider's age. */
export type AgeBandLabel = string;

/** One bucket of the power chart: the energy of the rides started in it, their average power. */
export interface PowerBucket {
  readonly atMs: number;
  /** Rides that started in the bucket. */
  readonly rideCount: number;
  readonly energyKj: number;
  /** Weighted by readings, as periodTotals' average; null without any. */
  readonly avgPowerW: number | null;
}

interface GroupRow {
  key: string | number | null;
  ride_count: number;
  riders: number;
  duration_s: number;
}

const zero: GroupFigures = { rideCount: 0, riders: 0, durationS: 0 };
const figures = (r: GroupRow | undefined): GroupFigures =>
  r ? { rideCount: r.ride_count, riders: r.riders, durationS: r.duration_s } : zero;
const GROUP_FIGURES = `count(*)::int AS ride_count, count(DISTINCT r.rider_id)::int AS riders,
  coalesce(sum(r.duration_s), 0)::float8 AS duration_s`;

/** Rides of the window by the rider's gender, every gender in GENDERS order, zeros included. */
export async function ridesByGender(
  db: Queryable,
  w: Span,
): Promise<(GroupFigures & { gender: Gender })[]> {
  // A ride whose rider row is missing counts as unknown, so that no ride drops out of the sum.
  const rows = await run<GroupRow>(
    db,
    sql`SELECT coalesce(p.gender, 'unknown') AS key, ${raw(GROUP_FIGURES)}
        FROM rides r LEFT JOIN riders p ON p.rider_id = r.rider_id
        WHERE ${ridesOfPeriod('r', w.fromMs, w.untilMs)}
        GROUP BY 1`,
  );
  return GENDERS.map((gender) => ({
    gender,
    ...figures(rows.find((r) => r.key === gender)),
  }));
}

/**
 * Rides of the window by the age band of the rider's age at the ride's start (`rides.rider_age`),
 * every band of AGE_BANDS in order and then 'unknown', zeros included.
 */
export async function ridesByAgeBand(
  db: Queryable,
  w: Span,
): Promise<(GroupFigures & { band: AgeBandLabel })[]> {
  const rows = await run<GroupRow>(
    db,
    sql`SELECT ${ageBandIndex('r.rider_age')} AS key, ${raw(GROUP_FIGURES)}
        FROM rides r WHERE ${ridesOfPeriod('r', w.fromMs, w.untilMs)}
        GROUP BY 1`,
  );
  return [
    ...AGE_BANDS.map((b, i) => ({ band: b.label, ...figures(rows.find((r) => r.key === i)) })),
    { band: 'unknown', ...figures(rows.find((r) => r.key === null)) },
  ];
}

/**
 * Energy and average power of the window's rides by the bucket of their start: every bucket of
 * the window, empty ones with no energy and no average. Read from the ride summaries (one row a
 * ride), never from the readings, so a week costs the same as an hour per ride.
 */
export async function powerOverTime(db: Queryable, w: Buckets): Promise<PowerBucket[]> {
  const rows = await run<{
    bucket: number;
    ride_count: number;
    energy_kj: number;
    avg_power_w: number | null;
  }>(
    db,
    sql`SELECT floor((date_part('epoch', r.started_at) * 1000 - ${w.originMs}::float8)
                     / ${w.bucketMs}::float8)::int AS bucket,
               count(*)::int AS ride_count,
               coalesce(sum(r.energy_kj), 0)::float8 AS energy_kj,
               ${readingWeighted('avg_power_w')} AS avg_power_w
        FROM rides r WHERE ${ridesOfPeriod('r', w.fromMs, w.untilMs)}
        GROUP BY 1`,
  );
  const byBucket = new Map(rows.map((r) => [r.bucket, r]));
  return Array.from({ length: w.count }, (_, i) => {
    const row = byBucket.get(i);
    return {
      atMs: w.originMs + i * w.bucketMs,
      rideCount: row?.ride_count ?? 0,
      energyKj: row?.energy_kj ?? 0,
      avgPowerW: row?.avg_power_w ?? null,
    };
  });
}

/** The start of the latest ride that started before `untilMs`, or null when there is none. */
export async function lastRideStart(db: Queryable, untilMs: number): Promise<Date | null> {
  const [row] = await db.query<{ at: Date | null }>(
    'SELECT max(started_at) AS at FROM rides WHERE started_at < $1',
    [new Date(untilMs).toISOString()],
  );
  return row?.at ?? null;
}
