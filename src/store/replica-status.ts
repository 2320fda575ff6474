import type { Queryable } from './db.js';

/**
 * How far a streaming replica's replay is behind, in seconds; null on a primary (or before the
 * replica replayed anything). A replica that has replayed all it received is 0 behind, however
 * long ago the primary last wrote.
 */
export async function replayLagSeconds(db: Queryable): Promise<number | null> {
  const [row] = await db.query<{ lag_s: number | null }>(
    `SELECT (CASE
               WHEN NOT pg_is_in_recovery() THEN NULL
               WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
               ELSE greatest(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp()))
             END)::float8 AS lag_s`,
  );
  return row?.lag_s ?? null;
}
