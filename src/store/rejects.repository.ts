import type { Queryable } from './db.js';
import { run, sql, type Sql } from './sql.js';

/**
 * Deletes the rejected lines that `where` selects (at most `limit` of them) and keeps the
 * running counts that /metrics reads in step; returns how many went.
 */
export async function deleteRejects(
  q: Queryable,
  where: Sql,
  limit: number | null = null,
): Promise<number> {
  const [row] = await run<{ n: number }>(
    q,
    sql`WITH gone AS (
          DELETE FROM rejected_messages WHERE id IN (
            SELECT id FROM rejected_messages WHERE ${where}
            ${limit === null ? sql`` : sql`ORDER BY id LIMIT ${limit}`})
          RETURNING source, partition),
        per_partition AS (SELECT source, partition, count(*) AS n FROM gone GROUP BY source, partition),
        recounted AS (
          UPDATE rejected_counts c SET stored = greatest(c.stored - p.n, 0)
          FROM per_partition p WHERE c.source = p.source AND c.partition = p.partition)
        SELECT coalesce(sum(n), 0)::int AS n FROM per_partition`,
  );
  return row?.n ?? 0;
}

/** Deletes rejected lines received more than `retentionMs` ago, in slices; returns how many. */
export async function purgeOldRejects(
  q: Queryable,
  retentionMs: number,
  slice = 10_000,
): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await deleteRejects(
      q,
      sql`received_at < now() - ${retentionMs / 1000} * interval '1 second'`,
      slice,
    );
    total += n;
    if (n < slice) return total;
  }
}
