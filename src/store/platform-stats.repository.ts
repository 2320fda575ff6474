import type { Queryable } from './db.js';

/** Figures about the stored data that any process can report, whoever ingested it. */
export interface PlatformStats {
  readonly alertsByState: Record<string, number>;
  readonly rejectedMessages: number;
  readonly openRides: number;
  /** Seconds since the newest reading of any open ride (null: no open ride). */
  readonly feedLagS: number | null;
}

/**
 * Reads the platform's figures in one round trip. Its cost does not grow with the feed's history:
 * rejects come from their running counts, open rides from their partial index; only alerts are
 * counted (callers cache the result).
 */
export async function readPlatformStats(db: Queryable): Promise<PlatformStats> {
  const [row] = await db.query<{
    alerts: Record<string, number> | null;
    rejected: number;
    open_rides: number;
    lag_s: number | null;
  }>(
    `SELECT (SELECT jsonb_object_agg(state, n) FROM (SELECT state, count(*)::int AS n FROM alerts GROUP BY state) a) AS alerts,
            (SELECT coalesce(sum(stored), 0)::float8 FROM rejected_counts) AS rejected,
            o.open_rides, o.lag_s
     FROM (SELECT count(*)::int AS open_rides,
                  extract(epoch FROM now() - max(started_at + duration_s * interval '1 second')
                    -- A bike whose clock is ahead says nothing about how far behind the feed is.
                    FILTER (WHERE started_at + duration_s * interval '1 second' <= now() + interval '5 minutes'))::float8 AS lag_s
           FROM rides WHERE ended_at IS NULL) o`,
  );
  return {
    alertsByState: row?.alerts ?? {},
    rejectedMessages: row?.rejected ?? 0,
    openRides: row?.open_rides ?? 0,
    feedLagS: row?.lag_s ?? null,
  };
}
