import type { Queryable } from './db.js';

/** Stored resume positions of a source, per partition (all partitions when none are named). */
export async function loadPositions(
  db: Queryable,
  source: string,
  partitions?: readonly number[],
): Promise<Map<number, number>> {
  const rows = await db.query<{ partition: number; position: number }>(
    `SELECT partition, position FROM source_offsets
     WHERE source = $1 AND ($2::int[] IS NULL OR partition = ANY($2::int[]))`,
    [source, partitions ? [...partitions] : null],
  );
  return new Map(rows.map((r) => [r.partition, Number(r.position)]));
}
