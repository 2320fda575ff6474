import type { Queryable } from './db.js';

/** A stored resume position and the identity of what it is a position in (files), or null. */
export interface StoredOffset {
  readonly position: number;
  readonly identity: string | null;
}

/** Stored resume positions of a source, per partition (all partitions when none are named). */
export async function loadPositions(
  db: Queryable,
  source: string,
  partitions?: readonly number[],
): Promise<Map<number, StoredOffset>> {
  const rows = await db.query<{ partition: number; position: number; identity: string | null }>(
    `SELECT partition, position, identity FROM source_offsets
     WHERE source = $1 AND ($2::int[] IS NULL OR partition = ANY($2::int[]))`,
    [source, partitions ? [...partitions] : null],
  );
  return new Map(
    rows.map((r) => [r.partition, { position: Number(r.position), identity: r.identity }]),
  );
}
