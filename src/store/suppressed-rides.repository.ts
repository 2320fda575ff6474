import type { IgnoredRide } from '../domain/ride.js';
import type { Queryable } from './db.js';

/** A ride that was open when it was deleted or erased: its bike and start. */
export interface SuppressedRide {
  readonly bike_key: string;
  readonly started_at: Date;
}

/** Records rides that were open when deleted, so that a restarted ingest keeps ignoring them. */
export async function suppressRides(
  tx: Queryable,
  rides: readonly SuppressedRide[],
): Promise<void> {
  if (rides.length === 0) return;
  // One row per bike, in this statement and in the table: the latest ride wins.
  const latest = new Map<string, Date>();
  for (const r of rides)
    if ((latest.get(r.bike_key)?.getTime() ?? -Infinity) < r.started_at.getTime())
      latest.set(r.bike_key, r.started_at);
  await tx.query(
    `INSERT INTO suppressed_rides (bike_key, started_at)
     SELECT * FROM unnest($1::text[], $2::timestamptz[])
     ON CONFLICT (bike_key) DO UPDATE SET started_at = EXCLUDED.started_at, suppressed_at = now()
       WHERE suppressed_rides.started_at < EXCLUDED.started_at`,
    [[...latest.keys()], [...latest.values()].map((d) => d.toISOString())],
  );
}

/**
 * Rides deleted or erased while open, whose bikes the tracker must go on ignoring until their
 * next ride. A bike that has started a ride since has moved on and is left out.
 */
export async function loadSuppressedRides(
  db: Queryable,
  bikeKeys?: readonly string[],
): Promise<IgnoredRide[]> {
  const rows = await db.query<SuppressedRide>(
    `SELECT s.bike_key, s.started_at FROM suppressed_rides s
     WHERE ($1::text[] IS NULL OR s.bike_key = ANY($1::text[]))
       AND NOT EXISTS (SELECT 1 FROM rides r WHERE r.bike_key = s.bike_key AND r.started_at >= s.started_at)`,
    [bikeKeys ? [...bikeKeys] : null],
  );
  return rows.map((row) => ({ bikeKey: row.bike_key, startedAtMs: row.started_at.getTime() }));
}
